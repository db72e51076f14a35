import Foundation
import Testing
import TestSupport
@testable import ringctl

/// The binary's cluster options beyond seeds: `--config.file`, `--secret-key-file`, the TLS flags, with the
/// exit statuses and hints each failure gives.
@Suite("ringctl --config.file / --secret-key-file / --tls (the binary)")
struct ClusterOptionsCommandTests {
    static let sampleConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pyroscope-config.yaml").path

    struct Report: Decodable {
        struct Member: Decodable { let name: String }
        let seed: String
        let members: [Member]
    }

    /// A file in a fresh temporary directory holding `contents`.
    static func temporaryFile(_ name: String, _ contents: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ringctl-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(contents).write(to: url)
        return url.path
    }

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        try temporaryFile(name, Array(text.utf8))
    }

    // MARK: - --config.file

    @Test(
        "--config.file gives the seeds; -j overrides join_members",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed")
    )
    func configFileSeeds() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "from-config")
            let refusedSocket = try LoopbackSocket.refusing()
            defer { refusedSocket.close() }
            let refused = refusedSocket.port
            let config = try Self.temporaryFile("loki.yaml", """
                server:
                  http_listen_port: 3100
                memberlist:
                  join_members:
                    - 127.0.0.1:\(refused)
                    - 127.0.0.1:\(peer.port)
                  gossip_interval: 1s
                """)
            let fromFile = try await RingctlBinary.run(
                ["members", "--transport", "memberlist", "-config.file", config, "-o", "json"])
            #expect(fromFile.status == 0, "stderr: \(fromFile.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(fromFile.stdout.utf8))
            #expect(report.seed == "127.0.0.1:\(peer.port)")
            #expect(report.members.map(\.name) == ["from-config"])

            // -j replaces the file's list: only the refused seed is asked, so it fails, naming that seed alone.
            let overridden = try await RingctlBinary.run(
                ["members", "--transport", "memberlist", "--config.file", config, "-j", "127.0.0.1:\(refused)"])
            #expect(overridden.status == 69, "stderr: \(overridden.stderr)")
            #expect(overridden.stderr.contains("127.0.0.1:\(refused) refused the connection"))
            #expect(!overridden.stderr.contains("127.0.0.1:\(peer.port)"))
        }
    }

    @Test("the file's cluster_label is sent; --cluster-label overrides it")
    func configFileLabel() async throws {
        // A dskit seed that closes without a word: the error names the label we sent.
        let closing = try LoopbackResponder(reply: [])
        defer { closing.close() }
        let config = try Self.temporaryFile(
            "mimir.yaml", "memberlist:\n  join_members: [\(closing.address)]\n  cluster_label: from-file\n")
        let fromFile = try await RingctlBinary.run(["members", "--config.file", config])
        #expect(fromFile.status == 76, "stderr: \(fromFile.stderr)")
        #expect(fromFile.stderr.contains("we sent cluster label \"from-file\""))
        let fromFlag = try await RingctlBinary.run(
            ["members", "--config.file", config, "-memberlist.cluster-label", "from-flag"])
        #expect(fromFlag.status == 76, "stderr: \(fromFlag.stderr)")
        #expect(fromFlag.stderr.contains("we sent cluster label \"from-flag\""))
    }

    @Test("${VAR} in the config: exit 78 naming the key without --config.expand-env; expanded with it")
    func configFileEnvironment() async throws {
        let closing = try LoopbackResponder(reply: [])
        defer { closing.close() }
        let config = try Self.temporaryFile("pyroscope.yaml", """
            memberlist:
              join_members:
                - ${RINGCTL_E2E_SEED}
              cluster_label: ${RINGCTL_E2E_LABEL:fallback-label}
            """)
        let literal = try await RingctlBinary.run(["members", "--config.file", config])
        #expect(literal.status == 78, "stderr: \(literal.stderr)")
        #expect(literal.stderr.contains("memberlist.cluster_label holds \"${RINGCTL_E2E_LABEL:fallback-label}\""), "\(literal.stderr)")
        #expect(literal.stderr.contains("--config.expand-env"), "\(literal.stderr)")

        let expanded = try await RingctlBinary.run(
            ["members", "-config.file", config, "-config.expand-env"],
            environment: ["RINGCTL_E2E_SEED": closing.address, "RINGCTL_E2E_LABEL": "from-environment"])
        #expect(expanded.status == 76, "stderr: \(expanded.stderr)")
        #expect(expanded.stderr.contains("we sent cluster label \"from-environment\""), "\(expanded.stderr)")

        let defaulted = try await RingctlBinary.run(
            ["members", "--config.file", config, "--config.expand-env"],
            environment: ["RINGCTL_E2E_SEED": closing.address])
        #expect(defaulted.stderr.contains("we sent cluster label \"fallback-label\""), "\(defaulted.stderr)")

        let alone = try await RingctlBinary.run(["members", "-j", closing.address, "--config.expand-env"])
        #expect(alone.status == 64, "stderr: \(alone.stderr)")
    }

    @Test("the sample Pyroscope config: its TLS files are checked before any seed is asked; flags override them")
    func sampleConfigTLS() async throws {
        // tls_enabled: true with the standard transport is a usage error naming the file's key.
        let standard = try await RingctlBinary.run(
            ["members", "--transport", "memberlist", "--config.file", Self.sampleConfig])
        #expect(standard.status == 64, "stderr: \(standard.stderr)")
        #expect(standard.stderr.contains("memberlist.tls_enabled in \(Self.sampleConfig)"))

        // Over dskit, the file's CA (/etc/pyroscope/tls/ca.crt) does not exist here: exit 78 naming it and the flag.
        let missingCA = try await RingctlBinary.run(["members", "--config.file", Self.sampleConfig])
        #expect(missingCA.status == 78, "stderr: \(missingCA.stderr)")
        #expect(missingCA.stderr.contains("TLS CA file /etc/pyroscope/tls/ca.crt does not exist"))
        #expect(missingCA.stderr.contains("--tls-ca-path (-memberlist.tls-ca-path)"))

        // --tls-ca-path overrides the file's CA; the file's client certificate is the next missing file.
        let certificates = try await TestCertificates.shared()
        let missingCertificate = try await RingctlBinary.run(
            ["members", "--config.file", Self.sampleConfig, "--tls-ca-path", certificates.caCertificate])
        #expect(missingCertificate.status == 78, "stderr: \(missingCertificate.stderr)")
        #expect(missingCertificate.stderr.contains("TLS certificate file /etc/pyroscope/tls/tls.crt does not exist"))
    }

    @Test("a missing config file, bad YAML, a wrong type: exit 78 naming the file, the key and the line")
    func badConfigFiles() async throws {
        let missing = try await RingctlBinary.run(["members", "--config.file", "/nonexistent/pyroscope.yaml"])
        #expect(missing.status == 78, "stderr: \(missing.stderr)")
        #expect(missing.stderr.contains("config file /nonexistent/pyroscope.yaml does not exist"))
        #expect(missing.stderr.contains("hint:"))

        let wrongType = try Self.temporaryFile(
            "mimir.yaml", "memberlist:\n  join_members: [127.0.0.1:7946]\n  tls_enabled: yes please\n")
        let typed = try await RingctlBinary.run(["members", "--config.file", wrongType])
        #expect(typed.status == 78, "stderr: \(typed.stderr)")
        #expect(typed.stderr.contains("config file \(wrongType):3: memberlist.tls_enabled must be true or false"))

        let badYAML = try Self.temporaryFile("bad.yaml", "memberlist:\n  join_members: [a, b\n")
        let yaml = try await RingctlBinary.run(["members", "--config.file", badYAML])
        #expect(yaml.status == 78, "stderr: \(yaml.stderr)")
        #expect(yaml.stderr.contains("config file \(badYAML):"))
        #expect(yaml.stderr.contains("is not valid YAML"))

        let noSeeds = try Self.temporaryFile("empty.yaml", "memberlist:\n  cluster_label: x\n")
        let empty = try await RingctlBinary.run(["members", "--config.file", noSeeds])
        #expect(empty.status == 64, "stderr: \(empty.stderr)")
        #expect(empty.stderr.contains("has no memberlist.join_members"))
    }

    // MARK: - --secret-key-file

    @Test(
        "--secret-key-file: the cluster's key lists the members; a wrong key exits 76 naming the file; a bad file 78",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed")
    )
    func secretKeys() async throws {
        let key: [UInt8] = Array(1...32)
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "encrypted", ["--key", key.map { String(format: "%02x", $0) }.joined()])
            let seed = ["--transport", "memberlist", "-j", "127.0.0.1:\(peer.port)"]

            let base64 = try Self.temporaryFile("gossip.key", Data(key).base64EncodedString() + "\n")
            let right = try await RingctlBinary.run(["members"] + seed + ["--secret-key-file", base64, "-o", "json"])
            #expect(right.status == 0, "stderr: \(right.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(right.stdout.utf8))
            #expect(report.members.map(\.name) == ["encrypted"])

            let wrongFile = try Self.temporaryFile("old.key", Array(repeating: UInt8(7), count: 32))
            let wrong = try await RingctlBinary.run(["members"] + seed + ["--secret-key-file", wrongFile])
            #expect(wrong.status == 76, "stderr: \(wrong.stderr)")
            #expect(wrong.stderr.contains("opens with none of our 1 key(s)"))
            #expect(wrong.stderr.contains("hint: the key in \(wrongFile) is not one of the cluster's"))

            let none = try await RingctlBinary.run(["members"] + seed)
            #expect(none.status == 76, "stderr: \(none.stderr)")
            #expect(none.stderr.contains("--secret-key-file"))

            let badFile = try Self.temporaryFile("short.key", Array(repeating: UInt8(7), count: 5))
            let bad = try await RingctlBinary.run(["members"] + seed + ["--secret-key-file", badFile])
            #expect(bad.status == 78, "stderr: \(bad.stderr)")
            #expect(bad.stderr.contains("key file \(badFile)"))
        }
    }

    // MARK: - TLS flags

    @Test("TLS flag misuse is a usage error: --tls over the standard transport, a TLS path without --tls")
    func tlsUsage() async throws {
        let standard = try await RingctlBinary.run(["members", "--transport", "memberlist", "--tls", "-j", "127.0.0.1:7946"])
        #expect(standard.status == 64, "stderr: \(standard.stderr)")
        #expect(standard.stderr.contains("standard transport has no TLS"))

        let pathOnly = try await RingctlBinary.run(["members", "-memberlist.tls-ca-path", "ca.crt", "-j", "127.0.0.1:7946"])
        #expect(pathOnly.status == 64, "stderr: \(pathOnly.stderr)")
        #expect(pathOnly.stderr.contains("--tls-ca-path has no effect without --tls"))
    }

    @Test("a CA file that is not PEM: exit 78 naming the file and the flag")
    func badCAFile() async throws {
        let certificates = try await TestCertificates.shared()
        let result = try await RingctlBinary.run(
            ["members", "-memberlist.tls-enabled", "-memberlist.tls-ca-path", certificates.notPEM,
             "-j", "127.0.0.1:7946"])
        #expect(result.status == 78, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("TLS CA file \(certificates.notPEM) holds no valid PEM certificate"))
        #expect(result.stderr.contains("--tls-ca-path"))
    }

    @Test("a real TLS server (openssl s_server): another CA's certificate, or another name: exit 76, the flag to fix")
    func untrustedServer() async throws {
        let certificates = try await TestCertificates.shared()
        let port = try LoopbackSocket.freePort(.tcp)
        try await withFixtures { fixtures in
            let server = try fixtures.process("/usr/bin/openssl", [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificates.localhostCertificate,
                "-key", certificates.localhostKey, "-quiet", "-naccept", "4",
            ])
            try await eventually("openssl s_server to listen on \(port)", deadline: .seconds(20)) {
                if let exit = server.poll() { throw FixtureError.failed("s_server exited with \(exit): \(server.stderr)") }
                return LoopbackSocket.isInUse(port, .tcp)
            }
            let untrusted = try await RingctlBinary.run([
                "members", "--tls", "--tls-ca-path", certificates.otherCACertificate, "-j", "127.0.0.1:\(port)",
            ])
            #expect(untrusted.status == 76, "stderr: \(untrusted.stderr)")
            #expect(untrusted.stderr.contains(
                "127.0.0.1:\(port) failed the TLS handshake: its certificate is not signed by a trusted CA"))
            #expect(untrusted.stderr.contains(
                "hint: give the CA that signed the cluster's certificates with --tls-ca-path"))

            let mismatch = try await RingctlBinary.run([
                "members", "--tls", "--tls-ca-path", certificates.caCertificate, "--tls-server-name", "ingester.example",
                "-j", "127.0.0.1:\(port)",
            ])
            #expect(mismatch.status == 76, "stderr: \(mismatch.stderr)")
            #expect(mismatch.stderr.contains("not valid for \"ingester.example\""))
            #expect(mismatch.stderr.contains("--tls-server-name"))
        }
    }

    // MARK: - The service's pasted flags (issue 8, item 8)

    /// The service's stderr note lines.
    static func notes(_ stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("ringctl: note:") }
    }

    @Test(
        "every -memberlist.* flag dskit defines is accepted on members, kv and ring; the unused ones in one note",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed")
    )
    func everyDskitFlag() async throws {
        let label = "pasted"
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "pasted-0", label: label, zone: "zone-a")
            // What the service's command line would carry: the values ringctl uses are real, the rest any text.
            let used: [String: String] = [
                "memberlist.join": peer.address, "memberlist.cluster-label": label, "memberlist.tls-enabled": "false",
                "memberlist.gossip-nodes": "3", "memberlist.retransmit-factor": "4", "memberlist.bind-port": "7946",
                "memberlist.advertise-port": "7946", "memberlist.cluster-label-verification-disabled": "true",
                "memberlist.tls-insecure-skip-verify": "false",
            ]
            var pasted: [String] = []
            for definition in GoFlags.definitions.values.sorted(by: { $0.name < $1.name })
            where definition.name.hasPrefix("memberlist.") {
                let value = used[definition.name] ?? (definition.isBool ? "true" : "x")
                // Go's forms, in turn: -name=value, --name value (not for a boolean), and a bare boolean.
                if definition.isBool && value == "true" {
                    pasted.append("-\(definition.name)")
                } else if definition.isBool || pasted.count % 2 == 0 {
                    pasted.append("-\(definition.name)=\(value)")
                } else {
                    pasted += ["--\(definition.name)", value]
                }
            }
            for command in [["members"], ["kv"], ["ring"]] {
                let result = try await RingctlBinary.run(command + pasted + ["-o", "json"])
                #expect(result.status == 0, "\(command): stderr: \(result.stderr)")
                let notes = Self.notes(result.stderr)
                #expect(notes.count == 1, "\(command): \(result.stderr)")
                let note = String(notes.first ?? "")
                for name in ["randomize-node-name", "compression-enabled", "stream-timeout=x", "transport-debug",
                             "zone-aware-routing.role=x", "tls-min-version=x", "bind-port=7946 (only with --observe"]
                {
                    #expect(note.contains("-memberlist.\(name)"), "\(command): \(note)")
                }
                #expect(!note.contains("memberlist.join"), "\(note)")
                #expect(note.contains("--tls-cert-path (TLS is off)"), "\(note)")
            }
        }
    }

    @Test(
        "Go booleans: -memberlist.tls-enabled=false overrides the file's tls_enabled; -memberlist.join takes a comma list",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed")
    )
    func goBooleansAndLists() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "plain-0")
            let refusedSocket = try LoopbackSocket.refusing()
            defer { refusedSocket.close() }
            let refused = refusedSocket.port
            let config = try Self.temporaryFile(
                "tls.yaml", "memberlist:\n  join_members: \(peer.address)\n  tls_enabled: true\n")
            let tls = try await RingctlBinary.run(["members", "--config.file", config, "--timeout", "2s"])
            #expect(tls.status == 76, "the plain peer does not speak TLS: \(tls.stderr)")
            let off = try await RingctlBinary.run(["members", "--config.file", config, "-memberlist.tls-enabled=false"])
            #expect(off.status == 0, "stderr: \(off.stderr)")
            #expect(off.stdout.contains("plain-0"))

            let list = try await RingctlBinary.run(
                ["members", "-memberlist.join=127.0.0.1:\(refused),\(peer.address)", "-o", "json"])
            #expect(list.status == 0, "stderr: \(list.stderr)")
            #expect(try JSONDecoder().decode(Report.self, from: list.stdoutData).seed == peer.address)

            let invalid = try await RingctlBinary.run(["members", "-j", peer.address, "-memberlist.tls-enabled=yes"])
            #expect(invalid.status == 64, "stderr: \(invalid.stderr)")
            #expect(invalid.stderr.contains("-memberlist.tls-enabled=yes: a boolean flag takes true or false"))
            let missing = try await RingctlBinary.run(["members", "-j", peer.address, "-memberlist.stream-timeout"])
            #expect(missing.status == 64, "stderr: \(missing.stderr)")
            #expect(missing.stderr.contains("-memberlist.stream-timeout needs a value, as in Go"), "\(missing.stderr)")
        }
    }

    @Test(
        "pasted node flags: used by --observe (the name ringctl joins under), noted by a peek; ringctl's own need --observe",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed")
    )
    func pastedNodeFlags() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "node-1")
            let name = "ringctl-e2e-pasted"
            let node = ["-memberlist.nodename", name, "-memberlist.bind-addr=127.0.0.1", "-memberlist.bind-port", "0"]
            let observed = try await RingctlBinary.run(
                ["members", "--transport", "memberlist", "-j", peer.address, "--observe", "1s", "-o", "json"] + node)
            #expect(observed.status == 0, "stderr: \(observed.stderr)")
            let object = try JSONSerialization.jsonObject(with: observed.stdoutData) as? [String: Any]
            #expect(object?["observer"] as? String == name, "\(observed.stdout)")
            #expect(Self.notes(observed.stderr).isEmpty, "\(observed.stderr)")

            let peek = try await RingctlBinary.run(["members", "--transport", "memberlist", "-j", peer.address] + node)
            #expect(peek.status == 0, "stderr: \(peek.stderr)")
            #expect(Self.notes(peek.stderr) == [
                "ringctl: note: ignored what ringctl does not use: -memberlist.nodename=\(name) (only with --observe "
                    + "or watch), -memberlist.bind-addr=127.0.0.1 (only with --observe or watch), -memberlist.bind-port=0 "
                    + "(only with --observe or watch)",
            ])

            // ringctl's own spelling is a deliberate choice: without --observe it is a mistake to point out.
            let own = try await RingctlBinary.run(["members", "-j", peer.address, "--bind-addr", "127.0.0.1"])
            #expect(own.status == 64, "stderr: \(own.stderr)")
        }
    }

    @Test(
        "the config file's memberlist keys ringctl does not read are named in the same note",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed")
    )
    func configFileIgnoredKeys() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "file-0")
            let config = try Self.temporaryFile("mimir.yaml", """
                memberlist:
                  node_name: ingester-0
                  join_members: [\(peer.address)]
                  bind_port: 7946
                  compression_enabled: false
                  pull_push_interval: 10s
                """)
            let result = try await RingctlBinary.run(["members", "--config.file", config, "-memberlist.compression-enabled"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(Self.notes(result.stderr) == [
                "ringctl: note: ignored what ringctl does not use: -memberlist.compression-enabled, from \(config): "
                    + "memberlist.node_name, memberlist.bind_port, memberlist.compression_enabled",
            ])
        }
    }

    @Test(
        "pasted gossip tuning flags are what lag shows as the service's settings, over the config file's",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed")
    )
    func pastedGossipTuning() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "frozen-0", zone: "zone-a", ["--freeze-heartbeat"])
            let config = try Self.temporaryFile(
                "loki.yaml", "memberlist:\n  join_members: [\(peer.address)]\n  gossip_interval: 2s\n  gossip_nodes: 5\n")
            let lag = ["lag", "--heartbeat", "1s", "--delta", "1s", "--config.file", config]
            // The frozen heartbeat is over the 2s threshold once it is 3s old.
            try await eventually("the frozen heartbeat to lag", deadline: .seconds(20)) {
                try await RingctlBinary.run(lag).status == 1
            }
            let result = try await RingctlBinary.run(lag + ["-memberlist.gossip-interval=500ms", "-memberlist.retransmit-factor", "6"])
            #expect(result.status == 1, "stderr: \(result.stderr)")
            #expect(result.stdout.contains("-memberlist.gossip-interval [now 500ms, dskit default 200ms]"), "\(result.stdout)")
            #expect(result.stdout.contains("-memberlist.gossip-nodes [now 5, dskit default 3]"), "\(result.stdout)")
            #expect(result.stdout.contains("-memberlist.retransmit-factor [now 6, dskit default 4]"), "\(result.stdout)")
            #expect(Self.notes(result.stderr).isEmpty, "\(result.stderr)")
        }
    }
}
