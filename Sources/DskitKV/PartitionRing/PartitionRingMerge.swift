// dskit's merge of partition rings as gossip applies it (ring/partition_ring_model.go `mergeWithTime` with
// localCAS = false, which is what a received broadcast or push/pull runs; the localCAS pass, which turns what a
// local CAS left out into tombstones, is a writer's and ringctl writes no partition ring):
// - a partition the receiver lacks is taken whole; for one it has, only the state and the lock merge (id and tokens
//   are immutable): the newer stateTimestamp wins, and on a tie DELETED wins over any other state (timestamps are
//   whole seconds, so an update and a deletion can share one); the newer stateChangeLockedTimestamp wins the lock;
// - an owner is replaced by the incoming one when its updatedTimestamp is newer, or on a tie when the incoming one
//   is DELETED and ours is not. A missing owner counts as timestamp 0, so an incoming owner with timestamp 0 that
//   is not DELETED is not taken (dskit's zero-value comparison; its writers always set the timestamp).
// The change returned holds what changed, as dskit re-gossips only that.

extension PartitionRingDescription {
    /// Merges `incoming` into this ring by dskit's rules; returns the partitions and owners that changed, or nil.
    @discardableResult
    public mutating func merge(_ incoming: PartitionRingDescription) -> PartitionRingDescription? {
        var partitions = Dictionary(self.partitions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var owners = Dictionary(self.owners.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var changedPartitions: [PartitionDescription] = []
        var changedOwners: [PartitionOwner] = []

        for other in incoming.partitions {
            guard var mine = partitions[other.id] else {
                partitions[other.id] = other
                changedPartitions.append(other)
                continue
            }
            var changed = false
            if other.stateTimestamp > mine.stateTimestamp
                || (other.stateTimestamp == mine.stateTimestamp && other.state == .deleted && mine.state != .deleted)
            {
                mine.state = other.state
                mine.stateTimestamp = other.stateTimestamp
                changed = true
            }
            if other.stateChangeLockedTimestamp > mine.stateChangeLockedTimestamp {
                mine.stateChangeLocked = other.stateChangeLocked
                mine.stateChangeLockedTimestamp = other.stateChangeLockedTimestamp
                changed = true
            }
            if changed {
                partitions[other.id] = mine
                changedPartitions.append(mine)
            }
        }

        for other in incoming.owners {
            let mine = owners[other.id]
            let mineUpdated = mine?.updatedTimestamp ?? 0
            let mineDeleted = mine?.state == .deleted
            if other.updatedTimestamp > mineUpdated
                || (other.updatedTimestamp == mineUpdated && other.state == .deleted && !mineDeleted)
            {
                owners[other.id] = other
                changedOwners.append(other)
            }
        }

        guard !changedPartitions.isEmpty || !changedOwners.isEmpty else { return nil }
        self = PartitionRingDescription(partitions: Array(partitions.values), owners: Array(owners.values))
        return PartitionRingDescription(partitions: changedPartitions, owners: changedOwners)
    }
}
