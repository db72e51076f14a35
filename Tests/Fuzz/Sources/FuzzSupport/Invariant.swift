// What every fuzz target uses: a broken invariant must trap (libFuzzer then saves the input as crash-*), and a
// throwing call that must not throw traps with the error in the message.

/// Traps with `message` unless `condition` holds.
@inline(__always)
public func invariant(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition {
        fatalError("fuzz invariant broken: \(message())", file: file, line: line)
    }
}

/// Runs `body`, trapping if it throws: for re-encodings and re-decodings that the invariants say cannot fail.
public func mustSucceed<T, E: Error>(
    _ what: @autoclosure () -> String,
    file: StaticString = #file,
    line: UInt = #line,
    _ body: () throws(E) -> T
) -> T {
    do {
        return try body()
    } catch {
        fatalError("fuzz invariant broken: \(what()) threw \(error)", file: file, line: line)
    }
}

/// The fuzz input as an array (libFuzzer passes a null pointer for the empty input).
public func fuzzBytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// The 12-byte nonce the targets seal with, so every run is reproducible.
public let fuzzNonce: [UInt8] = Array(0..<12)

/// Hex, for invariant messages.
public func hex(_ bytes: some Sequence<UInt8>, limit: Int = 64) -> String {
    var text = ""
    for (index, byte) in bytes.enumerated() {
        if index == limit { return text + "…" }
        text += (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }
    return text
}
