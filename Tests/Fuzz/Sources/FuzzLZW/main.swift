import FuzzSupport
import MemberlistWire

// Input: an LZW stream (Go compress/lzw, LSB, literal width 8), and the same bytes as a snappy block and as
// plain data to compress.
// Invariants:
// - decompression never traps, and honours its limit exactly: output of n bytes decodes under limit n and
//   fails with .limitExceeded under n - 1;
// - what decodes survives compress → decompress unchanged (for LZW and snappy);
// - any input compresses and decompresses back to itself (LZW and snappy), and LZW.compress is deterministic.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzBytes(start, count)
    // Quadratic expansion from a few KiB stays under this; the cap itself is what is being tested.
    let limit = 1 << 22

    if let plain = try? LZW.decompress(input, limit: limit) {
        checkLimit(count: plain.count) { limit throws(WireError) in try LZW.decompress(input, limit: limit) }
        let again = mustSucceed("LZW re-decompress") { try LZW.decompress(LZW.compress(plain), limit: limit) }
        invariant(again == plain, "LZW round trip of a decoded stream changed \(plain.count) bytes")
    }
    let lzw = LZW.compress(input)
    invariant(lzw == LZW.compress(input), "LZW.compress is not deterministic")
    let lzwBack = mustSucceed("LZW decompress of compress(\(hex(input)))") { try LZW.decompress(lzw) }
    invariant(lzwBack == input, "LZW compress → decompress changed \(hex(input))")

    if let plain = try? Snappy.decompress(input, limit: limit) {
        checkLimit(count: plain.count) { limit throws(WireError) in try Snappy.decompress(input, limit: limit) }
        let again = mustSucceed("snappy re-decompress") { try Snappy.decompress(Snappy.compress(plain)) }
        invariant(again == plain, "snappy round trip of a decoded block changed \(plain.count) bytes")
    }
    let snappyBack = mustSucceed("snappy decompress of compress(\(hex(input)))") {
        try Snappy.decompress(Snappy.compress(input))
    }
    invariant(snappyBack == input, "snappy compress → decompress changed \(hex(input))")
    return 0
}
