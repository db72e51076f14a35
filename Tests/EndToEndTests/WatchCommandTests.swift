import Foundation
import Memberlist
import MemberlistWire
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `ringctl watch` and `ringctl members --observe` (the binary, a transient member) against real memberlist
/// 0.2.2 peers: event lines, the graceful leave on SIGTERM and at the end of --observe.
@Suite(
    "ringctl watch / members --observe (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct WatchCommandTests {
    struct Event: Decodable {
        struct Member: Decodable {
            let name: String
            let state: String
        }
        struct Change: Decodable, Equatable {
            let instance: String
            let what: [String]
        }
        struct Key: Decodable {
            let key: String
        }
        let kind: String
        let member: Member?
        let key: Key?
        let from: String?
        let observer: String?
        let detail: String?
        let changes: [Change]?
    }

    struct Report: Decodable {
        struct Member: Decodable {
            let name: String
            let state: String
        }
        let observer: String?
        let members: [Member]
    }

    static func cluster(in fixtures: Fixtures) async throws -> [GoPeer] {
        // Probes every second: an ack later than the interval fails a probe whatever the timeout, and a watch that
        // answers but waits for a core (tests in parallel) must not be declared dead and cut off from gossip.
        try await fixtures.standardCluster(["--probe-interval", "1s", "--probe-timeout", "900ms"])
    }

    /// What each peer's push/pull says about `name` (the status file cannot tell left from dead; this can).
    static func states(of name: String, in peers: [GoPeer]) async throws -> [NodeState?] {
        var states: [NodeState?] = []
        for peer in peers {
            let peek = try await Peek.run(
                peer: "127.0.0.1:\(peer.port)", configuration: PeekConfiguration(transport: .memberlist))
            states.append(peek.nodes.first { $0.name == name }?.state)
        }
        return states
    }

    @Test("watch prints one JSON line per member; SIGTERM makes it leave, and the peers show it left")
    func watchLeavesOnSIGTERM() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let name = "ringctl-e2e-watch"
            let watch = try fixtures.process(RingctlBinary.path, [
                "watch", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[0].port)", "--bind-addr", "127.0.0.1",
                "--node-name", name, "-o", "json",
            ])
            try await eventually("every peer to list \(name) alive", deadline: .seconds(30)) {
                if let status = watch.poll() { throw FixtureError.failed("watch exited with \(status): \(watch.stderr)") }
                return peers.allSatisfy { $0.status()?.member(name)?.state == "alive" }
            }
            try await eventually("watch to print the three members", deadline: .seconds(10)) {
                watch.stdout.split(separator: "\n").count >= 3
            }
            #expect(kill(watch.pid, SIGTERM) == 0)
            try await eventually("watch to exit after SIGTERM", deadline: .seconds(10)) { watch.poll() != nil }
            #expect(watch.poll() == 0, "stderr: \(watch.stderr)")
            let events = try watch.stdout.split(separator: "\n").map {
                try JSONDecoder().decode(Event.self, from: Data($0.utf8))
            }
            // The seed's members were there before ringctl: present, not joined. The first line names our node and the
            // seed, the last says it left (issue 8, item 12).
            #expect(events.first?.kind == "observer_joined" && events.first?.observer == name, "\(watch.stdout)")
            #expect(events.first?.from == "127.0.0.1:\(peers[0].port)")
            let present = events.filter { $0.kind == "present" }.compactMap { $0.member?.name }
            #expect(Set(present) == ["node-1", "node-2", "node-3"], "\(watch.stdout)")
            #expect(!events.contains { $0.kind == "joined" }, "\(watch.stdout)")
            #expect(events.last?.kind == "observer_left" && events.last?.observer == name, "\(watch.stdout)")
            #expect(events.last?.detail?.hasPrefix("left: the leave went to 3 members") == true, "\(watch.stdout)")
            #expect(try await Self.states(of: name, in: peers) == [.left, .left, .left])
        }
    }

    @Test("watch: a member that starts later is joined; as a table the first and last lines name ringctl's node")
    func watchJoinedLater() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let name = "ringctl-e2e-watch-table"
            let watch = try fixtures.process(RingctlBinary.path, [
                "watch", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[0].port)", "--bind-addr", "127.0.0.1",
                "--node-name", name,
            ])
            try await eventually("watch to print the seed's three members", deadline: .seconds(30)) {
                if let status = watch.poll() { throw FixtureError.failed("watch exited with \(status): \(watch.stderr)") }
                return watch.stdout.split(separator: "\n").filter { $0.contains("  present ") }.count == 3
            }
            _ = try await fixtures.goPeer(name: "node-4", ["--join", "127.0.0.1:\(peers[0].port)"])
            try await eventually("watch to see node-4 join", deadline: .seconds(30)) {
                watch.stdout.split(separator: "\n").contains { $0.contains("  joined ") && $0.contains("node-4") }
            }
            #expect(kill(watch.pid, SIGINT) == 0)
            try await eventually("watch to exit after SIGINT", deadline: .seconds(10)) { watch.poll() != nil }
            let lines = watch.stdout.split(separator: "\n").map(String.init)
            let first = try #require(lines.first)
            #expect(first.contains("  observer_joined  \(name)  through 127.0.0.1:\(peers[0].port)"), "\(first)")
            let last = try #require(lines.last)
            #expect(last.contains("  observer_left    \(name)  left: the leave went to 4 members"), "\(last)")
            #expect(last.contains("lists it as left"), "\(last)")
        }
    }

    @Test(
        "watch on dskit peers: the ring is kv_present at the join, then each kv_updated says which instance's heartbeat moved",
        .timeLimit(.minutes(1))
    )
    func watchRingChanges() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: "watch-kv", [["--heartbeat-period", "1s"], [], []])
            let watch = try fixtures.process(RingctlBinary.path, [
                "watch", "-j", peers[0].address, "--cluster-label", "watch-kv", "--bind-addr", "127.0.0.1", "-o", "json",
            ])
            let decoder = JSONDecoder()
            func events() -> [Event] {
                watch.stdout.split(separator: "\n").compactMap { try? decoder.decode(Event.self, from: Data($0.utf8)) }
            }
            try await eventually("a kv_updated event naming a heartbeat", deadline: .seconds(30)) {
                if let status = watch.poll() { throw FixtureError.failed("watch exited with \(status): \(watch.stderr)") }
                return events().contains { event in
                    event.kind == "kv_updated" && (event.changes ?? []).contains { $0.what.contains("heartbeat") }
                }
            }
            #expect(kill(watch.pid, SIGTERM) == 0)
            try await eventually("watch to exit after SIGTERM", deadline: .seconds(10)) { watch.poll() != nil }
            let all = events()
            #expect(all.contains { $0.kind == "kv_present" && $0.key?.key == "ring" }, "\(watch.stdout)")
            let updates = all.filter { $0.kind == "kv_updated" }
            // Every ring update names the instances that changed, and only the three peers.
            for update in updates {
                let changes = try #require(update.changes, "\(watch.stdout)")
                #expect(!changes.isEmpty || update.key?.key != "ring")
                #expect(changes.allSatisfy { ["peer-a", "peer-b", "peer-c"].contains($0.instance) }, "\(changes)")
            }
        }
    }

    @Test("members --observe reports the observer's table as JSON, then leaves")
    func membersObserve() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let name = "ringctl-e2e-observe"
            let result = try await RingctlBinary.run([
                "members", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[0].port)", "--observe", "1s",
                "--bind-addr", "127.0.0.1", "--node-name", name, "-o", "json",
            ])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: result.stdoutData)
            #expect(report.observer == name)
            #expect(report.members.map(\.name) == ["node-1", "node-2", "node-3"])
            #expect(report.members.allSatisfy { $0.state == "alive" })
            #expect(try await Self.states(of: name, in: peers) == [.left, .left, .left])
            // The JSON shape stays {seed, transport, members, observer}: the incarnation is for the table only.
            let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
            #expect(Set(object.keys) == ["seed", "transport", "members", "observer"])
        }
    }

    @Test("members --observe as a table: a line under it names ringctl's own node, its incarnation, and the leave")
    func membersObserveTable() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let name = "ringctl-e2e-observe-table"
            let result = try await RingctlBinary.run([
                "members", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[0].port)", "--observe", "1s",
                "--bind-addr", "127.0.0.1", "--node-name", name,
            ])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(!lines.contains { $0.hasPrefix(name + " ") }, "ringctl's node is not a row: \(result.stdout)")
            #expect(lines.contains("3 alive, observed as \(name) after joining through 127.0.0.1:\(peers[0].port) "
                + "(memberlist transport)"), "stdout: \(result.stdout)")
            let joined = try #require(lines.last)
            #expect(joined.hasPrefix("ringctl joined as \(name) (incarnation "), "stdout: \(result.stdout)")
            #expect(joined.contains(") and left: members list it as left until memberlist forgets it"))
            // The seed was asked after the leave, and said so.
            #expect(joined.hasSuffix("; 127.0.0.1:\(peers[0].port) lists it as left"), "stdout: \(result.stdout)")
            #expect(try await Self.states(of: name, in: peers) == [.left, .left, .left])
        }
    }

    @Test("Ctrl-C while the join waits on a silent seed: exit 130, 'interrupted', no seed blamed, the next not dialled")
    func interruptedJoin() async throws {
        let silent = try LoopbackSocket(.tcp)
        defer { silent.close() }
        let next = try LoopbackSocket(.tcp)
        defer { next.close() }
        try await withFixtures { fixtures in
            let members = try fixtures.process(RingctlBinary.path, [
                "members", "-j", "127.0.0.1:\(silent.port)", "-j", "127.0.0.1:\(next.port)", "--timeout", "30s",
                "--observe", "5s", "--bind-addr", "127.0.0.1",
            ])
            // The join's connection is accepted by the kernel (backlog) and then waits for a reply that never comes:
            // signal once it is there.
            var dialled = 0
            try await eventually("ringctl to dial the silent seed", deadline: .seconds(30)) {
                dialled += silent.pendingConnections()
                return dialled > 0 || members.poll() != nil
            }
            #expect(members.poll() == nil, "exited early: \(members.stderr)")
            #expect(kill(members.pid, SIGINT) == 0)
            try await eventually("members to exit after SIGINT", deadline: .seconds(30)) { members.poll() != nil }
            #expect(members.poll() == 130, "stderr: \(members.stderr)")
            #expect(members.stderr.contains("ringctl: interrupted"), "\(members.stderr)")
            #expect(!members.stderr.contains("no seed answered"), "\(members.stderr)")
            #expect(!members.stderr.contains("127.0.0.1:\(next.port)"), "\(members.stderr)")
        }
    }

    @Test("a bind port already taken: exit 78 and a hint")
    func bindFailure() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "node-1")
            let result = try await RingctlBinary.run([
                "watch", "--transport", "memberlist", "-j", "127.0.0.1:\(peer.port)", "--bind-addr", "127.0.0.1",
                "--bind-port", "\(peer.port)", "--for", "1s",
            ])
            #expect(result.status == 78)
            #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(peer.port)"))
            #expect(result.stderr.contains("hint:"))
        }
    }

    @Test("observer flags without --observe are a usage error (a peek sends no node)")
    func observerFlagsNeedObserve() async throws {
        let result = try await RingctlBinary.run(["members", "-j", "127.0.0.1:1", "--node-name", "x"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("only apply with --observe"))
    }
}
