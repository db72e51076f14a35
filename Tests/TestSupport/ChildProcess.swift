import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn, with a clean signal mask, no descriptor of ours but its stdin,
/// stdout (a file) and stderr (a file), stopped by PID.
///
/// Foundation's Process is not used: on Linux it reaps children on one thread with a blocking wait, so two
/// live children (a dnsmasq per suite and one per test) deadlock `waitUntilExit`, and children spawned from
/// test threads inherit a mask that blocks SIGTERM.
///
/// Each child has one dedicated reaper thread blocked in `waitpid` for it, never a thread of Swift's cooperative
/// pool: `exit()` and `wait(deadline:)` suspend on a continuation that the reaper resumes. Nothing here blocks
/// the caller (deinit only sends SIGKILL; the reaper reaps).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    private let exitState: ExitState

    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdinPath: String? = nil
    ) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-tests")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stem = directory.appendingPathComponent(UUID().uuidString).path
        stdoutPath = stem + ".out"
        stderrPath = stem + ".err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else: tests run in parallel, so a child spawned now would otherwise inherit whatever another test
        // has open at this moment (a connection a LoopbackResponder is about to close, a listener), and keep the
        // peer of that connection from seeing the close until the child exits.
        guard Self.addCloseFrom(&actions, 3) == 0 else {
            throw FixtureError.failed("posix_spawn_file_actions_addclosefrom_np failed")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }

        var child: pid_t = 0
        // Registered before the spawn returns to anyone, so a test can never see a live child missing from the
        // registry; the reaper unregisters it only once it is reaped.
        let status = LiveChildren.spawning {
            let status = posix_spawn(&child, executable, &actions, &attributes, argv, env)
            return (status, child)
        }
        guard status == 0 else {
            throw FixtureError.failed("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
        let exitState = ExitState()
        self.exitState = exitState
        let pid = child
        Thread.detachNewThread {
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
            let code = result == pid ? ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)) : -1
            LiveChildren.reaped(pid)
            exitState.finish(code)
        }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), which its headers declare only for _GNU_SOURCE,
    /// so Swift does not import it.
    private static let addCloseFrom: AddCloseFrom = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc 2.34 or later is needed (posix_spawn_file_actions_addclosefrom_np)")
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// The exit status if the process has ended and been reaped (128+signal when killed), nil while it runs.
    /// Never blocks.
    public func poll() -> Int32? { exitState.status }

    public var isRunning: Bool { poll() == nil }

    /// Waits (suspended, no thread held) for the process to end and be reaped; throws `CancellationError` if the
    /// task is cancelled first (the process keeps running: a fixture scope stops it).
    public func exit() async throws -> Int32 {
        try await exitState.wait()
    }

    /// Waits for the process to end; if `deadline` passes or the task is cancelled first, kills it, waits for
    /// it to be reaped, and throws.
    @discardableResult
    public func wait(deadline: Duration) async throws -> Int32 {
        do {
            return try await withThrowingTaskGroup(of: Int32?.self) { group in
                group.addTask { try await self.exit() }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let status = first else {
                    throw FixtureError.timedOut("process \(pid) to exit", deadline)
                }
                return status
            }
        } catch {
            await stop()
            throw error
        }
    }

    /// Sends `signal` to the process if it still runs.
    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Kills the process (SIGKILL) and waits until it is reaped, even in a cancelled task (SIGKILL cannot be
    /// ignored, so this is short).
    public func stop() async {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        await exitState.waitUncancellably()
    }

    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Removes the output files.
    public func cleanUp() {
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    deinit {
        // No wait here: the reaper thread reaps the child once SIGKILL lands.
        if isRunning { kill(pid, SIGKILL) }
        cleanUp()
    }
}

/// Every child a `ChildProcess` started and its reaper has not reaped yet: what "no child left behind" checks.
public enum LiveChildren {
    private static let pids = Mutex<Set<pid_t>>([])

    /// The PIDs of children started and not yet reaped.
    public static var current: Set<pid_t> { pids.withLock { $0 } }

    /// Whether `pid` is one of them.
    public static func contains(_ pid: pid_t) -> Bool { pids.withLock { $0.contains(pid) } }

    /// Runs `spawn` (posix_spawn's status and the new PID) under the registry's lock and records the PID, so
    /// the reaper cannot unregister it before it is registered; returns the status.
    static func spawning(_ spawn: () -> (Int32, pid_t)) -> Int32 {
        pids.withLock { pids in
            let (status, pid) = spawn()
            if status == 0 { pids.insert(pid) }
            return status
        }
    }

    static func reaped(_ pid: pid_t) {
        _ = pids.withLock { $0.remove(pid) }
    }
}

/// A child's exit status once reaped, and the continuations waiting for it.
private final class ExitState: Sendable {
    private struct State {
        var status: Int32?
        var waiters: [UInt64: CheckedContinuation<Int32, any Error>] = [:]
        var plainWaiters: [CheckedContinuation<Void, Never>] = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    var status: Int32? { state.withLock { $0.status } }

    func finish(_ code: Int32) {
        let (waiters, plainWaiters) = state.withLock { state in
            state.status = code
            defer { state.waiters = [:]; state.plainWaiters = [] }
            return (state.waiters, state.plainWaiters)
        }
        for waiter in waiters.values { waiter.resume(returning: code) }
        for waiter in plainWaiters { waiter.resume() }
    }

    func wait() async throws -> Int32 {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
                let outcome: Result<Int32, any Error>? = state.withLock { state in
                    if let status = state.status { return .success(status) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    func waitUncancellably() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.status != nil { return true }
                state.plainWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
