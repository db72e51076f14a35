// LZW exactly as Go's compress/lzw with LSB bit order and literal width 8, which hashicorp/memberlist uses for
// Algo 0 (util.go `compressPayload`, `decompressBuffer`):
// - codes 0…255 are literals, 256 clears the table, 257 ends the data, new entries start at 258;
// - codes start 9 bits wide and grow to at most 12, packed least significant bit first;
// - the writer starts with a clear code, emits a clear code and restarts when the next entry would be 4095,
//   and finishes with the pending code, the end code and the leftover bits in one byte;
// - the reader stops growing the table at 4095 entries until the next clear, and requires the end code.
//
// The decoder uses the LZ77 view of LZW: the entry for a code is always a stretch of the output already written
// (the previous code's expansion plus one byte), so it stores (start, length) instead of prefix chains and copies
// whole runs. The output is capped (`limit`) before it grows, which is what defeats an LZW "zip bomb".

/// Go-compatible LZW (LSB, literal width 8).
public enum LZW {
    private static let clearCode = 256
    private static let endCode = 257
    private static let maxWidth = 12
    private static let maxCode = 1 << maxWidth - 1

    /// Decompresses `input`; throws if the data is corrupt, lacks its end code, or would exceed `limit` bytes.
    public static func decompress(_ input: [UInt8], limit: Int = WireLimits.maxDecompressed) throws(WireError)
        -> [UInt8]
    {
        let result = input.withUnsafeBufferPointer { input in
            Result { () throws(WireError) -> [UInt8] in try decompress(input, limit: limit) }
        }
        return try result.get()
    }

    private static func decompress(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(WireError) -> [UInt8] {
        // Entry table: (start, length) of each code's expansion in the output.
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: maxCode + 1)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: maxCode + 1)
        defer {
            starts.deallocate()
            lengths.deallocate()
        }
        // Never more than `limit`: every byte past the initial capacity is checked against the limit as it grows.
        var capacity = min(limit, max(64, input.count.multipliedReportingOverflow(by: 4).partialValue))
        var output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { output.deallocate() }
        var count = 0

        var width = 9
        var hi = endCode
        var overflow = 1 << width
        var last = -1  // no previous code (after a clear)
        var lastStart = 0
        var lastLength = 0
        var bits: UInt32 = 0
        var bitCount = 0
        var inputIndex = 0

        while true {
            while bitCount < width {
                guard inputIndex < input.count else {
                    throw .decompressionFailed(algorithm: .lzw, reason: "the data ends without an end code")
                }
                bits |= UInt32(input[inputIndex]) << UInt32(bitCount)
                bitCount += 8
                inputIndex += 1
            }
            let code = Int(bits & (1 << UInt32(width) - 1))
            bits >>= UInt32(width)
            bitCount -= width

            let runLength: Int
            if code < clearCode {
                runLength = 1
            } else if code == clearCode {
                width = 9
                hi = endCode
                overflow = 1 << width
                last = -1
                continue
            } else if code == endCode {
                break
            } else if code < hi || (code == hi && last < 0) {
                runLength = lengths[code]
            } else if code == hi {
                runLength = lastLength + 1  // the entry being defined: previous expansion plus its first byte
            } else {
                throw .decompressionFailed(algorithm: .lzw, reason: "invalid code \(code) at input byte \(inputIndex)")
            }

            if runLength > capacity - count {
                let needed = count + runLength
                if needed > limit {
                    throw .limitExceeded(field: "LZW-decompressed size", value: needed, limit: limit)
                }
                let newCapacity = min(limit, max(needed, capacity.multipliedReportingOverflow(by: 2).partialValue))
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                grown.update(from: output, count: count)
                output.deallocate()
                output = grown
                capacity = newCapacity
            }

            let start = count
            if code < clearCode {
                output[count] = UInt8(truncatingIfNeeded: code)
            } else if code == hi && last >= 0 {
                (output + count).update(from: output + lastStart, count: lastLength)
                output[count + lastLength] = output[lastStart]
            } else {
                (output + count).update(from: output + starts[code], count: runLength)
            }
            count += runLength

            if last >= 0 {
                starts[hi] = lastStart
                lengths[hi] = lastLength + 1
            }
            last = code
            lastStart = start
            lastLength = runLength
            hi += 1
            if hi >= overflow {
                if width == maxWidth {
                    // The table is full: add nothing more until the writer sends a clear code.
                    last = -1
                    hi -= 1
                } else {
                    width += 1
                    overflow <<= 1
                }
            }
        }
        return Array(UnsafeBufferPointer(start: output, count: count))
    }

    /// Compresses `input` into exactly the bytes Go's `lzw.NewWriter(w, lzw.LSB, 8)` writes for it.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var encoder = Encoder()
        encoder.output.reserveCapacity(input.count / 2 + 16)
        encoder.emit(clearCode)
        guard let first = input.first else {
            encoder.emit(endCode)
            encoder.flush()
            return encoder.output
        }
        // Open addressing over (code << 8 | byte) keys; a slot holds key << 12 | entry, 0 when empty.
        let tableSize = 1 << 14
        let tableMask = tableSize - 1
        var table = [UInt32](repeating: 0, count: tableSize)
        var code = Int(first)
        table.withUnsafeMutableBufferPointer { table in
            var index = 1
            nextByte: while index < input.count {
                let byte = input[index]
                index += 1
                let key = UInt32(code) << 8 | UInt32(byte)
                var slot = Int((key &* 0x9E37_79B1) >> 18) & tableMask
                while table[slot] != 0 {
                    if table[slot] >> 12 == key {
                        code = Int(table[slot] & 0xfff)
                        continue nextByte
                    }
                    slot = (slot + 1) & tableMask
                }
                encoder.emit(code)
                code = Int(byte)
                if encoder.nextEntry() {
                    for reset in table.indices { table[reset] = 0 }
                    continue
                }
                table[slot] = key << 12 | UInt32(encoder.hi)
            }
        }
        encoder.emit(code)
        _ = encoder.nextEntry()
        encoder.emit(endCode)
        encoder.flush()
        return encoder.output
    }

    private struct Encoder {
        var output: [UInt8] = []
        var bits: UInt32 = 0
        var bitCount = 0
        var width = 9
        var hi = LZW.endCode
        var overflow = 1 << 9

        mutating func emit(_ code: Int) {
            bits |= UInt32(code) << UInt32(bitCount)
            bitCount += width
            while bitCount >= 8 {
                output.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
                bitCount -= 8
            }
        }

        /// Advances to the next table entry; true when the table was full, a clear code went out and it restarted.
        mutating func nextEntry() -> Bool {
            hi += 1
            if hi == overflow {
                width += 1
                overflow <<= 1
            }
            guard hi == LZW.maxCode else { return false }
            emit(LZW.clearCode)
            width = 9
            hi = LZW.endCode
            overflow = 1 << 9
            return true
        }

        mutating func flush() {
            if bitCount > 0 {
                output.append(UInt8(truncatingIfNeeded: bits))
                bits = 0
                bitCount = 0
            }
        }
    }
}
