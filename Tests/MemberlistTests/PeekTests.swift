import DskitKV
import Memberlist
import MemberlistWire
import NIOCore
import Testing
import TestSupport

/// `Peek.run` against Swift loopback listeners: dskit framing (mlpeer speaks only the standard transport so
/// far), label handling, and peers that misbehave.
@Suite("Peek")
struct PeekTests {
    /// What a dskit node would hold: two members with zone metadata, and a KV store with a ring.
    static let ring = RingDescription.synthetic(instances: 3, tokensPerInstance: 8, zones: 2)
    static let kvState = KVState(pairs: [
        KeyValuePair(key: "collectors/ring", value: ring.codecValue(), codec: .ringDesc, updateTimeMillis: 1_767_225_600_000)
    ])
    static let reply = PushPull(
        join: false,
        nodes: [
            PushNodeState(
                name: "ingester-0", address: NodeAddress(ipv4: 10, 0, 0, 1), port: 7946,
                meta: try! NodeMeta(role: .member, zone: "zone-a").bytes(), incarnation: 3, state: .alive,
                vsn: ProtocolVersions.memberlistDefault.vsn),
            PushNodeState(
                name: "ingester-1", address: NodeAddress(ipv4: 10, 0, 0, 2), port: 7946,
                meta: try! NodeMeta(role: .bridge, zone: "zone-b").bytes(), incarnation: 7, state: .suspect,
                vsn: ProtocolVersions.memberlistDefault.vsn),
        ],
        userState: kvState.fullStateBytes())

    /// A dskit node's stream listener: expects the stream marker and `label`, records the request, replies with
    /// `reply` (no marker, no label). With the wrong label it closes without a word, as dskit does.
    static func dskitNode(label: String, requests: RequestLog) -> LoopbackServer.Handler {
        { inbound, outbound in
            var envelope: StreamEnvelope?
            _ = try await inbound.read { bytes in
                guard let marker = bytes.first else { return false }
                guard marker == DskitFrameKind.stream.rawValue else { throw WireError.unknownFrameKind(marker) }
                guard let (decoded, _) = try StreamEnvelope.decodeIfComplete(Array(bytes.dropFirst()), direction: .dialer)
                else { return false }
                envelope = decoded
                return true
            }
            guard let envelope else { return }
            await requests.append(envelope)
            guard (envelope.label ?? "") == label else { return }
            let bytes = try StreamEnvelope(message: .pushPull(reply), compression: .lzw).encoded(direction: .listener)
            try await outbound.write(ByteBuffer(bytes: bytes))
        }
    }

    @Test("dskit framing: marker, label and an empty push/pull out; members and the KV ring back")
    func dskitPeek() async throws {
        let requests = RequestLog()
        let result = try await LoopbackServer.with(Self.dskitNode(label: "pyroscope", requests: requests)) { server in
            try await Peek.run(
                peer: server.address,
                configuration: PeekConfiguration(transport: .dskit, clusterLabel: "pyroscope", timeout: .seconds(10)))
        }
        #expect(result.nodes == Self.reply.nodes)
        #expect(result.compression == .lzw)
        let state = try KVState(fullState: result.userState)
        #expect(try RingDescription(pair: try #require(state["collectors/ring"])) == Self.ring)

        let sent = await requests.envelopes
        #expect(sent.count == 1)
        #expect(sent.first?.label == "pyroscope")
        #expect(sent.first?.message == .pushPull(PushPull(join: false, nodes: [], userState: [])))
    }

    @Test("the request has no node state of ours, join false: a memberlist stream, or a dskit stream after 2")
    func requestBytes() throws {
        let plain = try Peek.request(transport: .memberlist, clusterLabel: "")
        #expect(try StreamEnvelope.decode(plain).message == .pushPull(PushPull(join: false, nodes: [], userState: [])))
        let dskit = try Peek.request(transport: .dskit, clusterLabel: "loki")
        #expect(dskit.first == DskitFrameKind.stream.rawValue)
        #expect(try StreamEnvelope.decode(Array(dskit.dropFirst()), expectedLabel: "loki").label == "loki")
    }

    @Test("a dskit node with another label closes without replying: the error names the label we sent")
    func wrongLabel() async throws {
        let error = await #expect(throws: MemberlistError.self) {
            try await LoopbackServer.with(Self.dskitNode(label: "pyroscope", requests: RequestLog())) { server in
                try await Peek.run(
                    peer: server.address,
                    configuration: PeekConfiguration(transport: .dskit, clusterLabel: "loki", timeout: .seconds(10)))
            }
        }
        guard case .peerClosed(_, .readReply, 0, .dskit, "loki") = error else {
            Issue.record("expected peerClosed naming label loki, got \(String(describing: error))")
            return
        }
        #expect(error?.isProtocolMismatch == true)
        #expect(error?.description.contains("cluster label differs: we sent cluster label \"loki\"") == true)
    }

    @Test("a listener that accepts and says nothing: timed out reading the reply")
    func silentPeer() async throws {
        let silent = try LoopbackSocket(.tcp)
        defer { silent.close() }
        let peer = "127.0.0.1:\(silent.port)"
        let error = await #expect(throws: MemberlistError.self) {
            try await Peek.run(
                peer: peer, configuration: PeekConfiguration(transport: .memberlist, timeout: .milliseconds(300)))
        }
        #expect(error == .timedOut(peer: peer, step: .readReply, after: .milliseconds(300)))
    }

    @Test("a listener that closes at once: peer closed without replying")
    func closingPeer() async throws {
        let error = await #expect(throws: MemberlistError.self) {
            // It reads the request first, as a real peer would, so our write is not what fails.
            try await LoopbackServer.with({ inbound, _ in _ = try await inbound.read { !$0.isEmpty } }) { server in
                try await Peek.run(
                    peer: server.address, configuration: PeekConfiguration(transport: .memberlist, timeout: .seconds(10)))
            }
        }
        guard case .peerClosed(_, .readReply, 0, .memberlist, "") = error else {
            Issue.record("expected peerClosed, got \(String(describing: error))")
            return
        }
        // It accepted and closed without a byte: it rejected what we sent (label, key or framing).
        #expect(error?.isProtocolMismatch == true)
    }

    @Test("a listener that replies with garbage: undecodable reply")
    func garbagePeer() async throws {
        let error = await #expect(throws: MemberlistError.self) {
            try await LoopbackServer.with({ inbound, outbound in
                _ = try await inbound.read { !$0.isEmpty }
                try await outbound.write(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n\r\n"))
            }) { server in
                try await Peek.run(
                    peer: server.address, configuration: PeekConfiguration(transport: .memberlist, timeout: .seconds(10)))
            }
        }
        guard case .undecodableReply = error else {
            Issue.record("expected undecodableReply, got \(String(describing: error))")
            return
        }
        #expect(error?.isProtocolMismatch == true)
    }

    @Test("nothing listening: connection refused, naming the peer")
    func refused() async throws {
        let portSocket = try LoopbackSocket.refusing()
        defer { portSocket.close() }
        let port = portSocket.port
        let error = await #expect(throws: MemberlistError.self) {
            try await Peek.run(
                peer: "127.0.0.1:\(port)", configuration: PeekConfiguration(transport: .dskit, timeout: .seconds(10)))
        }
        #expect(error == .connectionRefused(peer: "127.0.0.1:\(port)"))
    }

    @Test("peer addresses: host:port and [IPv6]:port; anything else is refused before dialing")
    func addresses() throws {
        #expect(try PeerAddress.split("10.0.0.1:7946") == ("10.0.0.1", 7946))
        #expect(try PeerAddress.split("[::1]:7946") == ("::1", 7946))
        #expect(try PeerAddress.split("node-1.ring.test:80") == ("node-1.ring.test", 80))
        for bad in ["10.0.0.1", "::1:7946", "host:0", "host:99999", ":7946", "[::1]7946"] {
            #expect(throws: MemberlistError.invalidPeerAddress(bad)) { try PeerAddress.split(bad) }
        }
    }
}

/// The requests a loopback node received.
actor RequestLog {
    private(set) var envelopes: [StreamEnvelope] = []
    func append(_ envelope: StreamEnvelope) { envelopes.append(envelope) }
}
