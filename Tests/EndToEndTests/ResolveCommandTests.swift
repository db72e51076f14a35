import Foundation
import Testing
import TestSupport

/// `ringctl resolve` as a user runs it: output in each format, stderr hints, exit statuses.
// Not serialized: every run that needs DNS starts its own dnsmasq on a free port, so tests share nothing.
@Suite("ringctl resolve (the binary)")
struct ResolveCommandTests {
    static let records = [
        "srv-host=_memberlist._tcp.ring.test,node1.ring.test,7946,10,5",
        "srv-host=_memberlist._tcp.ring.test,node2.ring.test,7946,20,5",
        "host-record=node1.ring.test,127.0.0.11",
        "host-record=node2.ring.test,127.0.0.12,fd00::12",
    ]

    /// `ringctl resolve --dns-server DNSMASQ ARGUMENTS`, with a dnsmasq serving `records` for the run.
    func ringctl(_ arguments: String...) async throws -> RingctlBinary.Result {
        try await withDnsmasq(records: Self.records) { dns in
            try await RingctlBinary.run(["resolve", "--dns-server", dns.server] + arguments)
        }
    }

    @Test("table: one row per endpoint, SRV priority order, and a summary naming the server; exit 0")
    func table() async throws {
        let (result, server) = try await withDnsmasq(records: Self.records) { dns in
            (try await RingctlBinary.run(
                ["resolve", "--dns-server", dns.server, "dnssrv+_memberlist._tcp.ring.test", "10.0.0.1:7946"]), dns.server)
        }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "dnssrv+_memberlist._tcp.ring.test")
        #expect(lines.dropFirst().first == "  SRV _memberlist._tcp.ring.test: 3 endpoints")
        let rows = lines.filter { $0.hasPrefix("  ") && $0.hasSuffix(":7946") }
            .map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map(\.first) == ["10", "20", "20"])  // priority order; node2 has an A and an AAAA
        #expect(rows.map(\.last) == ["127.0.0.11:7946", "127.0.0.12:7946", "[fd00::12]:7946"])
        #expect(lines.contains("10.0.0.1:7946"))
        #expect(lines.contains("  no prefix: used as given, not resolved"))
        #expect(lines.last == "2 addresses, 4 endpoints via \(server)")
        #expect(!result.stdout.contains("\u{1B}["))  // no colour codes when not on a terminal
        #expect(result.stderr.isEmpty)
    }

    @Test("plain: exactly one host:port per line, nothing else")
    func plain() async throws {
        let result = try await ringctl("-o", "plain", "dnssrvnoa+_memberlist._tcp.ring.test", "dns+node2.ring.test:80")
        #expect(result.status == 0)
        #expect(result.stdout == "node1.ring.test.:7946\nnode2.ring.test.:7946\n127.0.0.12:80\n[fd00::12]:80\n")
    }

    @Test("json: one object per input with mode, query, SRV answers, endpoints and error")
    func json() async throws {
        let result = try await ringctl("-o", "json", "dnssrv+_memberlist._tcp.ring.test", "dnssrv+_none._tcp.ring.test")
        #expect(result.status == 1)
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        )
        #expect(objects.count == 2)
        let found = objects[0]
        #expect(found["mode"] as? String == "dnssrv")
        #expect(found["status"] as? String == "ok")
        #expect((found["query"] as? [String: Any])?["type"] as? String == "SRV")
        let answers = try #require(found["answers"] as? [[String: Any]])
        #expect(answers.map { $0["target"] as? String } == ["node1.ring.test.", "node2.ring.test."])
        #expect(answers.map { $0["priority"] as? Int } == [10, 20])
        #expect(answers.map { $0["port"] as? Int } == [7946, 7946])
        #expect(found["endpoints"] as? [String] == ["127.0.0.11:7946", "127.0.0.12:7946", "[fd00::12]:7946"])
        #expect(found["error"] is NSNull)
        // README's shape, exactly: every key always there (null when it does not apply).
        for object in objects { #expect(Set(object.keys) == OutputOptionCommandTests.addressKeys) }
        #expect(Set(try #require(found["query"] as? [String: Any]).keys) == ["type", "name"])
        for answer in answers { #expect(Set(answer.keys) == OutputOptionCommandTests.answerKeys) }

        let missing = objects[1]
        #expect(missing["status"] as? String == "empty")
        #expect((missing["error"] as? [String: Any])?["dns_status"] as? String == "NXDOMAIN")
        #expect(Set(try #require(missing["error"] as? [String: Any]).keys) == ["dns_status", "message", "hint"])
    }

    @Test("a name that resolves to nothing exits 1 and says NXDOMAIN, with a hint, on stderr")
    func nxdomain() async throws {
        let result = try await ringctl("dnssrv+_missing._tcp.ring.test")
        #expect(result.status == 1)
        #expect(result.stderr.contains("_missing._tcp.ring.test"))
        #expect(result.stderr.contains("NXDOMAIN"))
        #expect(result.stderr.contains("hint:"))
    }

    @Test("a bad address exits 64 before any query, naming the address and the fix")
    func usage() async throws {
        let result = try await ringctl("dns+node1.ring.test", "dnssrv+")
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("dns+node1.ring.test: dns+ needs a port"))
        #expect(result.stderr.contains("nothing follows \"dnssrv+\""))
        let badFlag = try await RingctlBinary.run(["resolve", "--tries", "0", "dns+a.test:1"])
        #expect(badFlag.status == 64)
        let badServer = try await RingctlBinary.run(["resolve", "--dns-server", "kube-dns", "dns+a.test:1"])
        #expect(badServer.status == 64)
        #expect(badServer.stderr.contains("--dns-server kube-dns"))
    }

    @Test("a DNS server that never answers exits 69, saying timeout after N tries and what to check")
    func timeout() async throws {
        let silent = try LoopbackSocket(.udp)
        defer { silent.close() }
        let result = try await RingctlBinary.run([
            "resolve", "--dns-server", "127.0.0.1:\(silent.port)", "--timeout", "100ms", "--tries", "2",
            "dnssrv+_memberlist._tcp.ring.test",
        ])
        #expect(result.status == 69)
        #expect(result.stderr.contains("timeout after 2 tries"))
        #expect(result.stderr.contains("127.0.0.1:\(silent.port)"))
        #expect(result.stderr.contains("hint:"))
    }
}

@Suite("ringctl help, version, completions and man page")
struct HelpTests {
    @Test("--version prints the version; --help lists the exit statuses and the subcommands")
    func rootHelp() async throws {
        let version = try await RingctlBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try await RingctlBinary.run(["--help"])
        #expect(help.status == 0)
        for expected in ["resolve", "64", "69", "76", "78"] { #expect(help.stdout.contains(expected)) }
    }

    @Test("every subcommand's --help teaches with examples")
    func subcommandHelp() async throws {
        for command in ["resolve", "ring", "decode"] {
            let help = try await RingctlBinary.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Examples:"), "\(command) --help has no examples")
            #expect(help.stdout.contains("ringctl \(command)"))
        }
    }

    /// The package root, from this file's path (Tests/EndToEndTests/...).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(
        "committed shell completions match what the parser generates (regenerate: scripts/generate-docs)",
        arguments: [("bash", "completions/ringctl.bash"), ("zsh", "completions/_ringctl"), ("fish", "completions/ringctl.fish")]
    )
    func completions(shell: String, path: String) async throws {
        let generated = try await RingctlBinary.run(["--generate-completion-script", shell])
        #expect(generated.status == 0)
        let committed = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
        #expect(generated.stdout == committed, "\(path) is stale: run scripts/generate-docs")
    }

    @Test("the committed man page documents every subcommand and option the parser has")
    func manPage() async throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("man/ringctl.1"), encoding: .utf8)
        let help = try await RingctlBinary.run(["resolve", "--help"])
        // Every long option in --help appears in the man page (mdoc writes them as `Fl -name` or `\-\-name`).
        let options = help.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
            .filter { $0.hasPrefix("--") && $0.count > 2 }.map { String($0.dropFirst(2)) }
        #expect(!options.isEmpty)
        for option in Set(options) {
            #expect(page.contains(option), "man/ringctl.1 lacks --\(option): run scripts/generate-docs")
        }
        #expect(page.contains("resolve"))
    }
}
