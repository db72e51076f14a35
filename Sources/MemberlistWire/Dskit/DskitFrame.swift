import Crypto

// grafana/dskit kv/memberlist/tcp_transport.go: dskit runs memberlist over TCP only. Each connection starts
// with one byte saying what it carries:
//
//   packet: [1][address length: 1 byte][sender's advertised address, "ip:port" text][payload][MD5(payload): 16]
//           one packet per connection, read to EOF; the payload is a memberlist packet (PacketEnvelope.swift)
//   stream: [2][memberlist stream message] (StreamEnvelope.swift); the listener's reply on the same connection
//           has neither the 2 nor a label header
//
// dskit only logs an MD5 mismatch and still delivers the packet; ringctl rejects it (a mismatch means a cut or
// damaged packet) unless asked not to verify. dskit reads packets without a size limit; ringctl caps them.

/// The first byte of a dskit TCP connection.
public enum DskitFrameKind: UInt8, Hashable, Sendable {
    /// One memberlist packet, with sender address and MD5 trailer.
    case packet = 1
    /// A memberlist stream.
    case stream = 2
}

/// A dskit TCP packet: the sender's advertised address and the memberlist packet it carries.
public struct DskitPacket: Hashable, Sendable {
    /// The sender's advertised "ip:port" (not the connection's source port).
    public var senderAddress: String
    /// The memberlist packet bytes (decode them with `envelope(expectedLabel:keyring:)`).
    public var payload: [UInt8]

    /// A dskit packet.
    public init(senderAddress: String, payload: [UInt8]) {
        self.senderAddress = senderAddress
        self.payload = payload
    }

    /// Decodes a whole packet connection, marker byte included; throws `.digestMismatch` unless the MD5 trailer
    /// matches (pass `verifyDigest: false` to read damaged captures anyway).
    public static func decode(_ bytes: [UInt8], verifyDigest: Bool = true) throws(WireError) -> DskitPacket {
        if bytes.count > WireLimits.maxDskitPacket {
            throw .limitExceeded(field: "dskit packet size", value: bytes.count, limit: WireLimits.maxDskitPacket)
        }
        var reader = WireReader(bytes)
        let marker = try reader.readByte(field: "dskit frame kind")
        guard marker == DskitFrameKind.packet.rawValue else {
            if marker == DskitFrameKind.stream.rawValue {
                throw .invalidValue(field: "dskit frame kind", offset: 0, reason: "this is a stream, not a packet")
            }
            throw .unknownFrameKind(marker)
        }
        return try decodeAfterMarker(&reader, verifyDigest: verifyDigest)
    }

    static func decodeAfterMarker(_ reader: inout WireReader, verifyDigest: Bool) throws(WireError) -> DskitPacket {
        let addressLength = Int(try reader.readByte(field: "dskit sender address length"))
        let addressOffset = reader.offset
        let addressRange = try reader.readRange(count: addressLength, field: "dskit sender address")
        guard let address = String(validating: reader.bytes[addressRange], as: UTF8.self) else {
            throw .invalidValue(field: "dskit sender address", offset: addressOffset, reason: "not valid UTF-8")
        }
        try reader.require(16, field: "dskit packet MD5 trailer")
        let payloadRange = reader.offset..<(reader.endIndex - 16)
        let payload = Array(reader.bytes[payloadRange])
        try reader.skip(payload.count, field: "dskit packet payload")
        let trailer = try reader.readBytes(count: 16, field: "dskit packet MD5 trailer")
        if verifyDigest {
            let computed = Array(Insecure.MD5.hash(data: payload))
            if computed != trailer {
                throw .digestMismatch(expected: trailer, computed: computed)
            }
        }
        return DskitPacket(senderAddress: address, payload: payload)
    }

    /// The connection bytes: marker, address, payload, MD5 of the payload.
    public func encoded() throws(WireError) -> [UInt8] {
        let addressCount = senderAddress.utf8.count
        if addressCount > WireLimits.maxDskitAddress {
            throw .limitExceeded(
                field: "dskit sender address length", value: addressCount, limit: WireLimits.maxDskitAddress)
        }
        var writer = WireWriter(capacity: 2 + addressCount + payload.count + 16)
        writer.writeByte(DskitFrameKind.packet.rawValue)
        writer.writeByte(UInt8(addressCount))
        writer.writeBytes(senderAddress.utf8)
        writer.writeBytes(payload)
        writer.writeBytes(Insecure.MD5.hash(data: payload))
        if writer.count > WireLimits.maxDskitPacket {
            throw .limitExceeded(field: "dskit packet size", value: writer.count, limit: WireLimits.maxDskitPacket)
        }
        return writer.bytes
    }

    /// Decodes the memberlist packet inside.
    public func envelope(expectedLabel: String? = nil, keyring: Keyring? = nil) throws(WireError) -> PacketEnvelope {
        try PacketEnvelope.decode(payload, expectedLabel: expectedLabel, keyring: keyring)
    }
}

/// Everything one side wrote on a dskit TCP connection, decoded.
public enum DskitFrame: Hashable, Sendable {
    /// A packet connection: the sender's address and the memberlist packet.
    case packet(senderAddress: String, PacketEnvelope)
    /// A stream connection's first message, as the dialing side wrote it.
    case stream(StreamEnvelope)

    /// Decodes what the dialing side of a dskit connection wrote (marker byte first).
    ///
    /// - Parameters:
    ///   - expectedLabel: the cluster label (`""` for none); nil accepts any and reports it.
    ///   - keyring: the cluster's keys, if it encrypts gossip.
    ///   - verifyDigest: whether a packet's MD5 trailer must match.
    public static func decode(
        _ bytes: [UInt8],
        expectedLabel: String? = nil,
        keyring: Keyring? = nil,
        verifyDigest: Bool = true
    ) throws(WireError) -> DskitFrame {
        var reader = WireReader(bytes)
        let marker = try reader.readByte(field: "dskit frame kind")
        switch DskitFrameKind(rawValue: marker) {
        case .packet:
            if bytes.count > WireLimits.maxDskitPacket {
                throw .limitExceeded(field: "dskit packet size", value: bytes.count, limit: WireLimits.maxDskitPacket)
            }
            let packet = try DskitPacket.decodeAfterMarker(&reader, verifyDigest: verifyDigest)
            return .packet(
                senderAddress: packet.senderAddress, try packet.envelope(expectedLabel: expectedLabel, keyring: keyring)
            )
        case .stream:
            let envelope = try StreamEnvelope.decode(
                from: &reader, direction: .dialer, expectedLabel: expectedLabel, keyring: keyring)
            try reader.finish(context: "the \(envelope.message.type) stream message")
            return .stream(envelope)
        case nil:
            throw .unknownFrameKind(marker)
        }
    }

    /// Decodes the listening side's reply on a dskit stream connection: no marker, no label header.
    /// `expectedLabel` is still needed when the cluster encrypts (it authenticates the ciphertext).
    public static func decodeReply(
        _ bytes: [UInt8],
        expectedLabel: String? = nil,
        keyring: Keyring? = nil
    ) throws(WireError) -> StreamEnvelope {
        try StreamEnvelope.decode(bytes, direction: .listener, expectedLabel: expectedLabel, keyring: keyring)
    }

    /// The bytes the dialing side writes for this frame. `nonce` fixes the encryption nonce (tests only).
    public func encoded(keyring: Keyring? = nil, nonce: [UInt8]? = nil) throws(WireError) -> [UInt8] {
        switch self {
        case let .packet(senderAddress, envelope):
            let payload = try envelope.encoded(keyring: keyring, nonce: nonce)
            return try DskitPacket(senderAddress: senderAddress, payload: payload).encoded()
        case let .stream(envelope):
            return [DskitFrameKind.stream.rawValue]
                + (try envelope.encoded(direction: .dialer, keyring: keyring, nonce: nonce))
        }
    }

    /// The payloads of every user message in the frame (packet user messages, or a stream user message).
    /// For dskit each is one marshalled KeyValuePair.
    public var userMessagePayloads: [[UInt8]] {
        switch self {
        case .packet(_, let envelope): return envelope.message.userPayloads
        case .stream(let envelope): return envelope.userMessagePayloads
        }
    }

    /// The push/pull user state, if the frame is a push/pull stream (dskit: the KV full state).
    public var pushPullUserState: [UInt8]? {
        guard case .stream(let envelope) = self else { return nil }
        return envelope.pushPullUserState
    }
}
