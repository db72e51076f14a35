import Testing

@testable import DskitKV

@Suite("RingOwnership: dskit's /ring page ownership, per-zone circles")
struct RingOwnershipTests {
    static func instance(_ id: String, _ tokens: [UInt32], zone: String = "", state: InstanceState = .active)
        -> InstanceDescription
    {
        InstanceDescription(
            id: id,
            address: "\(id):9095",
            heartbeatTimestamp: 100,
            state: state,
            tokens: tokens,
            zone: zone
        )
    }

    @Test("real capture: each of zone-a/b/c holds one instance, which owns its whole zone circle (2^32)")
    func captureOwnsWholeZone() throws {
        let bytes = try CaptureFixture.userState("pushpull-join-nolabel.c2s.bin", userStateLength: 2085)
        guard case .ring(let ring) = try #require(KVState(fullState: bytes)["ring"]).decodedValue() else {
            Issue.record("no ring")
            return
        }
        let ownership = RingOwnership(ring: ring)
        #expect(ownership.ownedRanges == [1 << 32, 1 << 32, 1 << 32])
        // dskit divides by MaxUint32, not 2^32: a whole circle shows as 100.0000000233 %.
        for index in 0..<3 {
            #expect(ownership.percent(at: index) == Double(1 << 32) / Double(UInt32.max) * 100)
            #expect(abs(ownership.percent(at: index) - 100) < 1e-6)
        }
        #expect(ownership.conflicts.isEmpty)
    }

    @Test("one zone: each token owns the distance from the previous token, wrapping with +1")
    func singleZoneDistances() {
        let ring = RingDescription(instances: [
            Self.instance("a", [100, 300]),
            Self.instance("b", [200]),
        ])
        let ownership = RingOwnership(ring: ring)
        // a: 100 owns (300 → 100 wrapping) = MaxUint32 - 300 + 100 + 1; 300 owns 300 - 200. b: 200 - 100.
        #expect(ownership.ownedRanges == [Int64(UInt32.max) - 300 + 100 + 1 + 100, 100])
        #expect(ownership.ownedRanges.reduce(0, +) == 1 << 32)
    }

    @Test("zones are separate circles: a lone instance in a zone owns it all, whatever the other zone holds")
    func zonesSeparate() {
        let ring = RingDescription(instances: [
            Self.instance("a1", [10, 20], zone: "a"),
            Self.instance("a2", [30], zone: "a"),
            Self.instance("b1", [15], zone: "b"),
        ])
        let ownership = RingOwnership(ring: ring)
        #expect(ownership.ownedRanges[0] == (Int64(UInt32.max) - 30 + 10 + 1) + 10)
        #expect(ownership.ownedRanges[1] == 10)
        #expect(ownership.ownedRanges[2] == 1 << 32)
    }

    @Test("instances without a zone share the \"\" circle; every state counts; no tokens owns 0")
    func emptyZoneAndStates() {
        let ring = RingDescription(instances: [
            Self.instance("left", [0], state: .left),
            Self.instance("leaving", [1 << 31], state: .leaving),
            Self.instance("pending", [], state: .pending),
        ])
        let ownership = RingOwnership(ring: ring)
        #expect(ownership.ownedRanges == [1 << 31, 1 << 31, 0])
        #expect(ownership.percent(at: 2) == 0)
    }

    @Test("tokens 0 and MaxUint32 are counted: tokenDistance matches ring/util.go")
    func tokenDistanceEdges() {
        #expect(RingOwnership.tokenDistance(from: 1, to: 5) == 4)
        #expect(RingOwnership.tokenDistance(from: 5, to: 1) == Int64(UInt32.max) - 5 + 1 + 1)
        #expect(RingOwnership.tokenDistance(from: 7, to: 7) == 1 << 32)
        #expect(RingOwnership.tokenDistance(from: UInt32.max, to: 0) == 1)
        #expect(RingOwnership.tokenDistance(from: 0, to: UInt32.max) == Int64(UInt32.max))
    }

    @Test("unsorted token lists give the same ownership as sorted ones")
    func unsortedTokens() {
        let sorted = RingDescription(instances: [Self.instance("a", [5, 50, 500]), Self.instance("b", [25, 250])])
        let shuffled = RingDescription(instances: [Self.instance("a", [500, 5, 50]), Self.instance("b", [250, 25])])
        #expect(RingOwnership(ring: sorted).ownedRanges == RingOwnership(ring: shuffled).ownedRanges)
    }

    @Test("a token held by two instances is a conflict; its range is credited once, to the first id")
    func conflict() {
        let ring = RingDescription(instances: [
            Self.instance("b", [100, 200]),
            Self.instance("a", [100]),
            Self.instance("c", [200], zone: "other"),
        ])
        let ownership = RingOwnership(ring: ring)
        #expect(
            ownership.conflicts == [
                TokenConflict(token: 100, holders: ["a", "b"]), TokenConflict(token: 200, holders: ["b", "c"]),
            ]
        )
        // Zone "": sorted [100(a), 100(b), 200(b)]. a gets the wrapping range to 100, b gets 100 → 200.
        #expect(ownership.ownedRanges[0] == Int64(UInt32.max) - 200 + 100 + 1)
        #expect(ownership.ownedRanges[1] == 100)
        #expect(ownership.ownedRanges[0] + ownership.ownedRanges[1] == 1 << 32)
        #expect(ownership.ownedRanges[2] == 1 << 32)
    }

    @Test("a token listed twice by one instance is a conflict with that instance twice")
    func selfConflict() {
        let ownership = RingOwnership(ring: RingDescription(instances: [Self.instance("a", [9, 9])]))
        #expect(ownership.conflicts == [TokenConflict(token: 9, holders: ["a", "a"])])
        #expect(ownership.ownedRanges == [1 << 32])
    }

    @Test("radix sort orders by token and keeps insertion order among equal tokens")
    func radixSortStable() {
        var random = SplitMix64(seed: 42)
        var keys: [UInt64] = (0..<5000).map { index in
            UInt64(UInt32(truncatingIfNeeded: random.next()) % 1000) << 32 | UInt64(index)
        }
        let expected = keys.enumerated().sorted { ($0.element >> 32, $0.offset) < ($1.element >> 32, $1.offset) }
            .map(\.element)
        RingOwnership.sortByToken(&keys)
        #expect(keys == expected)
    }

    @Test("a synthetic 90-instance ring across 3 zones sums to one circle per zone")
    func syntheticSums() {
        let ring = RingDescription.synthetic(instances: 90, tokensPerInstance: 64, zones: 3, seed: 7)
        let ownership = RingOwnership(ring: ring)
        var perZone: [String: Int64] = [:]
        for (index, instance) in ring.instances.enumerated() {
            perZone[instance.zone, default: 0] += ownership.ownedRanges[index]
        }
        #expect(perZone == ["zone-a": 1 << 32, "zone-b": 1 << 32, "zone-c": 1 << 32])
    }
}
