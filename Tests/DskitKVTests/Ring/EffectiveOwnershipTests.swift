import Testing

@testable import DskitKV

@Suite("EffectiveOwnership: the share of keys whose Write replica set holds each instance and zone")
struct EffectiveOwnershipTests {
    typealias W = WorkedRings
    static let space: UInt64 = 1 << 32

    @Test("example 2, RF 3: a, b, c hold the wrapping range and five of the others; d holds [10, 40) and [50, 80)")
    func example2() {
        let ring = W.plain()
        let effective = EffectiveOwnership(ring: ReplicationRing(ring: ring), settings: ReplicationSettings())
        #expect(effective.ownedKeys == [Self.space - 20, Self.space - 20, Self.space - 20, 60])
        #expect(effective.ownedKeys.reduce(0, +) == 3 * Self.space)
        #expect(effective.zoneKeys == ["": Self.space])
    }

    @Test("RF 1: each token serves the keys from the previous token up to itself − 1")
    func rf1() {
        let effective = EffectiveOwnership(
            ring: ReplicationRing(ring: W.plain()), settings: ReplicationSettings(replicationFactor: 1))
        #expect(effective.ownedKeys == [Self.space - 70 + 10, 20, 20, 20])
    }

    @Test("example 1, zone-aware RF 3: every instance and every zone holds every key")
    func zoned() {
        let effective = EffectiveOwnership(
            ring: ReplicationRing(ring: W.zoned()), settings: ReplicationSettings(zoneAwareness: true))
        #expect(effective.ownedKeys == [Self.space, Self.space, Self.space])
        #expect(effective.zoneKeys == ["zone-a": Self.space, "zone-b": Self.space, "zone-c": Self.space])
        #expect(effective.percent(at: 0) == 100)
    }

    @Test("a LEAVING instance under Write: it still holds its keys, and the next instance holds them too")
    func leavingExtends() {
        let effective = EffectiveOwnership(
            ring: ReplicationRing(ring: W.plain(states: ["b": .leaving])), settings: ReplicationSettings())
        // Every walk takes 4 of the 4 instances once b is met within the first three.
        #expect(effective.ownedKeys.reduce(0, +) > 3 * Self.space)
        #expect(effective.ownedKeys[1] == Self.space - 20)
    }

    @Test("the synthetic 30-instance ring, 3 zones: each zone holds every key, instances about a tenth each")
    func synthetic() {
        let ring = RingDescription.synthetic(instances: 30, tokensPerInstance: 64, zones: 3)
        let effective = EffectiveOwnership(
            ring: ReplicationRing(ring: ring), settings: ReplicationSettings(zoneAwareness: true))
        #expect(effective.zoneKeys.values.allSatisfy { $0 == Self.space })
        #expect(effective.ownedKeys.reduce(0, +) == 3 * Self.space)
        #expect(effective.ownedKeys.allSatisfy { EffectiveOwnership.percent($0) > 5 && EffectiveOwnership.percent($0) < 15 })
    }
}
