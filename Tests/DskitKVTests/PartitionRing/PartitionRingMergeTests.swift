import Testing

@testable import DskitKV

@Suite("PartitionRingMerge: dskit's PartitionRingDesc merge as gossip applies it (localCAS false)")
struct PartitionRingMergeTests {
    static func partition(_ state: PartitionState, at timestamp: Int64, tokens: [UInt32] = [1, 2], locked: Bool = false,
                          lockedAt: Int64 = 0) -> PartitionDescription {
        PartitionDescription(id: 7, tokens: tokens, state: state, stateTimestamp: timestamp, stateChangeLocked: locked,
                             stateChangeLockedTimestamp: lockedAt)
    }

    static func owner(_ state: OwnerState, at timestamp: Int64, partition: Int32 = 7) -> PartitionOwner {
        PartitionOwner(id: "x", partition: partition, state: state, updatedTimestamp: timestamp)
    }

    struct PartitionCase: Sendable, CustomTestStringConvertible {
        let name: String
        let local: PartitionDescription?
        let incoming: PartitionDescription
        let expected: PartitionDescription
        let changed: Bool
        var testDescription: String { name }
    }

    static let partitionCases: [PartitionCase] = [
        PartitionCase(name: "a partition we lack is taken whole", local: nil,
                      incoming: partition(.pending, at: 5), expected: partition(.pending, at: 5), changed: true),
        PartitionCase(name: "a newer state wins; the tokens stay ours (immutable)",
                      local: partition(.pending, at: 5), incoming: partition(.active, at: 6, tokens: [9]),
                      expected: partition(.active, at: 6), changed: true),
        PartitionCase(name: "an older state loses", local: partition(.active, at: 6),
                      incoming: partition(.inactive, at: 5), expected: partition(.active, at: 6), changed: false),
        PartitionCase(name: "a tie: DELETED wins", local: partition(.inactive, at: 6),
                      incoming: partition(.deleted, at: 6), expected: partition(.deleted, at: 6), changed: true),
        PartitionCase(name: "a tie between other states: ours stays", local: partition(.inactive, at: 6),
                      incoming: partition(.active, at: 6), expected: partition(.inactive, at: 6), changed: false),
        PartitionCase(name: "a newer lock wins even with an older state",
                      local: partition(.active, at: 6), incoming: partition(.pending, at: 1, locked: true, lockedAt: 9),
                      expected: partition(.active, at: 6, locked: true, lockedAt: 9), changed: true),
        PartitionCase(name: "an older lock loses",
                      local: partition(.active, at: 6, locked: true, lockedAt: 9),
                      incoming: partition(.active, at: 6, locked: false, lockedAt: 8),
                      expected: partition(.active, at: 6, locked: true, lockedAt: 9), changed: false),
    ]

    @Test("partitions", arguments: partitionCases)
    func partitions(_ testCase: PartitionCase) {
        var ring = PartitionRingDescription(partitions: testCase.local.map { [$0] } ?? [])
        let change = ring.merge(PartitionRingDescription(partitions: [testCase.incoming]))
        #expect(ring.partitions == [testCase.expected])
        #expect((change != nil) == testCase.changed)
        if testCase.changed { #expect(change?.partitions == [testCase.expected]) }
    }

    struct OwnerCase: Sendable, CustomTestStringConvertible {
        let name: String
        let local: PartitionOwner?
        let incoming: PartitionOwner
        let expected: PartitionOwner?
        var testDescription: String { name }
    }

    static let ownerCases: [OwnerCase] = [
        OwnerCase(name: "an owner we lack is taken", local: nil, incoming: owner(.active, at: 5), expected: owner(.active, at: 5)),
        OwnerCase(name: "an owner we lack with timestamp 0 is not taken (dskit compares with the zero value)",
                  local: nil, incoming: owner(.active, at: 0), expected: nil),
        OwnerCase(name: "a DELETED owner we lack with timestamp 0 is taken (the tie goes to DELETED)",
                  local: nil, incoming: owner(.deleted, at: 0), expected: owner(.deleted, at: 0)),
        OwnerCase(name: "a newer owner replaces ours wholesale, partition included",
                  local: owner(.active, at: 5), incoming: owner(.active, at: 6, partition: 8),
                  expected: owner(.active, at: 6, partition: 8)),
        OwnerCase(name: "an older owner loses", local: owner(.deleted, at: 6), incoming: owner(.active, at: 5),
                  expected: owner(.deleted, at: 6)),
        OwnerCase(name: "a tie: DELETED wins", local: owner(.active, at: 6), incoming: owner(.deleted, at: 6),
                  expected: owner(.deleted, at: 6)),
        OwnerCase(name: "a tie, both ACTIVE: ours stays", local: owner(.active, at: 6),
                  incoming: owner(.active, at: 6, partition: 9), expected: owner(.active, at: 6)),
    ]

    @Test("owners", arguments: ownerCases)
    func owners(_ testCase: OwnerCase) {
        var ring = PartitionRingDescription(owners: testCase.local.map { [$0] } ?? [])
        let change = ring.merge(PartitionRingDescription(owners: [testCase.incoming]))
        #expect(ring.owners == (testCase.expected.map { [$0] } ?? []))
        #expect((change != nil) == (testCase.expected != testCase.local))
    }

    @Test("merging a ring into itself or merging nothing changes nothing; what we hold and they lack stays")
    func idempotent() {
        var ring = PartitionRingDescription(
            partitions: [Self.partition(.active, at: 6)], owners: [Self.owner(.active, at: 6)])
        let before = ring
        #expect(ring.merge(before) == nil)
        #expect(ring.merge(PartitionRingDescription()) == nil)
        #expect(ring == before)
    }
}
