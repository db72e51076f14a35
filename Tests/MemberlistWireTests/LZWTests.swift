import MemberlistWire
import Testing

@Suite("LZW")
struct LZWTests {
    static let ringText = Array(String(repeating: "memberlist-ring-", count: 64).utf8)

    @Test("Go's LZW of \"memberlist-ring-\" × 64 decodes, and Swift writes the same bytes")
    func goVector() throws {
        let bytes = Fixture.hex("memberlist-0.2.2/lzw-memberlist-ring-x64")
        #expect(bytes.first == MessageType.compress.rawValue)
        let compressed = try CompressedMessage(msgpackBytes: Array(bytes.dropFirst()))
        #expect(compressed.algorithm == .lzw)
        #expect(try LZW.decompress(compressed.buffer) == Self.ringText)
        #expect(LZW.compress(Self.ringText) == compressed.buffer)
    }

    @Test("the empty input is a clear code and an end code, as Go writes it")
    func empty() throws {
        #expect(LZW.compress([]) == [0x00, 0x03, 0x02])
        #expect(try LZW.decompress([0x00, 0x03, 0x02]) == [])
    }

    @Test("round trips across table resets and width changes", arguments: [1, 2, 255, 256, 4_096, 70_000])
    func roundTrip(size: Int) throws {
        var generator = SeededGenerator(seed: UInt64(size))
        // Half random bytes (the table fills with short codes), half a repeating phrase (long codes).
        let random = generator.bytes(size / 2 + 1)
        let phrase = Array(repeatElement(Array("abcabcabd".utf8), count: size / 18 + 1).joined())
        let input = Array((random + phrase).prefix(size))
        let compressed = LZW.compress(input)
        #expect(try LZW.decompress(compressed) == input)
    }

    @Test("a long run of one byte (the KwKwK case) round-trips")
    func run() throws {
        let input = [UInt8](repeating: 0x61, count: 100_000)
        let compressed = LZW.compress(input)
        #expect(compressed.count < 1_000)
        #expect(try LZW.decompress(compressed) == input)
    }

    @Test("data without an end code is an error, as in Go")
    func missingEndCode() {
        let compressed = Array(LZW.compress(Array("hello, hello".utf8)).dropLast(2))
        #expect(throws: WireError.decompressionFailed(algorithm: .lzw, reason: "the data ends without an end code")) {
            try LZW.decompress(compressed)
        }
    }

    @Test("a code beyond the table is an error")
    func invalidCode() {
        // clear (256), literal 'a', then code 300 (the next free entry is 258): 9-bit codes, LSB first.
        let bits = 256 | (0x61 << 9) | (300 << 18)
        let bytes: [UInt8] = [
            UInt8(bits & 0xff), UInt8(bits >> 8 & 0xff), UInt8(bits >> 16 & 0xff), UInt8(bits >> 24 & 0xff),
        ]
        let error = #expect(throws: WireError.self) { try LZW.decompress(bytes) }
        guard case .decompressionFailed(.lzw, let reason) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("invalid code 300"))
    }

    @Test("output beyond the limit stops decoding")
    func limit() {
        let compressed = LZW.compress([UInt8](repeating: 0, count: 10_000))
        #expect(throws: WireError.self) { try LZW.decompress(compressed, limit: 9_999) }
        #expect((try? LZW.decompress(compressed, limit: 10_000))?.count == 10_000)
    }

    @Test("a 33 KB LZW bomb claiming more than 40 MiB hits the default cap")
    func bomb() {
        let bomb = LZWBomb.zeros(cycles: 8)
        #expect(bomb.count < 64 * 1024)
        let error = #expect(throws: WireError.self) { try LZW.decompress(bomb) }
        guard case .limitExceeded(let field, _, let limit) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(field == "LZW-decompressed size")
        #expect(limit == WireLimits.maxDecompressed)
    }
}

/// Hand-made LZW streams: each cycle sends 0, 258, 259, … until the table is full (runs of 1, 2, 3, … zeros,
/// about 7.4 million bytes per cycle from about 5.5 KB), then a clear code.
enum LZWBomb {
    static func zeros(cycles: Int) -> [UInt8] {
        var output: [UInt8] = []
        var bits: UInt64 = 0
        var bitCount = 0
        var width = 9
        func emit(_ code: Int) {
            bits |= UInt64(code) << UInt64(bitCount)
            bitCount += width
            while bitCount >= 8 {
                output.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
                bitCount -= 8
            }
        }
        for _ in 0..<cycles {
            emit(256)  // at the width in force, as Go's writer does; then codes restart at 9 bits
            width = 9
            var hi = 257
            var overflow = 512
            var code = 0
            while true {
                emit(code)
                code = code == 0 ? 258 : code + 1
                hi += 1
                if hi >= overflow {
                    if width == 12 { break }
                    width += 1
                    overflow <<= 1
                }
            }
        }
        emit(257)
        if bitCount > 0 { output.append(UInt8(truncatingIfNeeded: bits)) }
        return output
    }
}
