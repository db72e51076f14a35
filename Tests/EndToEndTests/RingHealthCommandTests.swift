import Foundation
import Testing
import TestSupport

/// Health as dskit means it, against three real dskit-shaped Go peers (mlpeer serve --transport dskit): the state
/// and the heartbeat health apart, `--check` failing only on stale heartbeats and stuck transitions, and the
/// warnings an operator needs (a dead ACTIVE process, an old file, a clock off). Times are judged with --at
/// against heartbeats the peers really wrote, so nothing depends on the clock while the test runs.
@Suite(
    "ringctl ring --check, warnings and lag verdicts on real dskit-shaped peers (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct RingHealthCommandTests {
    static let label = "ringctl-health"

    static func run(_ arguments: [String], seed: GoPeer) async throws -> RingctlBinary.Result {
        try await RingctlBinary.run(arguments + ["-j", seed.address, "-memberlist.cluster-label", label])
    }

    static func json(_ result: RingctlBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                     "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    static func instances(_ object: [String: Any]) throws -> [String: [String: Any]] {
        let ring = try #require((object["rings"] as? [[String: Any]])?.first ?? object)
        let rows = try #require(ring["instances"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as? String ?? "", $0) })
    }

    static func warnings(_ object: [String: Any]) -> [[String: Any]] {
        let ring = (object["rings"] as? [[String: Any]])?.first ?? object
        return ring["warnings"] as? [[String: Any]] ?? []
    }

    static func write(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-health-\(UUID().uuidString)")
        try data.write(to: file)
        return file.path
    }

    @Test("a fresh JOINING and a fresh LEAVING instance are healthy and pass --check; --stuck-after catches a long JOINING")
    func transitionsDuringRollout() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: Self.label, [[], ["--state", "JOINING"], ["--state", "LEAVING"]])
            // Judged at the oldest heartbeat the seed holds, once peer-b's is 2s past its registration: every heartbeat
            // is then fresh, and peer-b has been JOINING for at least 2s.
            let status = try await peers[0].waitForStatus("every heartbeat to be 2s past peer-b's registration") { status in
                guard let joining = status.ring?.instance("peer-b") else { return false }
                return ["peer-a", "peer-b", "peer-c"].allSatisfy {
                    (status.ring?.instance($0)?.heartbeatTimestamp ?? 0) >= joining.registeredTimestamp + 2
                }
            }
            let ring = try #require(status.ring)
            let at = ["--at", String(try ["peer-a", "peer-b", "peer-c"].map {
                try #require(ring.instance($0)).heartbeatTimestamp
            }.min() ?? 0)]

            let checked = try await Self.run(["ring", "--check"] + at, seed: peers[0])
            #expect(checked.status == 0, "stdout: \(checked.stdout)\nstderr: \(checked.stderr)")
            for (id, state) in [("peer-a", "ACTIVE"), ("peer-b", "JOINING"), ("peer-c", "LEAVING")] {
                let row = try #require(checked.stdout.split(separator: "\n").first { $0.hasPrefix(id + " ") })
                let fields = row.split(separator: " ", omittingEmptySubsequences: true)
                #expect(fields[1] == Substring(state) && fields.last == "healthy", "\(row)")
            }
            #expect(checked.stdout.contains(": 3 instances, 3 healthy ("))

            let json = try await Self.json(try Self.run(["ring", "-o", "json"] + at, seed: peers[0]))
            let rows = try Self.instances(json)
            #expect(rows["peer-b"]?["state"] as? String == "JOINING")
            #expect(rows["peer-b"]?["healthy"] as? Bool == true)
            #expect(rows["peer-b"]?["stuck"] as? Bool == false)
            #expect(rows["peer-b"]?["in_state_since"] as? String != nil)
            #expect(rows["peer-c"]?["in_state_since"] is NSNull)  // the ring holds no time for LEAVING
            #expect(rows.values.allSatisfy { $0["fails_check"] as? Bool == false })
            #expect((json["rings"] as? [[String: Any]])?.first?["stuck_after_seconds"] as? Double == 180)

            let stuck = try await Self.run(["ring", "--check", "--stuck-after", "1s", "-o", "json"] + at, seed: peers[0])
            #expect(stuck.status == 1, "stdout: \(stuck.stdout)")
            let stuckRows = try Self.instances(try Self.json(stuck))
            #expect(stuckRows.filter { $0.value["fails_check"] as? Bool == true }.map(\.key) == ["peer-b"])
            let warning = try #require(Self.warnings(try Self.json(stuck)).first { $0["kind"] as? String == "stuck_state" })
            #expect(warning["instances"] as? [String] == ["peer-b"])
            #expect((warning["message"] as? String)?.contains("peer-b has been JOINING since it registered") == true)
        }
    }

    @Test("an ACTIVE instance whose heartbeat stopped: a warning naming it with the fix, and --check fails")
    func deadActiveInstance() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: Self.label, [[], [], ["--freeze-heartbeat"]])
            let (_, fresh) = try await DskitPeerCommandTests.frozenAndFresh(peers[0])
            let arguments = ["ring", "--heartbeat-timeout", "2s", "--at", String(fresh)]

            let table = try await Self.run(arguments + ["--check"], seed: peers[0])
            #expect(table.status == 1)
            let lines = table.stdout.split(separator: "\n").map(String.init)
            let warnings = try #require(lines.firstIndex(of: "Warnings:"), "stdout: \(table.stdout)")
            let line = try #require(lines[warnings...].first { $0.hasPrefix("  - peer-c is ACTIVE but last heartbeat") })
            #expect(line.contains("its process is most likely dead or cut off"))
            #expect(line.contains("restart it, or if it is gone for good, remove it with \"Forget\" on the service's /ring page"))

            let json = try await Self.json(try Self.run(arguments + ["-o", "json"], seed: peers[0]))
            let stale = Self.warnings(json).filter { $0["kind"] as? String == "stale_heartbeat" }
            #expect(stale.map { $0["instances"] as? [String] } == [["peer-c"]])
            #expect(try Self.instances(json)["peer-c"]?["fails_check"] as? Bool == true)
        }
    }

    @Test("an old saved ring judged now: one warning naming --at with the file's newest heartbeat, which then passes")
    func oldFile() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: Self.label)
            let raw = try await Self.run(["kv", "get", "ring", "--raw"], seed: peers[0])
            #expect(raw.status == 0, "stderr: \(raw.stderr)")
            let path = try Self.write(raw.stdoutData)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let newestInFile = try Self.instances(try Self.json(try await RingctlBinary.run(
                ["ring", "--from-file", path, "-o", "json"]))).values.compactMap { $0["heartbeat"] as? String }.max()
            let newest = try #require(newestInFile)

            let late = try await RingctlBinary.run(["ring", "--from-file", path, "--check", "--at", "2099-01-01T00:00:00Z"])
            #expect(late.status == 1)
            let warning = late.stdout.split(separator: "\n").filter { $0.contains("every instance's heartbeat is older") }
            #expect(warning.count == 1, "stdout: \(late.stdout)")
            #expect(warning.first?.hasSuffix("(add --at \(newest))") == true, "\(warning)")
            #expect(!late.stdout.contains("is ACTIVE but"))  // one finding, not one dead process per instance

            let then = try await RingctlBinary.run(["ring", "--from-file", path, "--check", "--at", newest])
            #expect(then.status == 0, "stdout: \(then.stdout)")
        }
    }

    @Test("heartbeats in the future: ring warns naming each instance; lag says CLOCK SKEW and exits 1, not healthy")
    func clockSkew() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: Self.label)
            let status = try await peers[0].waitForStatus("the ring to hold three heartbeats") { ($0.ring?.instances.count ?? 0) == 3 }
            let oldest = try #require(status.ring?.instances.map(\.heartbeatTimestamp).min())
            // Judged 53m43s before the peers' heartbeats: as if their clocks ran that far ahead of ours.
            let at = ["--at", String(oldest - 3223)]

            let ring = try await Self.json(try Self.run(["ring", "-o", "json", "--check"] + at, seed: peers[0]))
            let future = Self.warnings(ring).filter { $0["kind"] as? String == "future_heartbeat" }
            #expect(Set(future.compactMap { ($0["instances"] as? [String])?.first }) == ["peer-a", "peer-b", "peer-c"])
            #expect(future.allSatisfy { ($0["message"] as? String)?.contains("in the future: its clock or this host's is off") == true })

            let lag = try await Self.run(["lag", "--heartbeat", "1s"] + at, seed: peers[0])
            #expect(lag.status == 1, "stdout: \(lag.stdout)")
            let summary = try #require(lag.stdout.split(separator: "\n").first { $0.hasPrefix("ring ") })
            #expect(summary.hasSuffix("CLOCK SKEW"), "\(summary)")
            let skew = try #require(lag.stdout.split(separator: "\n").first { $0.hasPrefix("  clock skew: the heartbeat of ") },
                                    "\(lag.stdout)")
            #expect(["peer-a", "peer-b", "peer-c"].allSatisfy { skew.contains($0) } && skew.contains("fix the clocks"))
            let lagJSON = try await Self.json(try Self.run(["lag", "--heartbeat", "1s", "-o", "json"] + at, seed: peers[0]))
            let lagRing = try #require((lagJSON["rings"] as? [[String: Any]])?.first)
            #expect(lagRing["verdict"] as? String == "clock_skew")
            #expect(lagRing["future_instances"] as? Int == 3)
            #expect(lagJSON["healthy"] as? Bool == false)
        }
    }
}
