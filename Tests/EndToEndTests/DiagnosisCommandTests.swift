import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Errors that say what happened (issue 8, items 9–11), the binary against real memberlist 0.2.2 and
/// dskit-shaped Go peers: the wrong transport or label each named with the flag that fixes it, socket errors in
/// words, SIGTERM on a one-shot command, and usage errors in ringctl's shape.
@Suite(
    "ringctl diagnoses (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct DiagnosisCommandTests {
    /// No system call names, C parameter lists or errno numbers in anything ringctl says.
    static func expectNoInternals(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for jargon in ["descriptor:", "errno", "pointer:", "ptr:", "NIOCore", "IOError", "ChannelError"] {
            #expect(!text.contains(jargon), "\(jargon) in: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test("the default (dskit) transport against a plain memberlist node: 76, led by --transport memberlist")
    func dskitFramingToMemberlistNode() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "plain")
            let result = try await RingctlBinary.run(["members", "-j", peer.address])
            #expect(result.status == 76, "\(result.stderr)")
            #expect(result.stderr.contains("answers hashicorp/memberlist's standard transport"), "\(result.stderr)")
            #expect(result.stderr.contains("hint: add --transport memberlist"), "\(result.stderr)")
            Self.expectNoInternals(result.stderr)
        }
    }

    @Test("--transport memberlist against a dskit node: 76, the hint drops --transport memberlist")
    func memberlistFramingToDskitNode() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "dskit-node")
            let result = try await RingctlBinary.run(["members", "--transport", "memberlist", "-j", peer.address])
            #expect(result.status == 76, "\(result.stderr)")
            #expect(result.stderr.contains("answers dskit's TCP transport"), "\(result.stderr)")
            #expect(result.stderr.contains("hint: drop --transport memberlist"), "\(result.stderr)")
            Self.expectNoInternals(result.stderr)
        }
    }

    @Test("a cluster label sent to a dskit cluster without one: 76, the hint drops --cluster-label")
    func labelToUnlabelledDskit() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "unlabelled")
            let result = try await RingctlBinary.run(["kv", "-j", peer.address, "--cluster-label", "loki"])
            #expect(result.status == 76, "\(result.stderr)")
            #expect(result.stderr.contains("hint: drop --cluster-label \"loki\" (the cluster uses none)"), "\(result.stderr)")
        }
    }

    @Test("a wrong cluster label on a labelled dskit cluster: 76, the label we sent named, and the flag to fix")
    func wrongLabelOnDskit() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "labelled", label: "pyroscope")
            let result = try await RingctlBinary.run(["members", "-j", peer.address, "--cluster-label", "mimir"])
            #expect(result.status == 76, "\(result.stderr)")
            #expect(result.stderr.contains("we sent cluster label \"mimir\""), "\(result.stderr)")
            #expect(result.stderr.contains("--cluster-label"), "\(result.stderr)")
            Self.expectNoInternals(result.stderr)
        }
    }

    @Test("a cluster label on the standard transport to memberlist 0.2.2 (no labels): 76, the hint drops it")
    func labelOnStandardTransport() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "no-labels")
            let result = try await RingctlBinary.run(
                ["members", "--transport", "memberlist", "-j", peer.address, "--cluster-label", "tempo"])
            #expect(result.status == 76, "\(result.stderr)")
            #expect(result.stderr.contains("hint: drop --cluster-label \"tempo\""), "\(result.stderr)")
        }
    }

    @Test("TLS against a plain dskit node: 76, the hint says it may not use TLS")
    func tlsToPlainNode() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "plain-tcp")
            let result = try await RingctlBinary.run(["members", "-j", peer.address, "--tls", "--tls-insecure-skip-verify"])
            #expect(result.status == 76, "\(result.stderr)")
            #expect(result.stderr.contains("drop --tls"), "\(result.stderr)")
            Self.expectNoInternals(result.stderr)
        }
    }

    @Test("a peer that resets the connection: a close without reply (76), with no system call or errno in sight")
    func resetInWords() async throws {
        let resetting = try LoopbackResponder(reply: [], reset: true)
        defer { resetting.close() }
        for transport in ["dskit", "memberlist"] {
            let result = try await RingctlBinary.run(["members", "--transport", transport, "-j", resetting.address])
            #expect(result.status == 76, "\(transport): \(result.stderr)")
            #expect(result.stderr.contains("closed the connection without replying"), "\(result.stderr)")
            Self.expectNoInternals(result.stderr)
        }
    }

    @Test("--observe on a port already in use: 78, 'the port is already in use', no system call")
    func bindInUse() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "bind-holder")
            let result = try await RingctlBinary.run([
                "members", "--transport", "memberlist", "-j", peer.address, "--observe", "1s", "--bind-addr", "127.0.0.1",
                "--bind-port", "\(peer.port)",
            ])
            #expect(result.status == 78, "\(result.stderr)")
            #expect(result.stderr.contains("the port is already in use"), "\(result.stderr)")
            Self.expectNoInternals(result.stderr)
        }
    }

    @Test("SIGTERM on a one-shot command exits 130 'interrupted', as SIGINT does")
    func sigtermOnOneShot() async throws {
        for signal in [SIGTERM, SIGINT] {
            let silent = try LoopbackSocket(.tcp)
            defer { silent.close() }
            try await withFixtures { fixtures in
                let process = try fixtures.process(
                    RingctlBinary.path, ["members", "-j", "127.0.0.1:\(silent.port)", "--timeout", "30s"])
                // Wait until ringctl has dialled the silent seed (its connection waits in the backlog), then signal.
                var pending = 0
                try await eventually("ringctl to dial the silent seed", deadline: .seconds(20)) {
                    pending += silent.pendingConnections()
                    return pending > 0 || process.poll() != nil
                }
                kill(process.pid, signal)
                let status = try await process.wait(deadline: .seconds(20))
                #expect(status == 130, "signal \(signal): \(process.stderr)")
                #expect(process.stderr.contains("ringctl: interrupted"), "\(process.stderr)")
            }
        }
    }

    @Test("usage errors: ringctl alone, help for no command, a mistyped command, a duration without a unit: 64, ringctl's shape")
    func usageErrors() async throws {
        let cases: [([String], String, String)] = [
            ([], "ringctl: no command given", "hint: name one: members"),
            (["help", "nosuch"], "ringctl: 'nosuch' is not a ringctl command", "hint: the commands are"),
            (["membrs", "-j", "x:1"], "ringctl: 'membrs' is not a ringctl command", "hint: did you mean 'members'?"),
            (["members", "-j", "x:1", "--timeout", "5"], "ringctl: --timeout 5: add a unit, e.g. 5s", "hint: durations"),
            (["ring", "--fromfile", "x"], "ringctl: unknown option --fromfile for 'ring'", "hint: did you mean --from-file?"),
            // Found in run(), after parsing: the same shape as argument-parser's own (lowercased, a --help hint).
            (["members"], "ringctl: give at least one seed with -j/--join", "hint: see 'ringctl members --help'"),
            (["decode", "/nonexistent/capture.bin"], "ringctl: /nonexistent/capture.bin: no such file",
             "hint: check the path; use - to read standard input"),
        ]
        for (arguments, message, hint) in cases {
            let result = try await RingctlBinary.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(hint), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Error:"), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        }
        // Help and version stay status 0 on stdout.
        for arguments in [["--help"], ["help", "members"], ["--version"]] {
            let result = try await RingctlBinary.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.isEmpty)
        }
    }
}
