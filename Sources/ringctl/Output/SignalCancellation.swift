#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEarlySignals
import Foundation

/// SIGINT and SIGTERM cancel the command's task, so its scopes (the observer's leave) clean up and ringctl exits
/// 130 "interrupted" whatever the command; a second signal exits at once (status 130), for a leave that hangs.
///
/// The signals are blocked from load time (CEarlySignals' constructor) until `install()`, first thing in `main`,
/// has the handler in place; a signal that arrives before the command's task exists is remembered and cancels the
/// task as soon as it starts (no window where the default action kills ringctl half-way through a join, and
/// SIGTERM never ends a one-shot command with 143). Only a signal during the dynamic loader's work, before any of
/// ringctl's code runs, still kills it, having sent nothing.
///
/// Not a DispatchSource: on Linux libdispatch reads signals through a signalfd, which only sees signals that
/// every thread blocks; NIO's and the concurrency pool's threads do not, so most signals went to a thread where
/// the default action applied (seen: `timeout -s INT` killed ringctl before it left, 6 runs in 8). A plain
/// handler runs on whichever thread gets the signal and writes the signal number into a pipe; one thread reads
/// the pipe and cancels the task.
enum SignalCancellation {
    /// What the reader thread and the command share: the task to cancel, and whether a signal came already.
    private final class State: @unchecked Sendable {
        // @unchecked: every field is read and written only while `lock` is held.
        private let lock = NSLock()
        private var cancel: (@Sendable () -> Void)?
        private var signalled = false
        private var received = 0

        /// Registers the running command's cancellation; runs it at once when a signal came first.
        func register(_ cancel: @escaping @Sendable () -> Void) {
            lock.lock()
            self.cancel = cancel
            let already = signalled
            lock.unlock()
            if already { cancel() }
        }


        /// One signal: the first cancels, the second exits.
        func deliver() {
            lock.lock()
            received += 1
            signalled = true
            let count = received
            let cancel = self.cancel
            lock.unlock()
            if count > 1 {
                let note = Array("ringctl: interrupted again: exiting at once\n".utf8)
                _ = note.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                exit(130)
            }
            cancel?()
        }
    }

    private static let state = State()

    /// Installs the SIGINT and SIGTERM handlers and the thread that turns them into cancellation. Once, early.
    static func install() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            ringctl_unblock_early_signals()  // no handler possible: the default actions apply again
            return
        }
        let (reader, writer) = (fds[0], fds[1])
        signalPipe = writer
        let state = self.state
        let thread = Thread {
            var byte: UInt8 = 0
            while read(reader, &byte, 1) == 1 {
                state.deliver()
            }
        }
        thread.start()
        signal(SIGINT, forwardSignal)
        signal(SIGTERM, forwardSignal)
        ringctl_unblock_early_signals()
    }

    /// Runs a command body in a task that SIGINT and SIGTERM cancel. Nested calls run the body in the task of
    /// the outer one (whose cancellation reaches it).
    static func run<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if Running.inside { return try await work() }
        let task = Task { try await Running.$inside.withValue(true) { try await work() } }
        state.register { task.cancel() }
        return try await task.value
    }

    private enum Running {
        @TaskLocal static var inside = false
    }
}

/// The pipe's write end, for the signal handler (which may only call async-signal-safe functions such as write).
nonisolated(unsafe) private var signalPipe: Int32 = -1

private let forwardSignal: @convention(c) (Int32) -> Void = { number in
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipe, &byte, 1)
}
