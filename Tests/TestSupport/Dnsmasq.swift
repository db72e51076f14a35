import Foundation

/// A real dnsmasq answering only the records a test gives it, on 127.0.0.1 and a free port, stopped by PID.
public final class Dnsmasq: @unchecked Sendable {
    // @unchecked: `process` is started in init and only terminated by `stop()`.
    public let port: UInt16
    private let process: ChildProcess
    private let configFile: URL

    /// `127.0.0.1:PORT`, as `--dns-server` takes it.
    public var server: String { "127.0.0.1:\(port)" }

    public static let executable = "/usr/sbin/dnsmasq"

    /// Starts dnsmasq with `records` (dnsmasq config lines such as `srv-host=...`, `host-record=...`) and
    /// `--local=/DOMAIN/` for each of `localDomains`, so names there that no record names are NXDOMAIN.
    public init(localDomains: [String] = ["ring.test"], records: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw FixtureError.missingTool("dnsmasq", install: "apt-get install dnsmasq-base")
        }
        let config = FileManager.default.temporaryDirectory
            .appendingPathComponent("ringctl-dnsmasq-\(UUID().uuidString).conf")
        let lines = localDomains.map { "local=/\($0)/" } + records
        try (lines.joined(separator: "\n") + "\n").write(to: config, atomically: true, encoding: .utf8)
        configFile = config

        var lastError = ""
        for _ in 0..<5 {
            let port = try LoopbackSocket.freePort(.udp)
            let process = try ChildProcess(Self.executable, [
                "--keep-in-foreground", "--no-daemon", "--conf-file=\(config.path)", "--port=\(port)",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=",
                "--log-facility=-", "--user=", "--group=",
            ])
            do {
                try waitUntil("dnsmasq to listen on 127.0.0.1:\(port)", deadline: .seconds(10)) {
                    guard process.isRunning else { throw FixtureError.failed("dnsmasq exited") }
                    return LoopbackSocket.isInUse(port, .udp)
                }
                self.port = port
                self.process = process
                return
            } catch {
                process.stop()
                lastError = process.stderr
            }
        }
        try? FileManager.default.removeItem(at: config)
        throw FixtureError.failed("dnsmasq did not start: \(lastError)")
    }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: configFile)
    }

    deinit { stop() }
}
