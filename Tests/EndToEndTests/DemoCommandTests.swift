import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `ringctl demo` (the binary): its nodes against ringctl's own one-shot commands and against a real Go
/// memberlist 0.2.2 peer with dskit's transport and KV ring; the staged failures; a clean stop.
@Suite("ringctl demo (the binary)")
struct DemoCommandTests {
    struct Ready: Decodable {
        struct Node: Decodable {
            let name: String
            let address: String
            let zone: String
        }
        let nodes: [Node]
        let join: String
        let transport: String
        let clusterLabel: String
        let ringKey: String

        enum CodingKeys: String, CodingKey {
            case nodes, join, transport
            case clusterLabel = "cluster_label"
            case ringKey = "ring_key"
        }
    }

    /// Starts `ringctl demo -o json ARGUMENTS` and waits for its ready line.
    static func startDemo(_ fixtures: Fixtures, _ arguments: [String]) async throws -> (ChildProcess, Ready) {
        let process = try fixtures.process(RingctlBinary.path, ["demo", "-o", "json"] + arguments)
        var ready: Ready?
        try await eventually("the demo printing its nodes", deadline: .seconds(60)) {
            if !process.isRunning { throw DemoFailed(output: process.stdout + process.stderr) }
            guard let line = process.stdout.split(separator: "\n").first else { return false }
            ready = try JSONDecoder().decode(Ready.self, from: Data(line.utf8))
            return true
        }
        return (process, ready!)
    }

    struct DemoFailed: Error, CustomStringConvertible {
        let output: String
        var description: String { "the demo exited early: \(output)" }
    }

    struct Members: Decodable {
        struct Member: Decodable {
            let name: String
            let state: String
        }
        let members: [Member]
    }

    static func members(_ join: String, _ more: [String] = []) async throws -> [String: String] {
        let result = try await RingctlBinary.run(["members", "-j", join, "-o", "json"] + more)
        guard result.status == 0 else { return [:] }
        let report = try JSONDecoder().decode(Members.self, from: result.stdoutData)
        return Dictionary(report.members.map { ($0.name, $0.state) }, uniquingKeysWith: { first, _ in first })
    }

    @Test("the demo converges, answers members/ring/lag healthy, and every node leaves on SIGTERM (exit 0)")
    func healthyAndStop() async throws {
        try await withFixtures { fixtures in
            let (process, ready) = try await Self.startDemo(fixtures, ["--nodes", "4", "--heartbeat", "1s", "--zones", "2"])
            #expect(ready.nodes.map(\.name) == ["ingester-0", "ingester-1", "ingester-2", "ingester-3"])
            #expect(ready.nodes.map(\.zone) == ["zone-a", "zone-b", "zone-a", "zone-b"])
            #expect(ready.join == ready.nodes[0].address)
            let states = try await Self.members(ready.join)
            #expect(states == Dictionary(uniqueKeysWithValues: ready.nodes.map { ($0.name, "alive") }))
            let ring = try await RingctlBinary.run(["ring", "-j", ready.join, "--check"])
            #expect(ring.status == 0, "\(ring.stdout)\(ring.stderr)")
            #expect(ring.stdout.contains("4 instances, 4 healthy"), "\(ring.stdout)")
            let lag = try await RingctlBinary.run(["lag", "-j", ready.join, "--heartbeat", "1s", "--delta", "3s"])
            #expect(lag.status == 0, "\(lag.stdout)\(lag.stderr)")
            process.signal(SIGTERM)
            let status = try await process.wait(deadline: .seconds(30))
            #expect(status == 0, "\(process.stderr)")
            #expect(process.stderr.contains("every node left"))
        }
    }

    @Test("--freeze makes lag exit 1 naming the node and ring --check fail; --crash: suspect, then dead")
    func stagedFailures() async throws {
        try await withFixtures { fixtures in
            let (_, ready) = try await Self.startDemo(
                fixtures,
                ["--nodes", "3", "--heartbeat", "1s", "--probe-interval", "500ms", "--probe-timeout", "200ms",
                 "--freeze", "ingester-1@1s", "--crash", "2@1s"])
            var lagOutput = ""
            try await eventually("lag to find ingester-1 lagging", deadline: .seconds(30)) {
                let lag = try await RingctlBinary.run(["lag", "-j", ready.join, "--heartbeat", "1s", "--delta", "2s"])
                lagOutput = lag.stdout
                return lag.status == 1
            }
            #expect(lagOutput.contains("ingester-1"), "\(lagOutput)")
            var sawSuspectOrDead = false
            try await eventually("ingester-2 declared dead", deadline: .seconds(60)) {
                let state = try await Self.members(ready.join)["ingester-2"]
                if state == "suspect" || state == "dead" { sawSuspectOrDead = true }
                return state == "dead"
            }
            #expect(sawSuspectOrDead)
            try await eventually("ring --check to fail on the frozen and the crashed instance", deadline: .seconds(30)) {
                let ring = try await RingctlBinary.run(["ring", "-j", ready.join, "--check", "--heartbeat-timeout", "3s"])
                return ring.status == 1 && ring.stdout.contains("UNHEALTHY")
            }
        }
    }

    @Test(
        "a Go dskit peer joins the demo: both sides list each other and hold each other's ring instances; the demo's stop leaves them left",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)"))
    func goPeerJoins() async throws {
        try await withFixtures { fixtures in
            let label = "demo-test"
            let (process, ready) = try await Self.startDemo(
                fixtures, ["--nodes", "3", "--heartbeat", "1s", "--cluster-label", label])
            let go = try await fixtures.goPeer(
                name: "go-ingester",
                ["--transport", "dskit", "--label", label, "--join", ready.join, "--ring-key", "collectors/ring",
                 "--zone", "zone-z", "--tokens", "32", "--heartbeat-period", "1s", "--broadcast-kv"])
            let names = ready.nodes.map(\.name)
            try await go.waitForStatus("the Go peer listing every demo node alive and holding every instance") { status in
                names.allSatisfy { status.member($0)?.state == "alive" }
                    && names.allSatisfy { status.ring?.instance($0)?.state == "ACTIVE" }
            }
            // Every demo node holds the Go peer's instance: ask each node itself (one push/pull to that node only).
            for node in ready.nodes {
                try await eventually("\(node.name) holding go-ingester", deadline: .seconds(20)) {
                    let ring = try await RingctlBinary.run(["ring", "-j", node.address, "--cluster-label", label])
                    return ring.status == 0 && ring.stdout.contains("go-ingester")
                }
                let states = try await Self.members(node.address, ["--cluster-label", label])
                #expect(states["go-ingester"] == "alive", "\(node.name): \(states)")
            }
            process.signal(SIGINT)
            #expect(try await process.wait(deadline: .seconds(30)) == 0, "\(process.stderr)")
            try await go.waitForStatus("the Go peer seeing every demo node gone and its instance LEFT") { status in
                names.allSatisfy { status.member($0).map { $0.state == "dead" } ?? true }
                    && names.allSatisfy { status.ring?.instance($0).map { $0.state == "LEFT" } ?? true }
            }
        }
    }

    @Test("watch against the demo: present members and keys, then heartbeat changes, then the demo's nodes leaving")
    func watchTheDemo() async throws {
        try await withFixtures { fixtures in
            let (demo, ready) = try await Self.startDemo(fixtures, ["--nodes", "3", "--heartbeat", "1s"])
            let watch = try fixtures.process(
                RingctlBinary.path, ["watch", "-j", ready.join, "--bind-addr", "127.0.0.1", "--for", "60s", "-o", "json"])
            func events() -> [WatchCommandTests.Event] {
                watch.stdout.split(separator: "\n").compactMap {
                    try? JSONDecoder().decode(WatchCommandTests.Event.self, from: Data($0.utf8))
                }
            }
            try await eventually("the watch joining and seeing a heartbeat", deadline: .seconds(60)) {
                let seen = events()
                return seen.contains { $0.kind == "kv_present" }
                    && seen.contains { $0.kind == "kv_updated" && ($0.changes ?? []).contains { $0.what.contains("heartbeat") } }
            }
            // Stopping the demo makes every node leave, each telling every member, the watch's node among them.
            demo.signal(SIGTERM)
            #expect(try await demo.wait(deadline: .seconds(30)) == 0, "\(demo.stderr)")
            try await eventually("the watch seeing the demo's nodes leave", deadline: .seconds(30)) {
                Set(events().filter { $0.kind == "left" }.compactMap { $0.member?.name }).isSuperset(of: ["ingester-1", "ingester-2"])
            }
            watch.signal(SIGTERM)
            _ = try await watch.wait(deadline: .seconds(30))
            #expect(!events().contains { $0.kind == "dead" }, "a clean stop is never a failure: \(watch.stdout)")
        }
    }

    @Test("bad demo flags are usage errors (exit 64) that say what would be right")
    func usage() async throws {
        let nobody = try await RingctlBinary.run(["demo", "--nodes", "3", "--freeze", "nobody@1s"])
        #expect(nobody.status == 64)
        #expect(nobody.stderr.contains("no node \"nobody\""), "\(nobody.stderr)")
        let shape = try await RingctlBinary.run(["demo", "--crash", "ingester-1"])
        #expect(shape.status == 64)
        #expect(shape.stderr.contains("NODE@AFTER"), "\(shape.stderr)")
        let state = try await RingctlBinary.run(["demo", "--state", "ingester-1=SLEEPING@1s"])
        #expect(state.status == 64)
        #expect(state.stderr.contains("LEAVING"), "\(state.stderr)")
        let count = try await RingctlBinary.run(["demo", "--nodes", "0"])
        #expect(count.status == 64)
    }
}
