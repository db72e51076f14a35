// Token ownership as dskit's partition ring page shows it (ring/partition_ring_http.go → partition_ring_model.go
// `countTokens`): every partition's tokens on one circle (partitions have no zones), each token owning the distance
// from the previous token, percent = owned / MaxUint32 × 100. The page reads the ring through the KV client, which
// removes tombstones first, so DELETED partitions own nothing here either. The arithmetic, and the rule for a token
// held twice (credited once, to the first holder, and reported as a conflict instead of dskit's map-order
// accident), are RingOwnership's: the partitions are handed to it as the instances of a ring with one zone.

/// Per-partition owned token range, aligned with `PartitionRingDescription.partitions`, plus token conflicts.
public struct PartitionRingOwnership: Hashable, Sendable {
    /// Sum of token distances owned by each partition, in `PartitionRingDescription.partitions` order (0 for DELETED).
    public var ownedRanges: [Int64]
    /// Tokens held more than once among the partitions that are not DELETED, sorted by token.
    public var conflicts: [PartitionTokenConflict]

    /// dskit's ownership figure for the partition at `index`: owned / MaxUint32 × 100.
    public func percent(at index: Int) -> Double {
        Double(ownedRanges[index]) / Double(UInt32.max) * 100
    }

    /// Computes ownership and conflicts for `ring`.
    public init(ring: PartitionRingDescription) {
        // Ids that sort as the indices do, so the synthetic ring keeps the partitions' order.
        let width = String(ring.partitions.count).count
        func name(_ index: Int) -> String {
            let digits = String(index)
            return String(repeating: "0", count: width - digits.count) + digits
        }
        let counted = ring.partitions.indices.filter { ring.partitions[$0].state != .deleted }
        let circle = RingDescription(
            instances: counted.map { index in
                InstanceDescription(id: name(index), address: "", heartbeatTimestamp: 0, state: .active,
                                    tokens: ring.partitions[index].tokens)
            })
        let owned = RingOwnership(ring: circle)
        var ranges = [Int64](repeating: 0, count: ring.partitions.count)
        for (position, index) in counted.enumerated() { ranges[index] = owned.ownedRanges[position] }
        self.ownedRanges = ranges
        self.conflicts = owned.conflicts.map { conflict in
            PartitionTokenConflict(
                token: conflict.token, partitions: conflict.holders.map { ring.partitions[Int($0) ?? 0].id })
        }
    }
}

/// A token held more than once in a partition ring: by two partitions, or twice by one.
public struct PartitionTokenConflict: Hashable, Sendable, Codable {
    /// The contested token.
    public var token: UInt32
    /// Partition ids holding it, in id order, one entry per holding.
    public var partitions: [Int32]

    /// A conflict from its fields.
    public init(token: UInt32, partitions: [Int32]) {
        self.token = token
        self.partitions = partitions
    }
}
