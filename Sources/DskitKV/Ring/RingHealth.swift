import Foundation
import MemberlistWire

// dskit's heartbeat health, and ringctl's stuck rule, for every instance of a ring at one `now`: the figures the
// ring report (Inspection's RingReport) is built from and words are put around. Pure: the caller supplies `now`,
// so old files can be judged at the time they were saved.
// Health is dskit's heartbeat health, kept apart from the state as dskit keeps it: ring/model.go
// `IsHeartbeatHealthy(timeout, now)` is `now - timestamp <= timeout` and nothing else; whether a state may serve an
// operation (`IsHealthy(Write/Read, ...)`) is the operation's business. The /ring page labels an instance
// UNHEALTHY by the heartbeat alone (the `Reporting` operation accepts every state): a fresh JOINING or LEAVING
// instance is healthy, as it is during every rollout.
// dskit stores no time of the last state change, so "stuck" uses what the ring holds: JOINING and PENDING come
// right after registration (both lifecyclers write `registered_timestamp` when they first add the instance), so
// their time in the state is at most `now - registered_timestamp`; LEAVING has no time at all (both lifecyclers
// keep heartbeating while they leave), so a LEAVING instance fails only through a stale heartbeat.

/// Heartbeat health and the stuck rule of every instance of a ring at one point in time.
public struct RingHealth: Hashable, Sendable {
    /// One instance's verdicts, in `RingDescription.instances` order.
    public struct Instance: Hashable, Sendable {
        /// Whole seconds from the heartbeat to `now` (negative when the heartbeat is in the future); nil when the
        /// instance never sent one (timestamp 0).
        public var heartbeatAgeSeconds: Int64?
        /// dskit's `IsHeartbeatHealthy`: the heartbeat is within the timeout, whatever the state.
        public var healthy: Bool
        /// The start of the current state as far as the ring tells (the registration, Unix seconds, for JOINING
        /// and PENDING); nil when the ring holds no such time.
        public var inStateSince: Int64?
        /// JOINING or PENDING since registration for longer than the stuck-after limit.
        public var stuck: Bool
        /// Whether this instance makes `--check` fail: not healthy (except LEFT tombstones, which stop
        /// heartbeating by design), or stuck.
        public var failsCheck: Bool
        /// The heartbeat is more than `RingHealth.futureTolerance` ahead of `now`: a clock is off.
        public var heartbeatInFuture: Bool
    }

    /// How far ahead of `now` a heartbeat may be before it is a clock problem: heartbeats are whole seconds.
    public static let futureTolerance: Int64 = 1
    /// How many heartbeat timeouts make the default stuck-after limit.
    public static let stuckAfterTimeouts = 3

    /// `now`, whole Unix seconds (rounded down), what ages count from.
    public var nowSeconds: Int64
    /// The heartbeat timeout used, seconds.
    public var heartbeatTimeoutSeconds: Double
    /// The stuck-after limit used, seconds; nil when the stuck check is off.
    public var stuckAfterSeconds: Double?
    /// One entry per instance, in ring order (by id).
    public var instances: [Instance]
    /// Every instance but LEFT ones has a heartbeat past the timeout (and there is at least one such instance):
    /// an old file judged now, or a stopped cluster.
    public var allHeartbeatsStale: Bool
    /// The newest heartbeat among instances that are not LEFT, Unix seconds; nil when none sent one.
    public var newestHeartbeat: Int64?

    /// Whether `ringctl ring --check` passes: no instance fails it.
    public var checkPassed: Bool { !instances.contains(where: \.failsCheck) }

    /// Judges `ring` at `now` with dskit's `heartbeatTimeout` (must be positive) and `stuckAfter` (nil = 3 ×
    /// the timeout, zero = never stuck).
    public init(ring: RingDescription, now: Date, heartbeatTimeout: Duration, stuckAfter: Duration?) throws(DskitKVError) {
        let timeoutSeconds = heartbeatTimeout.inSeconds
        guard heartbeatTimeout > .zero else { throw .invalidHeartbeatTimeout(seconds: timeoutSeconds) }
        let stuckAfter = stuckAfter ?? heartbeatTimeout * Self.stuckAfterTimeouts
        let stuckAfterSeconds: Double? = stuckAfter > .zero ? stuckAfter.inSeconds : nil
        let now = now.timeIntervalSince1970
        // Whole seconds for ages; the health check keeps sub-second precision, like Go's now.Sub.
        let nowWhole = Int64(exactly: now.rounded(.down)) ?? 0

        instances = ring.instances.map { instance in
            let hasHeartbeat = instance.heartbeatTimestamp != 0
            let healthy = instance.isHeartbeatHealthy(now: now, timeoutSeconds: timeoutSeconds)
            let age: Int64? = hasHeartbeat ? nowWhole &- instance.heartbeatTimestamp : nil
            let sinceRegistration = instance.state == .joining || instance.state == .pending
            let inStateSince: Int64? = sinceRegistration && instance.registeredTimestamp != 0
                ? instance.registeredTimestamp : nil
            let stuck = inStateSince.map { since in stuckAfterSeconds.map { now - Double(since) > $0 } ?? false } ?? false
            return Instance(
                heartbeatAgeSeconds: age,
                healthy: healthy,
                inStateSince: inStateSince,
                stuck: stuck,
                failsCheck: stuck || (!healthy && instance.state != .left),
                heartbeatInFuture: age.map { $0 < -Self.futureTolerance } ?? false
            )
        }
        let living = ring.instances.indices.filter { ring.instances[$0].state != .left }
        let health = instances
        allHeartbeatsStale = !living.isEmpty && living.allSatisfy { !health[$0].healthy }
        let newest = living.map { ring.instances[$0].heartbeatTimestamp }.max() ?? 0
        newestHeartbeat = newest == 0 ? nil : newest
        nowSeconds = nowWhole
        self.heartbeatTimeoutSeconds = timeoutSeconds
        self.stuckAfterSeconds = stuckAfterSeconds
    }
}
