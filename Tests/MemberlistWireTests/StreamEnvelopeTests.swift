import MemberlistWire
import Testing

@Suite("StreamEnvelope")
struct StreamEnvelopeTests {
    static let key = Array("0123456789abcdef".utf8)

    static let pushPull = PushPull(
        join: true,
        nodes: [
            PushNodeState(
                name: "node-a", address: NodeAddress(ipv4: 10, 0, 0, 1), port: 7946, incarnation: 2, state: .alive,
                vsn: ProtocolVersions.memberlistDefault.vsn),
            PushNodeState(
                name: "node-b", address: NodeAddress(ipv4: 10, 0, 0, 2).ipv4Mapped, port: 7947, meta: [1, 1, 1, 0x61],
                incarnation: 300, state: .left, vsn: ProtocolVersions.memberlistDefault.vsn),
        ],
        userState: [0, 0, 0, 1, 0x0a])

    @Test("the pushPullHeader vector decodes and encodes exactly")
    func headerVector() throws {
        let bytes = Fixture.hex("memberlist-0.2.2/push-pull-header")
        #expect(bytes.first == MessageType.pushPull.rawValue)
        let header = try PushPullHeader(msgpackBytes: Array(bytes.dropFirst()))
        #expect(header == PushPullHeader(nodes: 1, userStateLength: 5, join: true))
        #expect([MessageType.pushPull.rawValue] + header.msgpackBytes == bytes)
        for length in 1..<bytes.count {
            let error = #expect(throws: WireError.self) { try PushPullHeader(msgpackBytes: Array(bytes[1..<length])) }
            #expect(error?.isTruncation == true)
        }
    }

    @Test("the pushNodeState vector decodes and encodes exactly")
    func nodeStateVector() throws {
        let bytes = Fixture.hex("memberlist-0.2.2/push-node-state")
        let state = try PushNodeState(msgpackBytes: bytes)
        #expect(
            state
                == PushNodeState(
                    name: "node-a", address: NodeAddress(ipv4: 10, 0, 0, 1), port: 7946, meta: nil, incarnation: 2,
                    state: .alive, vsn: [1, 5, 2, 0, 0, 0]))
        #expect(state.versions == .memberlistDefault)
        #expect(state.msgpackBytes == bytes)
        for length in 0..<bytes.count {
            let error = #expect(throws: WireError.self) { try PushNodeState(msgpackBytes: Array(bytes[..<length])) }
            #expect(error?.isTruncation == true)
        }
    }

    @Test("header + node vectors + user state form a push/pull that decodes whole")
    func assembledFromVectors() throws {
        let bytes =
            Fixture.hex("memberlist-0.2.2/push-pull-header") + Fixture.hex("memberlist-0.2.2/push-node-state")
            + [1, 2, 3, 4, 5]
        let envelope = try StreamEnvelope.decode(bytes, direction: .listener)
        guard case .pushPull(let pushPull) = envelope.message else {
            Issue.record("not a push/pull: \(envelope.message)")
            return
        }
        #expect(pushPull.join)
        #expect(pushPull.nodes.map(\.name) == ["node-a"])
        #expect(pushPull.userState == [1, 2, 3, 4, 5])
        #expect(try envelope.encoded(direction: .listener) == bytes)
    }

    @Test(
        "push/pull round-trips through every layer combination",
        arguments: [nil, CompressionAlgorithm.lzw, .snappy], [nil, EncryptionVersion.padded, .unpadded])
    func layers(compression: CompressionAlgorithm?, encryption: EncryptionVersion?) throws {
        let keyring = encryption == nil ? nil : try Keyring(key: Self.key)
        for direction in [StreamDirection.dialer, .listener] {
            let envelope = StreamEnvelope(
                message: .pushPull(Self.pushPull), label: "lbl", compression: compression, encryption: encryption)
            let bytes = try envelope.encoded(direction: direction, keyring: keyring)
            #expect((bytes.first == 0xf4) == (direction == .dialer))
            let decoded = try StreamEnvelope.decode(
                bytes, direction: direction, expectedLabel: "lbl", keyring: keyring)
            #expect(decoded == envelope)
        }
    }

    @Test(
        "user messages, pings, acks and errors travel on streams too",
        arguments: [
            StreamMessage.user(Array(repeating: 3, count: 200)), .user([]), .ping(PingMessage(seqNo: 5, node: "x")),
            .ack(AckResponse(seqNo: 5, payload: nil)), .error(ErrorResponse(error: "nope")),
        ])
    func otherMessages(message: StreamMessage) throws {
        let envelope = StreamEnvelope(message: message, compression: .lzw)
        #expect(try StreamEnvelope.decode(envelope.encoded()) == envelope)
        let plain = StreamEnvelope(message: message)
        let bytes = try plain.encoded()
        #expect(bytes.first == message.type.rawValue)
        #expect(try StreamEnvelope.decode(bytes) == plain)
    }

    @Test("a user message on a stream has a userMsgHeader before the payload")
    func userMessageLayout() throws {
        let bytes = try StreamEnvelope(message: .user([0xaa, 0xbb])).encoded()
        #expect(bytes == [0x08, 0x81, 0xaa] + Array("UserMsgLen".utf8) + [0x02, 0xaa, 0xbb])
    }

    @Test("the label authenticates an encrypted reply even though the reply has no label header")
    func replyLabelIsAdditionalData() throws {
        let keyring = try Keyring(key: Self.key)
        let reply = StreamEnvelope(message: .pushPull(Self.pushPull), label: "lbl", encryption: .unpadded)
        let bytes = try reply.encoded(direction: .listener, keyring: keyring)
        #expect(bytes.first == MessageType.encrypt.rawValue)
        #expect(throws: WireError.decryptionFailed(keysTried: 1)) {
            try StreamEnvelope.decode(bytes, direction: .listener, expectedLabel: "other", keyring: keyring)
        }
    }

    @Test("encrypted and plain streams must match the keyring")
    func keyringMismatch() throws {
        let keyring = try Keyring(key: Self.key)
        let plain = try StreamEnvelope(message: .pushPull(Self.pushPull)).encoded()
        #expect(throws: WireError.unexpectedMessageType(.pushPull, offset: 0, context: "an encrypted cluster's stream"))
        {
            try StreamEnvelope.decode(plain, keyring: keyring)
        }
        let encrypted = try StreamEnvelope(message: .pushPull(Self.pushPull), encryption: .unpadded).encoded(
            keyring: keyring)
        #expect(throws: WireError.keyringRequired(context: "the stream message")) {
            try StreamEnvelope.decode(encrypted)
        }
    }

    @Test(
        "every strict prefix of a stream asks for more bytes; the whole decodes",
        arguments: [nil, CompressionAlgorithm.lzw], [nil, EncryptionVersion.unpadded])
    func decodeIfComplete(compression: CompressionAlgorithm?, encryption: EncryptionVersion?) throws {
        let keyring = encryption == nil ? nil : try Keyring(key: Self.key)
        let envelope = StreamEnvelope(
            message: .pushPull(Self.pushPull), label: "lbl", compression: compression, encryption: encryption)
        let bytes = try envelope.encoded(keyring: keyring)
        for length in 0..<bytes.count {
            #expect(
                try StreamEnvelope.decodeIfComplete(Array(bytes[..<length]), keyring: keyring) == nil,
                "prefix of \(length)")
        }
        let complete = try StreamEnvelope.decodeIfComplete(bytes + [0x99], keyring: keyring)
        #expect(complete?.envelope == envelope)
        #expect(complete?.consumed == bytes.count)
    }

    @Test("malformed bytes are not mistaken for a short read")
    func malformedIsNotShort() {
        #expect(throws: WireError.self) { try StreamEnvelope.decodeIfComplete([0x06, 0xc1]) }
        #expect(throws: WireError.self) { try StreamEnvelope.decodeIfComplete([0x2a]) }
    }

    /// A push/pull whose header claims `nodes` and `userStateLength`, followed by `extra`.
    private func pushPull(nodes: Int, userStateLength: Int, extra: [UInt8] = []) -> [UInt8] {
        [MessageType.pushPull.rawValue]
            + PushPullHeader(nodes: nodes, userStateLength: userStateLength, join: false).msgpackBytes
            + extra
    }

    @Test("lying push/pull headers are caught before allocating")
    func lyingHeaders() {
        #expect(throws: WireError.limitExceeded(field: "pushPullHeader.Nodes", value: 1_048_577, limit: 1_048_576)) {
            try StreamEnvelope.decode(pushPull(nodes: 1_048_577, userStateLength: 0))
        }
        #expect(
            throws: WireError.limitExceeded(
                field: "pushPullHeader.UserStateLen", value: 20 * 1024 * 1024 + 1, limit: 20 * 1024 * 1024)
        ) {
            try StreamEnvelope.decode(pushPull(nodes: 0, userStateLength: 20 * 1024 * 1024 + 1))
        }
        #expect(throws: WireError.invalidValue(field: "pushPullHeader.Nodes", offset: 1, reason: "negative count")) {
            try StreamEnvelope.decode(pushPull(nodes: -1, userStateLength: 0))
        }
        let error = #expect(throws: WireError.self) {
            try StreamEnvelope.decode(pushPull(nodes: 0, userStateLength: 5000, extra: [1, 2]))
        }
        #expect(error?.isTruncation == true)
        let many = #expect(throws: WireError.self) {
            try StreamEnvelope.decode(pushPull(nodes: 1_000_000, userStateLength: 0))
        }
        #expect(many?.isTruncation == true)
    }

    @Test("a user message longer than 20 MiB is refused")
    func lyingUserMessage() {
        var writer = MsgpackWriter()
        UserMessageHeader(userMessageLength: 20 * 1024 * 1024 + 1).encode(to: &writer)
        #expect(
            throws: WireError.limitExceeded(
                field: "user message payload", value: 20 * 1024 * 1024 + 1, limit: 20 * 1024 * 1024)
        ) {
            try StreamEnvelope.decode([0x08] + writer.bytes)
        }
    }

    @Test("an encrypted stream length over the push state cap is refused")
    func lyingEncryptedLength() throws {
        let keyring = try Keyring(key: Self.key)
        let error = #expect(throws: WireError.self) {
            try StreamEnvelope.decode([0x0a, 0x7f, 0xff, 0xff, 0xff, 0x01], keyring: keyring)
        }
        #expect(
            error
                == .limitExceeded(field: "encrypted stream message", value: 0x7fff_ffff, limit: WireLimits.maxPushState)
        )
    }

    @Test("compound and other packet-only types are not stream messages")
    func packetTypesRejected() {
        #expect(throws: WireError.unexpectedMessageType(.compound, offset: 0, context: "a stream")) {
            try StreamEnvelope.decode([0x07, 0x00])
        }
    }
}
