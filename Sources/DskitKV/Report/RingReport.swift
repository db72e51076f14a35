import Foundation

// What dskit's /ring page shows (ring/ring_http.go), as a value: one row per instance sorted by id, ownership
// from RingOwnership, health from ring/model.go `IsHealthy(op, heartbeatTimeout, now)`, plus a per-zone summary
// and warnings. Pure: the caller supplies `now`, so old files can be judged at the time they were saved.
// The JSON keys are spelled out (snake_case) so the shape does not depend on the encoder's key strategy.

/// The ring report behind `ringctl ring`: instances, zones and warnings, `Codable` with a stable JSON shape.
public struct RingReport: Codable, Hashable, Sendable {
    /// Which of dskit's health rules decides `healthy`. All of them require a heartbeat within the timeout.
    public enum HealthRule: String, Codable, Hashable, Sendable {
        /// dskit's `Write` operation (and `IsReady`): ACTIVE only. Default, as the issue defines HEALTH.
        case write
        /// dskit's `Read` operation: ACTIVE, PENDING or LEAVING.
        case read
        /// dskit's `Reporting` operation, the /ring page's UNHEALTHY label: any state, heartbeat only.
        case reporting

        func accepts(_ state: InstanceState) -> Bool {
            switch self {
            case .write: return state == .active
            case .read: return state == .active || state == .pending || state == .leaving
            case .reporting: return true
            }
        }
    }

    /// How to build the report.
    public struct Options: Hashable, Sendable {
        /// dskit's `-ring.heartbeat-timeout` (default 1m); must be positive.
        public var heartbeatTimeout: Duration
        /// Which dskit operation's notion of health to apply.
        public var healthRule: HealthRule
        /// Whether each instance carries its sorted token list.
        public var includeTokens: Bool
        /// At most this many token-conflict warnings are listed one by one; the rest are summed up in one.
        public var maxConflictWarnings: Int

        /// Options; the defaults are dskit's.
        public init(
            heartbeatTimeout: Duration = .seconds(60),
            healthRule: HealthRule = .write,
            includeTokens: Bool = false,
            maxConflictWarnings: Int = 20
        ) {
            self.heartbeatTimeout = heartbeatTimeout
            self.healthRule = healthRule
            self.includeTokens = includeTokens
            self.maxConflictWarnings = maxConflictWarnings
        }
    }

    /// One instance row.
    public struct Instance: Codable, Hashable, Sendable {
        public var id: String
        public var address: String
        /// "ACTIVE", "LEAVING", "PENDING", "JOINING", "LEFT" or "UNKNOWN(n)".
        public var state: String
        public var zone: String
        /// Last heartbeat, RFC 3339 UTC; nil when the instance never sent one (timestamp 0).
        public var heartbeat: String?
        /// Whole seconds from the heartbeat to `now` (negative when the heartbeat is in the future); nil with no heartbeat.
        public var heartbeatAgeSeconds: Int64?
        /// Registration time, RFC 3339 UTC; nil when unknown.
        public var registered: String?
        /// Number of tokens.
        public var tokens: Int
        /// dskit's ownership figure: owned range within the zone / MaxUint32 × 100.
        public var ownershipPercent: Double
        public var readOnly: Bool
        /// When read_only last changed, RFC 3339 UTC; nil when never.
        public var readOnlyUpdated: String?
        /// Heartbeat within the timeout and a state the health rule accepts.
        public var healthy: Bool
        /// The instance's tokens, sorted; only with `Options.includeTokens`.
        public var tokenList: [UInt32]?

        enum CodingKeys: String, CodingKey {
            case id, address, state, zone, heartbeat
            case heartbeatAgeSeconds = "heartbeat_age_seconds"
            case registered, tokens
            case ownershipPercent = "ownership_percent"
            case readOnly = "read_only"
            case readOnlyUpdated = "read_only_updated"
            case healthy
            case tokenList = "token_list"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(address, forKey: .address)
            try container.encode(state, forKey: .state)
            try container.encode(zone, forKey: .zone)
            // Always present (null when unknown) so consumers see a fixed set of keys.
            try container.encode(heartbeat, forKey: .heartbeat)
            try container.encode(heartbeatAgeSeconds, forKey: .heartbeatAgeSeconds)
            try container.encode(registered, forKey: .registered)
            try container.encode(tokens, forKey: .tokens)
            try container.encode(ownershipPercent, forKey: .ownershipPercent)
            try container.encode(readOnly, forKey: .readOnly)
            try container.encode(readOnlyUpdated, forKey: .readOnlyUpdated)
            try container.encode(healthy, forKey: .healthy)
            try container.encodeIfPresent(tokenList, forKey: .tokenList)
        }
    }

    /// Per-zone totals.
    public struct Zone: Codable, Hashable, Sendable {
        /// Zone name, "" for instances without one.
        public var zone: String
        public var instances: Int
        public var healthy: Int
        /// Instance count per state name (only states present).
        public var states: [String: Int]
        public var tokens: Int
        /// Sum of the zone's instances' ownership (≈ 100 for a zone with tokens).
        public var ownershipPercent: Double

        enum CodingKeys: String, CodingKey {
            case zone, instances, healthy, states, tokens
            case ownershipPercent = "ownership_percent"
        }
    }

    /// Something an operator should look at.
    public struct Warning: Codable, Hashable, Sendable {
        /// What kind of problem.
        public enum Kind: String, Codable, Hashable, Sendable {
            /// A token held by more than one instance (or twice by one).
            case tokenConflict = "token_conflict"
            /// LEAVING, JOINING or PENDING with a heartbeat older than the timeout: the transition stalled.
            case stuckState = "stuck_state"
            /// A LEFT instance still gossiped.
            case leftTombstone = "left_tombstone"
        }

        public var kind: Kind
        /// Instance ids concerned.
        public var instances: [String]
        /// One sentence for a human.
        public var message: String
        /// The token, for token conflicts.
        public var token: UInt32?
        /// The state, for stuck instances and tombstones.
        public var state: String?
        /// Seconds since the last heartbeat, for stuck instances and tombstones (nil if it never sent one).
        public var heartbeatAgeSeconds: Int64?

        enum CodingKeys: String, CodingKey {
            case kind, instances, message, token, state
            case heartbeatAgeSeconds = "heartbeat_age_seconds"
        }
    }

    /// The KV key the ring was read from (e.g. "ring", "collectors/ring").
    public var key: String
    /// The `now` the report was judged at, RFC 3339 UTC.
    public var at: String
    /// The heartbeat timeout used, seconds.
    public var heartbeatTimeoutSeconds: Double
    /// The health rule used.
    public var healthRule: HealthRule
    /// Instances sorted by id.
    public var instances: [Instance]
    /// Zones sorted by name.
    public var zones: [Zone]
    /// Warnings: token conflicts first (by token), then stuck instances and tombstones (by id).
    public var warnings: [Warning]

    enum CodingKeys: String, CodingKey {
        case key, at
        case heartbeatTimeoutSeconds = "heartbeat_timeout_seconds"
        case healthRule = "health_rule"
        case instances, zones, warnings
    }

    /// Builds the report for `ring` as seen at `now`; throws only for a non-positive heartbeat timeout.
    public init(
        key: String = "ring",
        ring: RingDescription,
        now: Date,
        options: Options = Options()
    ) throws(DskitKVError) {
        let timeout = options.heartbeatTimeout
        let timeoutSeconds =
            Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        guard timeout > .zero else { throw .invalidHeartbeatTimeout(seconds: timeoutSeconds) }

        let ownership = RingOwnership(ring: ring)
        let nowSeconds = now.timeIntervalSince1970
        // Whole seconds for display; the health check below keeps sub-second precision, like Go's now.Sub.
        let nowWholeSeconds = Int64(exactly: nowSeconds.rounded(.down)) ?? 0

        var rows: [Instance] = []
        rows.reserveCapacity(ring.instances.count)
        var ages: [Int64?] = []
        ages.reserveCapacity(ring.instances.count)
        var fresh: [Bool] = []
        fresh.reserveCapacity(ring.instances.count)
        for (index, instance) in ring.instances.enumerated() {
            let hasHeartbeat = instance.heartbeatTimestamp != 0
            // ring/model.go IsHeartbeatHealthy: now.Sub(time.Unix(ts, 0)) <= heartbeatTimeout (a 0 timestamp is 1970).
            let heartbeatFresh = nowSeconds - Double(instance.heartbeatTimestamp) <= timeoutSeconds
            let age: Int64? = hasHeartbeat ? nowWholeSeconds &- instance.heartbeatTimestamp : nil
            ages.append(age)
            fresh.append(heartbeatFresh)
            rows.append(
                Instance(
                    id: instance.id,
                    address: instance.address,
                    state: instance.state.name,
                    zone: instance.zone,
                    heartbeat: hasHeartbeat ? UnixTime.rfc3339(instance.heartbeatTimestamp) : nil,
                    heartbeatAgeSeconds: age,
                    registered: instance.registeredTimestamp != 0
                        ? UnixTime.rfc3339(instance.registeredTimestamp) : nil,
                    tokens: instance.tokens.count,
                    ownershipPercent: ownership.percent(at: index),
                    readOnly: instance.readOnly,
                    readOnlyUpdated: instance.readOnlyUpdatedTimestamp > 0
                        ? UnixTime.rfc3339(instance.readOnlyUpdatedTimestamp) : nil,
                    healthy: heartbeatFresh && options.healthRule.accepts(instance.state),
                    tokenList: options.includeTokens ? instance.tokens.sorted() : nil
                )
            )
        }

        var zonesByName: [String: Zone] = [:]
        for row in rows {
            var zone =
                zonesByName[row.zone]
                ?? Zone(zone: row.zone, instances: 0, healthy: 0, states: [:], tokens: 0, ownershipPercent: 0)
            zone.instances += 1
            zone.healthy += row.healthy ? 1 : 0
            zone.states[row.state, default: 0] += 1
            zone.tokens += row.tokens
            zone.ownershipPercent += row.ownershipPercent
            zonesByName[row.zone] = zone
        }

        var warnings: [Warning] = []
        for conflict in ownership.conflicts.prefix(max(0, options.maxConflictWarnings)) {
            let holders = conflict.holders
            let distinct = holders.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let message =
                distinct.count == 1
                ? "token \(conflict.token) appears \(holders.count) times in \(distinct[0])'s token list"
                : "token \(conflict.token) is claimed by \(distinct.joined(separator: ", "));"
                    + " dskit's ownership for them is then unreliable: have one of them pick new tokens"
            warnings.append(
                Warning(kind: .tokenConflict, instances: distinct, message: message, token: conflict.token)
            )
        }
        let unlisted = ownership.conflicts.count - min(ownership.conflicts.count, max(0, options.maxConflictWarnings))
        if unlisted > 0 {
            let involved = Set(ownership.conflicts.dropFirst(max(0, options.maxConflictWarnings)).flatMap(\.holders))
            warnings.append(
                Warning(
                    kind: .tokenConflict,
                    instances: involved.sorted(),
                    message: "\(unlisted) more conflicting tokens not listed (\(ownership.conflicts.count) in all)"
                )
            )
        }

        for (index, instance) in ring.instances.enumerated() {
            let age = ages[index]
            let since = age.map { "last heartbeat \(UnixTime.age($0)) ago" } ?? "never sent a heartbeat"
            if instance.state.isTransitional && !fresh[index] {
                warnings.append(
                    Warning(
                        kind: .stuckState,
                        instances: [instance.id],
                        message: "\(instance.id) is stuck \(instance.state.name): \(since),"
                            + " beyond the \(UnixTime.age(Int64(timeoutSeconds.rounded(.up)))) heartbeat timeout;"
                            + " if the process is gone, forget it on the /ring page",
                        state: instance.state.name,
                        heartbeatAgeSeconds: age
                    )
                )
            } else if instance.state == .left {
                warnings.append(
                    Warning(
                        kind: .leftTombstone,
                        instances: [instance.id],
                        message: "\(instance.id) is a LEFT tombstone (\(since)); dskit drops it once that heartbeat"
                            + " is older than -memberlist.left-ingesters-timeout (default 5m)",
                        state: instance.state.name,
                        heartbeatAgeSeconds: age
                    )
                )
            }
        }

        self.key = key
        self.at = UnixTime.rfc3339(nowWholeSeconds)
        self.heartbeatTimeoutSeconds = timeoutSeconds
        self.healthRule = options.healthRule
        self.instances = rows
        self.zones = zonesByName.values.sorted { $0.zone < $1.zone }
        self.warnings = warnings
    }

    /// Every token with its holder, sorted by token then instance id (from `tokenList`, so build with `includeTokens`).
    public func tokenOwners() -> [TokenOwner] {
        var keys: [UInt64] = []
        keys.reserveCapacity(instances.reduce(0) { $0 + ($1.tokenList?.count ?? 0) })
        for (index, instance) in instances.enumerated() {
            for token in instance.tokenList ?? [] {
                keys.append(UInt64(token) << 32 | UInt64(truncatingIfNeeded: index))
            }
        }
        RingOwnership.sortByToken(&keys)
        return keys.map { key in
            let instance = instances[Int(truncatingIfNeeded: key & 0xFFFF_FFFF)]
            return TokenOwner(token: UInt32(truncatingIfNeeded: key >> 32), instance: instance.id, zone: instance.zone)
        }
    }
}

/// One token and the instance holding it.
public struct TokenOwner: Codable, Hashable, Sendable {
    public var token: UInt32
    public var instance: String
    public var zone: String

    /// An entry from its fields.
    public init(token: UInt32, instance: String, zone: String) {
        self.token = token
        self.instance = instance
        self.zone = zone
    }
}
