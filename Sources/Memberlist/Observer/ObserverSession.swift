import MemberlistWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

// The transient join (hashicorp/memberlist memberlist.go `Join`/`Leave`, net.go handlers):
//
//   join     push/pull with Join: true to a seed, carrying only our own alive node state and an empty user state;
//            the seed answers with its member list and delegate state (dskit: the KV full state), then gossips
//            our alive to the others
//   joined   answer pings (ack) and indirect pings (relay the target's ack, or a nack), answer push/pulls with our
//            member view and an empty user state, refute suspicion and death with a higher incarnation, apply
//            alive/suspect/dead gossip to the MemberTable and pass user messages on (never re-broadcast: we write
//            nothing to the KV store and send no gossip of our own)
//   leave    dead{Node: us, From: us} to every live member directly, so peers mark us left (memberlist's StateLeft)
//            even where gossip has not spread yet; then close
//
// The session is a scope: `withObserver` runs the body with listeners open and leaves on every exit path,
// cancellation included (the leave runs in an unstructured task, which a cancelled scope does not cancel).

/// What the observer saw, in order: member changes, user messages (dskit: KV pair updates), push/pull states.
public enum ObserverEvent: Hashable, Sendable {
    /// The member table changed (or we refuted an accusation).
    case member(MemberEvent)
    /// A user message (dskit: one KeyValuePair) arrived from `from`.
    case userMessage([UInt8], from: String)
    /// A push/pull delivered a delegate state (dskit: the KV full state).
    case remoteState([UInt8], join: Bool, from: String)
    /// Something arrived that could not be used (undecodable, wrong label or key): one sentence.
    case problem(String)
}

/// How far a join got: whether our alive state may have reached the seed.
private enum JoinProgress {
    case connecting, written, abandoned
}

/// One join's progress, shared by the exchange, its cancellation handler and the session.
private struct JoinAttempt {
    var stage = JoinProgress.connecting
    /// Our node as written to the seed.
    var announced: Member?
    /// Cancels the exchange when the grace after a Ctrl-C runs out; cancelled itself once the exchange ends.
    var grace: Task<Void, Never>?
}

/// What the join with one seed gave.
public struct JoinResult: Hashable, Sendable {
    /// The seed that answered.
    public var peer: String
    /// The seed's member list.
    public var nodes: [PushNodeState]
    /// The seed's delegate state (dskit: the KV full state).
    public var userState: [UInt8]
    /// How the reply was compressed, if it was.
    public var compression: CompressionAlgorithm?
}

/// One member the leave could not reach.
public struct LeaveFailure: Hashable, Sendable {
    /// "ip:port".
    public var peer: String
    /// Why.
    public var error: MemberlistError
}

/// Where the leave went.
public struct LeaveOutcome: Hashable, Sendable {
    /// Addresses the dead message was sent to.
    public var sentTo: [String]
    /// Addresses it could not be sent to.
    public var failures: [LeaveFailure]
    /// The node that left; nil when the session never announced itself (no leave was needed).
    public var node: String?
    /// How the seed lists us after the leave (nil when no leave was sent).
    public var confirmation: LeaveConfirmation?
    /// True when no leave was sent because a live member holds our name (the join was written, but in a name
    /// that is not ours to leave).
    public var withheld: Bool

    /// An outcome.
    public init(
        sentTo: [String], failures: [LeaveFailure], node: String?, confirmation: LeaveConfirmation? = nil,
        withheld: Bool = false
    ) {
        self.sentTo = sentTo
        self.failures = failures
        self.node = node
        self.confirmation = confirmation
        self.withheld = withheld
    }
}

extension LeaveOutcome {
    /// The seed listed us after the leave (left, or still alive): the cluster had merged our join.
    var clusterKnewUs: Bool {
        switch confirmation {
        case .left?, .stillListed?: true
        default: false
        }
    }
}

/// What the seed said of our node after the leave (one push/pull, as a peek).
public enum LeaveConfirmation: Hashable, Sendable {
    /// The seed lists us left (or dead); `resent` counts the extra leaves it took.
    case left(seed: String, state: NodeState, resent: Int)
    /// The seed does not list us at all: it never merged our join.
    case notListed(seed: String)
    /// The seed still lists us in `state` after every resend: the cluster may suspect and then fail us.
    case stillListed(seed: String, state: NodeState)
    /// The seed could not be asked.
    case unchecked(seed: String, reason: String)
}

/// How an observer session ended when its body failed, and whether it left: thrown by `withObserver` around the
/// body's error (`underlying`) when the body was interrupted, or when the seed listed us (the cluster had merged
/// the join). A join the seed rejected (label, key) throws the body's own error.
public struct ObserverEnded: Error, Sendable {
    /// What ended the body (`CancellationError` for Ctrl-C or SIGTERM).
    public var underlying: any Error
    /// Where the leave went (`node` nil: nothing was ever sent in our name).
    public var leave: LeaveOutcome
    /// The node name the session would have joined under.
    public var nodeName: String
}

/// The body's result and how the leave went.
public struct ObserverOutcome<Value: Sendable>: Sendable {
    /// What the body returned.
    public var value: Value
    /// Where the leave went.
    public var leave: LeaveOutcome
}

/// A copy of what the session knows.
public struct ObserverSnapshot: Hashable, Sendable {
    /// Ourselves as announced (nil before a join got as far as connecting).
    public var local: Member?
    /// Every other member, sorted by name, in every state.
    public var members: [Member]
    /// The newest delegate state a push/pull brought (dskit: the KV full state).
    public var userState: [UInt8]
    /// The seed that answered the join.
    public var seed: String?
    /// How many packets and streams could not be used, and the last few reasons.
    public var problemCount: Int
    public var recentProblems: [String]
}

/// Joins a cluster for the duration of `body`, then leaves (also when `body` throws or the task is cancelled).
///
/// The body joins with `session.join(peer:)` (try seeds in order until one answers) and reads `session.events` or
/// `session.snapshot()`.
public func withObserver<Value: Sendable>(
    _ configuration: ObserverConfiguration,
    _ body: (ObserverSession) async throws -> Value
) async throws -> ObserverOutcome<Value> {
    let (server, datagrams) = try await ObserverSession.bind(configuration)
    let session = ObserverSession(
        configuration: configuration, boundPort: server.channel.localAddress?.port ?? 0,
        datagramChannel: datagrams?.channel)

    func run(
        _ packets: NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>?,
        _ connections: NIOAsyncChannelInboundStream<NIOAsyncChannel<ByteBuffer, ByteBuffer>>
    ) async throws -> ObserverOutcome<Value> {
        // Accepting is not a child of this (maybe cancelled) task: it must never stop while the server channel
        // still holds accepted connections, or NIO drops them unfinished (a precondition failure). It ends when
        // the server channel closes, below.
        let accepting = Task { await AcceptLoop.serve(connections) { await session.serve($0) } }
        let outcome: ObserverOutcome<Value>
        do {
            outcome = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await session.runJobs() }
                if let packets {
                    group.addTask {
                        do {
                            for try await datagram in packets {
                                let from = ObserverSession.hostPort(datagram.remoteAddress)
                                await session.ingestPacket(Array(datagram.data.readableBytesView), from: from)
                            }
                        } catch {
                            // Without UDP we stop answering pings: say so rather than end quietly.
                            await session.noteProblem("the UDP listener stopped: \(SocketErrorText.describe(error))")
                        }
                    }
                }
                let result: Result<Value, any Error>
                do {
                    result = .success(try await body(session))
                } catch {
                    result = .failure(error)
                }
                // Not a child of this (maybe cancelled) task: the leave must still go out after Ctrl-C.
                let leave = await Task { await session.leave() }.value
                await session.finish()
                group.cancelAll()
                if case .failure(let error) = result, error is CancellationError || leave.clusterKnewUs {
                    throw ObserverEnded(underlying: error, leave: leave, nodeName: configuration.nodeName)
                }
                return ObserverOutcome(value: try result.get(), leave: leave)
            }
        } catch {
            try? await server.channel.close()
            await accepting.value
            throw error
        }
        try? await server.channel.close()
        await accepting.value
        return outcome
    }

    return try await server.executeThenClose { connections, _ in
        if let datagrams {
            return try await datagrams.executeThenClose { packets, _ in try await run(packets, connections) }
        }
        return try await run(nil, connections)
    }
}

/// A joined observer: answers the cluster's probes and keeps a member table. Created by `withObserver`.
public actor ObserverSession {
    /// How the session was configured.
    public nonisolated let configuration: ObserverConfiguration
    /// The port the listeners are bound to (TCP, and UDP for the standard transport).
    public nonisolated let boundPort: Int
    /// What happened, in order; one consumer. Finished when the session ends.
    public nonisolated let events: AsyncStream<ObserverEvent>

    private nonisolated let datagramChannel: (any Channel)?
    private nonisolated let framing: StreamFraming
    private let eventSink: AsyncStream<ObserverEvent>.Continuation
    private let jobs: AsyncStream<@Sendable () async -> Void>
    private let jobSink: AsyncStream<@Sendable () async -> Void>.Continuation

    private var table: MemberTable?
    private var seed: String?
    private var userState: [UInt8] = []
    /// Peers that may have merged our alive state: seeds we wrote our push/pull to.
    private var contacted: [String] = []
    /// A live member holds our node name: nothing may be sent in it (no leave).
    private var nameTaken = false
    /// Our node as a join wrote it (before any reply): whom a leave without a member table is about.
    private var announced: Member?
    private var nextSeqNo = UInt32.random(in: 0...UInt32.max / 2)
    private var relays: [UInt32: Relay] = [:]
    private var problemCount = 0
    private var recentProblems: [String] = []

    /// An indirect ping we forward: who asked, under which sequence number.
    private struct Relay {
        var requester: String
        var requesterName: String
        var seqNo: UInt32
    }

    init(configuration: ObserverConfiguration, boundPort: Int, datagramChannel: (any Channel)?) {
        self.configuration = configuration
        self.boundPort = boundPort
        self.datagramChannel = datagramChannel
        self.framing = StreamFraming(
            transport: configuration.transport, clusterLabel: configuration.clusterLabel,
            keyring: configuration.keyring, maxSize: configuration.maxStreamSize,
            verifyLabel: configuration.verifyLabel, tls: configuration.tls)
        (events, eventSink) = AsyncStream.makeStream(of: ObserverEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        (jobs, jobSink) = AsyncStream.makeStream(of: (@Sendable () async -> Void).self)
    }

    // MARK: Public API

    /// Joins through `peer` ("host:port"): push/pull with Join: true carrying our alive node state only. Merges the
    /// seed's member list; its user state is kept (see `snapshot()`) and reported as an event.
    public func join(peer: String) async throws -> JoinResult {
        let existing = table?.local
        let configuration = self.configuration
        let boundPort = self.boundPort
        let framing = self.framing
        // Once our alive state is on its way the seed may merge it, so from then on cancellation (Ctrl-C) does not
        // cut the exchange short at once: the reply gets a grace period (the leave's budget, at most --timeout), so
        // we learn whether we are in the cluster and whom the leave must reach. Cancelled before the write, nothing
        // is written: the cluster never heard of us. (Cut short right after the write, the seed merged us after our
        // leave had arrived: a dead message for a node it does not know yet is dropped, and the cluster later
        // suspected and failed the vanished node.)
        let wroteBefore = contacted.contains { $0 != peer }
        let progress = NIOLockedValueBox(JoinAttempt())
        let exchange = Task {
            try await StreamExchange.run(peer: peer, framing: framing, timeout: configuration.timeout) {
                localAddress throws in
                let me = try existing ?? Self.localMember(configuration, boundPort: boundPort, connection: localAddress)
                let pushPull = PushPull(join: true, nodes: [me.pushNodeState], userState: [])
                let bytes = try framing.dialerBytes(.pushPull(pushPull))
                let proceed = progress.withLockedValue { attempt in
                    guard attempt.stage == .connecting else { return false }
                    attempt.stage = .written
                    attempt.announced = me
                    return true
                }
                guard proceed else { throw CancellationError() }
                return bytes
            }
        }
        func settle() -> JoinAttempt {
            let attempt = progress.withLockedValue { attempt in
                attempt.grace?.cancel()
                return attempt
            }
            // It may merge us even if its reply never comes: the leave must consider it.
            if attempt.stage == .written {
                if !contacted.contains(peer) { contacted.append(peer) }
                if announced == nil { announced = attempt.announced }
            }
            return attempt
        }
        let (envelope, localAddress): (StreamEnvelope, SocketAddress?)
        do {
            (envelope, localAddress) = try await withTaskCancellationHandler {
                try await exchange.value
            } onCancel: {
                let grace = min(configuration.timeout, configuration.leaveTimeout)
                let abandon = progress.withLockedValue { attempt in
                    guard attempt.stage == .connecting else {
                        if attempt.grace == nil {
                            attempt.grace = Task {
                                try? await Task.sleep(for: grace)
                                if !Task.isCancelled { exchange.cancel() }
                            }
                        }
                        return false
                    }
                    attempt.stage = .abandoned
                    return true
                }
                if abandon { exchange.cancel() }
            }
        } catch {
            _ = settle()
            throw error
        }
        if settle().stage == .abandoned { throw CancellationError() }
        guard case .pushPull(let reply) = envelope.message else {
            if case .error(let remote) = envelope.message {
                throw ObserverError.joinRejected(peer: peer, message: "an error: \(remote.error)")
            }
            throw ObserverError.joinRejected(peer: peer, message: "a \(envelope.message.type) message")
        }
        let me = try existing ?? Self.localMember(configuration, boundPort: boundPort, connection: localAddress)
        // A live member already has our name (`--node-name` of a real node, pasted from its flags): the seed kept
        // its own entry (memberlist drops an alive for a known name from another address), and a leave in that
        // name would tell the cluster the real node left. Refuse, and never speak in that name again. The seed
        // answers before it merges our join, so an entry in our name is never this join's: it is ours only when an
        // earlier seed took our join and gossip brought it here, at our address (a service's pasted advertise
        // flags give its own address: no exemption without that earlier join).
        if let holder = reply.nodes.first(where: { $0.name == me.name && ($0.state == .alive || $0.state == .suspect) }),
            !wroteBefore || !isOurs(holder, me)
        {
            nameTaken = true
            let address = holder.address.hostPort(holder.port)
            throw ObserverError.nodeNameTaken(
                name: me.name, peer: peer, holder: address, state: holder.state == .alive ? "alive" : "suspect")
        }
        if table == nil { table = MemberTable(local: me) }
        seed = peer
        apply(.pushPull(reply.nodes))
        userState = reply.userState
        eventSink.yield(.remoteState(reply.userState, join: true, from: peer))
        return JoinResult(
            peer: peer, nodes: reply.nodes, userState: reply.userState, compression: envelope.compression)
    }

    /// What the session knows now.
    public func snapshot() -> ObserverSnapshot {
        ObserverSnapshot(
            local: table?.local, members: table?.others ?? [], userState: userState, seed: seed,
            problemCount: problemCount, recentProblems: recentProblems)
    }

    /// The member table (ourselves included).
    public var memberTable: MemberTable? { table }

    // MARK: Our node

    /// Ourselves: the configured name, incarnation 1, memberlist's versions, no meta; the advertise address is the
    /// configured one, else the bind address, else (wildcard bind) the address our connection to the seed left
    /// from, which is the one the seed can reach. Go sends IPv4 addresses IPv4-mapped; so do we.
    static func localMember(
        _ configuration: ObserverConfiguration, boundPort: Int, connection: SocketAddress?
    ) throws(ObserverError) -> Member {
        var host = configuration.advertiseHost ?? configuration.bindHost
        if configuration.advertiseHost == nil, host == "0.0.0.0" || host == "::" || host.isEmpty,
            let local = connection?.ipAddress
        {
            host = local
        }
        guard let parsed = NodeAddress(host), host != "0.0.0.0", host != "::" else {
            throw .invalidAdvertiseAddress(host)
        }
        let port = configuration.advertisePort ?? boundPort
        guard let port = UInt16(exactly: port), port != 0 else {
            throw .invalidAdvertiseAddress("\(host):\(port)")
        }
        return Member(
            name: configuration.nodeName, address: parsed.ipv4Mapped, port: port, meta: nil, incarnation: 1,
            state: .alive, vsn: ObserverConfiguration.versions.vsn)
    }

    // MARK: Packets

    /// One packet (a UDP datagram, or a dskit packet's payload) from `from` ("ip:port").
    func ingestPacket(_ bytes: [UInt8], from: String) {
        let envelope: PacketEnvelope
        do {
            envelope = try PacketEnvelope.decode(
                bytes, expectedLabel: configuration.expectedLabel, keyring: configuration.keyring)
        } catch {
            record("packet from \(from) dropped: \(error)")
            return
        }
        handle(envelope.message, from: from)
    }

    private func handle(_ message: Message, from: String) {
        switch message {
        case .compound(let parts):
            for part in parts { handle(part, from: from) }
        case .compressed(_, let inner):
            handle(inner, from: from)
        case .ping(let ping):
            guard ping.node.isEmpty || ping.node == configuration.nodeName else {
                record("ping from \(from) for another node, \"\(ping.node)\": not answered")
                return
            }
            let to = Self.replyAddress(ping.sourceAddress, ping.sourcePort, otherwise: from)
            send(.ack(AckResponse(seqNo: ping.seqNo)), to: to, node: ping.sourceNode)
        case .indirectPing(let request):
            relay(request, from: from)
        case .ack(let ack):
            guard let relay = relays.removeValue(forKey: ack.seqNo) else { return }
            send(.ack(AckResponse(seqNo: relay.seqNo)), to: relay.requester, node: relay.requesterName)
        case .nack:
            return  // we probe nobody ourselves, and nacks are only informative
        case .alive(let alive):
            apply(.alive(alive))
        case .suspect(let suspect):
            apply(.suspect(suspect))
        case .dead(let dead):
            apply(.dead(dead))
        case .user(let payload):
            eventSink.yield(.userMessage(payload, from: from))
        case .error(let error):
            record("\(from) sent an error: \(error.error)")
        case .unknown(let type, _):
            record("packet from \(from) holds message type \(type), which memberlist does not define")
        }
    }

    /// net.go `handleIndirectPing`: ping the target for the requester; relay its ack, or send a nack when the
    /// requester asked for one and the target stays silent for a probe timeout.
    private func relay(_ request: IndirectPingRequest, from: String) {
        guard let table else { return }
        let seqNo = nextSeqNo
        nextSeqNo &+= 1
        let requester = Self.replyAddress(request.sourceAddress, request.sourcePort, otherwise: from)
        relays[seqNo] = Relay(requester: requester, requesterName: request.sourceNode, seqNo: request.seqNo)
        let me = table.local
        let ping = PingMessage(
            seqNo: seqNo, node: request.node, sourceAddress: me.address, sourcePort: me.port,
            sourceNode: me.name)
        let port = request.port == 0 ? me.port : request.port
        send(.ping(ping), to: request.target.hostPort(port), node: request.node)
        let timeout = configuration.probeTimeout
        let wantsNack = request.nack
        jobSink.yield { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.relayTimedOut(seqNo, wantsNack: wantsNack)
        }
    }

    private func relayTimedOut(_ seqNo: UInt32, wantsNack: Bool) {
        guard let relay = relays.removeValue(forKey: seqNo), wantsNack else { return }
        send(.nack(NackResponse(seqNo: relay.seqNo)), to: relay.requester, node: relay.requesterName)
    }

    private func apply(_ update: MemberUpdate) {
        guard var table else { return }  // not joined yet: nothing to compare with
        let events = table.apply(update)
        self.table = table
        for event in events {
            if case .refute(let alive, _) = event {
                // memberlist gossips the refutation; we have no gossip, so we tell every live member directly.
                for member in table.others where member.isLive {
                    send(.alive(alive), to: member.hostPort, node: member.name)
                }
            }
            eventSink.yield(.member(event))
        }
    }

    /// Sends `message` to `peer` in the background (a failure is recorded, not thrown).
    private func send(_ message: Message, to peer: String, node: String?) {
        let bytes: [UInt8]
        do {
            bytes = try packetBytes(message, node: node)
        } catch {
            record("encoding a \(message.type) for \(peer) failed: \(error)")
            return
        }
        jobSink.yield { [weak self] in
            guard let self else { return }
            do {
                try await self.transmit(bytes, to: peer)
            } catch {
                await self.record("sending a \(message.type) to \(peer) failed: \(error)")
            }
        }
    }

    /// The packet's bytes: CRC for peers that speak protocol 5 (as memberlist decides), encryption with the
    /// primary key when the cluster has a keyring, the label header when it has a label.
    private func packetBytes(_ message: Message, node: String?) throws(WireError) -> [UInt8] {
        let protocolMax = node.flatMap { table?.members[$0]?.vsn }.flatMap { ProtocolVersions(vsn: $0) }?.protocolMax
        let envelope = PacketEnvelope(
            message: message, label: framing.label, hasChecksum: (protocolMax ?? 0) >= 5,
            encryption: configuration.keyring == nil ? nil : .unpadded)
        return try envelope.encoded(keyring: configuration.keyring)
    }

    /// Puts one packet on the wire and waits until it is written: a UDP datagram from our bound port, or a dskit
    /// TCP connection of its own (marker, our advertised address, payload, MD5).
    /// `by` shortens the step's deadline (the leave's own budget); dialing and writing both end by it.
    nonisolated func transmit(
        _ payload: [UInt8], to peer: String, by limit: ContinuousClock.Instant? = nil
    ) async throws(MemberlistError) {
        let timeout = configuration.timeout
        let deadline = min(limit ?? .now.advanced(by: timeout), ContinuousClock.now.advanced(by: timeout))
        switch configuration.transport {
        case .memberlist:
            guard let datagramChannel else { return }
            let (host, port) = try PeerAddress.split(peer)
            let address: SocketAddress
            do {
                address = try SocketAddress(ipAddress: host, port: port)
            } catch {
                do {
                    address = try SocketAddress.makeAddressResolvingHost(host, port: port)
                } catch {
                    throw .connectFailed(peer: peer, reason: "cannot resolve \(host): \(error)")
                }
            }
            let datagram = AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: payload))
            do {
                try await withDeadline(
                    deadline, timeoutError: MemberlistError.timedOut(peer: peer, step: .sendPacket, after: timeout)
                ) {
                    try await datagramChannel.writeAndFlush(datagram)
                }
            } catch let error as MemberlistError {
                throw error
            } catch {
                throw .io(peer: peer, step: .sendPacket, reason: SocketErrorText.describe(error))
            }
        case .dskit:
            let sender = await advertisedAddress
            let frame: [UInt8]
            do {
                frame = try DskitPacket(senderAddress: sender, payload: payload).encoded()
            } catch {
                throw .io(peer: peer, step: .sendPacket, reason: SocketErrorText.describe(error))
            }
            let channel = try await OutgoingConnection.dial(
                peer, timeout: timeout, tls: configuration.tls, deadline: deadline)
            do {
                try await channel.executeThenClose { _, _ in
                    try await withDeadline(
                        deadline,
                        timeoutError: MemberlistError.timedOut(peer: peer, step: .sendPacket, after: timeout),
                        onTimeout: { channel.channel.close(promise: nil) }
                    ) {
                        try await channel.channel.writeAndFlush(ByteBuffer(bytes: frame))
                    }
                }
            } catch let error as MemberlistError {
                throw error
            } catch {
                throw .io(peer: peer, step: .sendPacket, reason: SocketErrorText.describe(error))
            }
        }
    }

    /// "ip:port" as peers reach us (the dskit packet frame's sender address).
    private var advertisedAddress: String {
        table?.local.hostPort ?? "\(configuration.advertiseHost ?? configuration.bindHost):\(boundPort)"
    }

    // MARK: Streams

    /// One incoming TCP connection: a stream (push/pull, ping, user message) or, on dskit, maybe a packet.
    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let peer = connection.channel.remoteAddress.map(Self.hostPort) ?? "a peer"
        let timeout = configuration.incomingTimeout
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let framing = self.framing
        do {
            try await withDeadline(
                deadline,
                timeoutError: MemberlistError.timedOut(peer: peer, step: .readIncoming, after: timeout),
                onTimeout: { connection.channel.close(promise: nil) }
            ) {
                try await connection.executeThenClose { inbound, _ in
                    var iterator = inbound.makeAsyncIterator()
                    var buffered: [UInt8] = []
                    if framing.transport == .dskit {
                        while buffered.isEmpty {
                            guard let chunk = try await iterator.next() else { return }
                            buffered.append(contentsOf: chunk.readableBytesView)
                        }
                        let marker = buffered.removeFirst()
                        switch DskitFrameKind(rawValue: marker) {
                        case .packet:
                            let bytes = try await StreamReading.readToEnd(
                                &iterator, buffered: [marker] + buffered, limit: WireLimits.maxDskitPacket, peer: peer)
                            let packet: DskitPacket
                            do {
                                packet = try DskitPacket.decode(bytes)
                            } catch {
                                await self.record("dskit packet from \(peer) dropped: \(error)")
                                return
                            }
                            await self.ingestPacket(packet.payload, from: packet.senderAddress)
                            return
                        case .stream:
                            break
                        case nil:
                            await self.record("connection from \(peer) starts with \(marker), not a dskit packet (1) or stream (2)")
                            return
                        }
                    }
                    let envelope = try await StreamReading.read(
                        &iterator, buffered: buffered, direction: .dialer, peer: peer, framing: framing,
                        step: .readIncoming)
                    if let reply = await self.answer(envelope, from: peer) {
                        try await connection.channel.writeAndFlush(ByteBuffer(bytes: reply))
                    }
                }
            }
        } catch {
            record("connection from \(peer): \(SocketErrorText.describe(error))")
        }
    }

    /// What to write back on a stream, after acting on it.
    private func answer(_ envelope: StreamEnvelope, from peer: String) -> [UInt8]? {
        switch envelope.message {
        case .pushPull(let pushPull):
            // net.go `handleConn`: reply with our state first, then merge theirs. Our user state is always empty.
            var reply: [UInt8]?
            if let table {
                let ours = PushPull(join: pushPull.join, nodes: table.pushNodeStates, userState: [])
                do {
                    reply = try framing.listenerBytes(.pushPull(ours), compression: envelope.compression)
                } catch {
                    record("encoding the push/pull reply to \(peer) failed: \(error)")
                }
            }
            apply(.pushPull(pushPull.nodes))
            if !pushPull.userState.isEmpty {
                userState = pushPull.userState
            }
            eventSink.yield(.remoteState(pushPull.userState, join: pushPull.join, from: peer))
            return reply
        case .ping(let ping):
            guard ping.node.isEmpty || ping.node == configuration.nodeName else {
                record("stream ping from \(peer) for another node, \"\(ping.node)\": not answered")
                return nil
            }
            do {
                return try framing.listenerBytes(.ack(AckResponse(seqNo: ping.seqNo)), compression: nil)
            } catch {
                record("encoding the ack to \(peer) failed: \(error)")
                return nil
            }
        case .user(let payload):
            eventSink.yield(.userMessage(payload, from: peer))
            return nil
        case .ack, .error:
            record("\(peer) opened a stream with a \(envelope.message.type) message: ignored")
            return nil
        }
    }

    // MARK: Lifecycle

    /// Runs background sends and timers until the session finishes.
    func runJobs() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask { await job() }
            }
        }
    }

    /// Announces our leave to every live member (and every seed we wrote to) and waits until each packet is
    /// written or the leave timeout passes.
    func leave() async -> LeaveOutcome {
        if nameTaken { return LeaveOutcome(sentTo: [], failures: [], node: nil, withheld: true) }
        let deadline = ContinuousClock.now.advanced(by: configuration.leaveTimeout)
        // The leave's packets get two thirds of the budget, so one unreachable member cannot leave the seed's
        // confirmation no time.
        let sendBy = ContinuousClock.now.advanced(by: configuration.leaveTimeout * 2 / 3)
        guard var table, !table.isLeaving else {
            guard self.table == nil, let announced, let seed = contacted.first else {
                return LeaveOutcome(sentTo: [], failures: [], node: nil)
            }
            return await leaveUnansweredJoin(announced, seed: seed, deadline: deadline)
        }
        let dead = table.leave()
        self.table = table
        var targets: [String] = []
        for member in table.others where member.isLive && !targets.contains(member.hostPort) {
            targets.append(member.hostPort)
        }
        for peer in contacted where !targets.contains(peer) {
            targets.append(peer)
        }
        var outcome = await announce(dead, to: targets, by: sendBy)
        outcome.confirmation = await confirm(dead, to: targets, by: deadline, outcome: &outcome)
        return outcome
    }

    /// The join was written but no reply came (interrupted, timed out): we do not know what the seed made of it.
    /// Ask it first (a peek), and send the leave only if it lists our node as ours, at our address: a dead message
    /// about a node it does not know is dropped anyway, and one in a name a real node holds would tell the cluster
    /// that node left.
    private func leaveUnansweredJoin(
        _ me: Member, seed: String, deadline: ContinuousClock.Instant
    ) async -> LeaveOutcome {
        let dead = DeadMessage(incarnation: me.incarnation, node: me.name, from: me.name)
        let listed: PeekResult
        do {
            listed = try await Peek.run(peer: seed, configuration: confirmationPeek(by: deadline))
        } catch {
            return LeaveOutcome(
                sentTo: [], failures: [], node: me.name,
                confirmation: .unchecked(seed: seed, reason: "\(error)"))
        }
        guard let entry = listed.nodes.first(where: { $0.name == me.name }) else {
            return LeaveOutcome(sentTo: [], failures: [], node: me.name, confirmation: .notListed(seed: seed))
        }
        guard isOurs(entry, me) else {
            return LeaveOutcome(sentTo: [], failures: [], node: nil, withheld: true)
        }
        if entry.state == .left || entry.state == .dead {
            return LeaveOutcome(
                sentTo: [], failures: [], node: me.name, confirmation: .left(seed: seed, state: entry.state, resent: 0))
        }
        var targets = [seed]
        for node in listed.nodes where (node.state == .alive || node.state == .suspect) && node.name != me.name {
            let target = node.address.hostPort(node.port)
            if !targets.contains(target) { targets.append(target) }
        }
        // The peek took part of the budget: the sends get two thirds of what is left.
        let sendBy = ContinuousClock.now.advanced(by: ContinuousClock.now.duration(to: deadline) * 2 / 3)
        var outcome = await announce(dead, to: targets, by: sendBy)
        outcome.confirmation = await confirm(dead, to: targets, by: deadline, outcome: &outcome)
        return outcome
    }

    /// True when `entry` (a seed's view of our name) is provably our own node: at our address and port, and that
    /// endpoint is our own listener (no --advertise-addr/--advertise-port: pasted from a service, they give the
    /// service's endpoint, and then a real node's entry would look like ours).
    private func isOurs(_ entry: PushNodeState, _ me: Member) -> Bool {
        configuration.advertiseHost == nil && configuration.advertisePort == nil
            && entry.address.ipv4Mapped == me.address.ipv4Mapped && entry.port == me.port
    }

    /// A peek's configuration for asking the seed how it lists us, ending by `deadline`.
    private func confirmationPeek(by deadline: ContinuousClock.Instant) -> PeekConfiguration {
        var peek = PeekConfiguration(
            transport: configuration.transport, clusterLabel: configuration.clusterLabel,
            timeout: configuration.leaveTimeout, tls: configuration.tls, keyring: configuration.keyring)
        peek.deadline = deadline
        return peek
    }

    /// Asks the seed (one push/pull, as a peek) how it lists us after the leave. A seed that still lists us alive
    /// got our dead message before it merged our join (memberlist answers a push/pull before merging it, and
    /// drops a dead message for a node it does not know yet): the leave is sent again, a few times, within the
    /// leave's deadline.
    private func confirm(
        _ dead: DeadMessage, to targets: [String], by deadline: ContinuousClock.Instant,
        outcome: inout LeaveOutcome
    ) async -> LeaveConfirmation? {
        guard let seed = seed ?? contacted.first else { return nil }
        let peek = confirmationPeek(by: deadline)
        var resent = 0
        while true {
            let listed: PeekResult
            do {
                listed = try await Peek.run(peer: seed, configuration: peek)
            } catch {
                return .unchecked(seed: seed, reason: "\(error)")
            }
            // The join made sure no live member holds our name, so the entry in our name is ours.
            guard let entry = listed.nodes.first(where: { $0.name == dead.node }) else {
                return .notListed(seed: seed)
            }
            if entry.state == .left || entry.state == .dead {
                return .left(seed: seed, state: entry.state, resent: resent)
            }
            // Another round needs its pause, a send and a peek before the deadline.
            let pause = Duration.milliseconds(50 * (resent + 1))
            guard resent < 5, ContinuousClock.now.duration(to: deadline) > pause + .milliseconds(300) else {
                return .stillListed(seed: seed, state: entry.state)
            }
            resent += 1
            try? await Task.sleep(for: pause)
            let sendBy = min(deadline, ContinuousClock.now.advanced(by: .milliseconds(500)))
            let again = await announce(dead, to: targets, by: sendBy)
            outcome.sentTo = Array(Set(outcome.sentTo + again.sentTo)).sorted()
            // A member a resend reached is no longer one the leave missed.
            outcome.failures.removeAll { failure in again.sentTo.contains(failure.peer) }
        }
    }

    private func announce(
        _ dead: DeadMessage, to targets: [String], by deadline: ContinuousClock.Instant
    ) async -> LeaveOutcome {
        var packets: [(String, [UInt8])] = []
        var failures: [LeaveFailure] = []
        for target in targets {
            let name = table?.members.values.first { $0.hostPort == target }?.name
            do {
                packets.append((target, try packetBytes(.dead(dead), node: name)))
            } catch {
                failures.append(LeaveFailure(peer: target, error: .io(peer: target, step: .sendPacket, reason: SocketErrorText.describe(error))))
            }
        }
        let timeout = configuration.leaveTimeout
        let results = await withTaskGroup(of: LeaveFailure?.self) { group in
            for (target, bytes) in packets {
                group.addTask {
                    do {
                        try await withDeadline(
                            deadline,
                            timeoutError: MemberlistError.timedOut(peer: target, step: .sendPacket, after: timeout)
                        ) {
                            try await self.transmit(bytes, to: target, by: deadline)
                        }
                        return nil
                    } catch let error as MemberlistError {
                        return LeaveFailure(peer: target, error: error)
                    } catch {
                        return LeaveFailure(peer: target, error: .io(peer: target, step: .sendPacket, reason: SocketErrorText.describe(error)))
                    }
                }
            }
            var failures: [LeaveFailure] = []
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return failures
        }
        failures += results
        let failed = Set(failures.map(\.peer))
        return LeaveOutcome(
            sentTo: packets.map(\.0).filter { !failed.contains($0) }, failures: failures, node: dead.node)
    }

    /// Ends the event stream and the background work.
    func finish() {
        eventSink.finish()
        jobSink.finish()
    }

    /// Records a problem from outside the actor (the listeners' loops).
    func noteProblem(_ problem: String) { record(problem) }

    private func record(_ problem: String) {
        problemCount += 1
        recentProblems.append(problem)
        if recentProblems.count > 20 { recentProblems.removeFirst() }
        eventSink.yield(.problem(problem))
    }

    // MARK: Addresses and listeners

    /// The ping's or request's SourceAddr:SourcePort when both are set, else where the packet came from.
    static func replyAddress(_ address: NodeAddress?, _ port: UInt16, otherwise from: String) -> String {
        guard let address, !address.bytes.isEmpty, port > 0 else { return from }
        return address.hostPort(port)
    }

    /// "ip:port" ("[ipv6]:port").
    static func hostPort(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Binds the TCP listener and, for the standard transport, a UDP socket on the same port (a few tries when
    /// the port is chosen by the system and the UDP one turns out taken).
    static func bind(
        _ configuration: ObserverConfiguration
    ) async throws -> (
        NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>,
        NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>?
    ) {
        let host = configuration.bindHost
        let attempts = configuration.bindPort == 0 && configuration.transport == .memberlist ? 10 : 1
        var lastError: ObserverError?
        for _ in 0..<attempts {
            let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
            do {
                server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: host, port: configuration.bindPort) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let tls = configuration.tlsServer {
                                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
                            }
                            return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
            } catch {
                throw ObserverError.bindFailed(address: "\(host):\(configuration.bindPort) (TCP)", reason: SocketErrorText.describe(error))
            }
            guard configuration.transport == .memberlist else { return (server, nil) }
            let port = server.channel.localAddress?.port ?? configuration.bindPort
            do {
                let datagrams = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .bind(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                                wrappingChannelSynchronously: channel)
                        }
                    }
                return (server, datagrams)
            } catch {
                lastError = .bindFailed(address: "\(host):\(port) (UDP)", reason: SocketErrorText.describe(error))
                // Finish what the listener may already have accepted (NIO traps on a dropped one), then close.
                try? await server.executeThenClose { connections in
                    try? await server.channel.close()
                    await AcceptLoop.serve(connections) { connection in try? await connection.executeThenClose { _, _ in } }
                }
            }
        }
        throw lastError ?? ObserverError.bindFailed(address: host, reason: "no attempt made")
    }
}
