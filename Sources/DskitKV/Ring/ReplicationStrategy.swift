// grafana/dskit ring/replication_strategy.go `defaultReplicationStrategy.Filter`, after the walk
// (ring/ring.go `getReplicationSetForKey`):
// - n = max(replication factor, instances the walk chose) (a JOINING or LEAVING instance makes the set larger);
// - minSuccess = n/2 + 1;
// - an instance is dropped when it is not healthy for the operation: its state does not serve it, or its last
//   heartbeat is older than the heartbeat timeout (ring/model.go `IsHealthy`); dropped ones still count in n;
// - fewer healthy than minSuccess: the error below, naming the dropped instances' addresses in walk order;
//   otherwise the healthy ones, with MaxErrors = healthy - minSuccess.

/// The replication factor and zone awareness a ring client is configured with.
public struct ReplicationSettings: Hashable, Sendable {
    /// dskit's `replication_factor` (default 3).
    public var replicationFactor: Int
    /// dskit's `zone_awareness_enabled` (default false).
    public var zoneAwareness: Bool

    /// Settings from their fields; the defaults are dskit's.
    public init(replicationFactor: Int = 3, zoneAwareness: Bool = false) {
        self.replicationFactor = replicationFactor
        self.zoneAwareness = zoneAwareness
    }
}

/// What dskit's ring returns for one key: the replica set, or the error a client gets.
public struct ReplicaSet: Hashable, Sendable {
    /// Every instance the walk chose, in walk order (indices into the ring's instances).
    public var chosen: [Int]
    /// The chosen instances healthy for the operation: the set dskit returns.
    public var healthy: [Int]
    /// The chosen instances dropped as unhealthy (state or heartbeat), in walk order.
    public var unhealthy: [Int]
    /// Successes a caller needs: max(RF, chosen) / 2 + 1.
    public var minSuccess: Int
    /// dskit's `MaxErrors` (healthy - minSuccess); nil when the set fails.
    public var maxErrors: Int?
    /// dskit's error text when the set fails.
    public var error: String?

    /// Whether the key can be served.
    public var succeeds: Bool { error == nil }
}

/// dskit's default replication strategy.
public enum ReplicationStrategy {
    /// dskit's `ErrEmptyRing` text.
    public static let emptyRingError = "empty ring"

    /// max(RF, chosen) / 2 + 1.
    @inline(__always)
    public static func minSuccess(chosen: Int, replicationFactor: Int) -> Int {
        max(replicationFactor, chosen) / 2 + 1
    }

    /// `Filter` on the walk's `chosen` instances; `healthy[i]` is instance i's health for the operation.
    public static func filter(
        chosen: [Int], healthy: [Bool], addresses: [String], settings: ReplicationSettings
    ) -> ReplicaSet {
        let minSuccess = minSuccess(chosen: chosen.count, replicationFactor: settings.replicationFactor)
        let kept = chosen.filter { healthy[$0] }
        let dropped = chosen.filter { !healthy[$0] }
        guard kept.count >= minSuccess else {
            let error = failure(
                minSuccess: minSuccess, found: kept.count, unhealthy: dropped.map { addresses[$0] },
                zoneAware: settings.zoneAwareness)
            return ReplicaSet(
                chosen: chosen, healthy: kept, unhealthy: dropped, minSuccess: minSuccess, maxErrors: nil,
                error: error)
        }
        return ReplicaSet(
            chosen: chosen, healthy: kept, unhealthy: dropped, minSuccess: minSuccess,
            maxErrors: kept.count - minSuccess, error: nil)
    }

    /// dskit's error text for a set with `found` healthy instances of the `minSuccess` needed.
    public static func failure(minSuccess: Int, found: Int, unhealthy: [String], zoneAware: Bool) -> String {
        let zones = zoneAware ? " across different availability zones" : ""
        let dropped = unhealthy.isEmpty ? "" : " - unhealthy instances: " + unhealthy.joined(separator: ",")
        return "at least \(minSuccess) live replicas required\(zones), could only find \(found)\(dropped)"
    }
}

/// Per-instance inputs of the walk and the filter for one operation: which instances extend the set (by state)
/// and which are healthy (state and heartbeat).
public struct ReplicaInputs: Hashable, Sendable {
    /// `extends[i]`: instance i's state extends the replica set.
    public var extends: [Bool]
    /// `healthy[i]`: instance i is healthy for the operation (`IsHealthy`).
    public var healthy: [Bool]

    /// Inputs from states and heartbeat health (both aligned with the ring's instances).
    public init(operation: RingOperation, states: [InstanceState], heartbeatHealthy: [Bool]) {
        extends = states.map { operation.extends(on: $0) }
        healthy = zip(states, heartbeatHealthy).map { operation.serves($0) && $1 }
    }
}

extension ReplicationRing {
    /// The replica set dskit returns for `key`: the walk, then `Filter`; nil for an empty ring.
    public func replicaSet(
        forKey key: UInt32, operation: RingOperation, settings: ReplicationSettings, heartbeatHealthy: [Bool],
        states: [InstanceState]? = nil
    ) -> ReplicaSet? {
        guard let start = start(forKey: key) else { return nil }
        let inputs = ReplicaInputs(
            operation: operation, states: states ?? instances.map(\.state), heartbeatHealthy: heartbeatHealthy)
        var walker = ReplicaWalker(
            ring: self, replicationFactor: settings.replicationFactor, zoneAware: settings.zoneAwareness)
        walker.walk(from: start, extends: inputs.extends)
        return ReplicationStrategy.filter(
            chosen: walker.chosen.map(Int.init), healthy: inputs.healthy, addresses: instances.map(\.address),
            settings: settings)
    }

    /// dskit's heartbeat health of every instance at `now` (Unix seconds; ring/model.go `IsHeartbeatHealthy`).
    public func heartbeatHealthy(now: Double, timeoutSeconds: Double) -> [Bool] {
        instances.map { $0.isHeartbeatHealthy(now: now, timeoutSeconds: timeoutSeconds) }
    }
}
