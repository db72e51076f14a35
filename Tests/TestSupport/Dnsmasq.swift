import Foundation

/// A real dnsmasq answering only the records a test gives it, on 127.0.0.1 and a free port, stopped by PID.
/// Started inside a fixture scope (`withDnsmasq`, `Fixtures.dnsmasq`), which stops it.
public final class Dnsmasq: Sendable {
    public let port: UInt16
    private let process: ChildProcess
    private let configFile: URL

    /// `127.0.0.1:PORT`, as `--dns-server` takes it.
    public var server: String { "127.0.0.1:\(port)" }

    /// The server's PID.
    public var pid: pid_t { process.pid }

    public static let executable = "/usr/sbin/dnsmasq"

    private init(port: UInt16, process: ChildProcess, configFile: URL) {
        self.port = port
        self.process = process
        self.configFile = configFile
    }

    /// Starts dnsmasq in `fixtures` with `records` (dnsmasq config lines such as `srv-host=...`,
    /// `host-record=...`) and `--local=/DOMAIN/` for each of `localDomains`, so names there that no record names
    /// are NXDOMAIN.
    static func start(localDomains: [String], records: [String], in fixtures: Fixtures) async throws -> Dnsmasq {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw FixtureError.missingTool("dnsmasq", install: "apt-get install dnsmasq-base")
        }
        let config = FileManager.default.temporaryDirectory
            .appendingPathComponent("ringctl-dnsmasq-\(UUID().uuidString).conf")
        let lines = localDomains.map { "local=/\($0)/" } + records
        try (lines.joined(separator: "\n") + "\n").write(to: config, atomically: true, encoding: .utf8)

        var lastError = ""
        // A free port can be taken by another test (another dnsmasq) between our probe and dnsmasq's bind: try a
        // few.
        for _ in 0..<5 {
            let port = try LoopbackSocket.freePort(.udp)
            let process = try fixtures.process(Self.executable, [
                "--keep-in-foreground", "--no-daemon", "--conf-file=\(config.path)", "--port=\(port)",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=",
                "--log-facility=-", "--user=", "--group=",
            ])
            do {
                // "started" comes once its sockets are bound (a busy port ends it with "failed to create listening
                // socket" instead): so the port is ours, not another test's dnsmasq that took it first.
                try await eventually("dnsmasq to listen on 127.0.0.1:\(port)", deadline: .seconds(30)) {
                    guard process.isRunning else { throw FixtureError.failed("dnsmasq exited") }
                    return process.stderr.contains("started, version")
                }
                return Dnsmasq(port: port, process: process, configFile: config)
            } catch is CancellationError {
                await process.stop()
                try? FileManager.default.removeItem(at: config)
                throw CancellationError()
            } catch {
                await process.stop()
                lastError = process.stderr
            }
        }
        try? FileManager.default.removeItem(at: config)
        throw FixtureError.failed("dnsmasq did not start: \(lastError)")
    }

    /// Kills dnsmasq and waits until it is reaped (its scope would do it at the end anyway).
    public func stop() async {
        await process.stop()
    }

    deinit { try? FileManager.default.removeItem(at: configFile) }
}
