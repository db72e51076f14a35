import MemberlistWire
import Testing

/// A memberlist 0.2.2 vector: the fixture name and the Go value it encodes.
struct MessageVector: Sendable, CustomTestStringConvertible {
    let name: String
    let expected: Message
    var testDescription: String { name }

    static let localhost = NodeAddress(ipv4: 127, 0, 0, 1)
    static let ping = PingMessage(seqNo: 1, node: "node-a")
    static let alive = AliveMessage(
        incarnation: 3, node: "node-a", address: localhost, port: 7946, meta: [1, 1, 6] + Array("zone-a".utf8),
        vsn: [1, 5, 2, 0, 0, 0])

    static let all: [MessageVector] = [
        MessageVector(name: "ping", expected: .ping(ping)),
        MessageVector(
            name: "ping-with-source",
            expected: .ping(
                PingMessage(seqNo: 7, node: "b", sourceAddress: localhost, sourcePort: 7946, sourceNode: "ringctl"))),
        MessageVector(name: "ack-empty-payload", expected: .ack(AckResponse(seqNo: 1, payload: []))),
        MessageVector(name: "alive-meta", expected: .alive(alive)),
        MessageVector(name: "dead-leave", expected: .dead(DeadMessage(incarnation: 4, node: "node-a", from: "node-a"))),
        MessageVector(
            name: "suspect", expected: .suspect(SuspectMessage(incarnation: 3, node: "node-a", from: "node-b"))),
        MessageVector(name: "compound-ping-alive", expected: .compound([.ping(ping), .alive(alive)])),
        MessageVector(name: "lzw-alive", expected: .compressed(.lzw, .alive(alive))),
    ]
}

@Suite("Message")
struct MessageTests {
    @Test("memberlist 0.2.2 vector decodes to the Go value", arguments: MessageVector.all)
    func decodesVector(_ vector: MessageVector) throws {
        let bytes = Fixture.hex("memberlist-0.2.2/\(vector.name)")
        #expect(try Message(bytes: bytes) == vector.expected)
    }

    @Test("encoding gives the memberlist 0.2.2 bytes exactly", arguments: MessageVector.all)
    func encodesVector(_ vector: MessageVector) throws {
        let bytes = Fixture.hex("memberlist-0.2.2/\(vector.name)")
        let encoded = try vector.expected.encoded()
        #expect(encoded == bytes, "\(encoded.hexString)\n!=\n\(bytes.hexString)")
    }

    @Test("every truncation of a vector throws", arguments: MessageVector.all)
    func truncationsThrow(_ vector: MessageVector) throws {
        let bytes = Fixture.hex("memberlist-0.2.2/\(vector.name)")
        for length in 0..<bytes.count {
            let error = #expect(throws: WireError.self, "prefix of \(length) bytes") {
                try Message(bytes: Array(bytes[..<length]))
            }
            // Outside compressed payloads every cut is a plain truncation ("the capture ended early").
            if case .compressed = vector.expected {
                continue
            }
            #expect(error?.isTruncation == true, "prefix of \(length) bytes: \(String(describing: error))")
        }
    }

    @Test("a truncation names the field and offset")
    func truncationNamesField() {
        let bytes = Fixture.hex("memberlist-0.2.2/alive-meta")
        let error = #expect(throws: WireError.self) { try Message(bytes: Array(bytes[..<33])) }
        #expect(error == .truncated(field: "alive.Meta", offset: 31, needed: 9, available: 2))
        #expect(
            error?.description
                == "alive.Meta truncated at byte 31: needs 9 bytes, 2 left (the capture or connection ended early)")
    }

    @Test("bytes after a message body are rejected")
    func trailingBytes() {
        let bytes = Fixture.hex("memberlist-0.2.2/ping") + [0x00]
        #expect(throws: WireError.trailingBytes(context: "ping message", count: 1)) { try Message(bytes: bytes) }
    }

    @Test("push/pull, encrypt, hasCrc and hasLabel are not packet messages")
    func streamTypesRejected() {
        for type: UInt8 in [6, 10, 12, 244] {
            let error = #expect(throws: WireError.self) { try Message(bytes: [type, 0x80]) }
            #expect(
                error == .unexpectedMessageType(MessageType(rawValue: type), offset: 0, context: "a packet message"))
        }
    }

    @Test("an unknown message type is kept with its body and encodes back")
    func unknownTypeKept() throws {
        let message = try Message(bytes: [0x2a, 1, 2, 3])
        #expect(message == .unknown(MessageType(rawValue: 0x2a), body: [1, 2, 3]))
        #expect(message.type.description == "unknown(42)")
        #expect(try message.encoded() == [0x2a, 1, 2, 3])
    }

    @Test("user messages carry their payload raw, with no header")
    func userMessage() throws {
        #expect(try Message(bytes: [8, 0x0a, 0x04]) == .user([0x0a, 0x04]))
        #expect(try Message.user([]).encoded() == [8])
    }

    @Test("every message kind round-trips", arguments: MessageRoundTrip.samples)
    func roundTrip(_ sample: MessageRoundTrip) throws {
        let bytes = try sample.message.encoded()
        #expect(try Message(bytes: bytes) == sample.message)
        #expect(bytes.first == sample.message.type.rawValue)
    }

    @Test("userPayloads finds user messages inside compressed compounds")
    func userPayloads() {
        let message = Message.compressed(
            .snappy, .compound([.user([1]), .ping(PingMessage()), .compound([.user([2, 3])])]))
        #expect(message.userPayloads == [[1], [2, 3]])
        #expect(message.flattened.count == 6)
    }
}

/// A message to round-trip, named for the test report.
struct MessageRoundTrip: Sendable, CustomTestStringConvertible {
    let name: String
    let message: Message
    var testDescription: String { name }

    static let ipv6 = NodeAddress("2001:db8::1")!
    static let mapped = NodeAddress(ipv4: 10, 1, 2, 3).ipv4Mapped

    static let samples: [MessageRoundTrip] = [
        .init(name: "ping, zero values", message: .ping(PingMessage())),
        .init(
            name: "ping, max SeqNo",
            message: .ping(
                PingMessage(seqNo: .max, node: "n", sourceAddress: ipv6, sourcePort: 65535, sourceNode: "me"))),
        .init(
            name: "indirect ping",
            message: .indirectPing(
                IndirectPingRequest(
                    seqNo: 300, target: mapped, port: 7946, node: "peer-1", nack: true, sourceAddress: ipv6,
                    sourcePort: 1, sourceNode: "ringctl"))),
        .init(
            name: "indirect ping, no source",
            message: .indirectPing(IndirectPingRequest(seqNo: 70_000, target: mapped, port: 128, node: "x"))),
        .init(name: "ack, nil payload", message: .ack(AckResponse(seqNo: 256))),
        .init(
            name: "ack, 40-byte payload",
            message: .ack(AckResponse(seqNo: 65_536, payload: Array(repeating: 7, count: 40)))),
        .init(name: "nack", message: .nack(NackResponse(seqNo: 255))),
        .init(name: "err", message: .error(ErrorResponse(error: "push/pull rejected: too many concurrent requests"))),
        .init(name: "suspect", message: .suspect(SuspectMessage(incarnation: 128, node: "a", from: "b"))),
        .init(
            name: "alive, IPv6, no meta",
            message: .alive(
                AliveMessage(incarnation: 1 << 20, node: "node-ü", address: ipv6, port: 80, meta: nil, vsn: nil))),
        .init(
            name: "alive, 512-byte meta",
            message: .alive(
                AliveMessage(
                    incarnation: 2, node: "n", address: mapped, port: 7946, meta: Array(repeating: 0xff, count: 512),
                    vsn: ProtocolVersions.memberlistDefault.vsn))),
        .init(name: "dead", message: .dead(DeadMessage(incarnation: 9, node: "a", from: "c"))),
        .init(name: "user", message: .user(Array(0...255))),
        .init(name: "empty compound", message: .compound([])),
        .init(
            name: "compound of everything",
            message: .compound([.nack(NackResponse(seqNo: 1)), .user([1, 2]), .dead(DeadMessage(node: "d"))])),
        .init(
            name: "lzw compound",
            message: .compressed(
                .lzw, .compound([.user(Array(repeating: 1, count: 5000)), .ping(PingMessage(seqNo: 3))]))),
        .init(name: "snappy alive", message: .compressed(.snappy, .alive(AliveMessage(node: "s", address: mapped)))),
        .init(name: "compressed compressed", message: .compressed(.lzw, .compressed(.snappy, .user([9])))),
    ]
}
