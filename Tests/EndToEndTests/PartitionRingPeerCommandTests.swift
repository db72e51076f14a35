import Foundation
import Testing
import TestSupport

/// `ringctl ring`, `kv get` and `ring --from-file` (the binary) on a partition ring that a real Go peer holds in its
/// KV store beside its ring: bytes written by mlpeer's own protowire encoder (Tests/Peers/mlpeer/partition_ring.go),
/// not by ringctl's.
@Suite(
    "ringctl ring / kv get on a Go peer's partition ring (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct PartitionRingPeerCommandTests {
    static let key = "collectors/ingester-partitions"

    /// One dskit-shaped peer holding partitions 0 (ACTIVE, two owners), 1 (PENDING, locked, one owner) and
    /// 2 (INACTIVE, its only owner DELETED), 16 tokens each.
    static func peer(in fixtures: Fixtures) async throws -> GoPeer {
        try await fixtures.dskitPeer(name: "ingester-zone-a-0", zone: "zone-a", [
            "--partitions", "0=ACTIVE,1=PENDING:locked,2=INACTIVE",
            "--partition-owners", "ingester-zone-a-0=0,ingester-zone-b-0=0,ingester-zone-a-1=1,ingester-zone-a-2=2:DELETED",
        ])
    }

    static func json(_ result: RingctlBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                     "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    @Test("ring shows the instance ring and the partition ring the peer holds; --check fails on partition 2")
    func ring() async throws {
        try await withFixtures { fixtures in
            let peer = try await Self.peer(in: fixtures)
            let result = try await RingctlBinary.run(["ring", "-j", peer.address, "-o", "json", "--tokens"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let object = try Self.json(result)
            #expect((object["rings"] as? [[String: Any]])?.map { $0["key"] as? String } == ["ring"])
            let partitionRings = try #require(object["partition_rings"] as? [[String: Any]])
            #expect(partitionRings.map { $0["key"] as? String } == [Self.key])
            let ring = try #require(partitionRings.first)
            let partitions = try #require(ring["partitions"] as? [[String: Any]])
            #expect(partitions.map { $0["id"] as? Int } == [0, 1, 2])
            #expect(partitions.map { $0["state"] as? String } == ["ACTIVE", "PENDING", "INACTIVE"])
            #expect(partitions.map { $0["state_change_locked"] as? Bool } == [false, true, false])
            #expect(partitions.map { $0["tokens"] as? Int } == [16, 16, 16])
            #expect(partitions.map { ($0["token_list"] as? [Int])?.count } == [16, 16, 16])
            #expect(partitions.map { $0["owners"] as? [String] } == [
                ["ingester-zone-a-0", "ingester-zone-b-0"], ["ingester-zone-a-1"], [],
            ])
            let share = partitions.compactMap { $0["ownership_percent"] as? Double }.reduce(0, +)
            #expect(abs(share - 100) < 1e-6)
            let owners = try #require(ring["owners"] as? [[String: Any]])
            #expect(owners.map { $0["state"] as? String } == ["ACTIVE", "ACTIVE", "DELETED", "ACTIVE"])

            let check = try await RingctlBinary.run(["ring", "-j", peer.address, "--check", "--key", Self.key])
            #expect(check.status == 1, "stdout: \(check.stdout)\nstderr: \(check.stderr)")
            #expect(check.stdout.hasPrefix("1 partition ring from \(peer.address): \(Self.key)"))
            #expect(check.stdout.contains("partition 2 has been INACTIVE"))
            #expect(check.stdout.contains("partition 2 has no ACTIVE owner"))
            #expect(!check.stdout.contains("INSTANCE"))  // only the key asked for
        }
    }

    @Test("kv get: the partition ring under partition_ring_desc.proto's names; --raw bytes ring --from-file reads")
    func kvGet() async throws {
        try await withFixtures { fixtures in
            let peer = try await Self.peer(in: fixtures)
            let object = try Self.json(try await RingctlBinary.run(["kv", "get", Self.key, "-j", peer.address]))
            #expect(object["codec"] as? String == "partitionRingDesc")
            let value = try #require(object["value"] as? [String: Any])
            let partitions = try #require(value["partitions"] as? [String: [String: Any]])
            #expect(Set(partitions.keys) == ["0", "1", "2"])
            #expect(partitions["1"]?["stateChangeLocked"] as? Bool == true)
            #expect(partitions["2"]?["id"] as? Int == 2)
            let owners = try #require(value["owners"] as? [String: [String: Any]])
            #expect(owners["ingester-zone-a-2"]?["state"] as? String == "DELETED")
            #expect(owners["ingester-zone-a-1"]?["ownedPartition"] as? Int == 1)

            // The JSON itself reads back as the partition ring, under its key.
            let fromJSON = try await RingctlBinary.run(
                ["ring", "--from-file", "-", "-o", "json"],
                input: try await RingctlBinary.run(["kv", "get", Self.key, "-j", peer.address]).stdoutData)
            #expect(fromJSON.status == 0, "stderr: \(fromJSON.stderr)")
            let reread = try Self.json(fromJSON)
            #expect(reread["key"] as? String == Self.key)
            #expect((reread["partitions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["ACTIVE", "PENDING", "INACTIVE"])

            let raw = try await RingctlBinary.run(["kv", "get", Self.key, "--raw", "-j", peer.address])
            #expect(raw.status == 0, "stderr: \(raw.stderr)")
            let file = try await RingctlBinary.run(["ring", "--from-file", "-", "-o", "json"], input: raw.stdoutData)
            #expect(file.status == 0, "stderr: \(file.stderr)")
            #expect((try Self.json(file)["partitions"] as? [[String: Any]])?.count == 3)
        }
    }
}
