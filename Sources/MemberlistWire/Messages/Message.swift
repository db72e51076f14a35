// One memberlist message as it travels in a packet (hashicorp/memberlist net.go `handleCommand`):
//
//   [type: 1 byte][body]
//
// where the body is msgpack for ping, indirectPing, ackResp, nackResp, err, suspect, alive and dead; the raw
// payload for user (no header in packets); the compound layout for compound (Compound.swift); and a msgpack
// `compress` {Algo, Buf} whose Buf decompresses to another whole message for compress (Compression.swift).
// Push/pull, encrypt, hasCrc and hasLabel are never message bodies in a packet: they belong to streams or to the
// packet envelope (PacketEnvelope.swift), so meeting them here is an error.

/// A memberlist packet message, with compound and compressed messages decoded recursively.
public indirect enum Message: Hashable, Sendable {
    /// `ping` (0).
    case ping(PingMessage)
    /// `indirectPing` (1).
    case indirectPing(IndirectPingRequest)
    /// `ackResp` (2).
    case ack(AckResponse)
    /// `suspect` (3).
    case suspect(SuspectMessage)
    /// `alive` (4).
    case alive(AliveMessage)
    /// `dead` (5).
    case dead(DeadMessage)
    /// `compound` (7): the parts, in order.
    case compound([Message])
    /// `user` (8): the delegate's payload (dskit: one marshalled KeyValuePair).
    case user([UInt8])
    /// `compress` (9): the message that the compressed buffer holds.
    case compressed(CompressionAlgorithm, Message)
    /// `nackResp` (11).
    case nack(NackResponse)
    /// `err` (13).
    case error(ErrorResponse)
    /// A type byte memberlist does not define, with its body kept as received.
    case unknown(MessageType, body: [UInt8])

    /// The type byte this message is written with.
    public var type: MessageType {
        switch self {
        case .ping: return .ping
        case .indirectPing: return .indirectPing
        case .ack: return .ackResponse
        case .suspect: return .suspect
        case .alive: return .alive
        case .dead: return .dead
        case .compound: return .compound
        case .user: return .user
        case .compressed: return .compress
        case .nack: return .nackResponse
        case .error: return .error
        case .unknown(let type, _): return type
        }
    }

    /// Decodes one message that fills `bytes` exactly.
    public init(bytes: [UInt8]) throws(WireError) {
        var reader = WireReader(bytes)
        try self.init(reader: &reader, depth: 0)
    }

    /// Decodes one message that fills the rest of `reader`, recursing at most `WireLimits.maxMessageNesting` deep.
    public init(reader: inout WireReader, depth: Int) throws(WireError) {
        if depth > WireLimits.maxMessageNesting {
            throw .nestingTooDeep(limit: WireLimits.maxMessageNesting)
        }
        let typeOffset = reader.offset
        let type = MessageType(rawValue: try reader.readByte(field: "message type"))
        switch type {
        case .ping: self = .ping(try Self.body(&reader, type))
        case .indirectPing: self = .indirectPing(try Self.body(&reader, type))
        case .ackResponse: self = .ack(try Self.body(&reader, type))
        case .suspect: self = .suspect(try Self.body(&reader, type))
        case .alive: self = .alive(try Self.body(&reader, type))
        case .dead: self = .dead(try Self.body(&reader, type))
        case .nackResponse: self = .nack(try Self.body(&reader, type))
        case .error: self = .error(try Self.body(&reader, type))
        case .user: self = .user(reader.readRemainingBytes())
        case .compound: self = .compound(try Compound.decodeParts(&reader, depth: depth))
        case .compress:
            let compressed: CompressedMessage = try Self.body(&reader, type)
            let plain = try Compression.decompress(compressed)
            var inner = WireReader(plain)
            do throws(WireError) {
                self = .compressed(compressed.algorithm, try Message(reader: &inner, depth: depth + 1))
            } catch {
                throw error.insidePayload("\(compressed.algorithm)-decompressed message")
            }
        case .pushPull, .encrypt, .hasCRC, .hasLabel:
            throw .unexpectedMessageType(type, offset: typeOffset, context: "a packet message")
        default:
            self = .unknown(type, body: reader.readRemainingBytes())
        }
    }

    private static func body<Body: MsgpackCodable>(
        _ reader: inout WireReader,
        _ type: MessageType
    ) throws(WireError) -> Body {
        var msgpack = MsgpackReader(reader.readRemainingReader())
        let body = try Body(msgpack: &msgpack)
        try msgpack.reader.finish(context: "\(type) message")
        return body
    }

    /// The message's bytes, type byte first, exactly as a Go peer writes them.
    ///
    /// Throws when a compound has more than 255 parts or a part over 65,535 bytes, or compression fails.
    public func encoded() throws(WireError) -> [UInt8] {
        var writer = WireWriter(capacity: 64)
        try encode(to: &writer)
        return writer.bytes
    }

    /// Appends the message's bytes to `writer`.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeByte(type.rawValue)
        switch self {
        case .ping(let body): Self.append(body, to: &writer)
        case .indirectPing(let body): Self.append(body, to: &writer)
        case .ack(let body): Self.append(body, to: &writer)
        case .suspect(let body): Self.append(body, to: &writer)
        case .alive(let body): Self.append(body, to: &writer)
        case .dead(let body): Self.append(body, to: &writer)
        case .nack(let body): Self.append(body, to: &writer)
        case .error(let body): Self.append(body, to: &writer)
        case .user(let payload): writer.writeBytes(payload)
        case .unknown(_, let body): writer.writeBytes(body)
        case .compound(let parts): try Compound.encodeParts(parts, to: &writer)
        case .compressed(let algorithm, let inner):
            let compressed = try Compression.compress(inner.encoded(), algorithm: algorithm)
            Self.append(compressed, to: &writer)
        }
    }

    private static func append<Body: MsgpackCodable>(_ body: Body, to writer: inout WireWriter) {
        var msgpack = MsgpackWriter(writer)
        writer = WireWriter()  // release the storage so the append below does not copy it
        body.encode(to: &msgpack)
        writer = msgpack.writer
    }

    /// This message and every message nested in it (compound parts, compressed contents), depth first.
    public var flattened: [Message] {
        switch self {
        case .compound(let parts): return [self] + parts.flatMap(\.flattened)
        case .compressed(_, let inner): return [self] + inner.flattened
        default: return [self]
        }
    }

    /// The payloads of every user message inside this one, in order (dskit: one KeyValuePair each).
    public var userPayloads: [[UInt8]] {
        flattened.compactMap {
            if case .user(let payload) = $0 { return payload }
            return nil
        }
    }
}

extension WireError {
    /// The error as seen from outside a decompressed or decrypted payload: a truncation inside it is damage to
    /// a complete message, not a short read, so stream framing must not wait for more bytes.
    func insidePayload(_ layer: String) -> WireError {
        if case let .truncated(field, offset, needed, available) = self {
            return .payloadTruncated(layer: layer, field: field, offset: offset, needed: needed, available: available)
        }
        return self
    }
}
