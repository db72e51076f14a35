import DskitKV
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `ringctl quorum`, `ringctl lookup` and `ring --replication-factor` (the binary) on the spec's worked rings,
/// saved as ring values, and `quorum` against the demo cluster.
@Suite("ringctl quorum, lookup, ring --replication-factor (the binary)")
struct ReplicationCommandTests {
    static let now: Int64 = 1_767_226_500

    static func instance(_ id: String, _ tokens: [UInt32], zone: String = "", stale: Bool = false, address: String)
        -> InstanceDescription
    {
        InstanceDescription(
            id: id, address: address, heartbeatTimestamp: stale ? now - 90 : now, state: .active, tokens: tokens,
            zone: zone)
    }

    /// The spec's example 1 (zone-aware, one instance per zone).
    static func zoned(stale: Set<String> = []) -> RingDescription {
        RingDescription(instances: [
            instance("a-0", [100, 400], zone: "zone-a", stale: stale.contains("a-0"), address: "10.0.0.1:9095"),
            instance("b-0", [200, 500], zone: "zone-b", stale: stale.contains("b-0"), address: "10.0.0.2:9095"),
            instance("c-0", [300, 600], zone: "zone-c", stale: stale.contains("c-0"), address: "10.0.0.3:9095"),
        ])
    }

    /// The spec's example 2 (no zones, four instances).
    static func plain(stale: Set<String> = []) -> RingDescription {
        let tokens: [String: [UInt32]] = ["a": [10, 50], "b": [20, 60], "c": [30, 70], "d": [40, 80]]
        return RingDescription(instances: tokens.keys.sorted().map {
            instance($0, tokens[$0]!, stale: stale.contains($0), address: "\($0):9095")
        })
    }

    static func file(_ ring: RingDescription) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-quorum-\(UUID().uuidString).bin")
        try Data(ring.codecValue()).write(to: url)
        return url.path
    }

    static func run(_ ring: RingDescription, _ arguments: [String]) async throws -> (status: Int32, json: [String: Any], stderr: String) {
        let path = try file(ring)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(arguments + ["--from-file", path, "--at", String(now), "-o", "json"])
        let json = (try? JSONSerialization.jsonObject(with: result.stdoutData)) as? [String: Any] ?? [:]
        return (result.status, json, result.stderr)
    }

    static func write(_ json: [String: Any]) throws -> [String: Any] {
        let operations = try #require(json["operations"] as? [[String: Any]])
        return try #require(operations.first { $0["operation"] as? String == "write" })
    }

    @Test("quorum, example 2: d crashed, a going down fails 40 keys in four spans with dskit's error (exit 1)")
    func example2Down() async throws {
        let (status, json, stderr) = try await Self.run(
            Self.plain(stale: ["d"]), ["quorum", "--replication-factor", "3", "--down", "a"])
        #expect(status == 1, "\(stderr)")
        let write = try Self.write(json)
        let down = try #require(write["down"] as? [String: Any])
        #expect(down["failing_keys"] as? Int == 40 && down["span_count"] as? Int == 4)
        let spans = try #require(down["spans"] as? [[String: Any]])
        #expect(spans.first?["first_key"] as? Int == 20 && spans.first?["last_key"] as? Int == 29)
        #expect(spans.first?["error"] as? String
            == "at least 2 live replicas required, could only find 1 - unhealthy instances: d:9095,a:9095")
        let verdict = try #require(write["verdict"] as? String)
        #expect(verdict.hasPrefix("safe to restart a (write): no: <0.01% of writes would fail (4 of 8 token ranges)"), "\(verdict)")
        // A graceful shutdown of a is worse here: Write extends past the LEAVING a, so every set holding a has four
        // instances and needs 3, of which only two (b, c) are healthy: six ranges fail, not four.
        let leaving = try #require(write["leaving"] as? [String: Any])
        #expect(leaving["failing_ranges"] as? Int == 6)
        let now = try #require(write["now"] as? [String: Any])
        #expect(now["failing_ranges"] as? Int == 0 && now["zero_tolerance_ranges"] as? Int == 6)
        #expect(json["safe"] as? Bool == false && json["down"] as? [String] == ["a"])
    }

    @Test("quorum, example 1: one zone down is safe (exit 0), two are not (exit 1), with the spec's error")
    func example1Zones() async throws {
        let (one, oneJSON, oneErr) = try await Self.run(
            Self.zoned(), ["quorum", "--replication-factor", "3", "--zone-awareness", "--down", "b-0"])
        #expect(one == 0, "\(oneErr)")
        #expect(try Self.write(oneJSON)["verdict"] as? String
            == "safe to restart b-0 (write): yes (100.00% of keys would have no failure to spare)")
        let (two, twoJSON, _) = try await Self.run(
            Self.zoned(), ["quorum", "--replication-factor", "3", "--zone-awareness", "--down-zone", "zone-b",
                           "--down-zone", "zone-c"])
        #expect(two == 1)
        let down = try #require(try Self.write(twoJSON)["down"] as? [String: Any])
        #expect(down["failing_percent"] as? Double == 100)
        let errors = try #require(down["spans"] as? [[String: Any]]).compactMap { $0["error"] as? String }
        #expect(errors.contains("at least 2 live replicas required across different availability zones, could only"
            + " find 1 - unhealthy instances: 10.0.0.3:9095,10.0.0.2:9095"))
        #expect(twoJSON["down"] as? [String] == ["b-0", "c-0"])
    }

    @Test("quorum --rollout: all healthy, both rollouts are safe; with b-0 crashed, neither is (exit 1)")
    func rollout() async throws {
        let (healthy, json, stderr) = try await Self.run(
            Self.zoned(), ["quorum", "--replication-factor", "3", "--zone-awareness", "--rollout"])
        #expect(healthy == 0, "\(stderr)")
        let plan = try #require(try Self.write(json)["rollout"] as? [String: Any])
        #expect(plan["zones_safe"] as? Bool == true && plan["instances_safe"] as? Bool == true)
        let (degraded, degradedJSON, _) = try await Self.run(
            Self.zoned(stale: ["b-0"]), ["quorum", "--replication-factor", "3", "--zone-awareness", "--rollout"])
        #expect(degraded == 1)
        let degradedPlan = try #require(try Self.write(degradedJSON)["rollout"] as? [String: Any])
        #expect(degradedPlan["zones_safe"] as? Bool == false && degradedPlan["unsafe_instance_count"] as? Int == 2)
        let unsafe = try #require(degradedPlan["unsafe_instances"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(unsafe == ["a-0", "c-0"])
    }

    @Test("quorum: an unknown instance or zone is a usage error (exit 64) listing what the ring holds")
    func unknownNames() async throws {
        let path = try Self.file(Self.zoned())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(["quorum", "--from-file", path, "--down", "ingester-9", "--down-zone", "zone-q"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no instance \"ingester-9\"") && result.stderr.contains("no zone \"zone-q\""))
        #expect(result.stderr.contains("a-0, b-0, c-0"))
    }

    @Test("quorum table: the verdict line, the failing spans and dskit's error")
    func table() async throws {
        let path = try Self.file(Self.plain(stale: ["d"]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(
            ["quorum", "--from-file", path, "--at", String(Self.now), "--down", "a", "--operation", "all"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("safe to restart a (write): no:"), "\(result.stdout)")
        #expect(result.stdout.contains("safe to restart a (reporting): no:"), "\(result.stdout)")
        #expect(result.stdout.contains("20-29"))
        #expect(result.stdout.contains("could only find 1 - unhealthy instances: d:9095,a:9095"))
    }

    @Test("lookup: key 250 in example 1 gives c-0, a-0, b-0; a crashed b-0 is dropped with its reason")
    func lookup() async throws {
        let (status, json, stderr) = try await Self.run(
            Self.zoned(stale: ["b-0"]), ["lookup", "250", "--replication-factor", "3", "--zone-awareness"])
        #expect(status == 0, "\(stderr)")
        let lookup = try #require((json["lookups"] as? [[String: Any]])?.first)
        #expect(lookup["range_token"] as? Int == 300)
        let operations = try #require(lookup["operations"] as? [[String: Any]])
        #expect(operations.compactMap { $0["operation"] as? String } == ["write", "read"])
        let write = operations[0]
        let instances = try #require(write["instances"] as? [[String: Any]])
        #expect(instances.compactMap { $0["id"] as? String } == ["c-0", "a-0", "b-0"])
        #expect(instances.compactMap { $0["role"] as? String } == ["replica", "replica", "dropped"])
        #expect((instances[2]["reason"] as? String)?.contains("1m30s ago, beyond the") == true, "\(instances[2])")
        #expect(write["min_success"] as? Int == 2 && write["max_errors"] as? Int == 0)
    }

    @Test("lookup --string hashes as documented (FNV-1 by default, --hash fnv1a); a failing set exits 1")
    func lookupString() async throws {
        let (status, json, _) = try await Self.run(
            Self.zoned(stale: ["b-0", "c-0"]),
            ["lookup", "--string", "a", "--string", "a", "--hash", "fnv1a", "--replication-factor", "3",
             "--zone-awareness", "--operation", "write"])
        #expect(status == 1)
        let lookups = try #require(json["lookups"] as? [[String: Any]])
        // FNV-1a("a") = 0xe40c292c (Go's hash/fnv golden32a).
        #expect(lookups.first?["token"] as? Int == 0xE40C_292C && lookups.first?["hash"] as? String == "fnv1a")
        let error = (lookups.first?["operations"] as? [[String: Any]])?.first?["error"] as? String
        #expect(error?.hasPrefix("at least 2 live replicas required across different availability zones") == true)
        let fnv1 = try await Self.run(Self.zoned(), ["lookup", "--string", "a", "--replication-factor", "1"])
        #expect((fnv1.json["lookups"] as? [[String: Any]])?.first?["token"] as? Int == 0x050C_5D7E)
    }

    @Test("ring --replication-factor 3: EFFECTIVE beside OWNERSHIP; JSON effective_ownership_percent")
    func effectiveOwnership() async throws {
        let (status, json, stderr) = try await Self.run(Self.plain(), ["ring", "--replication-factor", "3"])
        #expect(status == 0, "\(stderr)")
        let instances = try #require(json["instances"] as? [[String: Any]])
        let effective = instances.compactMap { $0["effective_ownership_percent"] as? Double }
        #expect(effective.count == 4 && abs(effective.reduce(0, +) - 300) < 1e-9)
        #expect(effective[3] < 0.001 && effective[0] > 99.99)
        let replication = try #require(json["replication"] as? [String: Any])
        #expect(replication["replication_factor"] as? Int == 3 && replication["zone_awareness"] as? Bool == false)
        // Without the flags the report keeps its shape.
        let (_, plainJSON, _) = try await Self.run(Self.plain(), ["ring"])
        #expect(plainJSON["replication"] == nil)
        #expect((plainJSON["instances"] as? [[String: Any]])?.first?["effective_ownership_percent"] == nil)
        let path = try Self.file(Self.zoned())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try await RingctlBinary.run(["ring", "--from-file", path, "--at", String(Self.now), "--zone-awareness"])
        #expect(table.stdout.contains("EFFECTIVE") && table.stdout.contains("zone awareness on"), "\(table.stdout)")
    }

    @Test("quorum against the demo (6 nodes, 3 zones): zone-a down is safe (exit 0), zone-a and zone-b down are not (1)")
    func demo() async throws {
        try await withFixtures { fixtures in
            let (process, ready) = try await DemoCommandTests.startDemo(
                fixtures, ["--nodes", "6", "--zones", "3", "--heartbeat", "1s"])
            let base = ["quorum", "-j", ready.join, "--key", ready.ringKey, "--replication-factor", "3", "--zone-awareness",
                        "-o", "json"]
            var last = ""
            try await eventually("quorum to see all six instances with zone-a down and say safe", deadline: .seconds(60)) {
                let result = try await RingctlBinary.run(base + ["--down-zone", "zone-a"])
                last = result.stdout + result.stderr
                guard result.status == 0,
                    let json = try? JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
                else { return false }
                return (json["down"] as? [String])?.count == 2
            }
            let two = try await RingctlBinary.run(base + ["--down-zone", "zone-a", "--down-zone", "zone-b"])
            #expect(two.status == 1, "\(two.stdout)\(two.stderr) after \(last)")
            let json = try #require(try JSONSerialization.jsonObject(with: two.stdoutData) as? [String: Any])
            let down = try #require(try Self.write(json)["down"] as? [String: Any])
            #expect(down["failing_percent"] as? Double == 100)
            process.signal(SIGTERM)
            _ = try await process.wait(deadline: .seconds(30))
        }
    }
}
