import DskitKV
import Memberlist
import MemberlistWire
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TestSupport

/// The observer session (the shell) over dskit's TCP framing against a Swift dskit-shaped node on loopback: each
/// kind of directive performed for real (packets sent with our sender address, a relay timer firing, stream replies,
/// events), the codec's drops, and the leave on every exit path. The rules themselves: ObserverInstanceTests.
@Suite("ObserverSession")
struct ObserverSessionTests {
    static let label = "swift-cluster"
    static let kvState = KVState(pairs: [
        KeyValuePair(key: "collectors/ring", value: [1, 2, 3], codec: .ringDesc, updateTimeMillis: 1_767_225_600_000)
    ])

    /// What the Swift node received, in order.
    actor Received {
        var streams: [StreamEnvelope] = []
        var packets: [(sender: String, message: Message)] = []

        func append(stream: StreamEnvelope) { streams.append(stream) }
        func append(packet message: Message, sender: String) {
            for part in message.flattened { packets.append((sender, part)) }
        }
        func messages() -> [Message] { packets.map(\.message) }
        func senders() -> [String] { packets.map(\.sender) }
    }

    /// A dskit node at `selfAddress` named "peer-0": answers push/pulls with itself and a KV state, records every
    /// packet, and acks pings (to SourceAddr:SourcePort, by a packet connection of its own).
    static func dskitNode(_ received: Received, selfAddress: @escaping @Sendable () -> String) -> LoopbackServer.Handler {
        { inbound, outbound in
            var bytes: [UInt8] = []
            for try await chunk in inbound {
                bytes.append(contentsOf: chunk.readableBytesView)
                if bytes.first == DskitFrameKind.stream.rawValue,
                    let (envelope, _) = try StreamEnvelope.decodeIfComplete(
                        Array(bytes.dropFirst()), direction: .dialer, expectedLabel: label)
                {
                    await received.append(stream: envelope)
                    let (host, port) = try PeerAddress.split(selfAddress())
                    let me = PushNodeState(
                        name: "peer-0", address: NodeAddress(host)!.ipv4Mapped, port: UInt16(port), incarnation: 4,
                        state: .alive, vsn: ProtocolVersions.memberlistDefault.vsn)
                    let reply = PushPull(join: false, nodes: [me], userState: kvState.fullStateBytes())
                    let encoded = try StreamEnvelope(message: .pushPull(reply), compression: .snappy)
                        .encoded(direction: .listener)
                    try await outbound.write(ByteBuffer(bytes: encoded))
                    return
                }
            }
            guard bytes.first == DskitFrameKind.packet.rawValue else { return }
            let packet = try DskitPacket.decode(bytes)
            let envelope = try packet.envelope(expectedLabel: label)
            await received.append(packet: envelope.message, sender: packet.senderAddress)
            for case .ping(let ping) in envelope.message.flattened {
                guard let source = ping.sourceAddress else { continue }
                try await sendPacket(
                    .ack(AckResponse(seqNo: ping.seqNo)), to: source.hostPort(ping.sourcePort), from: selfAddress())
            }
        }
    }

    /// Writes one dskit packet connection to `peer`, as a dskit node at `from` would.
    static func sendPacket(
        _ message: Message, to peer: String, from: String, label: String = label, corruptDigest: Bool = false
    ) async throws {
        let (host, port) = try PeerAddress.split(peer)
        let payload = try PacketEnvelope(message: message, label: label, hasChecksum: true).encoded()
        var frame = try DskitPacket(senderAddress: from, payload: payload).encoded()
        if corruptDigest { frame[frame.count - 1] ^= 0xFF }  // the last byte of the MD5 trailer
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { _, outbound in
            try await outbound.write(ByteBuffer(bytes: frame))
        }
    }

    static func configuration(name: String = "ringctl-test-observer") -> ObserverConfiguration {
        ObserverConfiguration(
            transport: .dskit, clusterLabel: label, nodeName: name, bindHost: "127.0.0.1", timeout: .seconds(5),
            // Generous: a relayed ping's ack must come back within it while other suites load the machine.
            probeTimeout: .seconds(2))
    }

    /// The dead messages the node received.
    static func deaths(_ received: Received) async -> [DeadMessage] {
        await received.messages().compactMap {
            if case .dead(let dead) = $0 { return dead }
            return nil
        }
    }

    @Test("join: one push/pull with Join, our alive node only, no user state; the reply's members and KV kept")
    func join() async throws {
        let received = Received()
        let address = AddressBox()
        let outcome = try await LoopbackServer.with(Self.dskitNode(received, selfAddress: address.get)) { server in
            address.set(server.address)
            let outcome = try await withObserver(Self.configuration()) { session in
                let joined = try await session.join(peer: server.address)
                #expect(joined.nodes.map(\.name) == ["peer-0"])
                #expect(try KVState(fullState: joined.userState) == Self.kvState)
                #expect(joined.compression == .snappy)
                let snapshot = await session.snapshot()
                #expect(snapshot.members.map(\.name) == ["peer-0"])
                #expect(snapshot.seed == server.address)
                return snapshot.local
            }
            // The leave was written before the scope returned; the node records it once it has read it.
            try await eventually("the node to receive the leave") { await !Self.deaths(received).isEmpty }
            return outcome
        }
        // The join, then (after the leave) the confirmation: a push/pull as a peek sends it, with no node of ours.
        let streams = await received.streams
        #expect(streams.count == 2)
        guard case .pushPull(let confirmation) = streams.last?.message else {
            Issue.record("expected a confirming push/pull, got \(streams)")
            return
        }
        #expect(!confirmation.join && confirmation.nodes.isEmpty && confirmation.userState.isEmpty)
        guard case .pushPull(let request) = streams.first?.message else {
            Issue.record("expected a push/pull, got \(streams)")
            return
        }
        #expect(streams.first?.label == Self.label)
        #expect(request.join)
        #expect(request.userState.isEmpty)
        #expect(request.nodes.count == 1)
        let me = try #require(request.nodes.first)
        #expect(me.name == "ringctl-test-observer")
        #expect(me.state == .alive)
        #expect(me.incarnation == 1)
        #expect(me.versions == ProtocolVersions.memberlistDefault)
        #expect(me.address.description == "127.0.0.1")
        #expect(Int(me.port) == outcome.value.map { Int($0.port) })
        // Leaving told the node, with From == Node.
        #expect(await Self.deaths(received) == [DeadMessage(incarnation: 1, node: me.name, from: me.name)])
        #expect(outcome.leave.sentTo == [address.get()])
        #expect(outcome.leave.failures.isEmpty)
    }

    @Test("joined: pings are acked by a dskit packet carrying our address; suspicion is refuted at incarnation 2")
    func probesAndSuspicion() async throws {
        let received = Received()
        let address = AddressBox()
        let outcome = try await LoopbackServer.with(Self.dskitNode(received, selfAddress: address.get)) { server in
            address.set(server.address)
            let outcome = try await withObserver(Self.configuration()) { session in
                _ = try await session.join(peer: server.address)
                let observer = "127.0.0.1:\(session.boundPort)"
                let name = session.configuration.nodeName
                try await Self.sendPacket(.ping(PingMessage(seqNo: 77, node: name)), to: observer, from: server.address)
                try await eventually("the ack of ping 77") {
                    await received.messages().contains(.ack(AckResponse(seqNo: 77)))
                }
                #expect(await received.senders().allSatisfy { $0 == observer })
                // A ping for another node name is not answered (memberlist checks ping.Node).
                try await Self.sendPacket(.ping(PingMessage(seqNo: 78, node: "someone-else")), to: observer, from: server.address)
                try await Self.sendPacket(
                    .suspect(SuspectMessage(incarnation: 1, node: name, from: "peer-0")), to: observer,
                    from: server.address)
                try await eventually("the refutation") {
                    await received.messages().contains {
                        if case .alive(let alive) = $0 { return alive.node == name && alive.incarnation == 2 }
                        return false
                    }
                }
                #expect(await !received.messages().contains(.ack(AckResponse(seqNo: 78))))
                return await session.memberTable?.local.incarnation
            }
            try await eventually("the node to receive the leave") { await !Self.deaths(received).isEmpty }
            return outcome
        }
        #expect(outcome.value == 2)
        // The leave carries the refuted incarnation.
        #expect(await Self.deaths(received) == [DeadMessage(incarnation: 2, node: "ringctl-test-observer", from: "ringctl-test-observer")])
    }

    @Test("indirect ping: the target's ack is relayed; a silent target gets a nack when asked")
    func indirectPing() async throws {
        let received = Received()
        let address = AddressBox()
        try await LoopbackServer.with(Self.dskitNode(received, selfAddress: address.get)) { server in
            address.set(server.address)
            _ = try await withObserver(Self.configuration()) { session in
                _ = try await session.join(peer: server.address)
                let observer = "127.0.0.1:\(session.boundPort)"
                let here = NodeAddress(ipv4: 127, 0, 0, 1)
                let request = IndirectPingRequest(
                    seqNo: 500, target: here, port: UInt16(server.port), node: "peer-0", nack: true,
                    sourceAddress: here, sourcePort: UInt16(server.port), sourceNode: "peer-0")
                try await Self.sendPacket(.indirectPing(request), to: observer, from: server.address)
                try await eventually("the relayed ack of 500") {
                    await received.messages().contains(.ack(AckResponse(seqNo: 500)))
                }
                // A target that is not there: the observer's ping fails, and the nack comes after the probe timeout.
                let closed = try await LoopbackServer.with({ _, _ in }) { $0.port }
                var silent = request
                silent.seqNo = 501
                silent.port = UInt16(closed)
                silent.node = "gone"
                try await Self.sendPacket(.indirectPing(silent), to: observer, from: server.address)
                try await eventually("the nack of 501") {
                    await received.messages().contains(.nack(NackResponse(seqNo: 501)))
                }
                #expect(await !received.messages().contains(.nack(NackResponse(seqNo: 500))))
            }
        }
    }

    @Test("gossip and user messages reach the table and the event stream; a wrong label is a problem, not an answer")
    func gossipAndEvents() async throws {
        let received = Received()
        let address = AddressBox()
        let pair = KeyValuePair(key: "collectors/ring", value: [9], codec: .ringDesc, updateTimeMillis: 1)
        let events = try await LoopbackServer.with(Self.dskitNode(received, selfAddress: address.get)) { server in
            address.set(server.address)
            return try await withObserver(Self.configuration()) { session in
                _ = try await session.join(peer: server.address)
                let observer = "127.0.0.1:\(session.boundPort)"
                let newcomer = AliveMessage(
                    incarnation: 1, node: "peer-1", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 1,
                    vsn: ProtocolVersions.memberlistDefault.vsn)
                // Each dskit packet is its own connection, handled concurrently: each send waits until the one before
                // it took effect, so they apply in this order.
                try await Self.sendPacket(
                    .compressed(.lzw, .compound([.alive(newcomer), .user(pair.protobufBytes())])), to: observer,
                    from: server.address)
                try await eventually("peer-1 alive") { await session.snapshot().members.contains { $0.name == "peer-1" } }
                try await Self.sendPacket(
                    .ping(PingMessage(seqNo: 90, node: session.configuration.nodeName)), to: observer,
                    from: server.address, label: "other-cluster")
                try await eventually("the wrong label's problem") { await session.snapshot().problemCount > 0 }
                try await Self.sendPacket(
                    .dead(DeadMessage(incarnation: 1, node: "peer-1", from: "peer-1")), to: observer,
                    from: server.address)
                // The deadline bounds a hang (the expectations below then fail).
                let events = await collecting(within: .seconds(30)) {
                    var events: [ObserverEvent] = []
                    for await event in session.events {
                        events.append(event)
                        if case .member(.left) = event { break }
                    }
                    return events
                }
                #expect(await session.snapshot().members.map(\.state) == [.alive, .left])
                #expect(await session.snapshot().problemCount == 1)
                return events
            }.value
        }
        #expect(events.contains(.member(.joined(Member(
            name: "peer-1", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 1, incarnation: 1,
            vsn: ProtocolVersions.memberlistDefault.vsn)))))
        #expect(events.contains { if case .userMessage(let bytes, _) = $0 { return bytes == pair.protobufBytes() }; return false })
        #expect(events.contains { if case .problem(let text) = $0 { return text.contains("other-cluster") }; return false })
        #expect(await !received.messages().contains(.ack(AckResponse(seqNo: 90))))
    }

    @Test("a dskit packet whose MD5 trailer does not match is dropped as a problem, not answered")
    func wrongDigest() async throws {
        let received = Received()
        let address = AddressBox()
        let problems = try await LoopbackServer.with(Self.dskitNode(received, selfAddress: address.get)) { server in
            address.set(server.address)
            return try await withObserver(Self.configuration()) { session in
                _ = try await session.join(peer: server.address)
                let observer = "127.0.0.1:\(session.boundPort)"
                let name = session.configuration.nodeName
                try await Self.sendPacket(
                    .ping(PingMessage(seqNo: 31, node: name)), to: observer, from: server.address, corruptDigest: true)
                try await Self.sendPacket(.ping(PingMessage(seqNo: 32, node: name)), to: observer, from: server.address)
                try await eventually("the ack of the intact ping 32") {
                    await received.messages().contains(.ack(AckResponse(seqNo: 32)))
                }
                var problems: [String] = []
                for await event in session.events {
                    if case .problem(let text) = event { problems.append(text); break }
                }
                return problems
            }.value
        }
        #expect(await !received.messages().contains(.ack(AckResponse(seqNo: 31))))
        #expect(problems.count == 1)
        #expect(problems.first?.contains("MD5") == true, "\(problems)")
    }

    @Test("a push/pull from a member gets our view (ourselves included) and an empty user state, then is merged")
    func pushPullFromMember() async throws {
        let received = Received()
        let address = AddressBox()
        try await LoopbackServer.with(Self.dskitNode(received, selfAddress: address.get)) { server in
            address.set(server.address)
            _ = try await withObserver(Self.configuration()) { session in
                _ = try await session.join(peer: server.address)
                let framing = PushPull(
                    join: false,
                    nodes: [PushNodeState(
                        name: "peer-2", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 2, incarnation: 3,
                        state: .alive, vsn: ProtocolVersions.memberlistDefault.vsn)],
                    userState: Self.kvState.fullStateBytes())
                let reply = try await Self.exchange(
                    StreamEnvelope(message: .pushPull(framing), label: Self.label, compression: .lzw),
                    with: "127.0.0.1:\(session.boundPort)", label: Self.label)
                guard case .pushPull(let ours) = reply.message else {
                    Issue.record("expected a push/pull reply, got \(reply)")
                    return
                }
                #expect(reply.compression == .lzw)
                #expect(ours.userState.isEmpty)
                // Replied before merging (net.go handleConn's order): the sender's own nodes are not echoed yet.
                #expect(Set(ours.nodes.map(\.name)) == ["peer-0", session.configuration.nodeName])
                #expect(await session.snapshot().members.map(\.name) == ["peer-0", "peer-2"])
            }
        }
    }

    @Test("a member's push/pull while the seed holds back our join's reply is answered with the node we announced")
    func pushPullDuringJoin() async throws {
        let answered = Mutex<[PushNodeState]?>(nil)
        // A seed that, having read our join, lets "another member" push/pull with us before it replies.
        let seed: LoopbackServer.Handler = { inbound, outbound in
            var bytes: [UInt8] = []
            for try await chunk in inbound {
                bytes.append(contentsOf: chunk.readableBytesView)
                guard bytes.first == DskitFrameKind.stream.rawValue,
                    let (envelope, _) = try StreamEnvelope.decodeIfComplete(
                        Array(bytes.dropFirst()), direction: .dialer, expectedLabel: Self.label),
                    case .pushPull(let join) = envelope.message, let me = join.nodes.first
                else { continue }
                let member = PushPull(join: false, nodes: [], userState: [])
                let reply = try await Self.exchange(
                    StreamEnvelope(message: .pushPull(member), label: Self.label),
                    with: "127.0.0.1:\(me.port)", label: Self.label)
                if case .pushPull(let theirs) = reply.message { answered.withLock { $0 = theirs.nodes } }
                let encoded = try StreamEnvelope(message: .pushPull(PushPull(join: false, nodes: [], userState: [])))
                    .encoded(direction: .listener)
                try await outbound.write(ByteBuffer(bytes: encoded))
                return
            }
        }
        try await LoopbackServer.with(seed) { server in
            _ = try await withObserver(Self.configuration()) { session in
                _ = try await session.join(peer: server.address)
            }
        }
        let nodes = try #require(answered.withLock { $0 }, "the push/pull during the join got no reply")
        #expect(nodes.map(\.name) == ["ringctl-test-observer"])
        #expect(nodes.first?.state == .alive)
    }

    @Test("cancelling the scope's task still leaves")
    func cancellationLeaves() async throws {
        let received = Received()
        let address = AddressBox()
        try await LoopbackServer.with(Self.dskitNode(received, selfAddress: address.get)) { server in
            address.set(server.address)
            let joined = JoinedFlag()
            let task = Task {
                try await withObserver(Self.configuration()) { session in
                    _ = try await session.join(peer: server.address)
                    await joined.set()
                    try await Task.sleep(for: .seconds(600))
                }
            }
            // A whole parallel test run shares two cores: the join may wait long for one.
            try await eventually("the join", deadline: .seconds(60)) { await joined.value }
            task.cancel()
            _ = await task.result
            // Written before the scope returned; the node records it once its handler has read the connection.
            try await eventually("the node to receive the leave") { await !Self.deaths(received).isEmpty }
            #expect(await Self.deaths(received).map(\.from) == ["ringctl-test-observer"])
        }
    }

    @Test("a seed that does not answer: the join fails with the peer and step, and nothing is left behind")
    func joinFailure() async throws {
        let outcome = try await LoopbackServer.with({ inbound, _ in for try await _ in inbound {} }) { server in
            var configuration = Self.configuration()
            configuration.timeout = .milliseconds(300)
            return try await withObserver(configuration) { session in
                await #expect(throws: MemberlistError.timedOut(peer: server.address, step: .readReply, after: .milliseconds(300))) {
                    try await session.join(peer: server.address)
                }
            }
        }
        // The silent seed read our alive state, so it is told we left (it may have merged us).
        #expect(outcome.leave.node == "ringctl-test-observer")
    }
}

/// The Swift node's address, known once its server is bound.
final class AddressBox: Sendable {
    private let value = Mutex("")
    func set(_ address: String) { value.withLock { $0 = address } }
    func get() -> String { value.withLock { $0 } }
}

actor JoinedFlag {
    var value = false
    func set() { value = true }
}

extension ObserverSessionTests {
    /// One stream exchange as a member would open it: dskit marker, the envelope, then the reply.
    static func exchange(_ envelope: StreamEnvelope, with peer: String, label: String) async throws -> StreamEnvelope {
        let (host, port) = try PeerAddress.split(peer)
        let bytes = [DskitFrameKind.stream.rawValue] + (try envelope.encoded(direction: .dialer))
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received: [UInt8] = []
            for try await chunk in inbound {
                received.append(contentsOf: chunk.readableBytesView)
                if let (reply, _) = try StreamEnvelope.decodeIfComplete(
                    received, direction: .listener, expectedLabel: label)
                {
                    return reply
                }
            }
            throw MemberlistError.peerClosed(
                peer: peer, step: .readReply, received: received.count, transport: .dskit, label: label)
        }
    }
}
