import Foundation
import MemberlistWire
import TestSupport
import Testing

/// A configuration of the real Go node and the matching Swift envelope settings.
struct NodeVariant: Sendable, CustomTestStringConvertible {
    let name: String
    let key: [UInt8]?
    let protocolVersion: Int
    let compression: Bool

    /// What the Go node encrypts with: version 0 (padded) at protocol 1, else version 1 (security.go).
    var encryption: EncryptionVersion? { key == nil ? nil : (protocolVersion == 1 ? .padded : .unpadded) }
    var compressionAlgorithm: CompressionAlgorithm? { compression ? .lzw : nil }
    var keyring: Keyring? { key.flatMap { try? Keyring(key: $0) } }
    var testDescription: String { name }

    /// `mlpeer serve` flags. Long probe intervals keep the node from suspecting the silent Swift "nodes"
    /// while a test runs; a long probe timeout lets the indirect-ping test answer at its own pace.
    var arguments: [String] {
        var arguments = ["--protocol", "\(protocolVersion)", "--probe-interval", "60s", "--probe-timeout", "10s"]
        if let key { arguments += ["--key", Hex.string(key)] }
        if compression { arguments.append("--compression") }
        return arguments
    }

    static let all = [
        NodeVariant(name: "plain", key: nil, protocolVersion: 2, compression: false),
        NodeVariant(name: "LZW", key: nil, protocolVersion: 2, compression: true),
        NodeVariant(name: "AES-128, encryption v1", key: Array(1...16), protocolVersion: 2, compression: false),
        NodeVariant(name: "AES-256, encryption v0 (protocol 1), LZW", key: Array(1...32), protocolVersion: 1, compression: true),
        NodeVariant(name: "AES-192, encryption v1 (protocol 5), LZW", key: Array(1...24), protocolVersion: 5, compression: true),
    ]
}

private let loopback = NodeAddress(ipv4: 127, 0, 0, 1)
private let versions = ProtocolVersions.memberlistDefault.vsn

@Suite(
    "A real memberlist 0.2.2 node accepts what Swift encodes",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct GoNodeAcceptsSwiftTests {
    @Test("a Swift push/pull join is answered with the Go node's own push/pull and merged", arguments: NodeVariant.all)
    func pushPullJoin(variant: NodeVariant) async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(variant.arguments + ["--meta", "go-meta", "--user-state", "go-user-state"])
            let swiftPort = try LoopbackEndpoint.udp()
            let ours = PushPull(
                join: true,
                nodes: [
                    PushNodeState(
                        name: "swift-a", address: loopback, port: swiftPort.port, meta: Array("swift-meta".utf8),
                        incarnation: 3, state: .alive, vsn: versions)
                ],
                userState: Array("swift-user-state".utf8))
            let request = try StreamEnvelope(
                message: .pushPull(ours), compression: variant.compressionAlgorithm, encryption: variant.encryption
            ).encoded(direction: .dialer, keyring: variant.keyring)

            let connection = try LoopbackEndpoint.tcp(connectingTo: peer.port)
            defer { connection.close() }
            try connection.write(request)
            let (reply, replyBytes) = try await connection.read("the Go node's push/pull reply") { bytes in
                try StreamEnvelope.decodeIfComplete(bytes, direction: .listener, keyring: variant.keyring)
                    .map { ($0.envelope, Array(bytes[..<$0.consumed])) }
            }

            #expect(reply.encryption == variant.encryption)
            #expect(reply.compression == variant.compressionAlgorithm)
            guard case .pushPull(let theirs) = reply.message else {
                Issue.record("expected a push/pull reply, got \(reply.message)")
                return
            }
            #expect(theirs.join)
            #expect(theirs.userState == Array("go-user-state".utf8))
            let goNode = try #require(theirs.nodes.first { $0.name == "go-node" })
            #expect(goNode.port == peer.port)
            #expect(goNode.address.ipv4Bytes == [127, 0, 0, 1])
            #expect(goNode.meta == Array("go-meta".utf8))
            #expect(goNode.state == .alive)
            #expect(goNode.versions?.protocolCurrent == UInt8(variant.protocolVersion))
            // Swift writes the reply exactly as memberlist did (same nonce when encrypted).
            let nonce = variant.encryption == nil ? nil : Array(replyBytes[6..<18])
            #expect(try reply.encoded(direction: .listener, keyring: variant.keyring, nonce: nonce) == replyBytes)

            let status = try await peer.waitForStatus("the Go node to list swift-a and merge its user state") { status in
                status.member("swift-a") != nil && !status.remoteStates.isEmpty
            }
            let member = try #require(status.member("swift-a"))
            #expect(member.state == "alive")
            #expect(member.address == "127.0.0.1")
            #expect(member.metaHex == Hex.string(Array("swift-meta".utf8)))
            #expect(member.vsn == versions.map(Int.init))
            if variant.protocolVersion >= 2 {
                // Protocol 1 ignores advertised ports and assumes the local one (net.go readRemoteState).
                #expect(member.port == Int(swiftPort.port))
            }
            #expect(status.remoteStates.map(\.stateHex) == [Hex.string(Array("swift-user-state".utf8))])
            #expect(status.remoteStates.first?.join == true)
        }
    }

    @Test("a Swift ping over UDP (CRC, compression, encryption as configured) gets the Go node's ack", arguments: NodeVariant.all)
    func udpPing(variant: NodeVariant) async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(variant.arguments)
            let socket = try LoopbackEndpoint.udp()
            var message = Message.ping(
                PingMessage(seqNo: 77, node: "go-node", sourceAddress: loopback, sourcePort: socket.port, sourceNode: "swift-a"))
            if let algorithm = variant.compressionAlgorithm { message = .compressed(algorithm, message) }
            let packet = try PacketEnvelope(message: message, hasChecksum: true, encryption: variant.encryption)
                .encoded(keyring: variant.keyring)
            try socket.send(packet, toPort: peer.port)

            let (envelope, bytes) = try await receivePacket(on: socket, keyring: variant.keyring, "an ack for SeqNo 77") {
                $0.message.flattened.contains(.ack(AckResponse(seqNo: 77, payload: nil)))
            }
            #expect(envelope.encryption == variant.encryption)
            let nonce = variant.encryption == nil ? nil : Array(bytes[1..<13])
            #expect(try envelope.encoded(keyring: variant.keyring, nonce: nonce) == bytes)
        }
    }

    @Test("alive, suspect, dead and user messages from Swift change the Go node's member list", arguments: NodeVariant.all)
    func gossip(variant: NodeVariant) async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(variant.arguments)
            let socket = try LoopbackEndpoint.udp()
            func send(_ parts: [Message]) throws {
                var message = parts.count == 1 ? parts[0] : .compound(parts)
                if let algorithm = variant.compressionAlgorithm { message = .compressed(algorithm, message) }
                try socket.send(
                    PacketEnvelope(message: message, hasChecksum: true, encryption: variant.encryption)
                        .encoded(keyring: variant.keyring),
                    toPort: peer.port)
            }

            let userPayload = Array("user message from swift".utf8)
            try send([
                .alive(
                    AliveMessage(
                        incarnation: 5, node: "swift-b", address: loopback, port: socket.port,
                        meta: Array("b-meta".utf8), vsn: versions)),
                .user(userPayload),
            ])
            let alive = try await peer.waitForStatus("swift-b alive and the user message delivered") {
                $0.member("swift-b")?.state == "alive" && $0.userMessagesHex.contains(Hex.string(userPayload))
            }
            #expect(alive.member("swift-b")?.metaHex == Hex.string(Array("b-meta".utf8)))
            #expect(alive.member("swift-b")?.vsn == versions.map(Int.init))
            if variant.protocolVersion >= 2 {
                #expect(alive.member("swift-b")?.port == Int(socket.port))
            }

            // memberlist 0.2.2 shows suspicion through no public API; a node that accepts a suspect gossips it on, and
            // swift-b (this socket) is among the nodes it gossips to.
            let suspect = SuspectMessage(incarnation: 5, node: "swift-b", from: "swift-a")
            try send([.suspect(suspect)])
            if variant.protocolVersion >= 2 {  // protocol 1 gossips to swift-b at its own port, not ours
                try await receivePacket(on: socket, keyring: variant.keyring, "the Go node gossiping the suspicion of swift-b") {
                    $0.message.flattened.contains(.suspect(suspect))
                }
            }

            try send([.dead(DeadMessage(incarnation: 5, node: "swift-b", from: "swift-a"))])
            try await peer.waitForStatus("swift-b dead") { $0.member("swift-b")?.state == "dead" }
        }
    }

    // Protocol 1 replaces the requested port with its own (net.go handleIndirectPing), so only 2 and up.
    @Test(
        "a Swift indirect ping makes the Go node probe the target and relay the target's ack",
        arguments: NodeVariant.all.filter { $0.protocolVersion >= 2 })
    func indirectPing(variant: NodeVariant) async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(variant.arguments)
            let requester = try LoopbackEndpoint.udp()
            let target = try LoopbackEndpoint.udp()
            func packet(_ message: Message) throws -> [UInt8] {
                var message = message
                if let algorithm = variant.compressionAlgorithm { message = .compressed(algorithm, message) }
                return try PacketEnvelope(message: message, encryption: variant.encryption).encoded(keyring: variant.keyring)
            }
            let request = IndirectPingRequest(
                seqNo: 9, target: loopback, port: target.port, node: "swift-target", nack: true,
                sourceAddress: loopback, sourcePort: requester.port, sourceNode: "swift-requester")
            try requester.send(packet(.indirectPing(request)), toPort: peer.port)

            var probe: PingMessage?
            try await receivePacket(on: target, keyring: variant.keyring, "the Go node's ping of swift-target") { envelope in
                for case .ping(let ping) in envelope.message.flattened where ping.node == "swift-target" {
                    probe = ping
                }
                return probe != nil
            }
            let ping = try #require(probe)
            #expect(ping.sourcePort == peer.port)
            #expect(ping.sourceNode == "go-node")
            try target.send(packet(.ack(AckResponse(seqNo: ping.seqNo))), toPort: peer.port)

            try await receivePacket(on: requester, keyring: variant.keyring, "the relayed ack for SeqNo 9") {
                $0.message.flattened.contains { if case .ack(let ack) = $0 { ack.seqNo == 9 } else { false } }
            }
        }
    }

    @Test("a Swift ping and user message over TCP are answered and delivered", arguments: NodeVariant.all)
    func streamPingAndUserMessage(variant: NodeVariant) async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(variant.arguments)

            let pingConnection = try LoopbackEndpoint.tcp(connectingTo: peer.port)
            defer { pingConnection.close() }
            try pingConnection.write(
                StreamEnvelope(
                    message: .ping(PingMessage(seqNo: 5, node: "go-node")), compression: variant.compressionAlgorithm,
                    encryption: variant.encryption
                ).encoded(keyring: variant.keyring))
            let (reply, replyBytes) = try await pingConnection.read("the Go node's stream ack") { bytes in
                try StreamEnvelope.decodeIfComplete(bytes, direction: .listener, keyring: variant.keyring)
                    .map { ($0.envelope, Array(bytes[..<$0.consumed])) }
            }
            #expect(reply.message == .ack(AckResponse(seqNo: 5, payload: nil)))
            let nonce = variant.encryption == nil ? nil : Array(replyBytes[6..<18])
            #expect(try reply.encoded(direction: .listener, keyring: variant.keyring, nonce: nonce) == replyBytes)

            let payload = Array(repeating: Array("a stream user message from swift ".utf8), count: 40).flatMap { $0 }
            let userConnection = try LoopbackEndpoint.tcp(connectingTo: peer.port)
            defer { userConnection.close() }
            try userConnection.write(
                StreamEnvelope(message: .user(payload), compression: variant.compressionAlgorithm, encryption: variant.encryption)
                    .encoded(keyring: variant.keyring))
            userConnection.shutdownWrite()
            try await peer.waitForStatus("the stream user message delivered") {
                $0.userMessagesHex.contains(Hex.string(payload))
            }
        }
    }

    @Test("a push/pull whose user state needs a 16-bit length is accepted in Swift's signed-int encoding")
    func largeUserState() async throws {
        // go-msgpack 0.5.5 writes UserStateLen 1320 as uint16 (cd), Swift writes int16 (d1) as newer go-msgpack does.
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(NodeVariant.all[0].arguments)
            let state = Array(repeating: UInt8(ascii: "s"), count: 1320)
            let request = try StreamEnvelope(message: .pushPull(PushPull(join: false, nodes: [], userState: state)))
                .encoded(direction: .dialer)
            #expect(request.starts(with: [0x06, 0x83, 0xa4] + Array("Join".utf8) + [0xc2]))
            #expect(request.contains(subsequence: [0xd1, 0x05, 0x28]))
            let connection = try LoopbackEndpoint.tcp(connectingTo: peer.port)
            defer { connection.close() }
            try connection.write(request)
            _ = try await connection.read("the Go node's push/pull reply") {
                try StreamEnvelope.decodeIfComplete($0, direction: .listener)
            }
            try await peer.waitForStatus("the 1320-byte user state merged") {
                $0.remoteStates.map(\.stateHex) == [Hex.string(state)]
            }
        }
    }

    /// Receives datagrams until one decodes and satisfies `condition`; returns it and its bytes.
    @discardableResult
    private func receivePacket(
        on socket: LoopbackEndpoint, keyring: Keyring?, _ what: String,
        _ condition: (PacketEnvelope) -> Bool
    ) async throws -> (PacketEnvelope, [UInt8]) {
        let deadline = ContinuousClock().now.advanced(by: .seconds(20))
        var undecodable: [String] = []
        while true {
            let bytes: [UInt8]
            do {
                bytes = try await socket.receive(deadline: deadline, what: what)
            } catch {
                throw FixtureError.failed("\(error); undecodable datagrams: \(undecodable)")
            }
            do {
                let envelope = try PacketEnvelope.decode(bytes, expectedLabel: "", keyring: keyring)
                if condition(envelope) { return (envelope, bytes) }
            } catch {
                undecodable.append("\(error)")
            }
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<$0 + subsequence.count]) == subsequence }
    }
}
