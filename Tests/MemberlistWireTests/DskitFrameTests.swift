import MemberlistWire
import Testing

/// Decodes a dskit KV full state ([u32 BE length][KeyValuePair]…) just far enough to check its framing.
private func fullStateLengths(_ state: [UInt8]) -> [Int]? {
    var lengths: [Int] = []
    var index = 0
    while index < state.count {
        guard index + 4 <= state.count else { return nil }
        let length = state[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
        index += 4 + length
        lengths.append(length)
    }
    return index == state.count ? lengths : nil
}

/// The protobuf KeyValuePair prefix for key "ring": field 1, length 4.
private let ringKeyPrefix: [UInt8] = [0x0a, 0x04] + Array("ring".utf8)

@Suite("DskitFrame")
struct DskitFrameTests {
    static let ports: [String: UInt16] = ["peer-0": 17946, "peer-1": 17947, "peer-2": 17948]

    private func checkNodes(_ nodes: [PushNodeState]) {
        #expect(Set(nodes.map(\.name)) == Set(Self.ports.keys))
        for node in nodes {
            #expect(node.address.bytes.count == 16, "dskit sends IPv4-mapped addresses")
            #expect(node.address.description == "127.0.0.1")
            #expect(node.port == Self.ports[node.name])
            #expect(node.meta == nil)
            #expect(node.state == .alive)
            #expect(node.versions == .memberlistDefault)
        }
    }

    private func pushPull(_ envelope: StreamEnvelope) -> PushPull? {
        guard case .pushPull(let pushPull) = envelope.message else {
            Issue.record("not a push/pull: \(envelope.message)")
            return nil
        }
        return pushPull
    }

    @Test("a join push/pull without label: marker, header, 3 node states, 2085 bytes of KV state")
    func joinNoLabel() throws {
        let bytes = Fixture.bytes("dskit-captures/pushpull-join-nolabel.c2s.bin")
        let frame = try DskitFrame.decode(bytes, expectedLabel: "")
        guard case .stream(let envelope) = frame, let pushPull = pushPull(envelope) else {
            Issue.record("not a stream: \(frame)")
            return
        }
        #expect(envelope.label == nil)
        #expect(envelope.compression == nil)
        #expect(envelope.encryption == nil)
        #expect(pushPull.join)
        checkNodes(pushPull.nodes)
        #expect(pushPull.userState.count == 2085)
        #expect(frame.pushPullUserState == pushPull.userState)
        #expect(fullStateLengths(pushPull.userState) == [2081])
        #expect(Array(pushPull.userState[4..<10]) == ringKeyPrefix)
    }

    @Test("its reply has no marker and no label, and answers the join")
    func joinReply() throws {
        let bytes = Fixture.bytes("dskit-captures/pushpull-join-nolabel.s2c.bin")
        #expect(bytes.first == MessageType.pushPull.rawValue)
        let envelope = try DskitFrame.decodeReply(bytes, expectedLabel: "")
        guard let pushPull = pushPull(envelope) else { return }
        #expect(pushPull.join)
        checkNodes(pushPull.nodes)
        #expect(pushPull.userState.count == 1424)
        #expect(envelope.pushPullUserState == pushPull.userState)
        #expect(envelope.userMessagePayloads.isEmpty)
        #expect(fullStateLengths(pushPull.userState)?.count == 1)
    }

    @Test("a periodic push/pull with label \"realcluster\"")
    func periodicLabel() throws {
        let bytes = Fixture.bytes("dskit-captures/pushpull-periodic-label.c2s.bin")
        let frame = try DskitFrame.decode(bytes, expectedLabel: "realcluster")
        guard case .stream(let envelope) = frame, let pushPull = pushPull(envelope) else {
            Issue.record("not a stream: \(frame)")
            return
        }
        #expect(envelope.label == "realcluster")
        #expect(!pushPull.join)
        checkNodes(pushPull.nodes)
        #expect(pushPull.userState.count == 2088)
        #expect(fullStateLengths(pushPull.userState) == [2084])
    }

    @Test("the labelled stream is rejected by a node with another label or none")
    func periodicWrongLabel() {
        let bytes = Fixture.bytes("dskit-captures/pushpull-periodic-label.c2s.bin")
        #expect(throws: WireError.labelMismatch(expected: "othercluster", received: "realcluster")) {
            try DskitFrame.decode(bytes, expectedLabel: "othercluster")
        }
        #expect(throws: WireError.labelMismatch(expected: "", received: "realcluster")) {
            try DskitFrame.decode(bytes, expectedLabel: "")
        }
    }

    @Test("its reply decodes with the label assumed")
    func periodicReply() throws {
        let bytes = Fixture.bytes("dskit-captures/pushpull-periodic-label.s2c.bin")
        let envelope = try DskitFrame.decodeReply(bytes, expectedLabel: "realcluster")
        #expect(envelope.label == "realcluster")
        guard let pushPull = pushPull(envelope) else { return }
        #expect(!pushPull.join)
        checkNodes(pushPull.nodes)
        #expect(pushPull.userState.count == 2109)
        #expect(fullStateLengths(pushPull.userState)?.count == 1)
    }

    @Test("a compound packet: sender, CRC, 3 alive and 3 KV user messages, MD5 verified")
    func compoundPacket() throws {
        let bytes = Fixture.bytes("dskit-captures/packet-compound-alive-kv.c2s.bin")
        let frame = try DskitFrame.decode(bytes)
        guard case .packet(let sender, let envelope) = frame, case .compound(let parts) = envelope.message else {
            Issue.record("not a compound packet: \(frame)")
            return
        }
        #expect(sender == "127.0.0.1:17946")
        #expect(envelope.hasChecksum)
        #expect(envelope.label == nil)
        #expect(parts.count == 6)
        let alive = parts.compactMap { part -> AliveMessage? in
            if case .alive(let alive) = part { return alive }
            return nil
        }
        #expect(alive.map(\.node) == ["peer-2", "peer-1", "peer-0"])
        for message in alive {
            #expect(message.address.description == "127.0.0.1")
            #expect(message.port == Self.ports[message.node])
            #expect(message.meta == nil)
            #expect(message.versions == .memberlistDefault)
        }
        let payloads = frame.userMessagePayloads
        #expect(payloads.count == 3)
        #expect(payloads.map(\.count) == [0x02d2 - 1, 0x02d4 - 1, 0x02c9 - 1])
        for payload in payloads {
            #expect(Array(payload.prefix(6)) == ringKeyPrefix)
        }
    }

    @Test("a damaged packet fails its MD5; with MD5 off, the CRC still catches it")
    func damagedPacket() throws {
        var bytes = Fixture.bytes("dskit-captures/packet-compound-alive-kv.c2s.bin")
        bytes[100] ^= 0x01
        let error = #expect(throws: WireError.self) { try DskitFrame.decode(bytes) }
        guard case .digestMismatch(let expected, let computed) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(expected == Array(bytes.suffix(16)))
        #expect(computed != expected)
        let crcError = #expect(throws: WireError.self) { try DskitFrame.decode(bytes, verifyDigest: false) }
        guard case .checksumMismatch = crcError else {
            Issue.record("unexpected \(String(describing: crcError))")
            return
        }
    }

    @Test("an ack packet: SeqNo 1, nil payload")
    func ackPacket() throws {
        let bytes = Fixture.bytes("dskit-captures/packet-ack.c2s.bin")
        let frame = try DskitFrame.decode(bytes)
        #expect(
            frame
                == .packet(
                    senderAddress: "127.0.0.1:17947", PacketEnvelope(message: .ack(AckResponse(seqNo: 1, payload: nil)))
                ))
        let packet = try DskitPacket.decode(bytes)
        #expect(packet.payload.count == bytes.count - 2 - 15 - 16)
    }

    @Test(
        "re-encoding a decoded capture gives back its bytes",
        arguments: [
            "pushpull-join-nolabel.c2s", "pushpull-periodic-label.c2s", "packet-compound-alive-kv.c2s",
            "packet-ack.c2s",
        ])
    func reencodeDialer(name: String) throws {
        let bytes = Fixture.bytes("dskit-captures/\(name).bin")
        #expect(try DskitFrame.decode(bytes).encoded() == bytes)
    }

    @Test(
        "re-encoding a decoded reply gives back its bytes",
        arguments: ["pushpull-join-nolabel.s2c", "pushpull-periodic-label.s2c"])
    func reencodeReply(name: String) throws {
        let bytes = Fixture.bytes("dskit-captures/\(name).bin")
        let envelope = try DskitFrame.decodeReply(bytes)
        #expect(try envelope.encoded(direction: .listener) == bytes)
    }

    @Test(
        "every truncation of a capture throws a truncation",
        arguments: [
            "pushpull-join-nolabel.c2s", "pushpull-join-nolabel.s2c", "pushpull-periodic-label.c2s", "packet-ack.c2s",
        ])
    func truncations(name: String) {
        let bytes = Fixture.bytes("dskit-captures/\(name).bin")
        let isReply = name.hasSuffix("s2c")
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            let error = #expect(throws: WireError.self, "prefix of \(length)") {
                if isReply { _ = try DskitFrame.decodeReply(prefix) } else { _ = try DskitFrame.decode(prefix) }
            }
            // A cut packet loses its MD5 trailer; a cut stream is a short read.
            if name.hasPrefix("pushpull") {
                #expect(error?.isTruncation == true, "prefix of \(length): \(String(describing: error))")
            }
        }
    }

    @Test("a user message on a dskit stream exposes its payload")
    func streamUserMessage() throws {
        let frame = DskitFrame.stream(StreamEnvelope(message: .user([0x0a, 0x04]), label: "c", compression: .snappy))
        let decoded = try DskitFrame.decode(frame.encoded(), expectedLabel: "c")
        #expect(decoded == frame)
        #expect(decoded.userMessagePayloads == [[0x0a, 0x04]])
        #expect(decoded.pushPullUserState == nil)
    }

    @Test("unknown first bytes and short packets are rejected")
    func framing() {
        #expect(throws: WireError.unknownFrameKind(3)) { try DskitFrame.decode([3, 0]) }
        #expect(throws: WireError.self) { try DskitFrame.decode([]) }
        let error = #expect(throws: WireError.self) { try DskitFrame.decode([1, 2, 0x31, 0x32, 0xaa]) }
        #expect(error == .truncated(field: "dskit packet MD5 trailer", offset: 4, needed: 16, available: 1))
        #expect(throws: WireError.self) { try DskitPacket.decode([2]) }
    }

    @Test("a packet encodes with its MD5 and decodes back")
    func packetRoundTrip() throws {
        let frame = DskitFrame.packet(
            senderAddress: "10.0.0.7:7946",
            PacketEnvelope(
                message: .compound([.user([1, 2]), .alive(MessageVector.alive)]), label: "c", hasChecksum: true))
        let bytes = try frame.encoded()
        #expect(Array(bytes.prefix(15)) == [1, 13] + Array("10.0.0.7:7946".utf8))
        #expect(try DskitFrame.decode(bytes, expectedLabel: "c") == frame)
    }

    @Test("sender addresses over 255 bytes cannot be encoded")
    func longAddress() {
        let packet = DskitPacket(senderAddress: String(repeating: "a", count: 256), payload: [])
        #expect(throws: WireError.limitExceeded(field: "dskit sender address length", value: 256, limit: 255)) {
            try packet.encoded()
        }
    }
}
