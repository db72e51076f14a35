// One memberlist stream message (a TCP connection's worth in one direction), outermost layer first
// (hashicorp/memberlist net.go `readStream`, `rawSendMsgStream`; label.go):
//
//   [label header: 244, length, label]         only from the dialing side (the reply carries none)
//   [10][length: uint32 BE][encrypted payload]  when the cluster has a keyring; additional data
//                                               = [10][length][label]; the payload decrypts to what follows
//   [9][msgpack compress {Algo, Buf}]           optional; Buf decompresses to what follows
//   [type][body]                                6 push/pull (PushPull.swift), 8 user ([userMsgHeader][payload]),
//                                               0 ping / 2 ack (TCP fallback probe), 13 err
//
// Streams are read incrementally, so a truncation in the outer bytes means "wait for more" (`isTruncation`);
// inside a decrypted or decompressed payload it is damage (`.payloadTruncated`).

/// A stream message after its envelope layers.
public enum StreamMessage: Hashable, Sendable {
    /// A push/pull state exchange.
    case pushPull(PushPull)
    /// A user message sent over a stream (too large for a packet), its payload.
    case user([UInt8])
    /// A ping over TCP (memberlist's fallback probe).
    case ping(PingMessage)
    /// The ack answering a TCP ping.
    case ack(AckResponse)
    /// An error relayed by the remote end.
    case error(ErrorResponse)

    /// The type byte the message is written with.
    public var type: MessageType {
        switch self {
        case .pushPull: return .pushPull
        case .user: return .user
        case .ping: return .ping
        case .ack: return .ackResponse
        case .error: return .error
        }
    }
}

/// Which end of a stream connection wrote the bytes.
public enum StreamDirection: Hashable, Sendable {
    /// The side that opened the connection: it writes the label header first.
    case dialer
    /// The side that accepted it: its reply has no label header (but the label still authenticates encryption).
    case listener
}

/// A decoded stream message with its envelope layers.
public struct StreamEnvelope: Hashable, Sendable {
    /// The cluster label: read from the header (dialer), or the expected label assumed (listener).
    public var label: String?
    /// The encryption version, when the message was encrypted.
    public var encryption: EncryptionVersion?
    /// The compression algorithm, when the message was compressed.
    public var compression: CompressionAlgorithm?
    /// The message.
    public var message: StreamMessage

    /// A stream envelope.
    public init(
        message: StreamMessage,
        label: String? = nil,
        compression: CompressionAlgorithm? = nil,
        encryption: EncryptionVersion? = nil
    ) {
        self.message = message
        self.label = label
        self.compression = compression
        self.encryption = encryption
    }

    /// Decodes one stream message that fills `bytes` exactly.
    ///
    /// - Parameters:
    ///   - direction: `.dialer` reads (and checks) a label header, `.listener` expects none.
    ///   - expectedLabel: the configured cluster label (`""` for none); nil accepts any label.
    ///   - keyring: when given the message must be encrypted; when nil it must not be.
    public static func decode(
        _ bytes: [UInt8],
        direction: StreamDirection = .dialer,
        expectedLabel: String? = nil,
        keyring: Keyring? = nil
    ) throws(WireError) -> StreamEnvelope {
        var reader = WireReader(bytes)
        let envelope = try decode(from: &reader, direction: direction, expectedLabel: expectedLabel, keyring: keyring)
        try reader.finish(context: "the \(envelope.message.type) stream message")
        return envelope
    }

    /// Decodes the stream message at the start of `bytes` if it is all there: nil means "read more bytes";
    /// otherwise the message and how many bytes it took. Malformed bytes still throw.
    public static func decodeIfComplete(
        _ bytes: [UInt8],
        direction: StreamDirection = .dialer,
        expectedLabel: String? = nil,
        keyring: Keyring? = nil
    ) throws(WireError) -> (envelope: StreamEnvelope, consumed: Int)? {
        var reader = WireReader(bytes)
        do throws(WireError) {
            let envelope = try decode(
                from: &reader, direction: direction, expectedLabel: expectedLabel, keyring: keyring)
            return (envelope, reader.offset)
        } catch  where error.isTruncation {
            return nil
        }
    }

    /// Decodes one stream message from `reader`, leaving it after the message.
    public static func decode(
        from reader: inout WireReader,
        direction: StreamDirection = .dialer,
        expectedLabel: String? = nil,
        keyring: Keyring? = nil
    ) throws(WireError) -> StreamEnvelope {
        var label: String?
        switch direction {
        case .dialer:
            // No byte yet is "read more", not "no label": else an expected label fails an empty buffer.
            try reader.require(1, field: "stream message type")
            label = try Label.read(&reader)
            try Label.verify(received: label, expected: expectedLabel)
        case .listener:
            label = expectedLabel.flatMap { $0.isEmpty ? nil : $0 }
        }
        let typeOffset = reader.offset
        let first = MessageType(rawValue: try reader.peekByte(field: "stream message type"))
        guard first == .encrypt else {
            if keyring != nil {
                throw .unexpectedMessageType(first, offset: typeOffset, context: "an encrypted cluster's stream")
            }
            let (message, compression) = try decodePlain(&reader)
            return StreamEnvelope(message: message, label: label, compression: compression)
        }
        guard let keyring else { throw .keyringRequired(context: "the stream message") }
        try reader.skip(1, field: "stream message type")
        let length = try reader.readUInt32(field: "encrypted stream length")
        guard let count = Int(exactly: length) else {
            throw .limitExceeded(field: "encrypted stream length", value: Int.max, limit: WireLimits.maxPushState)
        }
        let range = try reader.readRange(
            count: count, limit: WireLimits.maxPushState, field: "encrypted stream message")
        var additionalData: [UInt8] = [MessageType.encrypt.rawValue]
        withUnsafeBytes(of: length.bigEndian) { additionalData.append(contentsOf: $0) }
        additionalData.append(contentsOf: (label ?? "").utf8)
        let (plaintext, version) = try Encryption.open(
            reader.bytes[range], keyring: keyring, additionalData: additionalData)
        var inner = WireReader(plaintext)
        do throws(WireError) {
            let (message, compression) = try decodePlain(&inner)
            try inner.finish(context: "the decrypted \(message.type) stream message")
            return StreamEnvelope(message: message, label: label, compression: compression, encryption: version)
        } catch {
            throw error.insidePayload("decrypted stream message")
        }
    }

    private static func decodePlain(
        _ reader: inout WireReader
    ) throws(WireError) -> (StreamMessage, CompressionAlgorithm?) {
        let typeOffset = reader.offset
        let type = MessageType(rawValue: try reader.readByte(field: "stream message type"))
        guard type == .compress else {
            return (try decodeMessage(type, offset: typeOffset, &reader), nil)
        }
        var msgpack = MsgpackReader(reader)
        let compressed = try CompressedMessage(msgpack: &msgpack)
        reader = msgpack.reader
        let plain = try Compression.decompress(compressed)
        var inner = WireReader(plain)
        do throws(WireError) {
            let innerType = MessageType(rawValue: try inner.readByte(field: "stream message type"))
            let message = try decodeMessage(innerType, offset: 0, &inner)
            try inner.finish(context: "the decompressed \(innerType) stream message")
            return (message, compressed.algorithm)
        } catch {
            throw error.insidePayload("\(compressed.algorithm)-decompressed stream message")
        }
    }

    private static func decodeMessage(
        _ type: MessageType,
        offset: Int,
        _ reader: inout WireReader
    ) throws(WireError) -> StreamMessage {
        switch type {
        case .pushPull:
            return .pushPull(try PushPull(reader: &reader))
        case .user:
            var msgpack = MsgpackReader(reader)
            let header = try UserMessageHeader(msgpack: &msgpack)
            reader = msgpack.reader
            let payload = try reader.readBytes(
                count: header.userMessageLength, limit: WireLimits.maxUserMessage, field: "user message payload")
            return .user(payload)
        case .ping:
            return .ping(try readBody(&reader))
        case .ackResponse:
            return .ack(try readBody(&reader))
        case .error:
            return .error(try readBody(&reader))
        default:
            throw .unexpectedMessageType(type, offset: offset, context: "a stream")
        }
    }

    private static func readBody<Body: MsgpackCodable>(_ reader: inout WireReader) throws(WireError) -> Body {
        var msgpack = MsgpackReader(reader)
        let body = try Body(msgpack: &msgpack)
        reader = msgpack.reader
        return body
    }

    /// The message's bytes as `direction`'s side writes them: label header (dialer only), encryption with the
    /// keyring's primary key, compression, message. `nonce` fixes the encryption nonce (tests only).
    public func encoded(
        direction: StreamDirection = .dialer,
        keyring: Keyring? = nil,
        nonce: [UInt8]? = nil
    ) throws(WireError) -> [UInt8] {
        var body = WireWriter(capacity: 256)
        body.writeByte(message.type.rawValue)
        switch message {
        case .pushPull(let pushPull):
            try pushPull.encode(to: &body)
        case .user(let payload):
            if payload.count > WireLimits.maxUserMessage {
                throw .limitExceeded(
                    field: "user message payload", value: payload.count, limit: WireLimits.maxUserMessage)
            }
            var msgpack = MsgpackWriter(body)
            UserMessageHeader(userMessageLength: payload.count).encode(to: &msgpack)
            body = msgpack.writer
            body.writeBytes(payload)
        case .ping(let ping): body = Self.appending(ping, to: body)
        case .ack(let ack): body = Self.appending(ack, to: body)
        case .error(let error): body = Self.appending(error, to: body)
        }
        var payload = body.bytes
        if let compression {
            var msgpack = MsgpackWriter(capacity: payload.count / 2 + 16)
            msgpack.writer.writeByte(MessageType.compress.rawValue)
            try Compression.compress(payload, algorithm: compression).encode(to: &msgpack)
            payload = msgpack.bytes
        }
        var writer = WireWriter(capacity: payload.count + 64)
        if direction == .dialer {
            try Label.write(label, to: &writer)
        }
        if let encryption {
            guard let keyring else { throw .keyringRequired(context: "encrypting a stream message") }
            let length = UInt32(Encryption.encryptedLength(encryption, plaintextCount: payload.count))
            var additionalData: [UInt8] = [MessageType.encrypt.rawValue]
            withUnsafeBytes(of: length.bigEndian) { additionalData.append(contentsOf: $0) }
            additionalData.append(contentsOf: (label ?? "").utf8)
            writer.writeByte(MessageType.encrypt.rawValue)
            writer.writeUInt32(length)
            writer.writeBytes(
                try Encryption.seal(
                    payload, key: keyring.primaryKey, version: encryption, additionalData: additionalData, nonce: nonce)
            )
        } else {
            writer.writeBytes(payload)
        }
        return writer.bytes
    }

    private static func appending<Body: MsgpackCodable>(_ body: Body, to writer: WireWriter) -> WireWriter {
        var msgpack = MsgpackWriter(writer)
        body.encode(to: &msgpack)
        return msgpack.writer
    }
}

extension StreamEnvelope {
    /// The push/pull user state, if this is a push/pull (dskit: the KV full state, `[u32 length][KeyValuePair]…`).
    public var pushPullUserState: [UInt8]? {
        guard case .pushPull(let pushPull) = message else { return nil }
        return pushPull.userState
    }

    /// The payload of a stream user message, as a one-element list; empty for other messages.
    public var userMessagePayloads: [[UInt8]] {
        guard case .user(let payload) = message else { return [] }
        return [payload]
    }
}
