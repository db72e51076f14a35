import Testing

@testable import DskitKV

@Suite("QuorumSweep: every range judged now and with instances down, and what each alone would fail")
struct QuorumSweepTests {
    typealias W = WorkedRings

    static func sweep(
        _ ring: RingDescription, down: [String] = [], zoneAware: Bool = false, attribute: Bool = false,
        operation: RingOperation = .write
    ) -> (outcomes: [QuorumOutcome], attribution: QuorumAttribution?) {
        let view = ReplicationRing(ring: ring)
        let inputs = ReplicaInputs(
            operation: operation, states: ring.instances.map(\.state),
            heartbeatHealthy: view.heartbeatHealthy(now: Double(W.now), timeoutSeconds: 60))
        var downHealthy = inputs.healthy
        for (index, instance) in ring.instances.enumerated() where down.contains(instance.id) { downHealthy[index] = false }
        return QuorumSweep.run(
            ring: view, settings: ReplicationSettings(zoneAwareness: zoneAware), extends: inputs.extends,
            healthy: [inputs.healthy, downHealthy], attribute: attribute)
    }

    @Test("example 2: with d down, a down fails [20,40) and [60,80): four spans, 40 keys, dskit's error for each")
    func example2() {
        let (outcomes, _) = Self.sweep(W.plain(downIDs: ["d"]), down: ["a"])
        let now = outcomes[0]
        #expect(now.ranges == 8 && now.failingRanges == 0)
        // d down: the six ranges holding d have exactly 2 healthy of minSuccess 2.
        #expect(now.zeroToleranceRanges == 6)
        let down = outcomes[1]
        #expect(down.failingRanges == 4 && down.failingKeys == 40 && down.spanCount == 4)
        #expect(down.spans.map(\.firstKey) == [20, 30, 60, 70])
        #expect(down.spans.map(\.keys) == [10, 10, 10, 10])
        #expect(down.spans[0].error == "at least 2 live replicas required, could only find 1 - unhealthy instances: d:9095,a:9095")
        #expect(down.involved == [0, 1, 2, 3])
    }

    @Test("neighbouring failing ranges with the same replica set merge into one span")
    func merging() {
        // The walks from a's three tokens all pick a, b, c: their ranges are one span.
        let ring = RingDescription(instances: [
            W.instance("a", [10, 11, 12]), W.instance("b", [20]), W.instance("c", [30]),
        ])
        let (outcomes, _) = Self.sweep(ring, down: ["a", "b"])
        let down = outcomes[1]
        #expect(down.failingRanges == 5 && down.failingKeys == 1 << 32)
        // Ranges at 10, 11, 12 walk a, b, c: one span of keys 30 ... 11 (wrapping), then b, c, a, then c, a, b.
        #expect(down.spanCount == 3)
        #expect(down.spans[0].ranges == 3 && down.spans[0].firstKey == 30)
    }

    @Test("example 1: b-0 down leaves every range at zero tolerance; b-0 and c-0 down fail every key")
    func example1() {
        let one = Self.sweep(W.zoned(), down: ["b-0"], zoneAware: true).outcomes[1]
        #expect(one.failingRanges == 0 && one.zeroToleranceRanges == 6 && one.zeroToleranceKeys == 1 << 32)
        let two = Self.sweep(W.zoned(), down: ["b-0", "c-0"], zoneAware: true).outcomes[1]
        #expect(two.failingRanges == 6 && two.failingKeys == 1 << 32)
        #expect(two.spans.contains { $0.error.contains("could only find 1 - unhealthy instances: 10.0.0.3:9095,10.0.0.2:9095") })
    }

    @Test("attribution: all healthy, no instance or zone alone fails anything; with b-0 down, each other one fails all")
    func attribution() throws {
        let healthy = try #require(Self.sweep(W.zoned(), zoneAware: true, attribute: true).attribution)
        #expect(healthy.instanceRanges == [0, 0, 0] && healthy.zoneRanges == [0, 0, 0])
        let ring = W.zoned(downIDs: ["b-0"])
        let degraded = try #require(Self.sweep(ring, zoneAware: true, attribute: true).attribution)
        #expect(degraded.instanceKeys == [1 << 32, 0, 1 << 32])
        #expect(degraded.zoneKeys == [1 << 32, 0, 1 << 32])
    }

    @Test("attribution without zones: a zone of two instances fails the ranges holding both")
    func zoneAttribution() throws {
        var instances = W.plain().instances
        instances[0].zone = "z1"
        instances[1].zone = "z1"
        instances[2].zone = "z2"
        instances[3].zone = "z2"
        let attribution = try #require(Self.sweep(RingDescription(instances: instances), attribute: true).attribution)
        // Sets holding a and b: wrap + [30,40) + [40,50) + [70,80); holding c and d: [10,20) [20,30) [50,60) [60,70).
        #expect(attribution.zoneKeys == [(1 << 32) - 70 + 30, 40])
        #expect(attribution.instanceRanges == [0, 0, 0, 0])
    }
}
