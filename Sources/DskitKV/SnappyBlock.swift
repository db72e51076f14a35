import CSnappy

// Snappy block format (not the framed stream format), as dskit's Proto codec writes values
// (kv/codec/codec.go: golang/snappy Encode/Decode). libsnappy does the work; this file only
// checks lengths before anything is allocated. It is separate from MemberlistWire's message decompression so
// value errors stay DskitKVErrors that name the KV field.
enum SnappyBlock {
    /// Uncompresses a snappy block whose announced length must not exceed `limit` bytes.
    static func uncompress(_ input: [UInt8], limit: Int, field: String) throws(DskitKVError) -> [UInt8] {
        var announced = 0
        let lengthStatus = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                snappy_uncompressed_length(chars.baseAddress, chars.count, &announced)
            }
        }
        guard input.count > 0, lengthStatus == SNAPPY_OK else {
            throw .snappyInvalid(field: field, size: input.count)
        }
        // The length preamble is attacker-controlled: check it before allocating the output.
        guard announced <= limit else {
            throw .limitExceeded(field: "\(field) uncompressed length", value: announced, limit: limit)
        }
        if announced == 0 { return [] }
        var status = SNAPPY_OK
        let output = [UInt8](unsafeUninitializedCapacity: announced) { outBuffer, initialized in
            var written = announced
            status = input.withUnsafeBufferPointer { inBuffer in
                inBuffer.withMemoryRebound(to: CChar.self) { inChars in
                    outBuffer.withMemoryRebound(to: CChar.self) { outChars in
                        snappy_uncompress(inChars.baseAddress, inChars.count, outChars.baseAddress, &written)
                    }
                }
            }
            initialized = status == SNAPPY_OK ? written : 0
        }
        guard status == SNAPPY_OK, output.count == announced else {
            throw .snappyInvalid(field: field, size: input.count)
        }
        return output
    }

    /// Compresses `input` as one snappy block, as golang/snappy's `Encode` would (byte-for-byte equality not promised).
    static func compress(_ input: [UInt8]) -> [UInt8] {
        let capacity = snappy_max_compressed_length(input.count)
        return [UInt8](unsafeUninitializedCapacity: capacity) { outBuffer, initialized in
            var written = capacity
            let status = input.withUnsafeBufferPointer { inBuffer in
                inBuffer.withMemoryRebound(to: CChar.self) { inChars in
                    outBuffer.withMemoryRebound(to: CChar.self) { outChars in
                        snappy_compress(inChars.baseAddress, inChars.count, outChars.baseAddress, &written)
                    }
                }
            }
            // snappy_compress only fails when the output is smaller than snappy_max_compressed_length.
            precondition(status == SNAPPY_OK, "snappy_compress failed with a max-sized buffer")
            initialized = written
        }
    }
}
