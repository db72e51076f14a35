import Testing

@testable import DskitKV

/// The spec's rings (dskit-ring-operations.md, "Worked examples"): now = 1767226500, timeout 60 s.
enum WorkedRings {
    static let now: Int64 = 1_767_226_500
    static let down = now - 90

    static func instance(
        _ id: String, _ tokens: [UInt32], zone: String = "", state: InstanceState = .active, heartbeat: Int64 = now,
        address: String? = nil
    ) -> InstanceDescription {
        InstanceDescription(
            id: id, address: address ?? "\(id):9095", heartbeatTimestamp: heartbeat, state: state, tokens: tokens,
            zone: zone)
    }

    /// Example 1: zone-aware, one instance per zone.
    static func zoned(downIDs: Set<String> = []) -> RingDescription {
        RingDescription(instances: [
            instance("a-0", [100, 400], zone: "zone-a", heartbeat: downIDs.contains("a-0") ? down : now,
                     address: "10.0.0.1:9095"),
            instance("b-0", [200, 500], zone: "zone-b", heartbeat: downIDs.contains("b-0") ? down : now,
                     address: "10.0.0.2:9095"),
            instance("c-0", [300, 600], zone: "zone-c", heartbeat: downIDs.contains("c-0") ? down : now,
                     address: "10.0.0.3:9095"),
        ])
    }

    /// Example 2: no zones, four instances.
    static func plain(downIDs: Set<String> = [], states: [String: InstanceState] = [:], without: String? = nil)
        -> RingDescription
    {
        let tokens: [String: [UInt32]] = ["a": [10, 50], "b": [20, 60], "c": [30, 70], "d": [40, 80]]
        return RingDescription(
            instances: tokens.keys.sorted().filter { $0 != without }.map { id in
                instance(id, tokens[id]!, state: states[id] ?? .active, heartbeat: downIDs.contains(id) ? down : now)
            })
    }

    static func set(
        _ ring: RingDescription, key: UInt32, operation: RingOperation = .write, rf: Int = 3, zoneAware: Bool = false
    ) -> (ids: [String], set: ReplicaSet)? {
        let view = ReplicationRing(ring: ring)
        let healthy = view.heartbeatHealthy(now: Double(now), timeoutSeconds: 60)
        guard
            let set = view.replicaSet(
                forKey: key, operation: operation,
                settings: ReplicationSettings(replicationFactor: rf, zoneAwareness: zoneAware),
                heartbeatHealthy: healthy)
        else { return nil }
        return (set.chosen.map { ring.instances[$0].id }, set)
    }
}

@Suite("ReplicationRing: dskit's replica-set walk (findInstancesForKey) and key ranges")
struct ReplicationRingTests {
    typealias W = WorkedRings

    @Test("searchToken: the first token strictly greater than the key, wrapping to 0")
    func searchToken() {
        let view = ReplicationRing(ring: W.plain())
        #expect(view.tokens == [10, 20, 30, 40, 50, 60, 70, 80])
        #expect(view.start(forKey: 0) == 0)
        #expect(view.start(forKey: 9) == 0)
        #expect(view.start(forKey: 10) == 1)
        #expect(view.start(forKey: 79) == 7)
        #expect(view.start(forKey: 80) == 0)
        #expect(view.start(forKey: .max) == 0)
        #expect(ReplicationRing(ring: RingDescription(instances: [])).start(forKey: 5) == nil)
    }

    @Test("example 1: key 250 starts at 300 and picks c-0, a-0, b-0; n 3, minSuccess 2, MaxErrors 1")
    func example1() throws {
        let (ids, set) = try #require(W.set(W.zoned(), key: 250, zoneAware: true))
        #expect(ids == ["c-0", "a-0", "b-0"])
        #expect(set.minSuccess == 2 && set.maxErrors == 1 && set.succeeds)
        let (_, oneDown) = try #require(W.set(W.zoned(downIDs: ["b-0"]), key: 250, zoneAware: true))
        #expect(oneDown.maxErrors == 0 && oneDown.succeeds)
        let (_, twoDown) = try #require(W.set(W.zoned(downIDs: ["b-0", "c-0"]), key: 250, zoneAware: true))
        #expect(
            twoDown.error == "at least 2 live replicas required across different availability zones, could only find 1"
                + " - unhealthy instances: 10.0.0.3:9095,10.0.0.2:9095")
    }

    @Test("example 1 with two zones: RF 3 picks 2 instances, minSuccess stays 2, so one down already fails")
    func twoZones() throws {
        let ring = RingDescription(instances: W.zoned().instances.filter { $0.zone != "zone-c" })
        let (ids, set) = try #require(W.set(ring, key: 250, zoneAware: true))
        #expect(ids == ["a-0", "b-0"])
        #expect(set.minSuccess == 2 && set.maxErrors == 0)
        var down = ring
        down.instances[1].heartbeatTimestamp = W.down
        let (_, failed) = try #require(W.set(down, key: 250, zoneAware: true))
        #expect(
            failed.error == "at least 2 live replicas required across different availability zones, could only find 1"
                + " - unhealthy instances: 10.0.0.2:9095")
    }

    static let example2Sets: [(UInt32, [String])] = [
        (85, ["a", "b", "c"]), (5, ["a", "b", "c"]), (10, ["b", "c", "d"]), (25, ["c", "d", "a"]),
        (30, ["d", "a", "b"]), (45, ["a", "b", "c"]), (50, ["b", "c", "d"]), (69, ["c", "d", "a"]),
        (70, ["d", "a", "b"]),
    ]

    @Test("example 2: every range's replica set (no zones, RF 3)", arguments: example2Sets)
    func example2(key: UInt32, expected: [String]) throws {
        #expect(try #require(W.set(W.plain(), key: key)).ids == expected)
    }

    @Test("example 2: with d down, a going down fails [20,40) and [60,80); key 25 names d then a")
    func example2Down() throws {
        let ring = W.plain(downIDs: ["a", "d"])
        for key: UInt32 in [20, 25, 39, 60, 79] {
            #expect(try #require(W.set(ring, key: key)).set.succeeds == false, "key \(key)")
        }
        for key: UInt32 in [5, 19, 40, 59, 80] {
            #expect(try #require(W.set(ring, key: key)).set.succeeds, "key \(key)")
        }
        #expect(
            try #require(W.set(ring, key: 25)).set.error
                == "at least 2 live replicas required, could only find 1 - unhealthy instances: d:9095,a:9095")
    }

    @Test("example 3: b LEAVING extends Write (a, b, c, d: n 4, minSuccess 3) but not WriteNoExtend")
    func example3() throws {
        let ring = W.plain(states: ["b": .leaving])
        let (ids, write) = try #require(W.set(ring, key: 5))
        #expect(ids == ["a", "b", "c", "d"])
        #expect(write.minSuccess == 3 && write.healthy.map { ring.instances[$0].id } == ["a", "c", "d"])
        #expect(write.maxErrors == 0)
        let (noExtendIDs, noExtend) = try #require(W.set(ring, key: 5, operation: .writeNoExtend))
        #expect(noExtendIDs == ["a", "b", "c"])
        #expect(noExtend.minSuccess == 2 && noExtend.healthy.map { ring.instances[$0].id } == ["a", "c"])
        #expect(noExtend.maxErrors == 0)
        // Read serves from LEAVING and does not extend on it.
        let (readIDs, read) = try #require(W.set(ring, key: 5, operation: .read))
        #expect(readIDs == ["a", "b", "c"] && read.maxErrors == 1)
    }

    @Test("example 4: forgetting the crashed d re-forms every walk from a, b, c: MaxErrors 1 everywhere")
    func example4() throws {
        let ring = W.plain(without: "d")
        for key: UInt32 in [0, 15, 25, 35, 45, 55, 65, 75, 85] {
            let (ids, set) = try #require(W.set(ring, key: key))
            #expect(Set(ids) == ["a", "b", "c"] && set.maxErrors == 1, "key \(key)")
        }
    }

    @Test("RF 1 and 2 tolerate no failure, RF 5 tolerates 2")
    func replicationFactors() throws {
        let one = try #require(W.set(W.plain(), key: 5, rf: 1))
        #expect(one.ids == ["a"] && one.set.minSuccess == 1 && one.set.maxErrors == 0)
        let two = try #require(W.set(W.plain(), key: 5, rf: 2))
        #expect(two.ids == ["a", "b"] && two.set.minSuccess == 2 && two.set.maxErrors == 0)
        let twoDown = try #require(W.set(W.plain(downIDs: ["b"]), key: 5, rf: 2))
        #expect(twoDown.set.error == "at least 2 live replicas required, could only find 1 - unhealthy instances: b:9095")
        // RF 5 with 4 instances: all four, n = 5, minSuccess 3.
        let five = try #require(W.set(W.plain(), key: 5, rf: 5))
        #expect(five.ids == ["a", "b", "c", "d"] && five.set.minSuccess == 3 && five.set.maxErrors == 1)
    }

    @Test("heartbeat: the timeout is inclusive, a timestamp of 0 is stale, a future heartbeat is healthy")
    func heartbeatBoundary() {
        let ring = RingDescription(instances: [
            W.instance("at", [1], heartbeat: W.now - 60), W.instance("past", [2], heartbeat: W.now - 61),
            W.instance("never", [3], heartbeat: 0), W.instance("future", [4], heartbeat: W.now + 3600),
        ])
        let healthy = ReplicationRing(ring: ring).heartbeatHealthy(now: Double(W.now), timeoutSeconds: 60)
        let byID = Dictionary(uniqueKeysWithValues: zip(ring.instances.map(\.id), healthy))
        #expect(byID == ["at": true, "past": false, "never": false, "future": true])
    }

    @Test("JOINING and PENDING extend Write; PENDING serves Read and extends it; a stale one is dropped, not skipped")
    func transitionalStates() throws {
        let joining = W.plain(states: ["a": .joining])
        let write = try #require(W.set(joining, key: 5))
        #expect(write.ids == ["a", "b", "c", "d"] && write.set.healthy.count == 3 && write.set.minSuccess == 3)
        let pending = W.plain(states: ["a": .pending])
        let read = try #require(W.set(pending, key: 5, operation: .read))
        #expect(read.ids == ["a", "b", "c", "d"] && read.set.healthy.count == 4 && read.set.maxErrors == 1)
        // A crashed ACTIVE instance (stale heartbeat) does not extend: it stays in the set and costs quorum.
        let crashed = try #require(W.set(W.plain(downIDs: ["a"]), key: 5))
        #expect(crashed.ids == ["a", "b", "c"] && crashed.set.unhealthy == [0] && crashed.set.maxErrors == 0)
    }

    @Test("read-only instances stay in Get's replica sets (only ShuffleShard drops them)")
    func readOnly() throws {
        var ring = W.plain()
        ring.instances[0].readOnly = true
        #expect(try #require(W.set(ring, key: 5)).ids == ["a", "b", "c"])
    }

    @Test("LEFT entries are not in the client's ring: no tokens, no zone, not counted")
    func leftHidden() throws {
        let ring = RingDescription(
            instances: W.zoned().instances + [W.instance("x", [250], zone: "zone-x", state: .left)])
        let view = ReplicationRing(ring: ring)
        #expect(view.zones == ["zone-a", "zone-b", "zone-c"] && view.memberCount == 3)
        #expect(!view.tokens.contains(250))
        #expect(try #require(W.set(ring, key: 250, zoneAware: true)).ids == ["c-0", "a-0", "b-0"])
    }

    @Test("uneven zones: a zone with one token still gives every key its replica")
    func unevenZones() throws {
        var instances: [InstanceDescription] = []
        for index in 0..<4 {
            instances.append(W.instance("a-\(index)", (0..<50).map { UInt32(index * 1000 + $0 * 10 + 1) }, zone: "zone-a"))
            instances.append(W.instance("b-\(index)", (0..<50).map { UInt32(index * 1000 + $0 * 10 + 2) }, zone: "zone-b"))
        }
        instances.append(W.instance("c-0", [7], zone: "zone-c"))
        let ring = RingDescription(instances: instances)
        for key: UInt32 in [0, 8, 500, 3999, 4_000_000_000] {
            let (ids, set) = try #require(W.set(ring, key: key, zoneAware: true))
            #expect(ids.count == 3 && ids.contains("c-0") && set.maxErrors == 1, "key \(key)")
            #expect(Set(ids.map { String($0.prefix(1)) }) == ["a", "b", "c"])
        }
    }

    @Test("a zone whose only instance has no tokens: the walk picks the other zones' replicas, minSuccess still 2")
    func tokenlessZone() throws {
        let ring = RingDescription(
            instances: W.zoned().instances.filter { $0.zone != "zone-c" }
                + [W.instance("c-new", [], zone: "zone-c", state: .pending)])
        let (ids, set) = try #require(W.set(ring, key: 250, zoneAware: true))
        #expect(ids == ["a-0", "b-0"] && set.minSuccess == 2 && set.maxErrors == 0)
    }

    @Test("zone-aware with instances of no zone: those are never counted, so they only fill up the size")
    func unnamedZone() throws {
        let ring = RingDescription(instances: [
            W.instance("a", [10], zone: "zone-a"), W.instance("b", [20], zone: "zone-a"), W.instance("n", [30]),
            W.instance("m", [40]),
        ])
        // From 10: a (zone-a counted), b skipped (zone-a full), n and m (no zone, never counted).
        #expect(try #require(W.set(ring, key: 5, zoneAware: true)).ids == ["a", "n", "m"])
    }

    @Test("key ranges: each position's keys, the wrap at 0, and a token held twice")
    func keyRanges() {
        let view = ReplicationRing(ring: W.plain())
        let (first, count) = view.keyRanges()
        #expect(first[1] == 10 && count[1] == 10)
        #expect(first[0] == 80 && count[0] == UInt64(1) << 32 - 80 + 10)
        #expect(count.reduce(0, +) == 1 << 32)
        let doubled = ReplicationRing(ring: RingDescription(instances: [W.instance("a", [10, 20]), W.instance("b", [20])]))
        #expect(doubled.tokens == [10, 20, 20] && doubled.holders == [0, 0, 0])
        let ranges = doubled.keyRanges()
        // Keys 10...19 start at the first 20; key 20 itself starts at the second copy (searchToken's +1).
        #expect(ranges.first == [21, 10, 20] && ranges.count == [UInt64(1) << 32 - 11, 10, 1])
        #expect(doubled.start(forKey: 20) == 2 && doubled.start(forKey: 15) == 1 && doubled.start(forKey: 21) == 0)
        let single = ReplicationRing(ring: RingDescription(instances: [W.instance("a", [7])])).keyRanges()
        #expect(single.first == [7] && single.count == [1 << 32])
    }
}
