import DskitKV

/// The observer's local copy of the dskit KV store: full states from push/pulls, and broadcast updates merged in
/// (never written back: ringctl sends no KV messages). Ring values (codec ringDesc) merge instance by instance,
/// newer heartbeat wins, as a broadcast carries only the instances that changed; partition rings (codec
/// partitionRingDesc) by dskit's partition ring merge, for the same reason; other values are replaced.
public struct KVView: Hashable, Sendable {
    /// The pairs by key.
    public private(set) var pairs: [String: KeyValuePair] = [:]

    /// An empty view.
    public init() {}

    /// Merges every pair of a full state; returns the keys whose value changed.
    public mutating func merge(fullState bytes: [UInt8]) -> [KeyValuePair] {
        KVState.decodePrefix(bytes).state.pairs.compactMap { merge($0) }
    }

    /// Merges one pair (a full-state entry or a broadcast); returns the merged pair when something changed.
    @discardableResult
    public mutating func merge(_ incoming: KeyValuePair) -> KeyValuePair? {
        guard let existing = pairs[incoming.key] else {
            pairs[incoming.key] = incoming
            return incoming
        }
        var merged = incoming
        if incoming.codec == .ringDesc, existing.codec == .ringDesc,
            let old = try? RingDescription(pair: existing), let new = try? RingDescription(pair: incoming)
        {
            var instances = Dictionary(old.instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for instance in new.instances {
                if let known = instances[instance.id], known.heartbeatTimestamp > instance.heartbeatTimestamp { continue }
                instances[instance.id] = instance
            }
            let ring = RingDescription(instances: instances.values.sorted { $0.id < $1.id })
            merged.value = ring.codecValue()
            merged.updateTimeMillis = max(existing.updateTimeMillis, incoming.updateTimeMillis)
            if ring == old { return nil }
        } else if incoming.codec == .partitionRingDesc, existing.codec == .partitionRingDesc,
            var ring = try? PartitionRingDescription(pair: existing), let new = try? PartitionRingDescription(pair: incoming)
        {
            guard ring.merge(new) != nil else { return nil }
            merged.value = ring.codecValue()
            merged.updateTimeMillis = max(existing.updateTimeMillis, incoming.updateTimeMillis)
        } else if existing == incoming {
            return nil
        }
        pairs[incoming.key] = merged
        return merged
    }

    /// The view as a full state (sorted by key), for the reports that decode one.
    public var state: KVState { KVState(pairs: pairs.values.sorted { $0.key < $1.key }) }
}
