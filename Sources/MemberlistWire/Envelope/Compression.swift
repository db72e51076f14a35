// hashicorp/memberlist util.go `compressPayload` / `decompressBuffer`: a compressed message is
//
//   [9][msgpack compress {Algo, Buf}]
//
// where Buf is the compressed bytes of one whole message (type byte first). On streams the same wrapper holds
// the whole stream message (push/pull with its user state, or a user message). Algo 0 is LZW, 1 snappy.

/// Compression of memberlist messages.
public enum Compression {
    /// The decompressed contents of a compress body, capped at `limit` bytes.
    public static func decompress(
        _ message: CompressedMessage,
        limit: Int = WireLimits.maxDecompressed
    ) throws(WireError) -> [UInt8] {
        switch message.algorithm {
        case .lzw: return try LZW.decompress(message.buffer, limit: limit)
        case .snappy: return try Snappy.decompress(message.buffer, limit: limit)
        default: throw .unsupportedCompression(message.algorithm)
        }
    }

    /// A compress body holding `bytes` compressed with `algorithm`.
    public static func compress(
        _ bytes: [UInt8],
        algorithm: CompressionAlgorithm
    ) throws(WireError) -> CompressedMessage {
        switch algorithm {
        case .lzw: return CompressedMessage(algorithm: .lzw, buffer: LZW.compress(bytes))
        case .snappy: return CompressedMessage(algorithm: .snappy, buffer: Snappy.compress(bytes))
        default: throw .unsupportedCompression(algorithm)
        }
    }
}
