import Testing

@testable import DskitKV

/// dskit's `findInstancesForKey` and `Filter` written out literally (dictionaries, sets, a linear search, the
/// canStopLooking test with every instance of a zone, at most len(T) steps): slow, plain, and independent of the
/// fast walk's jumps and early stops.
enum ReferenceWalk {
    static func chosen(_ ring: RingDescription, key: UInt32, rf: Int, zoneAware: Bool, operation: RingOperation)
        -> [String]
    {
        let members = ring.instances.filter { $0.state != .left }
        var owner: [UInt32: String] = [:]
        var tokens: [UInt32] = []
        for member in members {
            for token in member.tokens {
                tokens.append(token)
                if owner[token] == nil { owner[token] = member.id }
            }
        }
        tokens.sort()
        guard !tokens.isEmpty else { return [] }
        var start = tokens.firstIndex { $0 >= key } ?? tokens.count
        if start < tokens.count, tokens[start] == key { start += 1 }
        if start >= tokens.count { start = 0 }

        let byID = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0) })
        let zones = Set(members.map(\.zone)).sorted()
        var total: [String: Int] = [:]
        for member in members { total[member.zone, default: 0] += 1 }
        var examined: [String: Int] = [:]
        var found: [String: Int] = [:]
        var distinct = Set<String>()
        var result: [String] = []
        var size = rf
        var iterations = 0
        var index = start
        while distinct.count < min(members.count, size) && iterations < tokens.count {
            if zoneAware && zones.allSatisfy({ found[$0, default: 0] >= 1 || examined[$0, default: 0] >= total[$0]! }) {
                break
            }
            iterations += 1
            index %= tokens.count
            defer { index += 1 }
            let id = owner[tokens[index]]!
            if distinct.contains(id) { continue }
            let instance = byID[id]!
            if zoneAware && instance.zone != "" {
                if found[instance.zone, default: 0] >= 1 { continue }
                examined[instance.zone, default: 0] += 1
            }
            distinct.insert(id)
            if operation.extends(on: instance.state) {
                size += 1
            } else if zoneAware && instance.zone != "" {
                found[instance.zone, default: 0] += 1
            }
            result.append(id)
        }
        return result
    }

    static func error(_ ring: RingDescription, chosen: [String], rf: Int, zoneAware: Bool, operation: RingOperation,
                      now: Int64, timeout: Int64) -> String?
    {
        let byID = Dictionary(uniqueKeysWithValues: ring.instances.map { ($0.id, $0) })
        let n = max(rf, chosen.count)
        let minSuccess = n / 2 + 1
        let unhealthy = chosen.filter {
            let instance = byID[$0]!
            return !(operation.serves(instance.state) && now - instance.heartbeatTimestamp <= timeout)
        }
        let healthy = chosen.count - unhealthy.count
        guard healthy < minSuccess else { return nil }
        var text = "at least \(minSuccess) live replicas required"
        if zoneAware { text += " across different availability zones" }
        text += ", could only find \(healthy)"
        if !unhealthy.isEmpty { text += " - unhealthy instances: " + unhealthy.map { byID[$0]!.address }.joined(separator: ",") }
        return text
    }
}

@Suite("ReplicaWalker: the fast walk equals a literal transcription of dskit's on random rings")
struct ReplicaWalkPropertyTests {
    static func randomRing(_ random: inout SplitMix64) -> RingDescription {
        let zoneChoices = [["zone-a"], ["zone-a", "zone-b"], ["zone-a", "zone-b", "zone-c"], [""], ["", "zone-a", "zone-b"],
                           ["zone-a", "zone-b", "zone-c", "zone-d", "zone-e"]]
        let zones = zoneChoices[Int(random.next() % UInt64(zoneChoices.count))]
        let states: [InstanceState] = [.active, .active, .active, .active, .leaving, .pending, .joining, .left,
                                       InstanceState(rawValue: 7)]
        // Small token space: duplicates (within and across instances) happen.
        let wide = random.next() % 2 == 0
        let count = 1 + Int(random.next() % 10)
        let instances = (0..<count).map { index in
            let tokens = (0..<Int(random.next() % 6)).map { _ in
                wide ? UInt32(truncatingIfNeeded: random.next()) : UInt32(random.next() % 40) * 100
            }
            return InstanceDescription(
                id: "i-\(index)", address: "10.0.0.\(index):9095",
                heartbeatTimestamp: random.next() % 5 == 0 ? 1000 - 100 : 1000 - Int64(random.next() % 10),
                state: states[Int(random.next() % UInt64(states.count))], tokens: tokens,
                zone: zones[Int(random.next() % UInt64(zones.count))])
        }
        return RingDescription(instances: instances)
    }

    @Test("the prepared all-ranges answer (precomputeNearest) equals dskit's literal walk at every range start")
    func preparedNearestEqualsReference() {
        var random = SplitMix64(seed: 20_261_203)
        var prepared = 0
        for _ in 0..<400 {
            let ring = Self.randomRing(&random)
            let view = ReplicationRing(ring: ring)
            let rf = 1 + Int(random.next() % 5)
            let operation = RingOperation.all[Int(random.next() % 4)]
            let extends = ring.instances.map { operation.extends(on: $0.state) }
            var walker = ReplicaWalker(ring: view, replicationFactor: rf, zoneAware: true)
            walker.precomputeNearest()
            let (first, counts) = view.keyRanges()
            for position in first.indices where counts[position] > 0 {
                walker.walk(from: position, extends: extends)
                let expected = ReferenceWalk.chosen(
                    ring, key: first[position], rf: rf, zoneAware: true, operation: operation)
                #expect(
                    walker.chosen.map { ring.instances[Int($0)].id } == expected,
                    "start \(position) rf \(rf) \(operation) ring \(ring.instances)")
            }
            if !view.tokens.isEmpty && !view.zones.contains("") { prepared += 1 }
        }
        #expect(prepared > 100)  // rings the prepared answer applies to (no zone "")
    }

    @Test("400 seeded random rings × every range start and random keys, every operation, RF 1...5, zones on and off")
    func randomRings() {
        var random = SplitMix64(seed: 20_261_202)
        var compared = 0
        for _ in 0..<400 {
            let ring = Self.randomRing(&random)
            let view = ReplicationRing(ring: ring)
            let rf = 1 + Int(random.next() % 5)
            let zoneAware = random.next() % 2 == 0
            let operation = RingOperation.all[Int(random.next() % 4)]
            let settings = ReplicationSettings(replicationFactor: rf, zoneAwareness: zoneAware)
            let healthy = view.heartbeatHealthy(now: 1000, timeoutSeconds: 60)
            let (first, counts) = view.keyRanges()
            var keys: [UInt32] = (0..<20).map { _ in UInt32(truncatingIfNeeded: random.next()) }
            keys += view.tokens + view.tokens.map { $0 &- 1 } + view.tokens.map { $0 &+ 1 }
            keys += first.indices.filter { counts[$0] > 0 }.map { first[$0] }
            for key in keys {
                let expected = ReferenceWalk.chosen(ring, key: key, rf: rf, zoneAware: zoneAware, operation: operation)
                guard let set = view.replicaSet(forKey: key, operation: operation, settings: settings, heartbeatHealthy: healthy)
                else {
                    #expect(view.tokens.isEmpty && expected.isEmpty)
                    continue
                }
                let ids = set.chosen.map { ring.instances[$0].id }
                #expect(ids == expected, "key \(key) rf \(rf) zones \(zoneAware) \(operation) ring \(ring.instances)")
                // The token-by-token walk (lookup's, which records zone skips) chooses the same.
                var stepping = ReplicaWalker(ring: view, replicationFactor: rf, zoneAware: zoneAware)
                stepping.traceSkips = true
                stepping.walk(from: view.start(forKey: key)!, extends: ring.instances.map { operation.extends(on: $0.state) })
                #expect(stepping.chosen.map(Int.init) == set.chosen)
                #expect(
                    set.error == ReferenceWalk.error(
                        ring, chosen: expected, rf: rf, zoneAware: zoneAware, operation: operation, now: 1000,
                        timeout: 60))
                compared += 1
            }
            // Every key range starts where searchToken says, and the ranges cover the key space once.
            if !view.tokens.isEmpty {
                #expect(counts.reduce(0, +) == 1 << 32)
                for position in first.indices where counts[position] > 0 {
                    #expect(view.start(forKey: first[position]) == position)
                    let last = first[position] &+ UInt32(truncatingIfNeeded: counts[position] - 1)
                    #expect(view.start(forKey: last) == position)
                }
            }
        }
        #expect(compared > 5000)
    }

    @Test("60 larger seeded rings with skewed zones (the zone-aware walk's jumps): the same instances as dskit's loop")
    func skewedZones() {
        var random = SplitMix64(seed: 7_919)
        for _ in 0..<60 {
            let count = 6 + Int(random.next() % 20)
            let instances = (0..<count).map { index in
                // Zone c is small and sparse: long runs of a and b tokens between its few.
                let zone = index % 7 == 0 ? "zone-c" : index % 2 == 0 ? "zone-a" : "zone-b"
                let tokens = (0..<(zone == "zone-c" ? 1 + Int(random.next() % 2) : 10 + Int(random.next() % 30))).map { _ in
                    UInt32(truncatingIfNeeded: random.next())
                }
                let states: [InstanceState] = [.active, .active, .active, .active, .active, .leaving, .joining, .pending]
                return InstanceDescription(
                    id: "i-\(index)", address: "10.0.0.\(index):9095", heartbeatTimestamp: 1000,
                    state: states[Int(random.next() % UInt64(states.count))], tokens: tokens,
                    zone: random.next() % 13 == 0 ? "" : zone)
            }
            let ring = RingDescription(instances: instances)
            let view = ReplicationRing(ring: ring)
            let rf = 2 + Int(random.next() % 3)
            let operation = RingOperation.all[Int(random.next() % 4)]
            let extends = ring.instances.map { operation.extends(on: $0.state) }
            var walker = ReplicaWalker(ring: view, replicationFactor: rf, zoneAware: true)
            for _ in 0..<200 {
                let key = UInt32(truncatingIfNeeded: random.next())
                walker.walk(from: view.start(forKey: key)!, extends: extends)
                let expected = ReferenceWalk.chosen(ring, key: key, rf: rf, zoneAware: true, operation: operation)
                #expect(walker.chosen.map { ring.instances[Int($0)].id } == expected, "key \(key) rf \(rf)")
            }
        }
    }
}
