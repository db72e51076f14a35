import DskitKV
import Foundation
import MemberlistWire

// What dskit's partition ring page shows (ring/partition_ring_http.go: partitions by id with state, state time,
// lock, owners, token count and ownership; owners of a partition the ring lacks as a "Corrupted" row), as a value,
// plus the owners with their states and update times (the page shows only ids), the findings of PartitionRingCheck
// in words and the verdict of `ringctl ring --check`. Times are `Date`s and ages numbers, as in RingReport.

/// The partition ring report behind `ringctl ring`: partitions, owners and warnings, with a stable JSON shape.
public struct PartitionRingReport: Codable, Hashable, Sendable {
    /// One partition row.
    public struct Partition: Codable, Hashable, Sendable {
        public var id: Int32
        /// "PENDING", "ACTIVE", "INACTIVE", "DELETED", "UNKNOWN" or "UNKNOWN(n)".
        public var state: String
        /// When the state last changed; nil when the ring holds no time (0).
        @NullEncoded public var stateChanged: Date? = nil
        /// Whole seconds from the state change to `at`; nil with no time.
        @NullEncoded public var stateAgeSeconds: Int64? = nil
        /// Whether state changes are locked.
        public var stateChangeLocked: Bool
        /// When the lock last changed; nil when never.
        @NullEncoded public var stateChangeLockedUpdated: Date? = nil
        /// Number of tokens.
        public var tokens: Int
        /// dskit's ownership figure (all partitions on one circle; 0 for DELETED ones).
        public var ownershipPercent: Double
        /// Ids of its ACTIVE owners, sorted.
        public var owners: [String]
        /// Ids of its owners in any other state (DELETED tombstones, UNKNOWN), sorted.
        public var otherOwners: [String]
        /// Whether this partition makes `--check` fail.
        public var failsCheck: Bool
        /// The partition's tokens, sorted; only with `includeTokens` (absent from JSON otherwise).
        public var tokenList: [UInt32]?

        enum CodingKeys: String, CodingKey {
            case id, state
            case stateChanged = "state_changed"
            case stateAgeSeconds = "state_age_seconds"
            case stateChangeLocked = "state_change_locked"
            case stateChangeLockedUpdated = "state_change_locked_updated"
            case tokens
            case ownershipPercent = "ownership_percent"
            case owners
            case otherOwners = "other_owners"
            case failsCheck = "fails_check"
            case tokenList = "token_list"
        }
    }

    /// One owner row.
    public struct Owner: Codable, Hashable, Sendable {
        public var id: String
        /// The partition it owns.
        public var partition: Int32
        /// "ACTIVE", "DELETED", "UNKNOWN" or "UNKNOWN(n)".
        public var state: String
        /// Last update; nil when the ring holds no time (0).
        @NullEncoded public var updated: Date? = nil
        /// Whole seconds from the update to `at`; nil with no time.
        @NullEncoded public var updatedAgeSeconds: Int64? = nil
        /// The state of its partition; nil when the ring does not hold that partition.
        @NullEncoded public var partitionState: String? = nil
        /// Whether this owner makes `--check` fail.
        public var failsCheck: Bool

        enum CodingKeys: String, CodingKey {
            case id, partition, state, updated
            case updatedAgeSeconds = "updated_age_seconds"
            case partitionState = "partition_state"
            case failsCheck = "fails_check"
        }
    }

    /// Something an operator should look at.
    public struct Warning: Codable, Hashable, Sendable {
        /// The finding's kind: `PartitionRingCheck.Finding.Kind`'s raw values (no_owner, pending_partition, ...).
        public var kind: String
        /// Partition ids concerned.
        public var partitions: [Int32]
        /// Owner ids concerned.
        public var owners: [String]
        /// One sentence for a human, with what to do.
        public var message: String
        /// Whether it makes `--check` fail.
        public var failsCheck: Bool
        /// The token, for token conflicts (absent from JSON otherwise).
        public var token: UInt32?

        enum CodingKeys: String, CodingKey {
            case kind, partitions, owners, message, token
            case failsCheck = "fails_check"
        }
    }

    /// The KV key the ring was read from (e.g. "collectors/ingester-partitions").
    public var key: String
    /// Always "partition_ring": tells this object from a RingReport where both may come (`ring --from-file`).
    public var type: String
    /// The `now` the report was judged at, to the whole second (rounded down).
    public var at: Date
    /// The stuck-after limit for PENDING partitions, seconds; nil when off.
    @NullEncoded public var stuckAfterSeconds: Double? = nil
    /// Whether `ringctl ring --check` passes.
    public var checkPassed: Bool
    /// Partition count per state name (states present only).
    public var states: [String: Int]
    /// Partitions sorted by id.
    public var partitions: [Partition]
    /// Owners sorted by id.
    public var owners: [Owner]
    /// Warnings: token conflicts first (by token), then per partition (by id), then per owner (by id).
    public var warnings: [Warning]

    enum CodingKeys: String, CodingKey {
        case key, type, at
        case stuckAfterSeconds = "stuck_after_seconds"
        case checkPassed = "check_passed"
        case states, partitions, owners, warnings
    }

    /// Builds the report for `ring` as seen at `now`. The options are the ring report's: `stuckAfter` (nil = 3 ×
    /// the heartbeat timeout, zero = off) judges PENDING partitions, `includeTokens` adds token lists, and at
    /// most `maxConflictWarnings` token conflicts are listed one by one.
    public init(key: String, ring: PartitionRingDescription, now: Date, options: RingReport.Options = .init()) {
        let nowSeconds = Int64(exactly: now.timeIntervalSince1970.rounded(.down)) ?? 0
        let stuckAfter = options.stuckAfter ?? options.heartbeatTimeout * RingHealth.stuckAfterTimeouts
        let stuckSeconds = stuckAfter.inSeconds > 0 ? Int64(stuckAfter.inSeconds.rounded(.up)) : nil
        let ownership = PartitionRingOwnership(ring: ring)
        let check = PartitionRingCheck(
            ring: ring, nowSeconds: nowSeconds, stuckAfterSeconds: stuckSeconds, ownership: ownership)
        let failingPartitions = check.failingPartitions
        let failingOwners = check.failingOwners

        var ownersByPartition: [Int32: (active: [String], other: [String])] = [:]
        for owner in ring.owners {
            if owner.state == .active {
                ownersByPartition[owner.partition, default: ([], [])].active.append(owner.id)
            } else {
                ownersByPartition[owner.partition, default: ([], [])].other.append(owner.id)
            }
        }
        var states: [String: Int] = [:]
        var statesByID: [Int32: String] = [:]
        self.partitions = ring.partitions.enumerated().map { index, partition in
            states[partition.state.name, default: 0] += 1
            statesByID[partition.id] = partition.state.name
            let time = partition.stateTimestamp != 0 ? partition.stateTimestamp : nil
            return Partition(
                id: partition.id,
                state: partition.state.name,
                stateChanged: time.map(RingReport.date),
                stateAgeSeconds: time.map { nowSeconds &- $0 },
                stateChangeLocked: partition.stateChangeLocked,
                stateChangeLockedUpdated: partition.stateChangeLockedTimestamp > 0
                    ? RingReport.date(partition.stateChangeLockedTimestamp) : nil,
                tokens: partition.tokens.count,
                ownershipPercent: ownership.percent(at: index),
                owners: ownersByPartition[partition.id]?.active ?? [],
                otherOwners: ownersByPartition[partition.id]?.other ?? [],
                failsCheck: failingPartitions.contains(partition.id),
                tokenList: options.includeTokens ? partition.tokens.sorted() : nil
            )
        }
        self.owners = ring.owners.map { owner in
            let time = owner.updatedTimestamp != 0 ? owner.updatedTimestamp : nil
            return Owner(
                id: owner.id, partition: owner.partition, state: owner.state.name, updated: time.map(RingReport.date),
                updatedAgeSeconds: time.map { nowSeconds &- $0 }, partitionState: statesByID[owner.partition],
                failsCheck: failingOwners.contains(owner.id))
        }

        var warnings: [Warning] = []
        let conflicts = check.findings.filter { $0.kind == .tokenConflict }
        let limit = max(0, options.maxConflictWarnings)
        for finding in conflicts.prefix(limit) {
            warnings.append(Self.warning(finding, stuckSeconds: stuckSeconds))
        }
        if conflicts.count > limit {
            let rest = conflicts.dropFirst(limit)
            warnings.append(
                Warning(
                    kind: PartitionRingCheck.Finding.Kind.tokenConflict.rawValue,
                    partitions: Set(rest.flatMap(\.partitions)).sorted(), owners: [],
                    message: "\(rest.count) more conflicting tokens not listed (\(conflicts.count) in all)",
                    failsCheck: true))
        }
        warnings += check.findings.filter { $0.kind != .tokenConflict }.map { Self.warning($0, stuckSeconds: stuckSeconds) }

        self.key = key
        self.type = "partition_ring"
        self.at = RingReport.date(nowSeconds)
        self.stuckAfterSeconds = stuckSeconds.map(Double.init)
        self.checkPassed = check.checkPassed
        self.states = states
        self.warnings = warnings
    }

    /// A finding in words, with what to do.
    static func warning(_ finding: PartitionRingCheck.Finding, stuckSeconds: Int64?) -> Warning {
        let partition = finding.partitions.first.map { "partition \($0)" } ?? "a partition"
        let owner = finding.owners.first.map { "owner \($0)" } ?? "an owner"
        let since = finding.ageSeconds.map { " for \(UnixTime.age($0))" } ?? ""
        let deleted = finding.ageSeconds.map { " (deleted \(UnixTime.age($0)) ago)" } ?? ""
        let message: String
        switch finding.kind {
        case .noOwner:
            message = "\(partition) has no ACTIVE owner: nothing consumes it, so what is written to it is not"
                + " ingested; start the instance that owns it (Mimir: the ingester whose id ends in that number);"
                + " while a partition is being removed (INACTIVE, then deleted by the service) this is expected"
        case .pendingPartition:
            message = finding.failsCheck
                ? "\(partition) has been stuck PENDING\(since), longer than the"
                    + " \(UnixTime.age(stuckSeconds ?? 0)) stuck-after limit: it serves no writes or reads until it"
                    + " turns ACTIVE, which dskit does once it has had owners long enough; check its owners are"
                    + " running, or change its state on the service's partition ring page"
                : "\(partition) has been PENDING\(since): it turns ACTIVE once its owners have been there long enough"
                    + " (a scale-up in progress)"
        case .inactivePartition:
            message = "\(partition) has been INACTIVE\(since): read-only, no new writes, and deleted after the service's"
                + " grace period (a scale-down in progress); if that was not meant, set it ACTIVE again on the"
                + " service's partition ring page"
        case .unknownPartitionState:
            message = "\(partition) has been in a state dskit does not serve\(since): neither written nor read;"
                + " the service that wrote it may be newer than ringctl, or the ring is corrupt"
        case .ownerNotActive:
            message = "\(owner) of partition \(finding.partitions.first ?? 0) is in a state dskit does not serve"
                + " (neither ACTIVE nor DELETED): ring clients do not count it; restart the owning instance so it"
                + " registers again"
        case .ownerOfMissingPartition:
            message = "\(owner) owns \(partition), which the ring does not hold (dskit's page shows it as"
                + " Corrupted): the instance points at a partition nobody created; check its partition id"
                + " configuration, or restart it once the partition exists"
        case .tokenConflict:
            let holders = finding.partitions.map(String.init).joined(separator: ", ")
            message = finding.partitions.count == 1
                ? "token \(finding.token ?? 0) appears twice in \(partition)'s token list"
                : "token \(finding.token ?? 0) is held by partitions \(holders): dskit's lookup for it then depends"
                    + " on map order; partition tokens are generated deterministically, so the ring was written by"
                    + " something else or is corrupt"
        case .partitionIDMismatch:
            message = "\(partition) records another id for itself than the key it is stored under: the ring is"
                + " corrupt (dskit writes both the same)"
        case .deletedPartition:
            message = "\(partition) is a DELETED tombstone\(deleted); ring clients never see it, and dskit drops"
                + " it after -memberlist.left-ingesters-timeout (default 5m)"
        case .deletedOwner:
            message = "\(owner) (partition \(finding.partitions.first ?? 0)) is a DELETED tombstone\(deleted);"
                + " ring clients never see it, and dskit drops it after -memberlist.left-ingesters-timeout"
                + " (default 5m)"
        }
        return Warning(
            kind: finding.kind.rawValue, partitions: finding.partitions, owners: finding.owners, message: message,
            failsCheck: finding.failsCheck, token: finding.token)
    }

    /// Every token with its partition, sorted by token then partition (from `tokenList`: build with `includeTokens`).
    public func tokenPartitions() -> [(token: UInt32, partition: Int32)] {
        partitions.flatMap { partition in (partition.tokenList ?? []).map { (token: $0, partition: partition.id) } }
            .sorted { ($0.token, $0.partition) < ($1.token, $1.partition) }
    }
}
