import DskitKV
import Foundation

// `ringctl lag` for one ring: HeartbeatLag's figures (DskitKV: dskit's metric and the rules, with their sources),
// the tuning advice and the diagnosis in words. Times are `Date`s and ages seconds as numbers; the CLI formats
// them. Every optional field is in the JSON (`@NullEncoded`), null when absent.

/// Heartbeat lag of one ring: the age of the oldest ACTIVE heartbeat against heartbeat period + delta.
public struct LagReport: Codable, Hashable, Sendable {
    /// The outcome (HeartbeatLag's).
    public typealias Verdict = HeartbeatLag.Verdict

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
        /// Last heartbeat; nil when it never sent one (the age then counts from 1970).
        @NullEncoded public var heartbeat: Date? = nil
        /// Seconds from the heartbeat to `now`.
        public var ageSeconds: Double
        /// Whether this instance alone is over the lag threshold.
        public var lagging: Bool

        enum CodingKeys: String, CodingKey {
            case id, address, zone, heartbeat, lagging
            case ageSeconds = "age_seconds"
        }

        init(_ age: HeartbeatLag.Age) {
            id = age.instance.id
            address = age.instance.address
            zone = age.instance.zone
            heartbeat = age.instance.heartbeatTimestamp == 0
                ? nil : Date(timeIntervalSince1970: Double(age.instance.heartbeatTimestamp))
            ageSeconds = age.seconds
            lagging = age.lagging
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
        @NullEncoded public var configured: String? = nil

        enum CodingKeys: String, CodingKey {
            case flag, change, effect, configured
            case defaultValue = "default"
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
    /// The `now` lag was measured at, to the whole second (rounded down).
    public var at: Date
    public var heartbeatSeconds: Double
    public var deltaSeconds: Double
    /// heartbeat + delta.
    public var thresholdSeconds: Double
    /// dskit's heartbeat timeout used to tell unhealthy instances apart.
    public var heartbeatTimeoutSeconds: Double
    /// Age of the oldest ACTIVE heartbeat within the timeout; nil when there is no such instance.
    @NullEncoded public var lagSeconds: Double? = nil
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
    @NullEncoded public var diagnosis: String? = nil

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

    /// Measures `ring` (read from `key`) at `now`; throws only for a non-positive heartbeat or timeout, or a negative delta.
    public init(key: String, ring: RingDescription, now: Date, options: Options) throws(DskitKVError) {
        let lag = try HeartbeatLag(
            ring: ring, now: now, heartbeat: options.heartbeat, delta: options.delta,
            heartbeatTimeout: options.heartbeatTimeout)
        let worst = max(0, options.worst)
        self.key = key
        self.at = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        self.heartbeatSeconds = lag.heartbeatSeconds
        self.deltaSeconds = lag.deltaSeconds
        self.thresholdSeconds = lag.thresholdSeconds
        self.heartbeatTimeoutSeconds = lag.heartbeatTimeoutSeconds
        self.lagSeconds = lag.lagSeconds
        self.verdict = lag.verdict
        self.instances = ring.instances.count
        self.activeInstances = lag.measured.count
        self.laggingInstances = lag.measured.filter(\.lagging).count
        self.unhealthyInstances = lag.unhealthy.count
        self.oldest = lag.measured.prefix(worst).map(Instance.init)
        self.unhealthy = lag.unhealthy.prefix(worst).map(Instance.init)
        self.futureHeartbeats = lag.future.prefix(worst).map(Instance.init)
        self.futureInstances = lag.future.count
        self.tuning = lag.verdict == .lagging ? Self.tuning : []
        self.diagnosis = lag.isolatedLaggards.map(Self.diagnosis)
    }

    /// "instance X alone is behind: …": the laggards' own processes are the first suspects.
    static func diagnosis(_ lagging: [String]) -> String {
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
}
