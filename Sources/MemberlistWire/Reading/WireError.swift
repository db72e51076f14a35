/// Why bytes could not be decoded or encoded as memberlist or dskit wire data.
///
/// Every case says where (field, byte offset) and what was found, so a user can tell a label or compression
/// mismatch from a damaged capture. Offsets count from the start of the buffer being decoded (for nested
/// payloads: from the start of the decompressed or decrypted bytes, which the `layer` names).
public enum WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes end inside `field`: `needed` bytes were required at `offset`, only `available` were left.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// A decompressed or decrypted payload ends inside `field` (its outer message was complete, so this is
    /// damage, not a short read).
    case payloadTruncated(layer: String, field: String, offset: Int, needed: Int, available: Int)
    /// A length, count or size `value` exceeds the cap in `WireLimits`.
    case limitExceeded(field: String, value: Int, limit: Int)
    /// A msgpack value of the wrong kind: `found` is its first byte.
    case unexpectedMsgpackType(field: String, offset: Int, found: UInt8, expected: String)
    /// A value that decodes but makes no sense here (out of range integer, invalid UTF-8, empty label, …).
    case invalidValue(field: String, offset: Int, reason: String)
    /// A message type that is known but not allowed in this position (e.g. push/pull inside a UDP packet).
    case unexpectedMessageType(MessageType, offset: Int, context: String)
    /// The CRC-32 in a `hasCrc` header does not match the message.
    case checksumMismatch(expected: UInt32, computed: UInt32)
    /// The MD5 trailer of a dskit TCP packet does not match its payload.
    case digestMismatch(expected: [UInt8], computed: [UInt8])
    /// The cluster label received differs from the one expected (`""` means no label).
    case labelMismatch(expected: String, received: String)
    /// No key of the keyring authenticates the encrypted payload.
    case decryptionFailed(keysTried: Int)
    /// The encryption version byte is neither 0 nor 1.
    case unsupportedEncryptionVersion(UInt8)
    /// An encrypted message arrived but no keyring was given.
    case keyringRequired(context: String)
    /// A key that is not 16, 24 or 32 bytes long.
    case invalidKeyLength(Int)
    /// A compressed message names an algorithm ringctl cannot decompress.
    case unsupportedCompression(CompressionAlgorithm)
    /// The compressed bytes are corrupt.
    case decompressionFailed(algorithm: CompressionAlgorithm, reason: String)
    /// Compound or compressed messages nest deeper than `limit`.
    case nestingTooDeep(limit: Int)
    /// Bytes are left after a message that must end the buffer.
    case trailingBytes(context: String, count: Int)
    /// A dskit TCP connection starts with a byte that is neither 1 (packet) nor 2 (stream).
    case unknownFrameKind(UInt8)

    /// True when more bytes at the end of the buffer could make it decode: a stream framer waits instead of failing.
    public var isTruncation: Bool {
        if case .truncated = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "\(field) truncated at byte \(offset): needs \(needed) bytes, \(available) left"
                + " (the capture or connection ended early)"
        case let .payloadTruncated(layer, field, offset, needed, available):
            return "\(layer): \(field) truncated at byte \(offset): needs \(needed) bytes, \(available) left"
                + " (the sender's payload is damaged)"
        case let .limitExceeded(field, value, limit):
            return "\(field) is \(value), over the limit of \(limit) (memberlist would refuse it too)"
        case let .unexpectedMsgpackType(field, offset, found, expected):
            return "\(field) at byte \(offset) should be msgpack \(expected) but starts with 0x\(hex(found))"
                + " (not memberlist data, or a different protocol version)"
        case let .invalidValue(field, offset, reason):
            return "\(field) at byte \(offset) is invalid: \(reason)"
        case let .unexpectedMessageType(type, offset, context):
            return "message type \(type) at byte \(offset) is not allowed in \(context)"
        case let .checksumMismatch(expected, computed):
            return "CRC-32 mismatch: header says 0x\(hex(expected)), message has 0x\(hex(computed))"
                + " (the packet was damaged in transit)"
        case let .digestMismatch(expected, computed):
            return "dskit packet MD5 mismatch: trailer says \(hex(expected)), payload has \(hex(computed))"
                + " (the packet is incomplete or damaged)"
        case let .labelMismatch(expected, received):
            return "cluster label mismatch: expected \(quoteLabel(expected)), received \(quoteLabel(received))"
                + " (check -memberlist.cluster-label)"
        case let .decryptionFailed(keysTried):
            return "no key of the keyring (\(keysTried) tried) decrypts the message (check the gossip encryption key)"
        case let .unsupportedEncryptionVersion(version):
            return "unsupported encryption version \(version) (memberlist knows 0 and 1)"
        case let .keyringRequired(context):
            return "\(context) is encrypted, but no encryption key was given"
        case let .invalidKeyLength(length):
            return "encryption key is \(length) bytes; AES keys are 16, 24 or 32 bytes"
        case let .unsupportedCompression(algorithm):
            return "unsupported compression algorithm \(algorithm) (ringctl knows lzw and snappy)"
        case let .decompressionFailed(algorithm, reason):
            return "\(algorithm) decompression failed: \(reason)"
        case let .nestingTooDeep(limit):
            return "compound/compressed messages nest deeper than \(limit) levels (a crafted packet?)"
        case let .trailingBytes(context, count):
            return "\(count) unexpected bytes after \(context)"
        case let .unknownFrameKind(byte):
            return "dskit connection starts with 0x\(hex(byte)); expected 01 (packet) or 02 (stream)"
                + " (not the dskit TCP transport? try the standard memberlist transport)"
        }
    }
}

private func hex(_ value: UInt8) -> String {
    let digits = String(value, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { hex($0) }.joined()
}

private func quoteLabel(_ label: String) -> String {
    label.isEmpty ? "no label" : "\"\(label)\""
}
