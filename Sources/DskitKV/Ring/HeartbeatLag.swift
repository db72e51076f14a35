import Foundation
import MemberlistWire

// Heartbeat lag as dskit's own metric shows it: ring.go `updateRingMetrics` exports, per state, the oldest
// instance timestamp in the ring (`<prefix>_ring_oldest_member_timestamp{state="ACTIVE"}`), and the usual alert is
// `max(time() - that) > heartbeat period + delta`. An instance whose heartbeat is past the heartbeat timeout fails
// dskit's `Reporting` health check and is counted under state "Unhealthy" instead, so the ACTIVE series (and this
// lag) covers only ACTIVE instances within the timeout; the others are kept apart, as unhealthy: a stopped process
// rather than slow gossip. A node's view of an instance is only as fresh as the gossip that brought the
// instance's last heartbeat, so the age is
//     time since the instance last heartbeated (0 .. one heartbeat period, normal)
//   + time the heartbeat took to reach this node (the gossip propagation delay, what the alert is about).
// Pure: the caller supplies `now`, so a saved ring can be judged at the time it was saved. The words around these
// figures are Inspection's LagReport.

/// The heartbeat lag of one ring: the age of the oldest ACTIVE heartbeat against heartbeat period + delta.
public struct HeartbeatLag: Hashable, Sendable {
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

    /// One ACTIVE instance and the age of its heartbeat.
    public struct Age: Hashable, Sendable {
        public var instance: InstanceDescription
        /// Seconds from the heartbeat to `now` (from 1970 when it never sent one).
        public var seconds: Double
        /// Whether this instance alone is over the lag threshold.
        public var lagging: Bool
    }

    /// The ring's heartbeat period, seconds.
    public var heartbeatSeconds: Double
    /// The gossip delay tolerated on top, seconds.
    public var deltaSeconds: Double
    /// heartbeat + delta.
    public var thresholdSeconds: Double
    /// dskit's heartbeat timeout used to tell unhealthy instances apart.
    public var heartbeatTimeoutSeconds: Double
    /// ACTIVE instances within the heartbeat timeout, oldest first (ties by id): what lag is measured over.
    public var measured: [Age]
    /// ACTIVE instances past the heartbeat timeout (dskit's "Unhealthy" series), oldest first.
    public var unhealthy: [Age]
    /// Measured instances whose heartbeat is more than a second ahead of `now`, furthest ahead first.
    public var future: [Age]
    /// Age of the oldest measured heartbeat; nil when there is no such instance.
    public var lagSeconds: Double?
    public var verdict: Verdict
    /// When at most a third of the measured instances lag while every other one heartbeated within one period
    /// plus half the delta (at least 1 s, for whole-second timestamps), their ids: gossip brings the rest in time,
    /// so the laggards' own processes are the first suspects. Nil otherwise.
    public var isolatedLaggards: [String]?

    /// Measures `ring` at `now`; throws only for a non-positive heartbeat or timeout, or a negative delta.
    public init(
        ring: RingDescription, now: Date, heartbeat: Duration, delta: Duration, heartbeatTimeout: Duration
    ) throws(DskitKVError) {
        let heartbeat = heartbeat.inSeconds
        let delta = delta.inSeconds
        guard heartbeat > 0 else { throw .invalidLagSetting(name: "heartbeat", seconds: heartbeat) }
        guard delta >= 0 else { throw .invalidLagSetting(name: "delta", seconds: delta) }
        let timeout = heartbeatTimeout.inSeconds
        guard timeout > 0 else { throw .invalidHeartbeatTimeout(seconds: timeout) }
        let threshold = heartbeat + delta
        let now = now.timeIntervalSince1970

        let ages = ring.instances.filter { $0.state == .active }
            .sorted { ($0.heartbeatTimestamp, $0.id) < ($1.heartbeatTimestamp, $1.id) }
            .map { instance in
                let age = now - Double(instance.heartbeatTimestamp)
                return Age(instance: instance, seconds: age, lagging: age > threshold)
            }
        // ring/model.go IsHeartbeatHealthy: now - timestamp <= timeout (a 0 timestamp is 1970, so never healthy).
        let measured = ages.filter { $0.seconds <= timeout }
        let lag = measured.first?.seconds
        // Heartbeats are whole seconds: up to a second ahead is rounding, more is a clock.
        let future = measured.filter { $0.seconds < -Double(RingHealth.futureTolerance) }
            .sorted { ($0.seconds, $0.instance.id) < ($1.seconds, $1.instance.id) }
        let verdict: Verdict = lag.map { $0 > threshold ? .lagging : .healthy } ?? .noActiveInstances

        heartbeatSeconds = heartbeat
        deltaSeconds = delta
        thresholdSeconds = threshold
        heartbeatTimeoutSeconds = timeout
        self.measured = measured
        unhealthy = ages.filter { $0.seconds > timeout }
        self.future = future
        lagSeconds = lag
        self.verdict = verdict == .healthy && !future.isEmpty ? .clockSkew : verdict
        let fresh = heartbeat + max(1, delta / 2)
        let lagging = measured.filter(\.lagging).map(\.instance.id)
        isolatedLaggards = !lagging.isEmpty && lagging.count * 3 <= measured.count
            && measured.allSatisfy({ $0.lagging || $0.seconds <= fresh }) ? lagging : nil
    }

    /// Whether the ring passes: healthy only (no ACTIVE instance, or a clock off, leaves nothing to vouch for).
    public var isHealthy: Bool { verdict == .healthy }
}
