import DskitKV
import Foundation
import Testing
import TestSupport

/// `ringctl ring --from-file`, `decode` and `lag --from-file` (the binary) on partition ring values: the hand-written
/// vector of Tests/DskitKVTests/Fixtures/partition-ring and a Mimir-shaped ring written by ringctl's encoder.
@Suite("ringctl ring / decode on partition ring files (the binary)")
struct PartitionRingCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let now: Int64 = 1_767_225_600

    /// The vector's bytes (protobuf without snappy, as some tools save it).
    static func vector() throws -> [UInt8] {
        let text = try String(
            contentsOf: root.appendingPathComponent("Tests/DskitKVTests/Fixtures/partition-ring/one-partition-one-owner.hex"),
            encoding: .utf8)
        let hex = Array(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined().filter(\.isHexDigit))
        return try stride(from: 0, to: hex.count, by: 2).map { try #require(UInt8(String(hex[$0...$0 + 1]), radix: 16)) }
    }

    /// Partitions 0 and 1 ACTIVE with two owners each, 2 INACTIVE (locked) with one, 3 PENDING for a minute with
    /// none, 4 DELETED; an owner DELETED.
    static let mimir = PartitionRingDescription(
        partitions: [
            PartitionDescription(id: 0, tokens: [10, 2_000_000_000], state: .active, stateTimestamp: now - 86_400),
            PartitionDescription(id: 1, tokens: [1_000_000_000, 3_000_000_000], state: .active, stateTimestamp: now - 86_400),
            PartitionDescription(id: 2, tokens: [4_000_000_000], state: .inactive, stateTimestamp: now - 600,
                                 stateChangeLocked: true, stateChangeLockedTimestamp: now - 600),
            PartitionDescription(id: 3, tokens: [500], state: .pending, stateTimestamp: now - 60),
            PartitionDescription(id: 4, tokens: [600], state: .deleted, stateTimestamp: now - 30),
        ],
        owners: [
            PartitionOwner(id: "ingester-zone-a-0", partition: 0, state: .active, updatedTimestamp: now - 86_400),
            PartitionOwner(id: "ingester-zone-b-0", partition: 0, state: .active, updatedTimestamp: now - 86_400),
            PartitionOwner(id: "ingester-zone-a-1", partition: 1, state: .active, updatedTimestamp: now - 86_400),
            PartitionOwner(id: "ingester-zone-b-1", partition: 1, state: .active, updatedTimestamp: now - 86_400),
            PartitionOwner(id: "ingester-zone-a-2", partition: 2, state: .active, updatedTimestamp: now - 600),
            PartitionOwner(id: "ingester-zone-b-2", partition: 2, state: .deleted, updatedTimestamp: now - 60),
        ])

    static func write(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-partitions-\(UUID().uuidString).bin")
        try Data(bytes).write(to: file)
        return file.path
    }

    static func json(_ result: RingctlBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                     "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    @Test("the hand-written vector: one ACTIVE partition owned by a, --check passes")
    func vector() async throws {
        let path = try Self.write(try Self.vector())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(
            ["ring", "--from-file", path, "--at", "1700000065", "--check", "--key", "collectors/ingester-partitions"])
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix(
            "partition ring \"collectors/ingester-partitions\" at 2023-11-14T22:14:25Z: 1 partition (1 ACTIVE), 1 owner"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("1 ") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true) == ["1", "ACTIVE", "1m5s", "ago", "no", "2", "100.00%", "a"])
    }

    @Test("a Mimir-shaped ring: table rows, --check exits 1 for the INACTIVE partition and the ownerless PENDING one")
    func mimirTable() async throws {
        let path = try Self.write(Self.mimir.codecValue())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(
            ["ring", "--from-file", path, "--at", String(Self.now), "--check", "--stuck-after", "5m"])
        #expect(result.status == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "partition ring \"ingester-partitions\" at 2026-01-01T00:00:00Z: 5 partitions"
            + " (2 ACTIVE, 1 DELETED, 1 INACTIVE, 1 PENDING), 6 owners")
        let rows = lines.filter { $0.first?.isNumber == true }.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.map { String($0[1]) } == ["ACTIVE", "ACTIVE", "INACTIVE", "PENDING", "DELETED"])
        #expect(rows[0].last == "ingester-zone-a-0,ingester-zone-b-0")
        #expect(lines.contains { $0.hasPrefix("2 ") && $0.hasSuffix("  ingester-zone-a-2,(+1 not ACTIVE)") })
        #expect(rows[3].last == "-")
        #expect(lines.contains { $0.hasPrefix("ingester-zone-b-2") && $0.contains("DELETED") })
        #expect(result.stdout.contains("partition 2 has been INACTIVE for 10m0s"))
        #expect(result.stdout.contains("partition 3 has no ACTIVE owner"))
        #expect(result.stdout.contains("partition 3 has been PENDING for 1m0s"))
        #expect(result.stdout.contains("partition 4 is a DELETED tombstone (deleted 30s ago)"))
    }

    @Test("json: the documented shape and per-row verdicts; --tokens adds token_list")
    func mimirJSON() async throws {
        let result = try await RingctlBinary.run(
            ["ring", "--from-file", "-", "--at", String(Self.now), "-o", "json", "--tokens", "--key", "collectors/ingester-partitions"],
            input: Data(Self.mimir.codecValue()))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Self.json(result)
        #expect(object["type"] as? String == "partition_ring")
        #expect(object["key"] as? String == "collectors/ingester-partitions")
        #expect(object["check_passed"] as? Bool == false)
        let partitions = try #require(object["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["id"] as? Int } == [0, 1, 2, 3, 4])
        #expect(partitions.map { $0["fails_check"] as? Bool } == [false, false, true, true, false])
        #expect(partitions[2]["state_change_locked"] as? Bool == true)
        #expect(partitions[0]["token_list"] as? [Int] == [10, 2_000_000_000])
        let owners = try #require(object["owners"] as? [[String: Any]])
        #expect(owners.count == 6)
        let kinds = try #require(object["warnings"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
        #expect(kinds == ["inactive_partition", "pending_partition", "no_owner", "deleted_partition", "deleted_owner"])
    }

    @Test("decode names the codec and lists partitions and owners; -o json carries the report; lag refuses it")
    func decodeAndLag() async throws {
        let path = try Self.write(Self.mimir.codecValue())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = try await RingctlBinary.run(["decode", path])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        #expect(text.stdout.hasPrefix("kv-value codec=partitionRingDesc value-bytes="))
        #expect(text.stdout.contains("value=partition ring of 5 partitions, 6 owners"))
        #expect(text.stdout.contains("  partition id=2 state=INACTIVE state-changed=2025-12-31T23:50:00Z locked=true tokens=1"))
        #expect(text.stdout.contains("  owner id=\"ingester-zone-b-2\" partition=2 state=DELETED"))
        #expect(text.stderr.contains("dskit partition ring value"))
        let json = try await RingctlBinary.run(["decode", "-o", "json", path])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let report = try #require(items.first?["report"] as? [String: Any])
        #expect(report["type"] as? String == "partition_ring")

        let lag = try await RingctlBinary.run(["lag", "--from-file", path, "--heartbeat", "15s"])
        #expect(lag.status == 76)
        #expect(lag.stderr.contains("is a dskit partition ring value (partitionRingDesc), which has no heartbeats"))
    }
}
