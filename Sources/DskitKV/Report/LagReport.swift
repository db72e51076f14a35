import Foundation

// Heartbeat lag as dskit's own metric shows it: ring.go `updateRingMetrics` exports, per state, the oldest
// instance timestamp in the ring (`<prefix>_ring_oldest_member_timestamp{state="ACTIVE"}`), and the usual alert is
// `max(time() - that) > heartbeat period + delta`. An instance whose heartbeat is past the heartbeat timeout fails
// dskit's `Reporting` health check and is counted under state "Unhealthy" instead, so the ACTIVE series (and this
// report's lag) covers only ACTIVE instances within the timeout; the others are listed apart, as unhealthy: a
// stopped process rather than slow gossip. A node's view of an instance is only as fresh as the gossip that
// brought the instance's last heartbeat, so the age is
//     time since the instance last heartbeated (0 .. one heartbeat period, normal)
//   + time the heartbeat took to reach this node (the gossip propagation delay, what the alert is about).
// Pure: the caller supplies `now`, so a saved ring can be judged at the time it was saved.

/// Heartbeat lag of one ring: the age of the oldest ACTIVE heartbeat against heartbeat period + delta.
public struct LagReport: Codable, Hashable, Sendable {
    /// The outcome.
    public enum Verdict: String, Codable, Hashable, Sendable {
        /// The oldest ACTIVE heartbeat is within the threshold.
        case healthy
        /// The oldest ACTIVE heartbeat is older than the threshold.
        case lagging
        /// No ACTIVE instance within the heartbeat timeout: no lag to measure (an empty ring, every instance in
        /// transition, or every ACTIVE one unhealthy).
        case noActiveInstances = "no_active_instances"
        /// No lag over the threshold, but an ACTIVE heartbeat is more than a second in the future: a clock is off,
        /// and an age measured against it means nothing (dskit would count such an instance healthy however
        /// stale it is), so the ring is not vouched for.
        case clockSkew = "clock_skew"
    }

    /// How to judge.
    public struct Options: Hashable, Sendable {
        /// The ring's heartbeat period (dskit Lifecycler 5s, Pyroscope's BasicLifecycler rings 15s).
        public var heartbeat: Duration
        /// How much gossip delay on top of one heartbeat period is tolerated.
        public var delta: Duration
        /// dskit's `-ring.heartbeat-timeout` (default 1m): ACTIVE instances past it count as unhealthy, not lag.
        public var heartbeatTimeout: Duration
        /// How many of the oldest ACTIVE (and of the unhealthy) instances to list.
        public var worst: Int

        /// Options; delta defaults to 15s, the heartbeat timeout to dskit's 1m, and the 5 oldest are listed.
        public init(
            heartbeat: Duration, delta: Duration = .seconds(15), heartbeatTimeout: Duration = .seconds(60),
            worst: Int = 5
        ) {
            self.heartbeat = heartbeat
            self.delta = delta
            self.heartbeatTimeout = heartbeatTimeout
            self.worst = worst
        }
    }

    /// One ACTIVE instance and the age of its heartbeat.
    public struct Instance: Codable, Hashable, Sendable {
        public var id: String
        public var address: String
        public var zone: String
        /// Last heartbeat, RFC 3339 UTC; nil when it never sent one (the age then counts from 1970).
        public var heartbeat: String?
        /// Seconds from the heartbeat to `now`.
        public var ageSeconds: Double
        /// Whether this instance alone is over the lag threshold.
        public var lagging: Bool

        enum CodingKeys: String, CodingKey {
            case id, address, zone, heartbeat, lagging
            case ageSeconds = "age_seconds"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(address, forKey: .address)
            try container.encode(zone, forKey: .zone)
            try container.encode(heartbeat, forKey: .heartbeat)  // null rather than absent: a fixed set of keys
            try container.encode(ageSeconds, forKey: .ageSeconds)
            try container.encode(lagging, forKey: .lagging)
        }
    }

    /// A memberlist setting that speeds up propagation, with the way to turn it and dskit's default.
    public struct Setting: Codable, Hashable, Sendable {
        /// The flag as dskit spells it, e.g. "-memberlist.gossip-interval".
        public var flag: String
        /// "decrease" or "increase".
        public var change: String
        /// dskit's default, as its flag takes it ("200ms", "3").
        public var defaultValue: String
        /// What it does, in one phrase.
        public var effect: String
        /// The value the cluster's config file sets (`ringctl lag --config.file`), when known.
        public var configured: String?

        enum CodingKeys: String, CodingKey {
            case flag, change, effect, configured
            case defaultValue = "default"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(flag, forKey: .flag)
            try container.encode(change, forKey: .change)
            try container.encode(defaultValue, forKey: .defaultValue)
            try container.encode(effect, forKey: .effect)
            try container.encode(configured, forKey: .configured)  // null when unknown: a stable shape
        }

        /// A setting from its fields.
        public init(flag: String, change: String, defaultValue: String, effect: String) {
            self.flag = flag
            self.change = change
            self.defaultValue = defaultValue
            self.effect = effect
        }
    }

    /// The four knobs of memberlist gossip speed, with dskit's defaults (kv/memberlist/memberlist_client.go flags,
    /// which keep hashicorp/memberlist's DefaultLANConfig values).
    public static let tuning: [Setting] = [
        Setting(flag: "-memberlist.gossip-interval", change: "decrease", defaultValue: "200ms",
                effect: "gossip rounds happen more often"),
        Setting(flag: "-memberlist.gossip-nodes", change: "increase", defaultValue: "3",
                effect: "each round reaches more nodes"),
        Setting(flag: "-memberlist.pullpush-interval", change: "decrease", defaultValue: "30s",
                effect: "full state syncs repair missed updates sooner"),
        Setting(flag: "-memberlist.retransmit-factor", change: "increase", defaultValue: "4",
                effect: "each update is re-gossiped more times before it is dropped"),
    ]

    /// The KV key of the ring.
    public var key: String
    /// The `now` lag was measured at, RFC 3339 UTC.
    public var at: String
    public var heartbeatSeconds: Double
    public var deltaSeconds: Double
    /// heartbeat + delta.
    public var thresholdSeconds: Double
    /// dskit's heartbeat timeout used to tell unhealthy instances apart.
    public var heartbeatTimeoutSeconds: Double
    /// Age of the oldest ACTIVE heartbeat within the timeout; nil when there is no such instance.
    public var lagSeconds: Double?
    public var verdict: Verdict
    /// Instances in the ring, any state.
    public var instances: Int
    /// ACTIVE instances within the heartbeat timeout (the ones lag is measured over, dskit's ACTIVE series).
    public var activeInstances: Int
    /// Of those, the ones over the lag threshold.
    public var laggingInstances: Int
    /// ACTIVE instances past the heartbeat timeout (dskit's "Unhealthy" series), not part of the lag.
    public var unhealthyInstances: Int
    /// The oldest measured ACTIVE instances, oldest first (at most `Options.worst`).
    public var oldest: [Instance]
    /// The unhealthy ACTIVE instances, oldest first (at most `Options.worst`).
    public var unhealthy: [Instance]
    /// ACTIVE instances whose heartbeat is more than a second ahead of `now`, furthest ahead first (at most
    /// `Options.worst`); their ages are negative.
    public var futureHeartbeats: [Instance]
    /// How many ACTIVE heartbeats are ahead of `now` by more than a second.
    public var futureInstances: Int
    /// What to tune, when lagging; empty otherwise.
    public var tuning: [Setting]
    /// When a few instances lag while every other ACTIVE one is fresh, the sentence that says so: their own
    /// process (stalled, or cut off from the cluster) is the likelier cause than gossip speed. Nil otherwise.
    public var diagnosis: String?

    enum CodingKeys: String, CodingKey {
        case key, at, verdict, instances, oldest, unhealthy, tuning, diagnosis
        case heartbeatSeconds = "heartbeat_seconds"
        case deltaSeconds = "delta_seconds"
        case thresholdSeconds = "threshold_seconds"
        case heartbeatTimeoutSeconds = "heartbeat_timeout_seconds"
        case lagSeconds = "lag_seconds"
        case activeInstances = "active_instances"
        case laggingInstances = "lagging_instances"
        case unhealthyInstances = "unhealthy_instances"
        case futureHeartbeats = "future_heartbeats"
        case futureInstances = "future_instances"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(at, forKey: .at)
        try container.encode(heartbeatSeconds, forKey: .heartbeatSeconds)
        try container.encode(deltaSeconds, forKey: .deltaSeconds)
        try container.encode(thresholdSeconds, forKey: .thresholdSeconds)
        try container.encode(heartbeatTimeoutSeconds, forKey: .heartbeatTimeoutSeconds)
        try container.encode(lagSeconds, forKey: .lagSeconds)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(instances, forKey: .instances)
        try container.encode(activeInstances, forKey: .activeInstances)
        try container.encode(laggingInstances, forKey: .laggingInstances)
        try container.encode(unhealthyInstances, forKey: .unhealthyInstances)
        try container.encode(oldest, forKey: .oldest)
        try container.encode(unhealthy, forKey: .unhealthy)
        try container.encode(futureInstances, forKey: .futureInstances)
        try container.encode(futureHeartbeats, forKey: .futureHeartbeats)
        try container.encode(tuning, forKey: .tuning)
        try container.encode(diagnosis, forKey: .diagnosis)  // null rather than absent: a fixed set of keys
    }

    /// Measures `ring` (read from `key`) at `now`; throws only for a non-positive heartbeat or timeout, or a negative delta.
    public init(key: String, ring: RingDescription, now: Date, options: Options) throws(DskitKVError) {
        let heartbeat = Self.seconds(options.heartbeat)
        let delta = Self.seconds(options.delta)
        guard heartbeat > 0 else { throw .invalidLagSetting(name: "heartbeat", seconds: heartbeat) }
        guard delta >= 0 else { throw .invalidLagSetting(name: "delta", seconds: delta) }
        let timeout = Self.seconds(options.heartbeatTimeout)
        guard timeout > 0 else { throw .invalidHeartbeatTimeout(seconds: timeout) }
        let threshold = heartbeat + delta
        let nowSeconds = now.timeIntervalSince1970

        // Oldest first; ties by id so the list is the same on every run.
        let active = ring.instances.filter { $0.state == .active }
            .sorted { ($0.heartbeatTimestamp, $0.id) < ($1.heartbeatTimestamp, $1.id) }
        let rows = active.map { instance in
            let age = nowSeconds - Double(instance.heartbeatTimestamp)
            return Instance(
                id: instance.id,
                address: instance.address,
                zone: instance.zone,
                heartbeat: instance.heartbeatTimestamp == 0 ? nil : UnixTime.rfc3339(instance.heartbeatTimestamp),
                ageSeconds: age,
                lagging: age > threshold
            )
        }
        // ring/model.go IsHeartbeatHealthy: now - timestamp <= timeout (a 0 timestamp is 1970, so never healthy).
        let measured = rows.filter { $0.ageSeconds <= timeout }
        let unhealthy = rows.filter { $0.ageSeconds > timeout }
        let lag = measured.first?.ageSeconds
        // Heartbeats are whole seconds: up to a second ahead is rounding, more is a clock.
        let future = measured.filter { $0.ageSeconds < -1 }.sorted { ($0.ageSeconds, $0.id) < ($1.ageSeconds, $1.id) }

        self.key = key
        self.at = UnixTime.rfc3339(Int64(exactly: nowSeconds.rounded(.down)) ?? 0)
        self.heartbeatSeconds = heartbeat
        self.deltaSeconds = delta
        self.thresholdSeconds = threshold
        self.heartbeatTimeoutSeconds = timeout
        self.lagSeconds = lag
        let verdict: Verdict = lag.map { $0 > threshold ? .lagging : .healthy } ?? .noActiveInstances
        self.verdict = verdict == .healthy && !future.isEmpty ? .clockSkew : verdict
        self.instances = ring.instances.count
        self.activeInstances = measured.count
        self.laggingInstances = measured.filter(\.lagging).count
        self.unhealthyInstances = unhealthy.count
        self.oldest = Array(measured.prefix(max(0, options.worst)))
        self.unhealthy = Array(unhealthy.prefix(max(0, options.worst)))
        self.futureHeartbeats = Array(future.prefix(max(0, options.worst)))
        self.futureInstances = future.count
        self.tuning = verdict == .lagging ? Self.tuning : []
        self.diagnosis = Self.diagnosis(measured, fresh: heartbeat + max(1, delta / 2))
    }

    /// "instance X alone is behind: …" when at most a third of the measured ACTIVE instances lag and every other
    /// one heartbeated within `fresh` seconds (one period plus half the delta, at least 1 s for whole-second
    /// timestamps): gossip brings the rest in time, so the laggards' own processes are the first suspects.
    static func diagnosis(_ measured: [Instance], fresh: Double) -> String? {
        let lagging = measured.filter(\.lagging).map(\.id)
        guard !lagging.isEmpty, lagging.count * 3 <= measured.count,
              measured.allSatisfy({ $0.lagging || $0.ageSeconds <= fresh })
        else { return nil }
        if lagging.count == 1 {
            return "instance \(lagging[0]) alone is behind: is its process stalled or cut off from the cluster? "
                + "(check it before tuning gossip)"
        }
        let names = lagging.dropLast().joined(separator: ", ") + " and " + lagging[lagging.count - 1]
        return "instances \(names) alone are behind: are their processes stalled or cut off from the cluster? "
            + "(check them before tuning gossip)"
    }

    /// Whether the ring passes: healthy only (no ACTIVE instance, or a clock off, leaves nothing to vouch for).
    public var isHealthy: Bool { verdict == .healthy }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
