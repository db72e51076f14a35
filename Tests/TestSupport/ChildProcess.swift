import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn, with a clean signal mask, its output in files, stopped by PID.
///
/// Foundation's Process is not used: on Linux it reaps children on one thread with a blocking wait, so two
/// live children (a dnsmasq per suite and one per test) deadlock `waitUntilExit`, and children spawned from
/// test threads inherit a mask that blocks SIGTERM.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `exitStatus` is written only by `wait`/`poll`, which tests call from one task at a time.
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    private var exitStatus: Int32?

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
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, env)
        guard status == 0 else {
            throw FixtureError.failed("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// The exit status if the process has ended (128+signal when killed), nil while it runs.
    public func poll() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exitStatus = code
        return code
    }

    public var isRunning: Bool { poll() == nil }

    /// Waits for the process to end, killing it if `deadline` passes first.
    @discardableResult
    public func wait(deadline: Duration) throws -> Int32 {
        do {
            try waitUntil("process \(pid) to exit", deadline: deadline, every: .milliseconds(5)) { poll() != nil }
        } catch {
            stop()
            throw error
        }
        return poll() ?? -1
    }

    /// Kills the process (SIGKILL) and reaps it.
    public func stop() {
        guard poll() == nil else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        exitStatus = 128 + SIGKILL
    }

    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Removes the output files.
    public func cleanUp() {
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    deinit {
        stop()
        cleanUp()
    }
}
