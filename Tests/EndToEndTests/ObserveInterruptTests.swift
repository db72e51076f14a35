import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `members --observe` and `watch` interrupted at many points of the join (SIGINT and SIGTERM) against real
/// dskit-shaped and memberlist peers: ringctl either never announced itself or left, and says which on stderr;
/// and a `--node-name` that a live member holds is refused without a word sent in its name.
@Suite(
    "ringctl --observe interrupted, and node names (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct ObserveInterruptTests {
    /// One interrupted run: its node name, what it said, how it exited.
    struct Run {
        let name: String
        let signal: Int32
        let delay: Duration
        let status: Int32
        /// stdout and stderr (an observation cut short still prints its table, with the leave under it).
        let output: String
        /// Killed by the signal before any of ringctl's code ran (while the dynamic loader still works: the one
        /// window left before the handler; nothing can have been sent).
        var killedBeforeStart: Bool { status == 128 + signal && output.isEmpty }
        /// ringctl says nothing was announced, or never started.
        var neverAnnounced: Bool { killedBeforeStart || output.contains("nothing was announced to the cluster") }
    }

    /// Starts `arguments` + a fresh node name, signals it after each delay in turn, and collects every run.
    static func interrupt(in fixtures: Fixtures, _ arguments: [String], tag: String, delays: [Duration]) async throws -> [Run] {
        var runs: [Run] = []
        for (index, delay) in delays.enumerated() {
            let name = "ringctl-\(tag)-\(index)"
            let signal = index % 2 == 0 ? SIGINT : SIGTERM
            let process = try fixtures.process(RingctlBinary.path, arguments + ["--node-name", name])
            // The delay is where in the run the signal lands (start-up, resolving, dialling, mid-join, joined): a
            // schedule for the stimulus, not a wait for anything (each outcome is accepted if ringctl says which it
            // was); nothing is asserted about time.
            try await Task.sleep(for: delay)
            process.signal(signal)
            let status = try await process.wait(deadline: .seconds(60))
            runs.append(Run(name: name, signal: signal, delay: delay, status: status, output: process.stdout + process.stderr))
        }
        return runs
    }

    /// Every run ended as an interruption or a finished observation, said which, and no peer lists any of them as
    /// anything but left; runs that say they never announced themselves are unknown to every peer.
    static func check(_ runs: [Run], peers: [GoPeer], transport: String, label: String = "") async throws {
        for run in runs {
            #expect(run.status == 130 || run.status == 0 || run.killedBeforeStart, "\(run.name) (signal \(run.signal) after \(run.delay)): \(run.output)")
            // Interrupted mid-join: the seed's confirmation; after the join: the table's or the watch's last line.
            let said = run.neverAnnounced || run.output.contains("lists it as left")
                || run.output.contains("does not list it") || run.output.contains("and left")
                || run.output.contains("list it as left")
            #expect(said, "\(run.name) (after \(run.delay)) did not say whether it left: \(run.output)")
            #expect(!run.output.contains("still lists it"), "\(run.name): \(run.output)")
            #expect(!run.output.contains("did not reach"), "\(run.name): \(run.output)")
        }
        let announced = Set(runs.filter { !$0.neverAnnounced }.map(\.name))
        let silent = Set(runs.filter(\.neverAnnounced).map(\.name))
        for peer in peers {
            // A node that vanished without leaving turns suspect, then dead; one that left stays left. Wait until
            // each announced name has settled everywhere (the Go status shows left and dead alike as "dead"), then
            // ask the peer's own push/pull, which tells left from dead.
            try await peer.waitForStatus("\(peer.name) to settle every announced observer") { status in
                announced.allSatisfy { name in
                    status.members.first { $0.name == name }.map { $0.state == "dead" } ?? true
                }
            }
            let states = try await pushPullStates(of: peer, transport: transport, label: label)
            for name in announced.sorted() {
                if let state = states[name] {
                    #expect(state == "left", "\(peer.name) lists \(name) as \(state)")
                }
            }
            for name in silent.sorted() {
                if let state = states[name] {
                    Issue.record("\(peer.name) knows \(name) (\(state)), which said it announced nothing")
                }
            }
        }
    }

    /// Every member's state as the peer's push/pull reply gives it (a peek through the binary).
    static func pushPullStates(of peer: GoPeer, transport: String, label: String) async throws -> [String: String] {
        struct Report: Decodable {
            struct Member: Decodable {
                let name: String
                let state: String
            }
            let members: [Member]
        }
        var arguments = ["members", "--transport", transport, "-j", peer.address, "-o", "json"]
        if !label.isEmpty { arguments += ["--cluster-label", label] }
        let result = try await RingctlBinary.run(arguments)
        guard result.status == 0 else { throw FixtureError.failed("peek at \(peer.name): \(result.stderr)") }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        return Dictionary(report.members.map { ($0.name, $0.state) }, uniquingKeysWith: { first, _ in first })
    }

    /// From before the handler is installed, through resolving and dialling, to the join exchange and after.
    static let delays: [Duration] = [0, 2, 5, 10, 20, 30, 40, 50, 60, 75, 90, 110, 140, 180, 250, 400, 700].map {
        .milliseconds($0)
    }

    @Test("dskit transport + label: SIGINT/SIGTERM at 17 points of members --observe; each run left or never announced itself")
    func interruptedObserveOnDskit() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: "interrupts")
            let runs = try await Self.interrupt(in: fixtures,
                ["members", "-j", peers[0].address, "--cluster-label", "interrupts", "--observe", "5s",
                 "--bind-addr", "127.0.0.1"],
                tag: "dskit", delays: Self.delays)
            try await Self.check(runs, peers: peers, transport: "dskit", label: "interrupts")
            // Both outcomes were exercised: some runs were stopped before the join, some after.
            #expect(runs.contains { $0.neverAnnounced }, "\(runs.map(\.output))")
            #expect(runs.contains { !$0.neverAnnounced }, "\(runs.map(\.output))")
        }
    }

    @Test("a slow seed (its join reply 1s late): SIGINT/SIGTERM while the join is in flight; each run left, confirmed")
    func interruptedSlowJoin() async throws {
        // The window the bug lived in: our alive state is written, the reply not yet read. Cut short there, the
        // leave reached the seed before it had merged the join, was dropped, and the cluster failed the node.
        // The reply comes 1s late (within the 3s grace), so the signals at 200-900ms land in that window.
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: "slow", [["--stream-delay", "1s"], [], []])
            let runs = try await Self.interrupt(in: fixtures,
                ["members", "-j", peers[0].address, "--cluster-label", "slow", "--observe", "5s", "--bind-addr", "127.0.0.1"],
                tag: "slow", delays: [200, 350, 500, 650, 800, 900].map { .milliseconds($0) })
            try await Self.check(runs, peers: peers, transport: "dskit", label: "slow")
            #expect(runs.filter { !$0.neverAnnounced }.count >= 3, "\(runs.map(\.output))")
        }
    }

    @Test("standard transport: SIGINT/SIGTERM at 17 points of watch; each run left or never announced itself")
    func interruptedWatchOnMemberlist() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.standardCluster(names: ["std-1", "std-2", "std-3"])
            let runs = try await Self.interrupt(in: fixtures,
                ["watch", "--transport", "memberlist", "-j", peers[1].address, "--bind-addr", "127.0.0.1"],
                tag: "std", delays: Self.delays)
            try await Self.check(runs, peers: peers, transport: "memberlist")
            #expect(runs.contains { !$0.neverAnnounced }, "\(runs.map(\.output))")
        }
    }

    @Test("--node-name of a live member (as pasted -memberlist.nodename) is refused with 64; the real node is untouched")
    func nodeNameOfLiveMember() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: "names")
            // The name alone, and with the service's own advertise address and port pasted too (then our node looks
            // like the real one in every field the seed shows).
            let pasted = ["-memberlist.nodename", "peer-b", "-memberlist.advertise-addr", "127.0.0.1",
                          "-memberlist.advertise-port", "\(peers[1].port)"]
            // And behind a silent seed that took our join first (so an entry in our name could have come from it).
            let silent = try LoopbackSocket(.tcp)
            defer { silent.close() }
            let cases: [(seeds: [String], flags: [String])] = [
                ([peers[0].address], ["--node-name", "peer-b"]),
                ([peers[0].address], ["-memberlist.nodename", "peer-b"]),
                ([peers[0].address], pasted),
                (["127.0.0.1:\(silent.port)", peers[0].address], pasted + ["--timeout", "1s"]),
            ]
            for (seeds, flags) in cases {
                let result = try await RingctlBinary.run(
                    ["members"] + seeds.flatMap { ["-j", $0] } + [
                        "--cluster-label", "names", "--observe", "1s", "--bind-addr", "127.0.0.1",
                    ] + flags)
                #expect(result.status == 64, "stderr: \(result.stderr)")
                #expect(result.stderr.contains("node name \"peer-b\" belongs to a member of the cluster"), "\(result.stderr)")
                #expect(result.stderr.contains("hint:"))
            }
            // The real peer-b was never told it left nor made to refute anything: still alive in every peer's list,
            // and its memberlist never logged a refutation.
            for peer in peers {
                let entry = try #require(peer.status()?.members.first { $0.name == "peer-b" })
                #expect(entry.state == "alive", "\(peer.name): \(entry)")
            }
            #expect(!peers[1].stderr.contains("Refuting"), "\(peers[1].stderr)")
        }
    }
}
