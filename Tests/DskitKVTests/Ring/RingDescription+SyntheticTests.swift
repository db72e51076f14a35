import Testing

@testable import DskitKV

@Suite("RingDescription.synthetic: reproducible random rings")
struct RingDescriptionSyntheticTests {
    @Test("shape: counts, zones round-robin, unique sorted tokens, heartbeats near now")
    func shape() {
        let ring = RingDescription.synthetic(instances: 30, tokensPerInstance: 128, zones: 3, seed: 1, now: 1_000_000)
        #expect(ring.instances.count == 30)
        #expect(ring.instances.allSatisfy { $0.tokens.count == 128 && $0.tokens == $0.tokens.sorted() })
        #expect(Set(ring.instances.flatMap(\.tokens)).count == 30 * 128)
        #expect(
            Dictionary(grouping: ring.instances, by: \.zone).mapValues(\.count) == [
                "zone-a": 10, "zone-b": 10, "zone-c": 10,
            ]
        )
        #expect(ring.instances.allSatisfy { (1_000_000 - 15)...1_000_000 ~= $0.heartbeatTimestamp })
        #expect(Set(ring.instances.map(\.address)).count == 30)
    }

    @Test("same seed, same ring; other seed, other tokens")
    func seeded() {
        let one = RingDescription.synthetic(instances: 5, tokensPerInstance: 8, seed: 9)
        #expect(one == RingDescription.synthetic(instances: 5, tokensPerInstance: 8, seed: 9))
        #expect(one != RingDescription.synthetic(instances: 5, tokensPerInstance: 8, seed: 10))
    }

    @Test("zero zones leaves the zone empty")
    func noZones() {
        #expect(
            RingDescription.synthetic(instances: 3, tokensPerInstance: 1, zones: 0).instances.allSatisfy {
                $0.zone.isEmpty
            }
        )
    }
}
