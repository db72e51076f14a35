// The ring as dskit's Ring client sees it, ready for the replica-set walk (grafana/dskit ring/ring.go
// `setRingStateFromDesc`, `findInstancesForKey`; ring/util.go `searchToken`, `getZones`; ring/model.go
// `GetTokens`, `getTokensInfo`, `instancesCountPerZone`):
// - LEFT entries are not there: the memberlist KV hides them from every client (`KV.get`);
// - T = every token of the remaining instances, sorted; a key starts its walk at the first token strictly
//   greater than it (`searchToken`: lower bound, +1 when equal, wrapping to 0), so there are len(T) ranges;
// - zones = every zone with at least one instance, tokens or not, sorted (`getZones(getTokensByZone())`).
// Where dskit is not deterministic, ringctl is: a token held twice appears twice in T (dskit's MergeTokens keeps
// both), and dskit's token→owner map keeps whichever holder its map iteration wrote last; ringctl gives every copy
// to the first holder in id order, as RingOwnership credits it.

/// The sorted token circle of a ring's non-LEFT instances, with owners and zones, shared by every walk.
public struct ReplicationRing: Sendable {
    /// Every instance of the ring (LEFT ones included, so indices match `RingDescription.instances`).
    public let instances: [InstanceDescription]
    /// T: the members' tokens, sorted.
    public let tokens: [UInt32]
    /// The instance (index into `instances`) owning each position of `tokens`.
    public let holders: [Int32]
    /// Zone names, sorted: every zone of a member (an instance that is not LEFT), "" included.
    public let zones: [String]
    /// The zone (index into `zones`) of each instance; -1 for LEFT ones.
    public let zoneOfInstance: [Int32]
    /// dskit's `instancesCountPerZone`: members per zone, tokens or not.
    public let membersPerZone: [Int]
    /// dskit's `len(ringDesc.Ingesters)` as the client sees it: instances that are not LEFT.
    public let memberCount: Int
    /// Members owning at least one position of `tokens`, per zone, and in all: the walk can reach no others.
    let reachablePerZone: [Int]
    let reachableCount: Int
    /// The index of zone "" in `zones`, if any member has no zone.
    let unnamedZone: Int?
    /// Positions of `tokens` per zone, ascending (for the zone-aware walk's jumps).
    let positionsByZone: [[Int32]]

    /// Builds the client's view of `ring` from its sorted token table.
    public init(ring: RingDescription, table: RingTokenTable) {
        let instances = ring.instances
        let isMember = instances.map { $0.state != .left }
        let zones = Array(Set(instances.indices.filter { isMember[$0] }.map { instances[$0].zone })).sorted()
        var zoneIndex: [String: Int32] = [:]
        for (index, zone) in zones.enumerated() { zoneIndex[zone] = Int32(index) }
        let zoneOfInstance = instances.indices.map { isMember[$0] ? zoneIndex[instances[$0].zone]! : -1 }
        var membersPerZone = [Int](repeating: 0, count: zones.count)
        for zone in zoneOfInstance where zone >= 0 { membersPerZone[Int(zone)] += 1 }

        var tokens: [UInt32] = []
        var holders: [Int32] = []
        tokens.reserveCapacity(table.keys.count)
        holders.reserveCapacity(table.keys.count)
        for key in table.keys {
            let holder = RingTokenTable.holder(key)
            guard isMember[holder] else { continue }
            let token = RingTokenTable.token(key)
            // Equal tokens sort by holder index: the first copy's holder owns every copy.
            let owner = tokens.last == token ? holders[holders.count - 1] : Int32(truncatingIfNeeded: holder)
            tokens.append(token)
            holders.append(owner)
        }
        var reachable = [Bool](repeating: false, count: instances.count)
        var positionsByZone = [[Int32]](repeating: [], count: zones.count)
        for (position, holder) in holders.enumerated() {
            reachable[Int(holder)] = true
            positionsByZone[Int(zoneOfInstance[Int(holder)])].append(Int32(truncatingIfNeeded: position))
        }
        var reachablePerZone = [Int](repeating: 0, count: zones.count)
        for index in instances.indices where reachable[index] { reachablePerZone[Int(zoneOfInstance[index])] += 1 }

        self.instances = instances
        self.tokens = tokens
        self.holders = holders
        self.zones = zones
        self.zoneOfInstance = zoneOfInstance
        self.membersPerZone = membersPerZone
        self.memberCount = isMember.filter { $0 }.count
        self.reachablePerZone = reachablePerZone
        self.reachableCount = reachable.filter { $0 }.count
        self.unnamedZone = zones.firstIndex(of: "")
        self.positionsByZone = positionsByZone
    }

    /// The client's view of `ring` (sorts its tokens).
    public init(ring: RingDescription) {
        self.init(ring: ring, table: RingTokenTable(ring: ring))
    }

    /// ring/util.go `searchToken`: the position a key's walk starts at (first token > key, wrapping); nil for an
    /// empty ring (dskit's "empty ring" error).
    public func start(forKey key: UInt32) -> Int? {
        guard !tokens.isEmpty else { return nil }
        var low = 0
        var high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle] < key { low = middle + 1 } else { high = middle }
        }
        if low < tokens.count, tokens[low] == key { low += 1 }
        return low >= tokens.count ? 0 : low
    }

    /// The keys whose walk starts at each position: `first[i]` and `count[i]` keys from it on, wrapping (0 for a
    /// position no key starts at, the second copy of a token held twice aside, which gets the token itself).
    public func keyRanges() -> (first: [UInt32], count: [UInt64]) {
        let n = tokens.count
        var first = [UInt32](repeating: 0, count: n)
        var count = [UInt64](repeating: 0, count: n)
        guard n > 0 else { return (first, count) }
        // Runs of equal tokens: a key strictly between the previous distinct token and this one starts at the run's
        // first position; the token itself starts one position later (searchToken's +1).
        var runStarts: [Int] = []
        for position in 0..<n where position == 0 || tokens[position] != tokens[position - 1] {
            runStarts.append(position)
        }
        for (index, run) in runStarts.enumerated() {
            let previous = tokens[runStarts[(index + runStarts.count - 1) % runStarts.count]]
            first[run] = previous &+ 1
            count[run] = UInt64(tokens[run] &- previous &- 1)
        }
        for run in runStarts {
            let next = (run + 1) % n
            first[next] = tokens[run]
            count[next] += 1
        }
        return (first, count)
    }
}

/// dskit's `findInstancesForKey` with the configured replication factor, reusable across walks (no allocation per
/// walk). The result is the same instances in the same order; the walk only stops sooner once nothing more could
/// be added (every instance it can still reach is chosen, or every zone has its replica or has no unexamined
/// instance with a token), where dskit would step on through every remaining token in vain.
public struct ReplicaWalker {
    /// The ring walked.
    public let ring: ReplicationRing
    /// The configured replication factor (dskit's `ReplicationFactor`, also its zone count target).
    public let replicationFactor: Int
    /// dskit's `zone_awareness_enabled`.
    public let zoneAware: Bool
    /// The instances the last walk chose, in walk order (indices into `ring.instances`).
    public private(set) var chosen: [Int32] = []
    /// With `traceSkips`: the instances the last walk passed over because their zone already had its replica, in
    /// the order first met (the walk then steps token by token, as dskit does, instead of jumping).
    public private(set) var skippedForZone: [Int32] = []
    /// Whether to record `skippedForZone` (for `lookup`; the sweeps leave it off).
    public var traceSkips = false
    private var found: [Int]
    private var examined: [Int]
    /// With `precomputeNearest()`: for every start position, the nearest holder of each zone in walk order,
    /// `nearestWidth` of them per position (empty otherwise).
    private var nearest: [Int32] = []
    private var nearestWidth = 0

    /// A walker over `ring`.
    public init(ring: ReplicationRing, replicationFactor: Int, zoneAware: Bool) {
        self.ring = ring
        self.replicationFactor = replicationFactor
        self.zoneAware = zoneAware
        found = [Int](repeating: 0, count: ring.zones.count)
        examined = [Int](repeating: 0, count: ring.zones.count)
        chosen.reserveCapacity(max(8, replicationFactor * 2))
    }

    /// Prepares every start position's zone-aware answer at once, for a sweep over all ranges (quorum, effective
    /// ownership): in O(tokens × zones) instead of a walk per range.
    ///
    /// The zone-aware walk with one replica per zone chooses, from its start, the first holder of each zone it
    /// meets, nearest first, until it has min(RF, members, zones with tokens) of them. An instance whose state
    /// extends the set changes that only if it is one of those first holders (any later one is met after its zone
    /// already has its replica, or never), so `walk` uses the prepared answer when none of its holders extends and
    /// walks otherwise. Not prepared (every walk walks) without zone awareness, with members of zone "" (dskit
    /// counts no replica there), or with more than 64 zones.
    public mutating func precomputeNearest() {
        nearest = []
        nearestWidth = 0
        let n = ring.tokens.count
        let zonesWithTokens = ring.positionsByZone.filter { !$0.isEmpty }.count
        let width = min(replicationFactor, ring.memberCount, zonesWithTokens)
        guard zoneAware, ring.unnamedZone == nil, n > 0, width > 0, ring.zones.count <= 64 else { return }
        var table = [Int32](repeating: 0, count: n * width)
        // Backwards over two turns of the circle: `order[0..<known]` holds the zones met so far, nearest first, and
        // `next[z]` where zone z is next met; from the second turn on, every zone with a token is in it.
        var next = [Int](repeating: 0, count: ring.zones.count)
        var order = [Int](repeating: 0, count: ring.zones.count)
        var known = 0
        ring.holders.withUnsafeBufferPointer { holders in
            ring.zoneOfInstance.withUnsafeBufferPointer { zoneOf in
                table.withUnsafeMutableBufferPointer { table in
                    next.withUnsafeMutableBufferPointer { next in
                        order.withUnsafeMutableBufferPointer { order in
                            var index = 2 * n - 1
                            while index >= 0 {
                                let position = index >= n ? index - n : index
                                let zone = Int(zoneOf[Int(holders[position])])
                                next[zone] = position
                                if known == 0 || order[0] != zone {
                                    // Move the zone to the front (a new one joins the list).
                                    var at = 0
                                    while at < known && order[at] != zone { at += 1 }
                                    if at == known { known += 1 }
                                    while at > 0 {
                                        order[at] = order[at - 1]
                                        at -= 1
                                    }
                                    order[0] = zone
                                }
                                if index < n {
                                    let base = index * width
                                    for slot in 0..<width { table[base + slot] = holders[next[order[slot]]] }
                                }
                                index -= 1
                            }
                        }
                    }
                }
            }
        }
        nearest = table
        nearestWidth = width
    }

    /// Walks from token position `start`; `extends[i]` says whether instance i's state extends the set for the
    /// operation (`RingOperation.extends(on:)`). The result is in `chosen`.
    public mutating func walk(from start: Int, extends: [Bool]) {
        chosen.removeAll(keepingCapacity: true)
        skippedForZone.removeAll(keepingCapacity: true)
        let n = ring.tokens.count
        guard n > 0 else { return }
        if nearestWidth > 0, !traceSkips, start < n {
            let base = start * nearestWidth
            var prepared = true
            for slot in 0..<nearestWidth where extends[Int(nearest[base + slot])] {
                prepared = false
                break
            }
            if prepared {
                for slot in 0..<nearestWidth { chosen.append(nearest[base + slot]) }
                return
            }
        }
        if zoneAware {
            for zone in found.indices {
                found[zone] = 0
                examined[zone] = 0
            }
        }
        var size = replicationFactor
        var offset = 0
        // Tokens passed over in a row; after a few, the zone-aware walk jumps (dskit steps over every one).
        var passed = 0
        while offset < n, chosen.count < min(ring.memberCount, size), chosen.count < ring.reachableCount {
            if zoneAware {
                // No zone that can still give a replica: dskit's canStopLooking, or a walk that would add nothing
                // more. Otherwise, after a run of passed tokens, jump to the next token of such a zone.
                guard hasOpenZone() else { break }
                if passed >= Self.jumpAfter && !traceSkips {
                    guard let next = nextCandidate(after: (start + offset) % n), offset + next < n else { break }
                    offset += next
                    passed = 0
                }
            }
            let position = (start + offset) % n
            offset += 1
            let holder = ring.holders[position]
            if chosen.contains(holder) {
                passed += 1
                continue
            }
            let zone = Int(ring.zoneOfInstance[Int(holder)])
            if zoneAware {
                if zone != ring.unnamedZone, found[zone] >= 1 {
                    if traceSkips && !skippedForZone.contains(holder) { skippedForZone.append(holder) }
                    passed += 1
                    continue
                }
                // For zone "" dskit counts nothing; ringctl counts what it chose there to know when to stop.
                examined[zone] += 1
            }
            chosen.append(holder)
            passed = 0
            if extends[Int(holder)] {
                size += 1
            } else if zoneAware && zone != ring.unnamedZone {
                found[zone] += 1
            }
        }
    }

    /// How many tokens in a row the zone-aware walk steps over before it jumps.
    static let jumpAfter = 8

    /// Whether zone `zone` can still give a replica: it has none counted (zone "" never counts one) and an
    /// instance with a token not yet chosen.
    @inline(__always)
    private func isOpen(_ zone: Int) -> Bool {
        (zone == ring.unnamedZone || found[zone] < 1) && examined[zone] < ring.reachablePerZone[zone]
    }

    private func hasOpenZone() -> Bool {
        for zone in found.indices where isOpen(zone) { return true }
        return false
    }

    /// The distance from `position` to the nearest token of a zone that can still give a replica; nil if none can.
    private func nextCandidate(after position: Int) -> Int? {
        let n = ring.tokens.count
        var best: Int?
        for zone in found.indices {
            guard isOpen(zone) else { continue }
            let positions = ring.positionsByZone[zone]
            guard let firstPosition = positions.first else { continue }
            var low = 0
            var high = positions.count
            while low < high {
                let middle = (low + high) / 2
                if Int(positions[middle]) < position { low = middle + 1 } else { high = middle }
            }
            let distance = low < positions.count ? Int(positions[low]) - position : Int(firstPosition) + n - position
            if best.map({ distance < $0 }) ?? true { best = distance }
        }
        return best
    }
}
