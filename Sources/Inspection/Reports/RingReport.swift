import DskitKV
import Foundation

// What dskit's /ring page shows (ring/ring_http.go), as a value: one row per instance sorted by id, ownership
// from RingOwnership, health and the stuck rule from RingHealth (DskitKV, where the rules and their dskit sources
// are), plus a per-zone summary, warnings in words and the verdict of `ringctl ring --check`. Times are `Date`s
// and ages numbers; the CLI formats them (RFC 3339 in JSON through ReportJSON, ages in tables).
// Optional fields always in the JSON are `@NullEncoded`; the keys README documents as absent when they do not
// apply (`token_list` without --tokens, a warning's `token`, `state`, `heartbeat_age_seconds`,
// `newest_heartbeat`) are plain optionals.

/// The ring report behind `ringctl ring`: instances, zones and warnings, `Codable` with a stable JSON shape.
public struct RingReport: Codable, Hashable, Sendable {
    /// How to build the report.
    public struct Options: Hashable, Sendable {
        /// dskit's `-ring.heartbeat-timeout` (default 1m); must be positive.
        public var heartbeatTimeout: Duration
        /// A JOINING or PENDING instance registered longer ago than this is stuck; nil = 3 × the heartbeat
        /// timeout, zero = never stuck.
        public var stuckAfter: Duration?
        /// Whether each instance carries its sorted token list.
        public var includeTokens: Bool
        /// At most this many token-conflict warnings are listed one by one; the rest are summed up in one.
        public var maxConflictWarnings: Int
        /// When set, each instance and zone also gets its effective ownership under these settings.
        public var replication: ReplicationSettings?

        /// Options; the defaults are dskit's.
        public init(
            heartbeatTimeout: Duration = .seconds(60),
            stuckAfter: Duration? = nil,
            includeTokens: Bool = false,
            maxConflictWarnings: Int = 20,
            replication: ReplicationSettings? = nil
        ) {
            self.heartbeatTimeout = heartbeatTimeout
            self.stuckAfter = stuckAfter
            self.includeTokens = includeTokens
            self.maxConflictWarnings = maxConflictWarnings
            self.replication = replication
        }
    }

    /// One instance row.
    public struct Instance: Codable, Hashable, Sendable {
        public var id: String
        public var address: String
        /// "ACTIVE", "LEAVING", "PENDING", "JOINING", "LEFT", "UNKNOWN" or "UNKNOWN(n)".
        public var state: String
        public var zone: String
        /// Last heartbeat; nil when the instance never sent one (timestamp 0).
        @NullEncoded public var heartbeat: Date? = nil
        /// Whole seconds from the heartbeat to `at` (negative when the heartbeat is in the future); nil with no heartbeat.
        @NullEncoded public var heartbeatAgeSeconds: Int64? = nil
        /// Registration time; nil when unknown.
        @NullEncoded public var registered: Date? = nil
        /// Number of tokens.
        public var tokens: Int
        /// dskit's ownership figure: owned range within the zone / MaxUint32 × 100.
        public var ownershipPercent: Double
        /// Effective ownership: the share of the 2^32 keys whose Write replica set holds the instance, percent;
        /// only with `Options.replication` (absent from JSON otherwise).
        public var effectiveOwnershipPercent: Double? = nil
        public var readOnly: Bool
        /// When read_only last changed; nil when never.
        @NullEncoded public var readOnlyUpdated: Date? = nil
        /// dskit's heartbeat health (`IsHeartbeatHealthy`): the heartbeat is within the timeout, whatever the state.
        public var healthy: Bool
        /// In JOINING or PENDING since registration for longer than `stuck_after_seconds`.
        public var stuck: Bool
        /// The start of the current state as far as the ring tells (the registration, for JOINING and PENDING);
        /// nil when the ring holds no such time.
        @NullEncoded public var inStateSince: Date? = nil
        /// Whether this instance makes `--check` fail: not healthy (except LEFT tombstones, which stop heartbeating
        /// by design), or stuck.
        public var failsCheck: Bool
        /// The instance's tokens, sorted; only with `Options.includeTokens` (absent from JSON otherwise).
        public var tokenList: [UInt32]?

        enum CodingKeys: String, CodingKey {
            case id, address, state, zone, heartbeat
            case heartbeatAgeSeconds = "heartbeat_age_seconds"
            case registered, tokens
            case ownershipPercent = "ownership_percent"
            case effectiveOwnershipPercent = "effective_ownership_percent"
            case readOnly = "read_only"
            case readOnlyUpdated = "read_only_updated"
            case healthy, stuck
            case inStateSince = "in_state_since"
            case failsCheck = "fails_check"
            case tokenList = "token_list"
        }
    }

    /// Per-zone totals.
    public struct Zone: Codable, Hashable, Sendable {
        /// Zone name, "" for instances without one.
        public var zone: String
        public var instances: Int
        /// Instances with a healthy heartbeat.
        public var healthy: Int
        /// Instance count per state name (only states present).
        public var states: [String: Int]
        public var tokens: Int
        /// Sum of the zone's instances' ownership (≈ 100 for a zone with tokens).
        public var ownershipPercent: Double
        /// The share of keys whose Write replica set holds an instance of the zone, percent; only with
        /// `Options.replication`.
        public var effectiveOwnershipPercent: Double? = nil

        enum CodingKeys: String, CodingKey {
            case zone, instances, healthy, states, tokens
            case ownershipPercent = "ownership_percent"
            case effectiveOwnershipPercent = "effective_ownership_percent"
        }
    }

    /// Something an operator should look at.
    public struct Warning: Codable, Hashable, Sendable {
        /// What kind of problem.
        public enum Kind: String, Codable, Hashable, Sendable {
            /// A token held by more than one instance (or twice by one).
            case tokenConflict = "token_conflict"
            /// JOINING or PENDING longer than the stuck-after limit, or LEAVING/JOINING/PENDING with a heartbeat
            /// older than the timeout: the transition stalled.
            case stuckState = "stuck_state"
            /// ACTIVE (or a state ringctl does not know) with a heartbeat older than the timeout: a dead process.
            case staleHeartbeat = "stale_heartbeat"
            /// Every instance's heartbeat is older than the timeout: an old file judged now, or a stopped cluster.
            case allHeartbeatsStale = "all_heartbeats_stale"
            /// A heartbeat more than a second ahead of `now`: a clock is off.
            case futureHeartbeat = "future_heartbeat"
            /// A LEFT instance still gossiped.
            case leftTombstone = "left_tombstone"
            /// The input was a JSON page that does not carry everything a ring value does.
            case lossyInput = "lossy_input"
        }

        public var kind: Kind
        /// Instance ids concerned.
        public var instances: [String]
        /// One sentence for a human.
        public var message: String
        /// The token, for token conflicts (absent from JSON otherwise).
        public var token: UInt32?
        /// The state, for per-instance warnings.
        public var state: String?
        /// Seconds since the last heartbeat, for per-instance warnings (nil if it never sent one; negative ahead).
        public var heartbeatAgeSeconds: Int64?
        /// The newest heartbeat in the ring, for `all_heartbeats_stale`.
        public var newestHeartbeat: Date?

        enum CodingKeys: String, CodingKey {
            case kind, instances, message, token, state
            case heartbeatAgeSeconds = "heartbeat_age_seconds"
            case newestHeartbeat = "newest_heartbeat"
        }

        /// A warning from its fields.
        public init(
            kind: Kind, instances: [String], message: String, token: UInt32? = nil, state: String? = nil,
            heartbeatAgeSeconds: Int64? = nil, newestHeartbeat: Date? = nil
        ) {
            self.kind = kind
            self.instances = instances
            self.message = message
            self.token = token
            self.state = state
            self.heartbeatAgeSeconds = heartbeatAgeSeconds
            self.newestHeartbeat = newestHeartbeat
        }
    }

    /// The KV key the ring was read from (e.g. "ring", "collectors/ring").
    public var key: String
    /// The `now` the report was judged at, to the whole second (rounded down), as ages count from it.
    public var at: Date
    /// The heartbeat timeout used, seconds.
    public var heartbeatTimeoutSeconds: Double
    /// What `healthy` means: always "heartbeat" (dskit's `IsHeartbeatHealthy`, the /ring page's label).
    public var healthRule: String
    /// The stuck-after limit used, seconds; nil when the stuck check is off.
    @NullEncoded public var stuckAfterSeconds: Double? = nil
    /// Whether `ringctl ring --check` passes: no instance fails it.
    public var checkPassed: Bool
    /// Instances sorted by id.
    public var instances: [Instance]
    /// Zones sorted by name.
    public var zones: [Zone]
    /// Warnings: token conflicts first (by token), then a stale-ring warning, then per-instance ones (by id).
    public var warnings: [Warning]
    /// The settings effective ownership was computed with; nil (absent from JSON) without `Options.replication`.
    public var replication: Replication?

    /// The replication settings of effective ownership.
    public struct Replication: Codable, Hashable, Sendable {
        public var replicationFactor: Int
        public var zoneAwareness: Bool
        /// The operation walked: "write".
        public var operation: String

        enum CodingKeys: String, CodingKey {
            case replicationFactor = "replication_factor"
            case zoneAwareness = "zone_awareness"
            case operation
        }
    }

    enum CodingKeys: String, CodingKey {
        case replication
        case key, at
        case heartbeatTimeoutSeconds = "heartbeat_timeout_seconds"
        case healthRule = "health_rule"
        case stuckAfterSeconds = "stuck_after_seconds"
        case checkPassed = "check_passed"
        case instances, zones, warnings
    }

    /// Builds the report for `ring` as seen at `now`; throws only for a non-positive heartbeat timeout.
    public init(
        key: String = "ring",
        ring: RingDescription,
        now: Date,
        options: Options = Options()
    ) throws(DskitKVError) {
        let health = try RingHealth(
            ring: ring, now: now, heartbeatTimeout: options.heartbeatTimeout, stuckAfter: options.stuckAfter)
        let timeoutSeconds = health.heartbeatTimeoutSeconds
        let stuckAfterSeconds = health.stuckAfterSeconds
        let table = RingTokenTable(ring: ring)
        let ownership = RingOwnership(ring: ring, table: table)
        let effective = options.replication.map {
            EffectiveOwnership(ring: ReplicationRing(ring: ring, table: table), settings: $0)
        }
        let nowWholeSeconds = health.nowSeconds
        let timeoutText = UnixTime.age(Int64(timeoutSeconds.rounded(.up)))

        var rows: [Instance] = []
        rows.reserveCapacity(ring.instances.count)
        for (index, (instance, verdict)) in zip(ring.instances, health.instances).enumerated() {
            rows.append(
                Instance(
                    id: instance.id,
                    address: instance.address,
                    state: instance.state.name,
                    zone: instance.zone,
                    heartbeat: instance.heartbeatTimestamp != 0 ? Self.date(instance.heartbeatTimestamp) : nil,
                    heartbeatAgeSeconds: verdict.heartbeatAgeSeconds,
                    registered: instance.registeredTimestamp != 0 ? Self.date(instance.registeredTimestamp) : nil,
                    tokens: instance.tokens.count,
                    ownershipPercent: ownership.percent(at: index),
                    effectiveOwnershipPercent: effective?.percent(at: index),
                    readOnly: instance.readOnly,
                    readOnlyUpdated: instance.readOnlyUpdatedTimestamp > 0
                        ? Self.date(instance.readOnlyUpdatedTimestamp) : nil,
                    healthy: verdict.healthy,
                    stuck: verdict.stuck,
                    inStateSince: verdict.inStateSince.map(Self.date),
                    failsCheck: verdict.failsCheck,
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
            if let effective, row.state != InstanceState.left.name {
                zone.effectiveOwnershipPercent = EffectiveOwnership.percent(effective.zoneKeys[row.zone] ?? 0)
            }
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

        // Every heartbeat stale at once is one finding (an old file judged now, or a stopped cluster), not one
        // dead process per instance: one warning naming the newest heartbeat replaces the per-instance ones.
        let allStale = health.allHeartbeatsStale
        if allStale {
            let living = ring.instances.filter { $0.state != .left }
            let newest = health.newestHeartbeat
            let newestText = newest.map(UnixTime.rfc3339)
            let since = newest.map { "the newest is \(UnixTime.age(nowWholeSeconds &- $0)) old (\(UnixTime.rfc3339($0)))" }
                ?? "none ever sent one"
            warnings.append(
                Warning(
                    kind: .allHeartbeatsStale,
                    instances: living.map(\.id),
                    message: "every instance's heartbeat is older than the \(timeoutText) heartbeat timeout (\(since)):"
                        + " a ring saved earlier must be judged at the time it was saved"
                        + (newestText.map { ", e.g. at its newest heartbeat \($0)" } ?? "")
                        + "; live, every process stopped heartbeating or this host's clock is ahead",
                    newestHeartbeat: newest.map(Self.date)
                )
            )
        }

        for (index, instance) in ring.instances.enumerated() {
            let row = rows[index]
            let age = health.instances[index].heartbeatAgeSeconds
            let since = age.map { "last heartbeat \(UnixTime.age($0)) ago" } ?? "never sent a heartbeat"
            if let age, health.instances[index].heartbeatInFuture {
                warnings.append(
                    Warning(
                        kind: .futureHeartbeat,
                        instances: [instance.id],
                        message: "\(instance.id)'s last heartbeat (\(UnixTime.rfc3339(instance.heartbeatTimestamp))) is \(UnixTime.age(0 &- age))"
                            + " in the future: its clock or this host's is off by that much (or the time judged at"
                            + " is earlier than the ring); dskit counts a future heartbeat as healthy however old it"
                            + " really is, so a dead process there goes unnoticed until the clocks agree: fix the"
                            + " clock (NTP, chrony)",
                        state: instance.state.name,
                        heartbeatAgeSeconds: age
                    )
                )
            }
            if instance.state == .left {
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
            } else if !row.healthy && !allStale {
                let transitional = instance.state.isTransitional
                warnings.append(
                    Warning(
                        kind: transitional ? .stuckState : .staleHeartbeat,
                        instances: [instance.id],
                        message: transitional
                            ? "\(instance.id) is stuck \(instance.state.name): \(since), beyond the \(timeoutText)"
                                + " heartbeat timeout, so its process stopped mid-transition; restart it, or if it"
                                + " is gone for good, remove it with \"Forget\" on the service's /ring page"
                            : "\(instance.id) is \(instance.state.name) but \(since), beyond the \(timeoutText)"
                                + " heartbeat timeout: its process is most likely dead or cut off from the cluster"
                                + " (dskit routes around it as unhealthy); restart it, or if it is gone for good,"
                                + " remove it with \"Forget\" on the service's /ring page",
                        state: instance.state.name,
                        heartbeatAgeSeconds: age
                    )
                )
            } else if row.stuck, let registered = health.instances[index].inStateSince, let limit = stuckAfterSeconds {
                let inState = nowWholeSeconds &- instance.registeredTimestamp
                warnings.append(
                    Warning(
                        kind: .stuckState,
                        instances: [instance.id],
                        message: "\(instance.id) has been \(instance.state.name) since it registered"
                            + " \(UnixTime.age(inState)) ago (\(UnixTime.rfc3339(registered))), longer than the"
                            + " \(UnixTime.age(Int64(limit.rounded(.up)))) stuck-after limit, while still"
                            + " heartbeating: look at its log for what it waits on (tokens, an initial sync)",
                        state: instance.state.name,
                        heartbeatAgeSeconds: age
                    )
                )
            }
        }

        self.key = key
        self.at = Self.date(nowWholeSeconds)
        self.heartbeatTimeoutSeconds = timeoutSeconds
        self.healthRule = "heartbeat"
        self.stuckAfterSeconds = stuckAfterSeconds
        self.checkPassed = health.checkPassed
        self.instances = rows
        self.zones = zonesByName.values.sorted { $0.zone < $1.zone }
        self.warnings = warnings
        self.replication = options.replication.map {
            Replication(replicationFactor: $0.replicationFactor, zoneAwareness: $0.zoneAwareness, operation: "write")
        }
    }

    /// Unix seconds as a `Date`.
    static func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(seconds))
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

extension RingReport {
    /// Adds a warning saying which JSON page the ring came from and what that page did not carry, then `notes`
    /// (the CLI's own, e.g. how to judge the page at the time it was served); nothing when there is nothing to say.
    public mutating func note(_ json: RingJSON, _ notes: [String] = []) {
        var parts: [String] = []
        if !json.stateReplaced.isEmpty {
            parts.append(
                "the page shows UNHEALTHY instead of the state of \(json.stateReplaced.joined(separator: ", ")) "
                    + "(its heartbeat was stale when the page was served), so that state is lost: shown as UNKNOWN")
        }
        if !json.missingFields.isEmpty {
            parts.append("this dskit's page has no \(json.missingFields.joined(separator: ", ")) (taken as unset)")
        }
        parts += notes
        guard !parts.isEmpty else { return }
        warnings.append(
            Warning(kind: .lossyInput, instances: [], message: "read as \(json.form.rawValue): " + parts.joined(separator: "; ")))
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
