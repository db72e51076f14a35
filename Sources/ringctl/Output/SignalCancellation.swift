#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs a command body in a task that SIGINT and SIGTERM cancel, so the body's scopes (the observer's leave)
/// clean up before the process exits. A second signal exits at once (status 130), for a leave that hangs.
///
/// Not a DispatchSource: on Linux libdispatch reads signals through a signalfd, which only sees signals that
/// every thread blocks; NIO's and the concurrency pool's threads do not, so most signals went to a thread where
/// the default action applied (seen: `timeout -s INT` killed ringctl before it left, 6 runs in 8). A plain
/// handler runs on whichever thread gets the signal and writes the signal number into a pipe; one thread reads
/// the pipe and cancels the task.
enum SignalCancellation {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return try await work() }
        let (reader, writer) = (fds[0], fds[1])
        signalPipe = writer
        let task = Task { try await work() }
        let thread = Thread {
            var received = 0
            var byte: UInt8 = 0
            while read(reader, &byte, 1) == 1 {
                received += 1
                if received > 1 { exit(130) }
                task.cancel()
            }
            close(reader)
        }
        thread.start()
        signal(SIGINT, forwardSignal)
        signal(SIGTERM, forwardSignal)
        defer {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
            signalPipe = -1
            close(writer)  // the reader sees end of file and ends
        }
        return try await task.value
    }
}

/// The pipe's write end, for the signal handler (which may only call async-signal-safe functions such as write).
nonisolated(unsafe) private var signalPipe: Int32 = -1

private let forwardSignal: @convention(c) (Int32) -> Void = { number in
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipe, &byte, 1)
}
