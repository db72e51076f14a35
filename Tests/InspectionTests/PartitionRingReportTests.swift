import DskitKV
import Foundation
import Testing

@testable import Inspection

@Suite("PartitionRingReport: rows, owners, ownership and the --check verdict in words")
struct PartitionRingReportTests {
    static let now: Int64 = 1_767_225_600
    static let at = Date(timeIntervalSince1970: Double(now) + 0.7)

    /// Mimir-shaped: partitions 0 and 1 ACTIVE with a zone-a and a zone-b ingester each, 2 INACTIVE with one left,
    /// 3 a DELETED tombstone, and a DELETED owner of 2.
    static let ring = PartitionRingDescription(
        partitions: [
            PartitionDescription(id: 0, tokens: [100, 2_000_000_000], state: .active, stateTimestamp: now - 86_400),
            PartitionDescription(id: 1, tokens: [1_000_000_000, 3_000_000_000], state: .active, stateTimestamp: now - 86_400),
            PartitionDescription(id: 2, tokens: [4_000_000_000], state: .inactive, stateTimestamp: now - 600,
                                 stateChangeLocked: true, stateChangeLockedTimestamp: now - 600),
            PartitionDescription(id: 3, tokens: [50], state: .deleted, stateTimestamp: now - 30),
        ],
        owners: [
            PartitionOwner(id: "ingester-zone-a-0", partition: 0, state: .active, updatedTimestamp: now - 86_400),
            PartitionOwner(id: "ingester-zone-b-0", partition: 0, state: .active, updatedTimestamp: now - 86_400),
            PartitionOwner(id: "ingester-zone-a-1", partition: 1, state: .active, updatedTimestamp: now - 86_400),
            PartitionOwner(id: "ingester-zone-a-2", partition: 2, state: .active, updatedTimestamp: now - 600),
            PartitionOwner(id: "ingester-zone-b-2", partition: 2, state: .deleted, updatedTimestamp: now - 60),
        ])

    @Test("rows carry state, ages from the whole second, owners split by state and dskit's ownership")
    func rows() throws {
        let report = PartitionRingReport(key: "collectors/ingester-partitions", ring: Self.ring, now: Self.at)
        #expect(report.at == Date(timeIntervalSince1970: Double(Self.now)))
        #expect(report.partitions.map(\.id) == [0, 1, 2, 3])
        #expect(report.partitions.map(\.state) == ["ACTIVE", "ACTIVE", "INACTIVE", "DELETED"])
        #expect(report.partitions.map(\.stateAgeSeconds) == [86_400, 86_400, 600, 30])
        #expect(report.partitions[0].owners == ["ingester-zone-a-0", "ingester-zone-b-0"])
        #expect(report.partitions[2].owners == ["ingester-zone-a-2"])
        #expect(report.partitions[2].otherOwners == ["ingester-zone-b-2"])
        #expect(report.partitions[2].stateChangeLocked)
        #expect(report.partitions[3].ownershipPercent == 0)
        let total = report.partitions.map(\.ownershipPercent).reduce(0, +)
        #expect(abs(total - Double(1 << 32) / Double(UInt32.max) * 100) < 1e-9)
        #expect(report.states == ["ACTIVE": 2, "INACTIVE": 1, "DELETED": 1])
        #expect(report.owners.first { $0.id == "ingester-zone-b-2" }?.partitionState == "INACTIVE")
    }

    @Test("--check fails on the INACTIVE partition only; tombstones are warned about, never failing")
    func verdict() {
        let report = PartitionRingReport(key: "k", ring: Self.ring, now: Self.at)
        #expect(!report.checkPassed)
        #expect(report.partitions.map(\.failsCheck) == [false, false, true, false])
        #expect(report.owners.allSatisfy { !$0.failsCheck })
        #expect(report.warnings.map(\.kind) == ["inactive_partition", "deleted_partition", "deleted_owner"])
        #expect(report.warnings.map(\.failsCheck) == [true, false, false])
        #expect(report.warnings[0].message.contains("partition 2 has been INACTIVE for 10m0s"))

        var healthy = Self.ring
        healthy.partitions.removeAll { $0.id >= 2 }
        healthy.owners.removeAll { $0.partition >= 2 }
        let passing = PartitionRingReport(key: "k", ring: healthy, now: Self.at)
        #expect(passing.checkPassed && passing.warnings.isEmpty)
    }

    @Test("PENDING is judged by --stuck-after (default 3 x the heartbeat timeout) from its state time")
    func pending() {
        let ring = PartitionRingDescription(
            partitions: [PartitionDescription(id: 0, tokens: [1], state: .pending, stateTimestamp: Self.now - 200)],
            owners: [PartitionOwner(id: "a", partition: 0, state: .active, updatedTimestamp: Self.now)])
        #expect(!PartitionRingReport(key: "k", ring: ring, now: Self.at).checkPassed)
        #expect(PartitionRingReport(key: "k", ring: ring, now: Self.at, options: .init(heartbeatTimeout: .seconds(120))).checkPassed)
        #expect(PartitionRingReport(key: "k", ring: ring, now: Self.at, options: .init(stuckAfter: .zero)).checkPassed)
        let stuck = PartitionRingReport(key: "k", ring: ring, now: Self.at)
        #expect(stuck.stuckAfterSeconds == 180)
        #expect(stuck.warnings.first?.message.contains("has been stuck PENDING for 3m20s") == true)
    }

    @Test("token conflicts past the limit are summed up in one warning")
    func conflictLimit() {
        let ring = PartitionRingDescription(partitions: [0, 1].map { id in
            PartitionDescription(id: Int32(id), tokens: [1, 2, 3], state: .active, stateTimestamp: Self.now)
        }, owners: [0, 1].map { PartitionOwner(id: "o\($0)", partition: Int32($0), state: .active, updatedTimestamp: Self.now) })
        let report = PartitionRingReport(key: "k", ring: ring, now: Self.at, options: .init(maxConflictWarnings: 1))
        #expect(report.warnings.map(\.kind) == ["token_conflict", "token_conflict"])
        #expect(report.warnings[0].token == 1)
        #expect(report.warnings[1].message == "2 more conflicting tokens not listed (3 in all)")
        #expect(report.partitions.allSatisfy { $0.failsCheck })
    }
}
