import MemberlistWire
import Testing

@Suite("Snappy")
struct SnappyTests {
    @Test("round trips", arguments: [0, 1, 100, 70_000])
    func roundTrip(size: Int) throws {
        var generator = SeededGenerator(seed: 7)
        let input = generator.bytes(size / 2) + [UInt8](repeating: 0x41, count: size - size / 2)
        #expect(try Snappy.decompress(Snappy.compress(input)) == input)
    }

    @Test("a known block: varint length, then a literal")
    func knownBlock() throws {
        // 5 = length, 0x10 = literal tag for 5 bytes.
        #expect(try Snappy.decompress([0x05, 0x10] + Array("hello".utf8)) == Array("hello".utf8))
    }

    @Test("a block claiming more than the cap fails before allocating")
    func lyingLength() {
        // varint 0x7fffffff: about 2 GiB claimed by 7 bytes.
        let error = #expect(throws: WireError.self) {
            try Snappy.decompress([0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x00])
        }
        #expect(
            error
                == .limitExceeded(
                    field: "snappy-decompressed size", value: 0x7fff_ffff, limit: WireLimits.maxDecompressed))
    }

    @Test("corrupt blocks are errors, not crashes")
    func corrupt() {
        #expect(throws: WireError.self) { try Snappy.decompress([]) }
        #expect(throws: WireError.decompressionFailed(algorithm: .snappy, reason: "the block is corrupt")) {
            try Snappy.decompress([0x05, 0x10, 0x68])
        }
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<500 {
            let garbage = [0x20] + generator.bytes(Int.random(in: 0...40, using: &generator))
            _ = try? Snappy.decompress(garbage)
        }
    }
}
