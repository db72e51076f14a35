import DskitKV
import Foundation
import MemberlistWire
import Testing
import TestSupport

/// `ringctl ring --from-file` on a ring value taken from bytes real dskit nodes exchanged.
@Suite("ringctl ring --from-file (the binary)")
struct RingCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The "ring" value (snappy + protobuf, what /memberlist's download link returns) from a real push/pull.
    static func realRingValue() throws -> [UInt8] {
        let capture = root.appendingPathComponent("Tests/DskitKVTests/Fixtures/dskit-captures/pushpull-join-nolabel.c2s.bin")
        let frame = try DskitFrame.decode(Array(try Data(contentsOf: capture)))
        let state = try KVState(fullState: try #require(frame.pushPullUserState))
        return try #require(state["ring"]).value
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-ring-\(UUID().uuidString).bin")
        try Data(bytes).write(to: file)
        return file.path
    }

    /// The newest heartbeat in the capture, so tests can judge ages relative to it.
    static func newestHeartbeat(_ value: [UInt8]) throws -> Int64 {
        try RingDescription(codecValue: value).instances.map(\.heartbeatTimestamp).max() ?? 0
    }

    @Test("table: the three real instances with zones, 128 tokens each, 100% of their zone, healthy")
    func table() async throws {
        let value = try Self.realRingValue()
        let path = try Self.write(value)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let at = try Self.newestHeartbeat(value) + 5
        let result = try await RingctlBinary.run(["ring", "--from-file", path, "--at", String(at)])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("peer-") }.map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(rows.map(\.first) == ["peer-0", "peer-1", "peer-2"])
        #expect(rows.map { $0[1] } == ["ACTIVE", "ACTIVE", "ACTIVE"])
        #expect(rows.map { $0[2] } == ["127.0.0.1:18046", "127.0.0.1:18047", "127.0.0.1:18048"])
        #expect(rows.map { $0[3] } == ["zone-a", "zone-b", "zone-c"])
        #expect(rows.allSatisfy { $0.contains("128") && $0.contains("100.00%") && $0.last == "healthy" })
        #expect(result.stdout.contains("ZONE"))  // the per-zone summary
    }

    @Test("json: the documented shape, read from standard input")
    func json() async throws {
        let value = try Self.realRingValue()
        let at = try Self.newestHeartbeat(value) + 5
        let result = try await RingctlBinary.run(["ring", "--from-file", "-", "--at", String(at), "-o", "json", "--tokens"],
                                           input: Data(value))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["key"] as? String == "ring")
        let instances = try #require(object["instances"] as? [[String: Any]])
        #expect(instances.count == 3)
        let first = try #require(instances.first)
        for key in ["id", "address", "state", "zone", "heartbeat", "heartbeat_age_seconds", "registered", "tokens",
                    "ownership_percent", "read_only", "healthy", "token_list"] {
            #expect(first[key] != nil, "instance lacks \(key)")
        }
        #expect(first["heartbeat_age_seconds"] as? Int ?? -1 >= 5)
        #expect((first["token_list"] as? [Int])?.count == 128)
        #expect((object["zones"] as? [[String: Any]])?.count == 3)
    }

    @Test("--check exits 1 when heartbeats are older than the timeout, and the table says UNHEALTHY")
    func check() async throws {
        let value = try Self.realRingValue()
        let path = try Self.write(value)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let late = try Self.newestHeartbeat(value) + 3600
        let result = try await RingctlBinary.run(["ring", "--from-file", path, "--at", String(late), "--check"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("UNHEALTHY"))
        let lenient = try await RingctlBinary.run([
            "ring", "--from-file", path, "--at", String(late), "--check", "--heartbeat-timeout", "2h",
        ])
        #expect(lenient.status == 0)
    }

    @Test("ring and lag read a file or the cluster, not both, and a file holds one ring: usage errors (64)")
    func fileOrCluster() async throws {
        let path = try Self.write(try Self.realRingValue())
        defer { try? FileManager.default.removeItem(atPath: path) }
        for command in [["ring"], ["lag", "--heartbeat", "15s"]] {
            let both = try await RingctlBinary.run(command + ["--from-file", path, "-j", "127.0.0.1:7946"])
            #expect(both.status == 64, "\(command): \(both.stderr)")
            #expect(both.stderr.contains("not both"), "\(both.stderr)")
            let keys = try await RingctlBinary.run(command + ["--from-file", path, "--key", "a", "--key", "b"])
            #expect(keys.status == 64, "\(command): \(keys.stderr)")
            #expect(keys.stderr.contains("--key at most once"), "\(keys.stderr)")
        }
    }

    @Test("--tokens lists all 384 tokens sorted, each with its owner")
    func tokens() async throws {
        let value = try Self.realRingValue()
        let path = try Self.write(value)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(["ring", "--from-file", path, "--tokens"])
        let tokenRows = result.stdout.split(separator: "\n").compactMap { line -> UInt32? in
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[1].hasPrefix("peer-") else { return nil }
            return UInt32(fields[0])
        }
        #expect(tokenRows.count == 384)
        #expect(tokenRows == tokenRows.sorted())
    }

    @Test("a file that is not a ring value exits 76 and says what to do; a missing one exits 64")
    func badInput() async throws {
        let path = try Self.write(Array("this is not a ring".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let garbage = try await RingctlBinary.run(["ring", "--from-file", path])
        #expect(garbage.status == 76)
        #expect(garbage.stderr.contains("is not a dskit ring value"))
        #expect(garbage.stderr.contains("hint:"))

        let missing = try await RingctlBinary.run(["ring", "--from-file", "/nonexistent/ring.bin"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no such file"))

        let live = try await RingctlBinary.run(["ring"])
        #expect(live.status == 64)
        #expect(live.stderr.contains("--from-file"))
    }
}

/// `ring --from-file` on the JSON people paste into tickets: dskit's /ring page JSON and
/// /memberlist?viewKey=KEY&format=json, both built from the real ring value in the shapes dskit writes them
/// (ring/ring_http.go, kv/memberlist/http_status_handler.go: Go's encoding/json of ring.Desc).
@Suite("ringctl ring --from-file on /ring and viewKey JSON (the binary)")
struct RingJSONCommandTests {
    static func ring() throws -> RingDescription { try RingDescription(codecValue: try RingCommandTests.realRingValue()) }

    /// Go's encoding/json of ring.Desc: every InstanceDesc field omitempty, state the enum number (absent when ACTIVE).
    static func viewKeyJSON(_ ring: RingDescription) throws -> Data {
        var ingesters: [String: Any] = [:]
        for instance in ring.instances {
            var object: [String: Any] = ["addr": instance.address, "timestamp": instance.heartbeatTimestamp,
                                         "tokens": instance.tokens, "zone": instance.zone, "id": instance.id]
            if instance.state != .active { object["state"] = instance.state.rawValue }
            if instance.registeredTimestamp != 0 { object["registered_timestamp"] = instance.registeredTimestamp }
            if instance.readOnly { object["read_only"] = true }
            ingesters[instance.id] = object
        }
        return try JSONSerialization.data(withJSONObject: ["ingesters": ingesters])
    }

    /// The /ring page's JSON: shards sorted by id, states by name (or UNHEALTHY), times as Go's time.Time.
    static func ringPageJSON(_ ring: RingDescription, unhealthy: Set<String> = [], now: String) throws -> Data {
        let shards: [[String: Any]] = ring.instances.map { instance in
            [
                "id": instance.id, "state": unhealthy.contains(instance.id) ? "UNHEALTHY" : instance.state.name,
                "address": instance.address, "timestamp": UnixTime.rfc3339(instance.heartbeatTimestamp),
                "registered_timestamp": instance.registeredTimestamp == 0
                    ? "0001-01-01T00:00:00Z" : UnixTime.rfc3339(instance.registeredTimestamp),
                "read_only": instance.readOnly, "read_only_updated_timestamp": "0001-01-01T00:00:00Z",
                "zone": instance.zone, "tokens": instance.tokens,
            ]
        }
        return try JSONSerialization.data(withJSONObject: ["shards": shards, "now": now])
    }

    static func report(_ input: Data, _ more: [String] = []) async throws -> (RingctlBinary.Result, [String: Any]) {
        let result = try await RingctlBinary.run(["ring", "--from-file", "-", "-o", "json"] + more, input: input)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                  "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        return (result, object)
    }

    @Test("viewKey JSON and /ring JSON give exactly the instances the ring value gives")
    func sameRing() async throws {
        let ring = try Self.ring()
        let newest = ring.instances.map(\.heartbeatTimestamp).max() ?? 0
        let at = ["--at", String(newest + 5), "--tokens"]
        let (binary, fromValue) = try await Self.report(Data(try RingCommandTests.realRingValue()), at)
        #expect(binary.status == 0)
        let expected = try #require(fromValue["instances"] as? [[String: Any]]) as NSArray

        let (view, fromView) = try await Self.report(try Self.viewKeyJSON(ring), at)
        #expect(view.status == 0, "stderr: \(view.stderr)")
        #expect((fromView["instances"] as? [[String: Any]]).map { $0 as NSArray } == expected)
        #expect((fromView["warnings"] as? [Any])?.isEmpty == true)  // nothing lost

        let (page, fromPage) = try await Self.report(try Self.ringPageJSON(ring, now: "2026-11-24T23:58:30.123456789+01:00"), at)
        #expect(page.status == 0, "stderr: \(page.stderr)")
        #expect((fromPage["instances"] as? [[String: Any]]).map { $0 as NSArray } == expected)
        let warning = try #require((fromPage["warnings"] as? [[String: Any]])?.first)
        #expect(warning["kind"] as? String == "lossy_input")
        #expect((warning["message"] as? String)?.contains("read as dskit /ring page JSON") == true)
        #expect((warning["message"] as? String)?.contains("served at 2026-11-24T22:58:30Z: add --at 2026-11-24T22:58:30Z") == true)
    }

    @Test("a viewKey JSON state number (JOINING = 3) and the /ring page's UNHEALTHY, which loses the state and says so")
    func statesAndLosses() async throws {
        var ring = try Self.ring()
        ring.instances[1].state = .joining
        let newest = ring.instances.map(\.heartbeatTimestamp).max() ?? 0
        let (_, view) = try await Self.report(try Self.viewKeyJSON(ring), ["--at", String(newest)])
        #expect((view["instances"] as? [[String: Any]])?.map { $0["state"] as? String } == ["ACTIVE", "JOINING", "ACTIVE"])

        let table = try await RingctlBinary.run(["ring", "--from-file", "-", "--at", String(newest)],
                                          input: try Self.ringPageJSON(ring, unhealthy: ["peer-2"], now: "2026-11-24T22:58:30Z"))
        #expect(table.status == 0, "stderr: \(table.stderr)")
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("peer-2 ") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true)[1] == "UNKNOWN")
        #expect(table.stdout.contains("the page shows UNHEALTHY instead of the state of peer-2"), "\(table.stdout)")
    }

    @Test("JSON that is not a ring, or has a field of the wrong type, exits 76 saying what and where")
    func badJSON() async throws {
        let other = try await RingctlBinary.run(["ring", "--from-file", "-"], input: Data(#"{"foo": 1, "bar": []}"#.utf8))
        #expect(other.status == 76)
        #expect(other.stderr.contains("is JSON but not a ring"), "\(other.stderr)")
        #expect(other.stderr.contains("this object has keys bar, foo"))
        let token = try await RingctlBinary.run(["ring", "--from-file", "-"],
                                          input: Data(#"{"shards": [{"id": "a", "tokens": ["x"]}]}"#.utf8))
        #expect(token.status == 76)
        #expect(token.stderr.contains("bad field at shards[0].tokens[0]"), "\(token.stderr)")
        let time = try await RingctlBinary.run(["ring", "--from-file", "-"],
                                         input: Data(#"{"shards": [{"id": "a", "timestamp": "yesterday"}]}"#.utf8))
        #expect(time.status == 76)
        #expect(time.stderr.contains("shards[0].timestamp: \"yesterday\" is not an RFC 3339 time"), "\(time.stderr)")
        let broken = try await RingctlBinary.run(["ring", "--from-file", "-"], input: Data(#"{"ingesters": {"#.utf8))
        #expect(broken.status == 76)
        #expect(broken.stderr.contains("starts like JSON but does not parse"), "\(broken.stderr)")
        #expect(broken.stderr.contains("hint:"))
    }
}
