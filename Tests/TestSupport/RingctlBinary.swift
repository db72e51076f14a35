import Foundation

/// Runs the built `ringctl` binary (found next to the test bundle, or at $RINGCTL_BINARY) and collects its output.
public enum RingctlBinary {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// stdout as bytes, for binary output.
        public let stdoutData: Data
    }

    /// The binary's path: beside the running test executable, where `swift build` puts products.
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["RINGCTL_BINARY"] { return override }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // Inside an .xctest bundle on macOS the executable sits two levels deeper.
        while directory.path != "/" && !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("ringctl").path) {
            if directory.lastPathComponent == "debug" || directory.lastPathComponent == "release" { break }
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("ringctl").path
    }

    /// Runs `ringctl ARGUMENTS` to completion, suspended (no thread held) while it runs; stdin is `input`, or
    /// empty. Killed and reaped if `deadline` passes (a bound on a hang, no timing assertion) or the task is
    /// cancelled.
    public static func run(
        _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        deadline: Duration = .seconds(120)
    ) async throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        var stdinPath: String?
        if let input {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-stdin-\(UUID().uuidString)")
            try input.write(to: file)
            stdinPath = file.path
        }
        defer { if let stdinPath { try? FileManager.default.removeItem(atPath: stdinPath) } }
        // A slot first (see `Slots.binaryRuns`); the deadline counts from the start of the run.
        await Slots.binaryRuns.acquire()
        do {
            let process = try ChildProcess(path, arguments, environment: env, stdinPath: stdinPath)
            defer { process.cleanUp() }
            let status = try await process.wait(deadline: deadline)
            await Slots.binaryRuns.release()
            let data = (try? Data(contentsOf: URL(fileURLWithPath: process.stdoutPath))) ?? Data()
            return Result(status: status, stdout: process.stdout, stderr: process.stderr, stdoutData: data)
        } catch {
            await Slots.binaryRuns.release()
            throw error
        }
    }
}
