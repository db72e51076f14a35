import Testing

@testable import DskitKV

@Suite("PartitionRingCheck: what --check finds in a partition ring, and what fails it")
struct PartitionRingCheckTests {
    static let now: Int64 = 1_767_225_600
    typealias Kind = PartitionRingCheck.Finding.Kind

    static func partition(_ id: Int32, _ state: PartitionState = .active, age: Int64 = 3600, tokens: [UInt32]? = nil,
                          recordedID: Int32? = nil) -> PartitionDescription {
        PartitionDescription(
            id: id, tokens: tokens ?? [UInt32(id) &* 1000 &+ 1], state: state, stateTimestamp: now - age,
            recordedID: recordedID)
    }

    static func owner(_ id: String, _ partition: Int32, _ state: OwnerState = .active) -> PartitionOwner {
        PartitionOwner(id: id, partition: partition, state: state, updatedTimestamp: now - 60)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let partitions: [PartitionDescription]
        let owners: [PartitionOwner]
        /// The findings as (kind, fails check), in order.
        let expected: [(Kind, Bool)]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "ACTIVE partitions, each with an ACTIVE owner: nothing found",
             partitions: [partition(0), partition(1)], owners: [owner("a", 0), owner("b", 1)], expected: []),
        Case(name: "an empty ring: nothing to find", partitions: [], owners: [], expected: []),
        Case(name: "a partition with no owner fails",
             partitions: [partition(0), partition(1)], owners: [owner("a", 0)], expected: [(.noOwner, true)]),
        Case(name: "a partition whose only owner is a DELETED tombstone has no owner",
             partitions: [partition(0)], owners: [owner("a", 0, .deleted)],
             expected: [(.noOwner, true), (.deletedOwner, false)]),
        Case(name: "a fresh PENDING partition is reported but passes",
             partitions: [partition(0, .pending, age: 30)], owners: [owner("a", 0)], expected: [(.pendingPartition, false)]),
        Case(name: "a PENDING partition older than stuck-after fails",
             partitions: [partition(0, .pending, age: 181)], owners: [owner("a", 0)], expected: [(.pendingPartition, true)]),
        Case(name: "an INACTIVE partition fails",
             partitions: [partition(0, .inactive)], owners: [owner("a", 0)], expected: [(.inactivePartition, true)]),
        Case(name: "UNKNOWN and unrecognised partition states fail",
             partitions: [partition(0, .unknown), partition(1, PartitionState(rawValue: 8))],
             owners: [owner("a", 0), owner("b", 1)],
             expected: [(.unknownPartitionState, true), (.unknownPartitionState, true)]),
        Case(name: "a DELETED partition is a tombstone: no owner needed, never fails",
             partitions: [partition(0), partition(1, .deleted)], owners: [owner("a", 0)],
             expected: [(.deletedPartition, false)]),
        Case(name: "an owner in state UNKNOWN fails, and does not count as its partition's owner",
             partitions: [partition(0)], owners: [owner("a", 0, .unknown)],
             expected: [(.noOwner, true), (.ownerNotActive, true)]),
        Case(name: "an owner of a partition the ring lacks fails (dskit's Corrupted row)",
             partitions: [partition(0)], owners: [owner("a", 0), owner("b", 7)],
             expected: [(.ownerOfMissingPartition, true)]),
        Case(name: "a token held by two partitions fails, listed first",
             partitions: [partition(0, tokens: [5, 9]), partition(1, tokens: [9, 12])], owners: [owner("a", 0), owner("b", 1)],
             expected: [(.tokenConflict, true)]),
        Case(name: "a DELETED partition's tokens conflict with nobody",
             partitions: [partition(0, tokens: [5, 9]), partition(1, .deleted, tokens: [9])], owners: [owner("a", 0)],
             expected: [(.deletedPartition, false)]),
        Case(name: "a partition recording another id than its key fails",
             partitions: [partition(0, recordedID: 3)], owners: [owner("a", 0)], expected: [(.partitionIDMismatch, true)]),
    ]

    @Test("findings per case", arguments: cases)
    func findings(_ testCase: Case) {
        let ring = PartitionRingDescription(partitions: testCase.partitions, owners: testCase.owners)
        let check = PartitionRingCheck(ring: ring, nowSeconds: Self.now, stuckAfterSeconds: 180)
        #expect(check.findings.map(\.kind) == testCase.expected.map(\.0))
        #expect(check.findings.map(\.failsCheck) == testCase.expected.map(\.1))
        #expect(check.checkPassed == !testCase.expected.contains { $0.1 })
    }

    @Test("a stuck-after of 0 or nil turns the PENDING rule off; the finding stays")
    func stuckOff() {
        let ring = PartitionRingDescription(partitions: [Self.partition(0, .pending, age: 10_000)], owners: [Self.owner("a", 0)])
        for limit in [nil, 0] as [Int64?] {
            let check = PartitionRingCheck(ring: ring, nowSeconds: Self.now, stuckAfterSeconds: limit)
            #expect(check.findings.map(\.kind) == [.pendingPartition])
            #expect(check.checkPassed)
        }
    }

    @Test("the findings name the partitions, owners, token and age concerned; failing sets follow them")
    func details() throws {
        let ring = PartitionRingDescription(
            partitions: [Self.partition(0, tokens: [5]), Self.partition(1, .inactive, age: 90, tokens: [5])],
            owners: [Self.owner("a", 0), Self.owner("b", 9)])
        let check = PartitionRingCheck(ring: ring, nowSeconds: Self.now, stuckAfterSeconds: 180)
        let conflict = try #require(check.findings.first)
        #expect(conflict.kind == .tokenConflict && conflict.token == 5 && conflict.partitions == [0, 1])
        let inactive = try #require(check.findings.first { $0.kind == .inactivePartition })
        #expect(inactive.partitions == [1] && inactive.ageSeconds == 90)
        let missing = try #require(check.findings.first { $0.kind == .ownerOfMissingPartition })
        #expect(missing.owners == ["b"] && missing.partitions == [9])
        #expect(check.failingPartitions == [0, 1])
        #expect(check.failingOwners == ["b"])
    }
}
