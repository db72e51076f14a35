// What `ringctl ring --check` finds in a partition ring, as values (the words are Inspection's PartitionRingReport).
// The rules come from what dskit's partition ring serves (ring/partition_ring.go, partition_ring_model.go):
// - only ACTIVE partitions take writes and reads; PENDING ones wait for owners (dskit's partition lifecycler moves
//   a PENDING partition to ACTIVE once it has had owners for its wait duration), INACTIVE ones are read-only and
//   are deleted after a grace period. INACTIVE fails the check; PENDING fails once it has been PENDING (by its
//   stateTimestamp, which dskit does keep) longer than the stuck-after limit, as a JOINING instance does.
// - a partition that is not DELETED needs at least one ACTIVE owner (owners in other states are not counted by
//   ring clients: DELETED owners are tombstones the KV client removes before any client reads the ring);
// - an owner whose state is neither ACTIVE nor DELETED, or whose partition is not in the ring (dskit's page shows
//   such a partition as "Corrupted"), fails;
// - a token held twice makes lookups ambiguous (dskit builds its token → partition map in map order) and fails;
// - a partition whose recorded id differs from its map key is corrupt and fails;
// - DELETED partitions and owners are tombstones: reported, never failing, and left out of every other rule.

/// The findings of `--check` on a partition ring at one point in time.
public struct PartitionRingCheck: Hashable, Sendable {
    /// One finding.
    public struct Finding: Hashable, Sendable {
        /// What kind of finding.
        public enum Kind: String, Hashable, Sendable, CaseIterable {
            /// A partition (not DELETED) with no ACTIVE owner.
            case noOwner = "no_owner"
            /// A PENDING partition (failing only when stuck: PENDING longer than the stuck-after limit).
            case pendingPartition = "pending_partition"
            /// An INACTIVE partition: read-only, being drained.
            case inactivePartition = "inactive_partition"
            /// A partition in state UNKNOWN or a state ringctl does not know.
            case unknownPartitionState = "unknown_partition_state"
            /// An owner neither ACTIVE nor DELETED.
            case ownerNotActive = "owner_not_active"
            /// An owner of a partition the ring does not hold.
            case ownerOfMissingPartition = "owner_of_missing_partition"
            /// A token held more than once.
            case tokenConflict = "token_conflict"
            /// A partition whose recorded id (field 4) is not its map key.
            case partitionIDMismatch = "partition_id_mismatch"
            /// A DELETED partition still gossiped (a tombstone).
            case deletedPartition = "deleted_partition"
            /// A DELETED owner still gossiped (a tombstone).
            case deletedOwner = "deleted_owner"
        }

        public var kind: Kind
        /// Partition ids concerned.
        public var partitions: [Int32]
        /// Owner ids concerned.
        public var owners: [String]
        /// Whether it makes `--check` fail.
        public var failsCheck: Bool
        /// The contested token, for token conflicts.
        public var token: UInt32?
        /// Seconds since the partition's state (or the owner's update) changed, where that applies and the ring
        /// holds the time.
        public var ageSeconds: Int64?

        /// A finding from its fields.
        public init(
            kind: Kind, partitions: [Int32] = [], owners: [String] = [], failsCheck: Bool, token: UInt32? = nil,
            ageSeconds: Int64? = nil
        ) {
            self.kind = kind
            self.partitions = partitions
            self.owners = owners
            self.failsCheck = failsCheck
            self.token = token
            self.ageSeconds = ageSeconds
        }
    }

    /// `now`, whole Unix seconds (rounded down).
    public var nowSeconds: Int64
    /// The stuck-after limit for PENDING partitions, seconds; nil when off.
    public var stuckAfterSeconds: Int64?
    /// Findings: token conflicts (by token), then per partition (by id), then per owner (by id).
    public var findings: [Finding]

    /// Whether `--check` passes: no finding fails it.
    public var checkPassed: Bool { !findings.contains(where: \.failsCheck) }

    /// Partition ids that fail the check by a finding about the partition itself (not about one of its owners).
    public var failingPartitions: Set<Int32> {
        Set(findings.filter { $0.failsCheck && $0.owners.isEmpty }.flatMap(\.partitions))
    }

    /// Owner ids that fail the check.
    public var failingOwners: Set<String> {
        Set(findings.filter(\.failsCheck).flatMap(\.owners))
    }

    /// Judges `ring` at `now`; `stuckAfterSeconds` nil or 0 turns the stuck rule off (a PENDING partition then
    /// never fails). `ownership` is the ring's, passed in when the caller has it already.
    public init(
        ring: PartitionRingDescription, nowSeconds: Int64, stuckAfterSeconds: Int64?,
        ownership: PartitionRingOwnership? = nil
    ) {
        let stuckLimit = stuckAfterSeconds.flatMap { $0 > 0 ? $0 : nil }
        self.nowSeconds = nowSeconds
        self.stuckAfterSeconds = stuckLimit
        var findings: [Finding] = []

        for conflict in (ownership ?? PartitionRingOwnership(ring: ring)).conflicts {
            var distinct: [Int32] = []
            for id in conflict.partitions where !distinct.contains(id) { distinct.append(id) }
            findings.append(Finding(kind: .tokenConflict, partitions: distinct, failsCheck: true, token: conflict.token))
        }

        var activeOwners: [Int32: [String]] = [:]
        for owner in ring.owners where owner.state == .active { activeOwners[owner.partition, default: []].append(owner.id) }
        let partitionIDs = Set(ring.partitions.map(\.id))

        for partition in ring.partitions {
            // dskit always sets the state time; without one there is no age, and a PENDING partition is not stuck.
            let age = partition.stateTimestamp != 0 ? nowSeconds &- partition.stateTimestamp : nil
            if partition.state == .deleted {
                findings.append(Finding(kind: .deletedPartition, partitions: [partition.id], failsCheck: false, ageSeconds: age))
                continue
            }
            if partition.recordedID != partition.id {
                findings.append(Finding(kind: .partitionIDMismatch, partitions: [partition.id], failsCheck: true))
            }
            switch partition.state {
            case .active: break
            case .pending:
                let stuck = age.flatMap { age in stuckLimit.map { age > $0 } } ?? false
                findings.append(Finding(kind: .pendingPartition, partitions: [partition.id], failsCheck: stuck, ageSeconds: age))
            case .inactive:
                findings.append(Finding(kind: .inactivePartition, partitions: [partition.id], failsCheck: true, ageSeconds: age))
            default:
                findings.append(Finding(kind: .unknownPartitionState, partitions: [partition.id], failsCheck: true, ageSeconds: age))
            }
            if activeOwners[partition.id] == nil {
                findings.append(Finding(kind: .noOwner, partitions: [partition.id], failsCheck: true))
            }
        }

        for owner in ring.owners {
            let age = owner.updatedTimestamp != 0 ? nowSeconds &- owner.updatedTimestamp : nil
            if owner.state == .deleted {
                findings.append(Finding(kind: .deletedOwner, partitions: [owner.partition], owners: [owner.id], failsCheck: false, ageSeconds: age))
                continue
            }
            if owner.state != .active {
                findings.append(Finding(kind: .ownerNotActive, partitions: [owner.partition], owners: [owner.id], failsCheck: true, ageSeconds: age))
            }
            if !partitionIDs.contains(owner.partition) {
                findings.append(Finding(kind: .ownerOfMissingPartition, partitions: [owner.partition], owners: [owner.id], failsCheck: true))
            }
        }
        self.findings = findings
    }
}
