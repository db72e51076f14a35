import CSnappy

// Snappy block format (no framing), through libsnappy's C API. grafana/memberlist uses it for Algo 1; the
// block starts with the uncompressed length as a varint, which is checked against the cap before anything is
// allocated, so a tiny block claiming gigabytes fails at once.

/// Snappy block compression.
public enum Snappy {
    /// Decompresses a snappy block; throws if it is corrupt or would exceed `limit` bytes.
    public static func decompress(_ input: [UInt8], limit: Int = WireLimits.maxDecompressed) throws(WireError)
        -> [UInt8]
    {
        var length = 0
        let status = input.withUnsafeBytes { raw in
            snappy_uncompressed_length(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &length)
        }
        guard status == SNAPPY_OK else {
            throw .decompressionFailed(algorithm: .snappy, reason: "the block's length header is corrupt")
        }
        if length > limit {
            throw .limitExceeded(field: "snappy-decompressed size", value: length, limit: limit)
        }
        if length == 0 {
            return []
        }
        var ok = false
        let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            var written = length
            let result = input.withUnsafeBytes { raw in
                snappy_uncompress(
                    raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count,
                    UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), &written)
            }
            ok = result == SNAPPY_OK && written == length
            if ok {
                initialized = written
            } else {
                initialized = 0
            }
        }
        guard ok else {
            throw .decompressionFailed(algorithm: .snappy, reason: "the block is corrupt")
        }
        return output
    }

    /// Compresses `input` as one snappy block.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        let maximum = snappy_max_compressed_length(input.count)
        return [UInt8](unsafeUninitializedCapacity: maximum) { buffer, initialized in
            var written = maximum
            let result = input.withUnsafeBytes { raw in
                snappy_compress(
                    raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count,
                    UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), &written)
            }
            // snappy_compress fails only when the output buffer is too small, and it has the maximum size.
            precondition(result == SNAPPY_OK, "snappy_compress failed with a maximum-size buffer")
            initialized = written
        }
    }
}
