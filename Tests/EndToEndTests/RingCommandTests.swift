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
    func table() throws {
        let value = try Self.realRingValue()
        let path = try Self.write(value)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let at = try Self.newestHeartbeat(value) + 5
        let result = try RingctlBinary.run(["ring", "--from-file", path, "--at", String(at)])
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
    func json() throws {
        let value = try Self.realRingValue()
        let at = try Self.newestHeartbeat(value) + 5
        let result = try RingctlBinary.run(["ring", "--from-file", "-", "--at", String(at), "-o", "json", "--tokens"],
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
    func check() throws {
        let value = try Self.realRingValue()
        let path = try Self.write(value)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let late = try Self.newestHeartbeat(value) + 3600
        let result = try RingctlBinary.run(["ring", "--from-file", path, "--at", String(late), "--check"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("UNHEALTHY"))
        let lenient = try RingctlBinary.run([
            "ring", "--from-file", path, "--at", String(late), "--check", "--heartbeat-timeout", "2h",
        ])
        #expect(lenient.status == 0)
    }

    @Test("ring and lag read a file or the cluster, not both, and a file holds one ring: usage errors (64)")
    func fileOrCluster() throws {
        let path = try Self.write(try Self.realRingValue())
        defer { try? FileManager.default.removeItem(atPath: path) }
        for command in [["ring"], ["lag", "--heartbeat", "15s"]] {
            let both = try RingctlBinary.run(command + ["--from-file", path, "-j", "127.0.0.1:7946"])
            #expect(both.status == 64, "\(command): \(both.stderr)")
            #expect(both.stderr.contains("not both"), "\(both.stderr)")
            let keys = try RingctlBinary.run(command + ["--from-file", path, "--key", "a", "--key", "b"])
            #expect(keys.status == 64, "\(command): \(keys.stderr)")
            #expect(keys.stderr.contains("--key at most once"), "\(keys.stderr)")
        }
    }

    @Test("--tokens lists all 384 tokens sorted, each with its owner")
    func tokens() throws {
        let value = try Self.realRingValue()
        let path = try Self.write(value)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try RingctlBinary.run(["ring", "--from-file", path, "--tokens"])
        let tokenRows = result.stdout.split(separator: "\n").compactMap { line -> UInt32? in
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[1].hasPrefix("peer-") else { return nil }
            return UInt32(fields[0])
        }
        #expect(tokenRows.count == 384)
        #expect(tokenRows == tokenRows.sorted())
    }

    @Test("a file that is not a ring value exits 76 and says what to do; a missing one exits 64")
    func badInput() throws {
        let path = try Self.write(Array("this is not a ring".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let garbage = try RingctlBinary.run(["ring", "--from-file", path])
        #expect(garbage.status == 76)
        #expect(garbage.stderr.contains("is not a dskit ring value"))
        #expect(garbage.stderr.contains("hint:"))

        let missing = try RingctlBinary.run(["ring", "--from-file", "/nonexistent/ring.bin"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no such file"))

        let live = try RingctlBinary.run(["ring"])
        #expect(live.status == 64)
        #expect(live.stderr.contains("--from-file"))
    }
}
