// A memberlist packet (one UDP datagram, or the payload of one dskit TCP packet), outermost layer first
// (hashicorp/memberlist net.go `ingestPacket` reads it in this order, `rawSendMsgPacket` writes it in reverse):
//
//   [label header: 244, length, label]   optional (label.go)
//   [encrypted payload]                  when the cluster has a keyring; additional data = the label (security.go)
//   [12][CRC-32 big-endian]              optional, sent to peers of protocol 5+; covers the message
//   [message]                            Message.swift; compress/compound nest inside it

/// A decoded packet: its envelope layers and the message inside.
public struct PacketEnvelope: Hashable, Sendable {
    /// The cluster label from the label header; nil when there was none.
    public var label: String?
    /// The encryption version, when the packet was encrypted.
    public var encryption: EncryptionVersion?
    /// True when the message carried a CRC-32 header (verified on decode, written on encode).
    public var hasChecksum: Bool
    /// The message.
    public var message: Message

    /// A packet envelope.
    public init(
        message: Message,
        label: String? = nil,
        hasChecksum: Bool = false,
        encryption: EncryptionVersion? = nil
    ) {
        self.message = message
        self.label = label
        self.hasChecksum = hasChecksum
        self.encryption = encryption
    }

    /// Decodes a whole packet.
    ///
    /// - Parameters:
    ///   - expectedLabel: the cluster label this side is configured with (`""` for none), checked as memberlist
    ///     does; nil accepts any label and reports it.
    ///   - keyring: the cluster's keys; when given the packet must be encrypted (memberlist's default
    ///     GossipVerifyIncoming), when nil it must not be.
    public static func decode(
        _ bytes: [UInt8],
        expectedLabel: String? = nil,
        keyring: Keyring? = nil
    ) throws(WireError) -> PacketEnvelope {
        var reader = WireReader(bytes)
        let label = try Label.read(&reader)
        try Label.verify(received: label, expected: expectedLabel)
        guard let keyring else {
            return try decodeChecksummed(&reader, label: label, encryption: nil)
        }
        let (plaintext, version) = try Encryption.open(
            reader.remainingBytes, keyring: keyring, additionalData: Array((label ?? "").utf8))
        var inner = WireReader(plaintext)
        do throws(WireError) {
            return try decodeChecksummed(&inner, label: label, encryption: version)
        } catch {
            throw error.insidePayload("decrypted packet")
        }
    }

    private static func decodeChecksummed(
        _ reader: inout WireReader,
        label: String?,
        encryption: EncryptionVersion?
    ) throws(WireError) -> PacketEnvelope {
        var hasChecksum = false
        if !reader.isAtEnd, try reader.peekByte(field: "message type") == MessageType.hasCRC.rawValue {
            try reader.skip(1, field: "CRC header")
            let expected = try reader.readUInt32(field: "CRC-32")
            let computed = CRC32.checksum(reader.remainingBytes)
            if computed != expected {
                throw .checksumMismatch(expected: expected, computed: computed)
            }
            hasChecksum = true
        }
        let message = try Message(reader: &reader, depth: 0)
        return PacketEnvelope(message: message, label: label, hasChecksum: hasChecksum, encryption: encryption)
    }

    /// The packet's bytes: message, then CRC, encryption (with the keyring's primary key) and label, as a Go peer
    /// writes them. `nonce` fixes the encryption nonce (tests only).
    public func encoded(keyring: Keyring? = nil, nonce: [UInt8]? = nil) throws(WireError) -> [UInt8] {
        var payload = try message.encoded()
        if hasChecksum {
            var writer = WireWriter(capacity: payload.count + 5)
            writer.writeByte(MessageType.hasCRC.rawValue)
            writer.writeUInt32(CRC32.checksum(payload))
            writer.writeBytes(payload)
            payload = writer.bytes
        }
        if let encryption {
            guard let keyring else { throw .keyringRequired(context: "encrypting a packet") }
            payload = try Encryption.seal(
                payload, key: keyring.primaryKey, version: encryption, additionalData: Array((label ?? "").utf8),
                nonce: nonce)
        }
        var writer = WireWriter(capacity: payload.count + 2 + (label?.utf8.count ?? 0))
        try Label.write(label, to: &writer)
        writer.writeBytes(payload)
        return writer.bytes
    }
}
