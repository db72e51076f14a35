#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Diagnostics to stderr. (ringctl prints no colour yet; when it does, only on a terminal without NO_COLOR.)
enum Terminal {
    static func printError(_ line: String, newline: Bool = true) {
        // write(2) on the descriptor: unbuffered, and no shared FILE* for strict concurrency to object to.
        var bytes = Array((newline ? line + "\n" : line).utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }
}
