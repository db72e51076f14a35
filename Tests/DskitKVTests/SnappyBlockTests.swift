import Testing

@testable import DskitKV

@Suite("SnappyBlock: block format through libsnappy")
struct SnappyBlockTests {
    @Test("compress then uncompress returns the input")
    func roundTrip() throws {
        let input = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let compressed = SnappyBlock.compress(input)
        #expect(compressed.count < input.count)
        #expect(try SnappyBlock.uncompress(compressed, limit: 1 << 20, field: "test") == input)
    }

    @Test("an empty block (one zero byte) is an empty value")
    func emptyBlock() throws {
        #expect(SnappyBlock.compress([]) == [0])
        #expect(try SnappyBlock.uncompress([0], limit: 10, field: "test") == [])
    }

    @Test("an announced length over the limit is refused before allocating")
    func announcedTooLarge() throws {
        // varint 0xffff_ffff: a 4 GiB promise in five bytes.
        let error = #expect(throws: DskitKVError.self) {
            try SnappyBlock.uncompress([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00], limit: 1024, field: "v")
        }
        #expect(error == .limitExceeded(field: "v uncompressed length", value: 0xffff_ffff, limit: 1024))
    }

    @Test("corrupt and empty inputs are snappyInvalid")
    func corrupt() throws {
        for input: [UInt8] in [
            [], [0x80], [0x05, 0xff, 0xff], Array(SnappyBlock.compress(Array(repeating: 7, count: 100)).dropLast()),
        ] {
            let error = #expect(throws: DskitKVError.self) {
                try SnappyBlock.uncompress(input, limit: 1 << 20, field: "v")
            }
            #expect(error == .snappyInvalid(field: "v", size: input.count))
        }
    }
}
