// Token ownership exactly as dskit's /ring page shows it (ring/ring_http.go → ring/ring.go `Desc.CountTokens`):
// - tokens are grouped by zone, and each zone is its own circle (instances without a zone share zone "");
// - each token owns the distance from the previous token of its zone (ring/util.go `tokenDistance`:
//   `to - from`, or `MaxUint32 - from + to + 1` when it wraps; a zone with a single token owns 2^32);
// - percent = owned / MaxUint32 × 100 (so a lone zone sums to 100.0000000233 %), every state counts.
// Where dskit is not deterministic, ringctl is: when two entries hold the same token, dskit credits both
// ranges to whichever instance its Go map iteration wrote last into `getTokensInfo` (possibly in another zone)
// and counts the duplicate as a whole extra circle. ringctl credits the range once, to the first holder in id
// order within the zone, gives the duplicate nothing, and reports the conflict instead.

/// Per-instance owned token range, aligned with `RingDescription.instances`, plus token conflicts.
public struct RingOwnership: Hashable, Sendable {
    /// Sum of token distances owned by each instance, in `RingDescription.instances` order.
    public var ownedRanges: [Int64]
    /// Tokens held more than once anywhere in the ring, sorted by token.
    public var conflicts: [TokenConflict]

    /// dskit's ownership figure for the instance at `index`: owned / MaxUint32 × 100.
    public func percent(at index: Int) -> Double {
        Double(ownedRanges[index]) / Double(UInt32.max) * 100
    }

    /// Computes ownership and conflicts for `ring` in O(tokens) (radix sort, no comparison sort).
    public init(ring: RingDescription) {
        self.init(ring: ring, table: RingTokenTable(ring: ring))
    }

    /// Ownership and conflicts for `ring` from its sorted token table (built once, shared with the replica walk).
    public init(ring: RingDescription, table: RingTokenTable) {
        let instances = ring.instances
        var zoneIndexByName: [String: Int] = [:]
        var zoneOfInstance = [Int](repeating: 0, count: instances.count)
        var tokensInZone: [Int] = []
        for (index, instance) in instances.enumerated() {
            let zone: Int
            if let known = zoneIndexByName[instance.zone] {
                zone = known
            } else {
                zone = tokensInZone.count
                zoneIndexByName[instance.zone] = zone
                tokensInZone.append(0)
            }
            zoneOfInstance[index] = zone
            tokensInZone[zone] += instance.tokens.count
        }
        // token << 32 | instance index, sorted on the high half alone, stably: id order among equal tokens.
        let keys = table.keys

        var conflicts: [TokenConflict] = []
        var byZone = [UInt64](repeating: 0, count: keys.count)
        var owned = [Int64](repeating: 0, count: instances.count)
        keys.withUnsafeBufferPointer { keys in
            // Runs of equal tokens are conflicts.
            var runStart = 0
            while runStart < keys.count {
                var runEnd = runStart + 1
                while runEnd < keys.count, keys[runEnd] >> 32 == keys[runStart] >> 32 { runEnd += 1 }
                if runEnd - runStart > 1 {
                    let holders = keys[runStart..<runEnd].map {
                        instances[Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF)].id
                    }
                    conflicts.append(
                        TokenConflict(token: UInt32(truncatingIfNeeded: keys[runStart] >> 32), holders: holders)
                    )
                }
                runStart = runEnd
            }

            // Split the sorted keys into one sorted circle per zone (a stable pass), then walk each circle.
            var zoneStart = [Int](repeating: 0, count: tokensInZone.count)
            var running = 0
            for zone in tokensInZone.indices {
                zoneStart[zone] = running
                running += tokensInZone[zone]
            }
            byZone.withUnsafeMutableBufferPointer { byZone in
                zoneOfInstance.withUnsafeBufferPointer { zoneOfInstance in
                    var next = zoneStart
                    next.withUnsafeMutableBufferPointer { next in
                        for key in keys {
                            let zone = zoneOfInstance[Int(truncatingIfNeeded: key & 0xFFFF_FFFF)]
                            byZone[next[zone]] = key
                            next[zone] += 1
                        }
                    }
                }
                owned.withUnsafeMutableBufferPointer { owned in
                    for zone in tokensInZone.indices where tokensInZone[zone] > 0 {
                        let first = zoneStart[zone]
                        let last = first + tokensInZone[zone] - 1
                        var previous = UInt32(truncatingIfNeeded: byZone[last] >> 32)
                        for position in first...last {
                            let token = UInt32(truncatingIfNeeded: byZone[position] >> 32)
                            let holder = Int(truncatingIfNeeded: byZone[position] & 0xFFFF_FFFF)
                            if position == first || token != previous {
                                owned[holder] += Self.tokenDistance(from: previous, to: token)
                            }
                            previous = token
                        }
                    }
                }
            }
        }
        self.ownedRanges = owned
        self.conflicts = conflicts
    }

    /// ring/util.go `tokenDistance`: the distance from `from` to `to` on the uint32 circle; a token to itself is 2^32.
    static func tokenDistance(from: UInt32, to: UInt32) -> Int64 {
        from < to ? Int64(to - from) : Int64(UInt32.max) - Int64(from) + Int64(to) + 1
    }

    /// Stable LSD radix sort on bits 32...63, in three passes of 11, 11 and 10 bits (2,048 buckets stay in cache).
    public static func sortByToken(_ keys: inout [UInt64]) {
        guard keys.count > 1 else { return }
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 1 << 11)
        for shift: UInt64 in [32, 43, 54] {
            counts.withUnsafeMutableBufferPointer { counts in
                for bucket in counts.indices { counts[bucket] = 0 }
                keys.withUnsafeBufferPointer { source in
                    for key in source { counts[Int(truncatingIfNeeded: (key >> shift) & 0x7FF)] += 1 }
                    var total = 0
                    for bucket in counts.indices {
                        let count = counts[bucket]
                        counts[bucket] = total
                        total += count
                    }
                    scratch.withUnsafeMutableBufferPointer { target in
                        for key in source {
                            let bucket = Int(truncatingIfNeeded: (key >> shift) & 0x7FF)
                            target[counts[bucket]] = key
                            counts[bucket] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
    }
}

/// A token held more than once: by two instances, or twice by one.
public struct TokenConflict: Hashable, Sendable, Codable {
    /// The contested token.
    public var token: UInt32
    /// Instance ids holding it, in id order, one entry per holding (an id repeats if it holds the token twice).
    public var holders: [String]

    /// A conflict from its fields.
    public init(token: UInt32, holders: [String]) {
        self.token = token
        self.holders = holders
    }
}
