import DskitKV
import Foundation

// `ringctl lookup`: for each key (a token, or a string hashed as a service hashes it), the replica set dskit's ring
// returns per operation (ring/ring.go `Get` → findInstancesForKey → defaultReplicationStrategy.Filter), with every
// instance the walk chose and why the filter kept or dropped it, and the instances it passed over because their
// zone already had its replica.

/// The lookup report: one entry per key asked for.
public struct LookupReport: Codable, Hashable, Sendable {
    /// One instance the walk met.
    public struct Replica: Codable, Hashable, Sendable {
        public var id: String
        public var address: String
        public var zone: String
        public var state: String
        /// "replica" (kept by the filter), "extension" (kept or not, its state made the walk take one more),
        /// "dropped" (chosen but unhealthy), "skipped" (passed over: its zone already had its replica).
        public var role: String
        /// Kept in the set dskit returns.
        public var healthy: Bool
        /// Why, in words.
        public var reason: String
    }

    /// One operation's replica set for the key.
    public struct Operation: Codable, Hashable, Sendable {
        public var operation: String
        /// The instances the walk chose, in walk order, then those it skipped.
        public var instances: [Replica]
        /// Successes needed: max(RF, chosen)/2 + 1.
        public var minSuccess: Int
        /// dskit's MaxErrors; nil when the set fails.
        public var maxErrors: Int?
        /// dskit's error; nil when the set is served.
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case operation, instances, error
            case minSuccess = "min_success"
            case maxErrors = "max_errors"
        }
    }

    /// One key.
    public struct Lookup: Codable, Hashable, Sendable {
        /// The key (token) looked up.
        public var token: UInt32
        /// The string it was hashed from, if any.
        public var string: String?
        /// The hash used for `string` ("fnv1", "fnv1a").
        public var hash: String?
        /// The ring token whose range holds the key (the walk's first token).
        public var rangeToken: UInt32
        public var operations: [Operation]

        enum CodingKeys: String, CodingKey {
            case token, string, hash, operations
            case rangeToken = "range_token"
        }
    }

    /// A key to look up: a token, or a string and the hash that made it.
    public struct Key: Hashable, Sendable {
        public var token: UInt32
        public var string: String?
        public var hash: ShardingHash?

        /// A key from its fields.
        public init(token: UInt32, string: String? = nil, hash: ShardingHash? = nil) {
            self.token = token
            self.string = string
            self.hash = hash
        }
    }

    public var key: String
    public var at: Date
    public var heartbeatTimeoutSeconds: Double
    public var replicationFactor: Int
    public var zoneAwareness: Bool
    public var lookups: [Lookup]

    enum CodingKeys: String, CodingKey {
        case key, at, lookups
        case heartbeatTimeoutSeconds = "heartbeat_timeout_seconds"
        case replicationFactor = "replication_factor"
        case zoneAwareness = "zone_awareness"
    }

    /// Looks `keys` up in `ring` at `now`; throws for a non-positive timeout and for a ring without tokens.
    public init(
        key: String, ring: RingDescription, keys: [Key], operations: [RingOperation], settings: ReplicationSettings,
        heartbeatTimeout: Duration, now: Date
    ) throws(DskitKVError) {
        let timeout = heartbeatTimeout.inSeconds
        guard heartbeatTimeout > .zero else { throw .invalidHeartbeatTimeout(seconds: timeout) }
        let view = ReplicationRing(ring: ring)
        guard !view.tokens.isEmpty else { throw .empty(what: "ring \"\(key)\" (no instance holds a token: \(ReplicationStrategy.emptyRingError))") }
        let heartbeat = view.heartbeatHealthy(now: now.timeIntervalSince1970, timeoutSeconds: timeout)
        var walker = ReplicaWalker(
            ring: view, replicationFactor: settings.replicationFactor, zoneAware: settings.zoneAwareness)
        walker.traceSkips = true
        let timeoutText = UnixTime.age(Int64(timeout.rounded(.up)))
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))

        lookups = keys.map { key in
            let start = view.start(forKey: key.token) ?? 0
            let operations = operations.map { operation in
                let inputs = ReplicaInputs(
                    operation: operation, states: ring.instances.map(\.state), heartbeatHealthy: heartbeat)
                walker.walk(from: start, extends: inputs.extends)
                let set = ReplicationStrategy.filter(
                    chosen: walker.chosen.map(Int.init), healthy: inputs.healthy,
                    addresses: ring.instances.map(\.address), settings: settings)
                var replicas = set.chosen.map { index in
                    let instance = ring.instances[index]
                    let extends = inputs.extends[index]
                    let reason: String
                    if !operation.serves(instance.state) {
                        reason = "\(instance.state.name) does not serve \(operation.name)"
                            + (extends ? "; the walk took one more instance in its place" : "")
                    } else if !heartbeat[index] {
                        let age = instance.heartbeatTimestamp == 0
                            ? "never sent a heartbeat"
                            : "last heartbeat \(UnixTime.age(nowSeconds &- instance.heartbeatTimestamp)) ago"
                        reason = "\(age), beyond the \(timeoutText) heartbeat timeout (a stale ACTIVE instance stays in"
                            + " the set and costs quorum until it is forgotten)"
                    } else {
                        reason = extends
                            ? "\(instance.state.name) serves \(operation.name) but does not count: one more was taken"
                            : "healthy"
                    }
                    return Replica(
                        id: instance.id, address: instance.address, zone: instance.zone, state: instance.state.name,
                        role: extends ? "extension" : inputs.healthy[index] ? "replica" : "dropped",
                        healthy: inputs.healthy[index], reason: reason)
                }
                replicas += walker.skippedForZone.map { holder in
                    let instance = ring.instances[Int(holder)]
                    return Replica(
                        id: instance.id, address: instance.address, zone: instance.zone, state: instance.state.name,
                        role: "skipped", healthy: false,
                        reason: "zone \(instance.zone) already has its replica")
                }
                return Operation(
                    operation: operation.name, instances: replicas, minSuccess: set.minSuccess,
                    maxErrors: set.maxErrors, error: set.error)
            }
            return Lookup(
                token: key.token, string: key.string, hash: key.hash?.rawValue, rangeToken: view.tokens[start],
                operations: operations)
        }
        self.key = key
        self.at = Date(timeIntervalSince1970: Double(nowSeconds))
        heartbeatTimeoutSeconds = timeout
        replicationFactor = settings.replicationFactor
        zoneAwareness = settings.zoneAwareness
    }
}
