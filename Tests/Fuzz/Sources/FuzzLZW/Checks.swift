import FuzzSupport
import MemberlistWire

/// Output of `count` bytes must fit a limit of exactly `count`, and overflow a limit of `count - 1`.
func checkLimit(count: Int, _ decode: (Int) throws(WireError) -> [UInt8]) {
    let exact = mustSucceed("decompressing under a limit of exactly \(count)") { try decode(count) }
    invariant(exact.count == count, "the limit changed the output")
    guard count > 0 else { return }
    do {
        _ = try decode(count - 1)
        fatalError("fuzz invariant broken: \(count) bytes decompressed under a limit of \(count - 1)")
    } catch {
        if case .limitExceeded = error { return }
        fatalError("fuzz invariant broken: over the limit threw \(error), not .limitExceeded")
    }
}
