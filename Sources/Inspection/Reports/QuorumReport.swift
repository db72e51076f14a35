import DskitKV
import Foundation

// `ringctl quorum`: every token range of a ring walked as dskit builds replica sets (QuorumSweep), judged now
// and with named instances or zones down. "Down" is a crash or a restart: the heartbeat goes stale, the state
// stays, so the walk is unchanged and the filter drops the instance (it costs quorum). "If it leaves" is a
// graceful shutdown: the state becomes LEAVING with a fresh heartbeat, which Write does not serve but extends past
// (the next instance takes its place), and Read still serves. Shares are of the 2^32 keys.

/// The quorum report: per operation, what fails now and with the named instances down, plus the rollout plan.
public struct QuorumReport: Codable, Hashable, Sendable {
    /// What to analyse.
    public struct Options: Hashable, Sendable {
        /// dskit's -ring.heartbeat-timeout.
        public var heartbeatTimeout: Duration
        /// The ring client's settings.
        public var settings: ReplicationSettings
        /// Operations to judge, in order.
        public var operations: [RingOperation]
        /// Instance ids taken down (stale heartbeat).
        public var down: [String]
        /// Zones whose every instance is taken down.
        public var downZones: [String]
        /// Whether to judge each zone and each instance going down alone.
        public var rollout: Bool
        /// At most this many failing spans are listed per outcome.
        public var maxSpans: Int

        /// Options from their fields.
        public init(
            heartbeatTimeout: Duration = .seconds(60), settings: ReplicationSettings = ReplicationSettings(),
            operations: [RingOperation] = [.write], down: [String] = [], downZones: [String] = [],
            rollout: Bool = false, maxSpans: Int = 10
        ) {
            self.heartbeatTimeout = heartbeatTimeout
            self.settings = settings
            self.operations = operations
            self.down = down
            self.downZones = downZones
            self.rollout = rollout
            self.maxSpans = maxSpans
        }
    }

    /// Failing keys under one assignment of health.
    public struct Outcome: Codable, Hashable, Sendable {
        /// Neighbouring failing ranges with the same replica set.
        public struct Span: Codable, Hashable, Sendable {
            public var firstKey: UInt32
            public var lastKey: UInt32
            public var keys: UInt64
            public var ranges: Int
            /// The instances dskit's walk chose, in walk order.
            public var instances: [String]
            /// dskit's error for a key of the span.
            public var error: String

            enum CodingKeys: String, CodingKey {
                case firstKey = "first_key", lastKey = "last_key", keys, ranges, instances, error
            }
        }

        public var ranges: Int
        public var failingRanges: Int
        public var failingKeys: UInt64
        public var failingPercent: Double
        /// Ranges that pass with no failure to spare (MaxErrors 0).
        public var zeroToleranceRanges: Int
        public var zeroTolerancePercent: Double
        /// Instances in the replica sets of failing ranges, by id.
        public var involved: [String]
        /// The first failing spans, in key order.
        public var spans: [Span]
        /// Failing spans in all.
        public var spanCount: Int

        enum CodingKeys: String, CodingKey {
            case ranges
            case failingRanges = "failing_ranges", failingKeys = "failing_keys", failingPercent = "failing_percent"
            case zeroToleranceRanges = "zero_tolerance_ranges", zeroTolerancePercent = "zero_tolerance_percent"
            case involved, spans
            case spanCount = "span_count"
        }

        init(_ outcome: QuorumOutcome, ids: [String]) {
            ranges = outcome.ranges
            failingRanges = outcome.failingRanges
            failingKeys = outcome.failingKeys
            failingPercent = outcome.failingPercent
            zeroToleranceRanges = outcome.zeroToleranceRanges
            zeroTolerancePercent = EffectiveOwnership.percent(outcome.zeroToleranceKeys)
            involved = outcome.involved.map { ids[$0] }
            spans = outcome.spans.map { span in
                Span(
                    firstKey: span.firstKey, lastKey: span.firstKey &+ UInt32(truncatingIfNeeded: span.keys &- 1),
                    keys: span.keys, ranges: span.ranges, instances: span.chosen.map { ids[$0] }, error: span.error)
            }
            spanCount = outcome.spanCount
        }
    }

    /// One zone or instance going down alone.
    public struct Step: Codable, Hashable, Sendable {
        /// The zone or instance id.
        public var name: String
        public var failingRanges: Int
        public var failingPercent: Double
        public var safe: Bool

        enum CodingKeys: String, CodingKey {
            case name, safe
            case failingRanges = "failing_ranges", failingPercent = "failing_percent"
        }
    }

    /// Whether a zone-by-zone and a one-by-one rollout keep every range served.
    public struct Rollout: Codable, Hashable, Sendable {
        /// Every zone, alone down, with what it fails.
        public var zones: [Step]
        /// Zone by zone is safe: nothing fails now and no zone alone fails a range.
        public var zonesSafe: Bool
        /// Instances whose going down alone fails a range, worst first (at most 50).
        public var unsafeInstances: [Step]
        /// How many instances are unsafe in all.
        public var unsafeInstanceCount: Int
        /// One by one is safe: nothing fails now and no instance alone fails a range.
        public var instancesSafe: Bool

        enum CodingKeys: String, CodingKey {
            case zones
            case zonesSafe = "zones_safe"
            case unsafeInstances = "unsafe_instances"
            case unsafeInstanceCount = "unsafe_instance_count"
            case instancesSafe = "instances_safe"
        }
    }

    /// One operation's results.
    public struct Operation: Codable, Hashable, Sendable {
        /// "write", "write-no-extend", "read" or "reporting".
        public var operation: String
        /// As the ring is now.
        public var now: Outcome
        /// With the named instances and zones down (stale heartbeat); nil when none is named.
        public var down: Outcome?
        /// With the named instances LEAVING instead (graceful shutdown); nil when no instance is named.
        public var leaving: Outcome?
        /// With --rollout.
        public var rollout: Rollout?
        /// Whether nothing fails in the scenario asked for (with the instances down, or now).
        public var safe: Bool
        /// One line: "safe to restart X: yes" or "no: 12.5% of writes would fail, because ...".
        public var verdict: String

        enum CodingKeys: String, CodingKey {
            case operation, now, down, leaving, rollout, safe, verdict
        }
    }

    public var key: String
    public var at: Date
    public var heartbeatTimeoutSeconds: Double
    public var replicationFactor: Int
    public var zoneAwareness: Bool
    /// The instances taken down: those named and every instance of the zones named.
    public var down: [String]
    public var downZones: [String]
    public var operations: [Operation]
    /// Whether every operation is safe (the exit status: 0 when true).
    public var safe: Bool

    enum CodingKeys: String, CodingKey {
        case key, at, down, operations, safe
        case heartbeatTimeoutSeconds = "heartbeat_timeout_seconds"
        case replicationFactor = "replication_factor"
        case zoneAwareness = "zone_awareness"
        case downZones = "down_zones"
    }

    /// Analyses `ring` at `now`; the ids and zones named must be in the ring (`unknownNames` says which are not).
    public init(key: String, ring: RingDescription, now: Date, options: Options) throws(DskitKVError) {
        let timeout = options.heartbeatTimeout.inSeconds
        guard options.heartbeatTimeout > .zero else { throw .invalidHeartbeatTimeout(seconds: timeout) }
        let view = ReplicationRing(ring: ring)
        // dskit answers every operation on a ring without tokens with "empty ring": nothing is safe there.
        guard !view.tokens.isEmpty else {
            throw .empty(what: "ring \"\(key)\" (no instance holds a token: \(ReplicationStrategy.emptyRingError))")
        }
        let ids = ring.instances.map(\.id)
        let named = Set(options.down)
        let zones = Set(options.downZones)
        let downIndices = ring.instances.indices.filter {
            named.contains(ids[$0]) || (zones.contains(ring.instances[$0].zone) && ring.instances[$0].state != .left)
        }
        let heartbeat = view.heartbeatHealthy(now: now.timeIntervalSince1970, timeoutSeconds: timeout)
        let states = ring.instances.map(\.state)
        let subject = Self.subject(down: options.down, zones: options.downZones)

        // One prepared walker for every sweep below: the walk's table depends on the ring and settings only.
        var walker = ReplicaWalker(
            ring: view, replicationFactor: options.settings.replicationFactor, zoneAware: options.settings.zoneAwareness)
        walker.precomputeNearest()
        operations = options.operations.map { operation in
            let inputs = ReplicaInputs(operation: operation, states: states, heartbeatHealthy: heartbeat)
            var downHealthy = inputs.healthy
            for index in downIndices { downHealthy[index] = false }
            let assignments = downIndices.isEmpty ? [inputs.healthy] : [inputs.healthy, downHealthy]
            let (outcomes, attribution) = QuorumSweep.run(
                ring: view, settings: options.settings, extends: inputs.extends, healthy: assignments,
                attribute: options.rollout, maxSpans: options.maxSpans, walker: walker)
            let now = Outcome(outcomes[0], ids: ids)
            let down = outcomes.count > 1 ? Outcome(outcomes[1], ids: ids) : nil

            var leaving: Outcome?
            let leavingIndices = ring.instances.indices.filter { named.contains(ids[$0]) }
            if !leavingIndices.isEmpty {
                var leavingStates = states
                var leavingHeartbeat = heartbeat
                for index in leavingIndices {
                    leavingStates[index] = .leaving
                    leavingHeartbeat[index] = true
                }
                let leavingInputs = ReplicaInputs(
                    operation: operation, states: leavingStates, heartbeatHealthy: leavingHeartbeat)
                let swept = QuorumSweep.run(
                    ring: view, settings: options.settings, extends: leavingInputs.extends,
                    healthy: [leavingInputs.healthy], maxSpans: options.maxSpans, walker: walker)
                leaving = Outcome(swept.outcomes[0], ids: ids)
            }
            let rollout = attribution.map { Self.rollout($0, now: now, view: view, ids: ids) }
            let judged = down ?? now
            let safe = judged.failingRanges == 0 && (rollout.map { $0.zonesSafe && $0.instancesSafe } ?? true)
            return Operation(
                operation: operation.name, now: now, down: down, leaving: leaving, rollout: rollout, safe: safe,
                verdict: Self.verdict(subject: subject, operation: operation, now: now, down: down, leaving: leaving))
        }
        self.key = key
        self.at = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        heartbeatTimeoutSeconds = timeout
        replicationFactor = options.settings.replicationFactor
        zoneAwareness = options.settings.zoneAwareness
        self.down = downIndices.map { ids[$0] }
        downZones = options.downZones
        safe = operations.allSatisfy(\.safe)
    }

    /// The ids and zones in `options` that `ring` does not hold (LEFT entries do not count: clients never see them).
    public static func unknownNames(in ring: RingDescription, options: Options) -> (ids: [String], zones: [String]) {
        let members = ring.instances.filter { $0.state != .left }
        let ids = Set(members.map(\.id))
        let zones = Set(members.map(\.zone))
        return (options.down.filter { !ids.contains($0) }, options.downZones.filter { !zones.contains($0) })
    }

    private static func subject(down: [String], zones: [String]) -> String? {
        let names = down + zones.map { "zone \($0)" }
        guard !names.isEmpty else { return nil }
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    private static func plural(_ operation: RingOperation) -> String {
        switch operation {
        case .write: "writes"
        case .writeNoExtend: "writes (no extension)"
        case .read: "reads"
        default: "\(operation.name) lookups"
        }
    }

    /// A share as the verdicts print it: "12.50%", "<0.01%", "0%".
    public static func percentText(_ value: Double) -> String {
        value == 0 ? "0%" : value < 0.01 ? "<0.01%" : String(format: "%.2f%%", value)
    }

    private static func verdict(
        subject: String?, operation: RingOperation, now: Outcome, down: Outcome?, leaving: Outcome?
    ) -> String {
        let what = plural(operation)
        func because(_ outcome: Outcome) -> String {
            let example = outcome.spans.first.map { span in
                "; e.g. keys \(span.firstKey)-\(span.lastKey) (replicas \(span.instances.joined(separator: ", "))): \(span.error)"
            } ?? ""
            return "\(percentText(outcome.failingPercent)) of \(what) would fail (\(outcome.failingRanges) of "
                + "\(outcome.ranges) token ranges), because their replica sets keep fewer healthy instances than "
                + "dskit's quorum" + example
        }
        guard let subject, let down else {
            guard now.failingRanges > 0 else { return "\(what) have quorum on every token range now: yes" }
            return "\(what) have quorum on every token range now: no: " + because(now).replacingOccurrences(
                of: "would fail", with: "fail")
        }
        let prefix = "safe to restart \(subject) (\(operation.name)): "
        guard down.failingRanges > 0 else {
            let spare = down.zeroToleranceRanges > 0
                ? " (\(percentText(down.zeroTolerancePercent)) of keys would have no failure to spare)" : ""
            return prefix + "yes" + spare
        }
        let already = now.failingRanges > 0 ? " (\(percentText(now.failingPercent)) fail already now)" : ""
        let gentler = leaving.map { $0.failingRanges == 0 ? "; a graceful shutdown (LEAVING) would keep every range" : "" } ?? ""
        return prefix + "no: " + because(down) + already + gentler
    }

    private static func rollout(_ attribution: QuorumAttribution, now: Outcome, view: ReplicationRing, ids: [String])
        -> Rollout
    {
        let clean = now.failingRanges == 0
        let zones = view.zones.indices.map { zone in
            Step(
                name: view.zones[zone], failingRanges: attribution.zoneRanges[zone],
                failingPercent: EffectiveOwnership.percent(attribution.zoneKeys[zone]),
                safe: attribution.zoneRanges[zone] == 0 && clean)
        }
        let members = view.instances.indices.filter { view.zoneOfInstance[$0] >= 0 }
        let unsafe = members.filter { attribution.instanceRanges[$0] > 0 }
            .sorted { (attribution.instanceKeys[$0], ids[$1]) > (attribution.instanceKeys[$1], ids[$0]) }
        return Rollout(
            zones: zones, zonesSafe: clean && zones.allSatisfy { $0.failingRanges == 0 },
            unsafeInstances: unsafe.prefix(50).map { index in
                Step(
                    name: ids[index], failingRanges: attribution.instanceRanges[index],
                    failingPercent: EffectiveOwnership.percent(attribution.instanceKeys[index]), safe: false)
            },
            unsafeInstanceCount: unsafe.count, instancesSafe: clean && unsafe.isEmpty)
    }
}
