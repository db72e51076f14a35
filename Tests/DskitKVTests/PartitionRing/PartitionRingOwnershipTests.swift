import Testing

@testable import DskitKV

@Suite("PartitionRingOwnership: dskit's countTokens on one circle, DELETED partitions left out")
struct PartitionRingOwnershipTests {
    @Test("each partition owns the distance from the previous token; the circle sums to 2^32")
    func distances() {
        let ring = PartitionRingDescription(partitions: [
            PartitionDescription(id: 10, tokens: [100, 300], state: .active, stateTimestamp: 1),
            PartitionDescription(id: 2, tokens: [200], state: .inactive, stateTimestamp: 1),
            PartitionDescription(id: 3, tokens: [250], state: .deleted, stateTimestamp: 1),
        ])
        let ownership = PartitionRingOwnership(ring: ring)
        // Sorted by id: 2, 3, 10. Partition 2 owns (100, 200]; 10 owns (200, 300] and the wrap to 100.
        #expect(ownership.ownedRanges == [100, 0, (1 << 32) - 100])
        #expect(ownership.ownedRanges.reduce(0, +) == 1 << 32)
        #expect(ownership.conflicts.isEmpty)
        #expect(abs(ownership.percent(at: 0) - 100.0 / Double(UInt32.max) * 100) < 1e-12)
    }

    @Test("a token held twice is credited once and reported with both partitions, in id order")
    func conflicts() {
        let ring = PartitionRingDescription(partitions: (0..<12).map { id in
            PartitionDescription(id: Int32(id), tokens: id == 11 ? [5] : [UInt32(id) * 10 + 5], state: .active,
                                 stateTimestamp: 1)
        })
        let ownership = PartitionRingOwnership(ring: ring)
        #expect(ownership.conflicts == [PartitionTokenConflict(token: 5, partitions: [0, 11])])
        #expect(ownership.ownedRanges[11] == 0)
        #expect(ownership.ownedRanges.reduce(0, +) == 1 << 32)
    }
}
