// Every range of a ring walked once, as dskit builds its replica sets (ReplicaWalker), and judged by dskit's
// Filter (ReplicationStrategy) under several health assignments at once: the walk depends on states only, so "now"
// and "with X down" (a stale heartbeat: no extension, X stays in the set and is dropped by the filter) share it.
// A range fails when fewer of its chosen instances are healthy than minSuccess = max(RF, chosen)/2 + 1; it is at
// zero tolerance when exactly minSuccess are (MaxErrors 0: one more failure fails it).
// Attribution for rollouts, against the first health assignment: instance X alone going down fails a range that
// passes now when X is one of its healthy members and healthy − 1 < minSuccess; zone Z alone, when healthy − (its
// healthy members in Z) < minSuccess.

/// How one health assignment fares over every range of the ring.
public struct QuorumOutcome: Hashable, Sendable {
    /// Neighbouring failing ranges with the same replica set (walk order), merged.
    public struct Span: Hashable, Sendable {
        /// The first key of the span.
        public var firstKey: UInt32
        /// How many keys (wrapping past 2^32 − 1 when the span does).
        public var keys: UInt64
        /// How many ranges (token positions) it merges.
        public var ranges: Int
        /// The instances the walk chose (indices into the ring's instances), in walk order.
        public var chosen: [Int]
        /// dskit's error for a key of the span.
        public var error: String
    }

    /// Ranges holding at least one key.
    public var ranges: Int = 0
    /// Ranges whose replica set fails.
    public var failingRanges: Int = 0
    /// Keys (of 2^32) in failing ranges.
    public var failingKeys: UInt64 = 0
    /// Ranges that pass with MaxErrors 0.
    public var zeroToleranceRanges: Int = 0
    /// Keys in zero-tolerance ranges.
    public var zeroToleranceKeys: UInt64 = 0
    /// Instances in the replica sets of failing ranges, ascending index.
    public var involved: [Int] = []
    /// The first failing spans, in key order (at most the sweep's span limit).
    public var spans: [Span] = []
    /// How many failing spans there are in all.
    public var spanCount: Int = 0

    /// Share of the key space that fails, percent.
    public var failingPercent: Double { EffectiveOwnership.percent(failingKeys) }
}

/// What each instance or zone alone going down would fail, beyond what fails already.
public struct QuorumAttribution: Hashable, Sendable {
    /// Keys that fail if only instance i goes down (stale heartbeat), per instance.
    public var instanceKeys: [UInt64]
    /// Ranges that fail if only instance i goes down.
    public var instanceRanges: [Int]
    /// Keys that fail if every instance of zone z goes down, per `ReplicationRing.zones` entry.
    public var zoneKeys: [UInt64]
    /// Ranges that fail if zone z goes down.
    public var zoneRanges: [Int]
}

/// Walks every range once and judges it under each health assignment.
public enum QuorumSweep {
    /// `healthy[k][i]`: instance i is healthy for the operation under assignment k (state and heartbeat);
    /// `extends[i]`: its state extends the set. With `attribute`, also what each instance or zone alone would fail,
    /// against assignment 0. `walker`: one already prepared for `ring` and `settings` (`precomputeNearest`), so
    /// several sweeps of one ring share its table; nil prepares one.
    public static func run(
        ring: ReplicationRing, settings: ReplicationSettings, extends: [Bool], healthy: [[Bool]],
        attribute: Bool = false, maxSpans: Int = 20, walker prepared: ReplicaWalker? = nil
    ) -> (outcomes: [QuorumOutcome], attribution: QuorumAttribution?) {
        var outcomes = [QuorumOutcome](repeating: QuorumOutcome(), count: healthy.count)
        var involved = [[Bool]](repeating: [Bool](repeating: false, count: ring.instances.count), count: healthy.count)
        var open: [(position: Int, chosen: [Int32])?] = Array(repeating: nil, count: healthy.count)
        var attribution = attribute ? QuorumAttribution(
            instanceKeys: [UInt64](repeating: 0, count: ring.instances.count),
            instanceRanges: [Int](repeating: 0, count: ring.instances.count),
            zoneKeys: [UInt64](repeating: 0, count: ring.zones.count),
            zoneRanges: [Int](repeating: 0, count: ring.zones.count)) : nil
        var zoneHealthy = [Int](repeating: 0, count: ring.zones.count)
        let addresses = ring.instances.map(\.address)
        let (firstKeys, counts) = ring.keyRanges()
        var walker: ReplicaWalker
        if let prepared {
            walker = prepared
        } else {
            walker = ReplicaWalker(
                ring: ring, replicationFactor: settings.replicationFactor, zoneAware: settings.zoneAwareness)
            walker.precomputeNearest()
        }

        for position in counts.indices where counts[position] > 0 {
            walker.walk(from: position, extends: extends)
            let chosen = walker.chosen
            let keys = counts[position]
            let minSuccess = ReplicationStrategy.minSuccess(
                chosen: chosen.count, replicationFactor: settings.replicationFactor)
            for assignment in healthy.indices {
                var found = 0
                healthy[assignment].withUnsafeBufferPointer { health in
                    for holder in chosen where health[Int(holder)] { found += 1 }
                }
                outcomes[assignment].ranges += 1
                if found < minSuccess {
                    outcomes[assignment].failingRanges += 1
                    outcomes[assignment].failingKeys += keys
                    for holder in chosen { involved[assignment][Int(holder)] = true }
                    if let current = open[assignment], current.chosen == chosen {
                        outcomes[assignment].spans.extend(by: keys, limit: maxSpans, count: outcomes[assignment].spanCount)
                    } else {
                        outcomes[assignment].spanCount += 1
                        if outcomes[assignment].spans.count < maxSpans {
                            let set = ReplicationStrategy.filter(
                                chosen: chosen.map(Int.init), healthy: healthy[assignment], addresses: addresses,
                                settings: settings)
                            outcomes[assignment].spans.append(
                                QuorumOutcome.Span(
                                    firstKey: firstKeys[position], keys: keys, ranges: 1, chosen: set.chosen,
                                    error: set.error ?? ""))
                        }
                        open[assignment] = (position, chosen)
                    }
                    continue
                }
                open[assignment] = nil
                if found == minSuccess {
                    outcomes[assignment].zeroToleranceRanges += 1
                    outcomes[assignment].zeroToleranceKeys += keys
                }
                guard assignment == 0, attribution != nil else { continue }
                let health = healthy[0]
                if found - 1 < minSuccess {
                    for holder in chosen where health[Int(holder)] {
                        attribution!.instanceKeys[Int(holder)] += keys
                        attribution!.instanceRanges[Int(holder)] += 1
                    }
                }
                for holder in chosen where health[Int(holder)] {
                    zoneHealthy[Int(ring.zoneOfInstance[Int(holder)])] += 1
                }
                for holder in chosen {
                    let zone = Int(ring.zoneOfInstance[Int(holder)])
                    let inZone = zoneHealthy[zone]
                    guard inZone > 0 else { continue }
                    zoneHealthy[zone] = 0
                    if found - inZone < minSuccess {
                        attribution!.zoneKeys[zone] += keys
                        attribution!.zoneRanges[zone] += 1
                    }
                }
            }
        }
        for assignment in outcomes.indices {
            outcomes[assignment].involved = involved[assignment].indices.filter { involved[assignment][$0] }
        }
        return (outcomes, attribution)
    }
}

extension [QuorumOutcome.Span] {
    /// Adds a range to the open span (the last one listed, if the open span is listed at all).
    fileprivate mutating func extend(by keys: UInt64, limit: Int, count: Int) {
        guard count == self.count, count <= limit, !isEmpty else { return }
        self[count - 1].keys += keys
        self[count - 1].ranges += 1
    }
}
