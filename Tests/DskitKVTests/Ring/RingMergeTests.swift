import Foundation
import Testing

@testable import DskitKV

@Suite("RingMerge: dskit's Desc.Merge per instance, token conflicts, tombstones and what gets stored and gossiped")
struct RingMergeTests {
    static let now = Date(timeIntervalSince1970: 1_767_226_500)

    static func instance(
        _ id: String, at timestamp: Int64, _ state: InstanceState = .active, tokens: [UInt32] = [1, 2],
        address: String = "10.0.0.1:9095", zone: String = "zone-a"
    ) -> InstanceDescription {
        InstanceDescription(
            id: id, address: address, heartbeatTimestamp: timestamp, state: state, tokens: tokens, zone: zone,
            registeredTimestamp: 1_767_000_000)
    }

    static func ring(_ instances: InstanceDescription...) -> RingDescription {
        RingDescription(instances: instances)
    }

    // MARK: one instance id, local entry against incoming entry

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let local: InstanceDescription?
        let incoming: InstanceDescription
        /// The entry for "x" after the merge (nil: still absent).
        let expected: InstanceDescription?
        let changed: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "newer heartbeat replaces the entry wholesale",
            local: instance("x", at: 100, tokens: [5, 6], address: "10.0.0.1:9095"),
            incoming: instance("x", at: 101, .joining, tokens: [7], address: "10.0.0.9:9095", zone: "zone-b"),
            expected: instance("x", at: 101, .joining, tokens: [7], address: "10.0.0.9:9095", zone: "zone-b"),
            changed: true),
        Case(
            name: "older heartbeat is ignored",
            local: instance("x", at: 100),
            incoming: instance("x", at: 99, .leaving, tokens: [9]),
            expected: instance("x", at: 100), changed: false),
        Case(
            name: "equal timestamp: LEFT wins over ACTIVE, its tokens dropped",
            local: instance("x", at: 100),
            incoming: instance("x", at: 100, .left, tokens: [1, 2]),
            expected: instance("x", at: 100, .left, tokens: []), changed: true),
        Case(
            name: "equal timestamp, both ACTIVE with other content: the local entry stays",
            local: instance("x", at: 100, tokens: [1, 2]),
            incoming: instance("x", at: 100, tokens: [3, 4], address: "10.0.0.2:9095"),
            expected: instance("x", at: 100, tokens: [1, 2]), changed: false),
        Case(
            name: "equal timestamp, local LEFT against incoming ACTIVE: the tombstone stays",
            local: instance("x", at: 100, .left, tokens: []),
            incoming: instance("x", at: 100),
            expected: instance("x", at: 100, .left, tokens: []), changed: false),
        Case(
            name: "equal timestamp, both LEFT: no change",
            local: instance("x", at: 100, .left, tokens: []),
            incoming: instance("x", at: 100, .left, tokens: [], address: "other"),
            expected: instance("x", at: 100, .left, tokens: []), changed: false),
        Case(
            name: "older tombstone does not remove a newer heartbeat",
            local: instance("x", at: 100),
            incoming: instance("x", at: 90, .left, tokens: []),
            expected: instance("x", at: 100), changed: false),
        Case(
            name: "newer ACTIVE brings a tombstoned instance back",
            local: instance("x", at: 100, .left, tokens: []),
            incoming: instance("x", at: 105),
            expected: instance("x", at: 105), changed: true),
        Case(
            name: "new instance is added",
            local: nil, incoming: instance("x", at: 100),
            expected: instance("x", at: 100), changed: true),
        Case(
            name: "new instance with timestamp 0 is not added (absent counts as timestamp 0)",
            local: nil, incoming: instance("x", at: 0),
            expected: nil, changed: false),
        Case(
            name: "new LEFT instance with timestamp 0 is added (the tie rule against Go's zero entry)",
            local: nil, incoming: instance("x", at: 0, .left),
            expected: instance("x", at: 0, .left, tokens: []), changed: true),
        Case(
            name: "incoming tokens are sorted and deduplicated",
            local: instance("x", at: 100),
            incoming: instance("x", at: 101, tokens: [9, 3, 9, 1, 3]),
            expected: instance("x", at: 101, tokens: [1, 3, 9]), changed: true),
    ]

    @Test("per-instance rules", arguments: cases)
    func perInstance(_ c: Case) {
        let bystander = Self.instance("other", at: 50, tokens: [1000])
        let local = RingDescription(instances: [bystander] + (c.local.map { [$0] } ?? []))
        let merge = local.merging(Self.ring(c.incoming), now: Self.now)
        #expect(merge.merged["x"] == c.expected)
        #expect(merge.merged["other"] == bystander)
        #expect(merge.changedIDs == (c.changed ? ["x"] : []))
        #expect(merge.isEmpty == !c.changed)
        if c.changed { #expect(merge.change["x"] == c.expected) }
        if !c.changed { #expect(merge.merged == local) }
    }

    // MARK: absence

    @Test("an instance missing from a gossiped value is untouched")
    func missingIgnoredRemotely() {
        let local = Self.ring(Self.instance("a", at: 100), Self.instance("b", at: 100, tokens: [3]))
        let merge = local.merging(Self.ring(Self.instance("a", at: 101)), now: Self.now)
        #expect(merge.merged["b"] == Self.instance("b", at: 100, tokens: [3]))
        #expect(merge.changedIDs == ["a"])
    }

    @Test("localCAS: a missing instance becomes LEFT at now, no tokens, other fields kept; a LEFT one is left alone")
    func missingBecomesTombstoneLocally() {
        let local = Self.ring(
            Self.instance("a", at: 100), Self.instance("b", at: 100, tokens: [3], zone: "zone-b"),
            Self.instance("gone", at: 80, .left, tokens: []))
        let now = Date(timeIntervalSince1970: 1_767_226_500.75)
        let merge = local.merging(Self.ring(Self.instance("a", at: 100)), localCAS: true, now: now)
        let tombstone = Self.instance("b", at: 1_767_226_500, .left, tokens: [], zone: "zone-b")
        #expect(merge.merged["b"] == tombstone)
        #expect(merge.merged["gone"] == Self.instance("gone", at: 80, .left, tokens: []))
        #expect(merge.changedIDs == ["b"])
        #expect(merge.change["b"] == tombstone)
    }

    // MARK: token conflicts

    @Test("two ACTIVE claimants: the smaller id keeps the token, whichever of them is new")
    func conflictSmallerIDWins() {
        // b arrives claiming a's token 2: a keeps it, b's change carries only its other token.
        let one = Self.ring(Self.instance("a", at: 100, tokens: [1, 2]))
            .merging(Self.ring(Self.instance("b", at: 100, tokens: [2, 3])), now: Self.now)
        #expect(one.merged["a"]?.tokens == [1, 2])
        #expect(one.merged["b"]?.tokens == [3])
        #expect(one.change["b"]?.tokens == [3])
        // a arrives claiming b's token: b loses it in the merged ring, yet b is not in the change (dskit gossips
        // only updated entries).
        let two = Self.ring(Self.instance("b", at: 100, tokens: [2, 3]))
            .merging(Self.ring(Self.instance("a", at: 100, tokens: [1, 2])), now: Self.now)
        #expect(two.merged["a"]?.tokens == [1, 2])
        #expect(two.merged["b"]?.tokens == [3])
        #expect(two.changedIDs == ["a"])
    }

    @Test("a LEAVING claimant loses to a non-LEAVING one; two LEAVING ones fall back to the smaller id")
    func conflictLeavingLoses() {
        let leaving = Self.ring(Self.instance("a", at: 100, .leaving, tokens: [1, 2]))
            .merging(Self.ring(Self.instance("b", at: 100, .joining, tokens: [2])), now: Self.now)
        #expect(leaving.merged["a"]?.tokens == [1])
        #expect(leaving.merged["b"]?.tokens == [2])
        let both = Self.ring(Self.instance("b", at: 100, .leaving, tokens: [2]))
            .merging(Self.ring(Self.instance("a", at: 100, .leaving, tokens: [2, 5])), now: Self.now)
        #expect(both.merged["a"]?.tokens == [2, 5])
        #expect(both.merged["b"]?.tokens == [])
    }

    @Test("ids compare bytewise, as Go strings: an upper-case id is smaller than a lower-case one")
    func conflictBytewiseOrder() {
        let merge = Self.ring(Self.instance("ingester-a", at: 100, tokens: [7]))
            .merging(Self.ring(Self.instance("Ingester-z", at: 100, tokens: [7])), now: Self.now)
        #expect(merge.merged["Ingester-z"]?.tokens == [7])
        #expect(merge.merged["ingester-a"]?.tokens == [])
    }

    @Test("no resolution when the merge brings no new tokens: an existing conflict stays")
    func conflictOnlyWhenTokensChanged() {
        let local = Self.ring(Self.instance("a", at: 100, tokens: [1]), Self.instance("b", at: 100, tokens: [1]))
        let heartbeat = local.merging(Self.ring(Self.instance("b", at: 105, tokens: [1])), now: Self.now)
        #expect(heartbeat.merged["a"]?.tokens == [1])
        #expect(heartbeat.merged["b"]?.tokens == [1])
        let moved = local.merging(Self.ring(Self.instance("b", at: 105, tokens: [1, 4])), now: Self.now)
        #expect(moved.merged["a"]?.tokens == [1])
        #expect(moved.merged["b"]?.tokens == [4])
    }

    // MARK: tombstones

    @Test("removingTombstones drops LEFT entries strictly older than the limit, nothing else")
    func removeTombstones() {
        let ring = Self.ring(
            Self.instance("old", at: 99, .left, tokens: []), Self.instance("edge", at: 100, .left, tokens: []),
            Self.instance("stale-active", at: 1))
        let swept = ring.removingTombstones(olderThan: Date(timeIntervalSince1970: 100))
        #expect(swept.ring.instances.map(\.id) == ["edge", "stale-active"])
        #expect(swept.removed == 1)
        #expect(ring.removingAllTombstones().instances.map(\.id) == ["stale-active"])
    }

    // The spec's worked example: X = ingester-zone-b-0, last heartbeat 1767225600, forgotten at 1767226500.
    static let x = InstanceDescription(
        id: "ingester-zone-b-0", address: "10.0.1.7:9095", heartbeatTimestamp: 1_767_225_600, state: .active,
        tokens: [10, 20, 30], zone: "zone-b", registeredTimestamp: 1_767_000_000)

    static func tombstone(at timestamp: Int64) -> InstanceDescription {
        var tombstone = x
        tombstone.state = .left
        tombstone.tokens = []
        tombstone.heartbeatTimestamp = timestamp
        return tombstone
    }

    @Test("worked example: a fresh tombstone replaces X, is stored and gossiped; swept after 5 minutes")
    func freshTombstone() {
        let stored = Self.ring(Self.x, Self.instance("ingester-zone-a-0", at: 1_767_226_495))
        let forget = Self.ring(Self.tombstone(at: 1_767_226_500))
        let result = RingMerge.store(forget, into: stored, localCAS: false, now: Self.now)
        #expect(result.value?[Self.x.id] == Self.tombstone(at: 1_767_226_500))
        #expect(result.broadcast == forget)
        // Exactly 5 minutes later the limit equals the timestamp: kept. A second later: swept by a merge that changes
        // something else, and the tombstone is not part of what is gossiped.
        let heartbeat = Self.ring(Self.instance("ingester-zone-a-0", at: 1_767_226_800))
        let atEdge = RingMerge.store(
            heartbeat, into: result.value, localCAS: false, now: Date(timeIntervalSince1970: 1_767_226_800))
        #expect(atEdge.value?[Self.x.id] != nil)
        let later = Self.ring(Self.instance("ingester-zone-a-0", at: 1_767_226_801))
        let after = RingMerge.store(
            later, into: atEdge.value, localCAS: false, now: Date(timeIntervalSince1970: 1_767_226_801))
        #expect(after.value?[Self.x.id] == nil)
        #expect(after.broadcast == later)
    }

    @Test("worked example: a tombstone reusing X's old timestamp is accepted, swept in the same merge, not gossiped")
    func staleTombstone() {
        let stored = Self.ring(Self.x)
        let result = RingMerge.store(
            Self.ring(Self.tombstone(at: 1_767_225_600)), into: stored, localCAS: false, now: Self.now)
        #expect(result.value == Self.ring())
        #expect(result.broadcast == nil)
        // With the timeout off the same tombstone is kept and gossiped.
        let kept = RingMerge.store(
            Self.ring(Self.tombstone(at: 1_767_225_600)), into: stored, localCAS: false, now: Self.now,
            leftIngestersTimeout: .zero)
        #expect(kept.value?[Self.x.id]?.state == .left)
        #expect(kept.broadcast?.instances.map(\.id) == [Self.x.id])
    }

    @Test("an old tombstone sent to a node without the key stores nothing; an empty change sweeps nothing")
    func noChangeNoSweep() {
        let old = Self.ring(Self.tombstone(at: 1_767_225_600))
        let empty = RingMerge.store(old, into: nil, localCAS: false, now: Self.now)
        #expect(empty.value == nil && empty.broadcast == nil)
        let fresh = Self.ring(Self.instance("a", at: 1_767_226_500))
        let first = RingMerge.store(fresh, into: nil, localCAS: false, now: Self.now)
        #expect(first.value == fresh && first.broadcast == fresh)
        // The stored old tombstone survives a merge that changes nothing.
        let holding = Self.ring(Self.tombstone(at: 1_767_225_600), Self.instance("a", at: 1_767_226_500))
        let repeated = RingMerge.store(fresh, into: holding, localCAS: false, now: Self.now)
        #expect(repeated.value == holding && repeated.broadcast == nil)
    }

    // MARK: algebra

    // Both sides normalized, as dskit requires of a receiver (a stored LEFT entry has no tokens).
    static let pairs: [(RingDescription, RingDescription)] = [
        (ring(instance("a", at: 100), instance("b", at: 50)), ring(instance("a", at: 90), instance("b", at: 60, .left, tokens: []))),
        (ring(instance("a", at: 100, .left, tokens: [])), ring(instance("a", at: 100), instance("c", at: 7, tokens: [9]))),
        (ring(instance("a", at: 100, tokens: [1, 2])), ring(instance("b", at: 100, tokens: [2, 3]))),
        (ring(), ring(instance("a", at: 3, .joining, tokens: [1, 4]))),
    ]

    @Test("idempotent: merging the same value a second time changes nothing", arguments: 0..<pairs.count)
    func idempotent(_ index: Int) {
        let (local, incoming) = Self.pairs[index]
        let first = local.merging(incoming, now: Self.now)
        #expect(!first.isEmpty)
        let second = first.merged.merging(incoming, now: Self.now)
        #expect(second.isEmpty)
        #expect(second.merged == first.merged)
    }

    @Test("commutative when timestamps differ or a tie has a LEFT side", arguments: 0..<pairs.count)
    func commutative(_ index: Int) {
        let (a, b) = Self.pairs[index]
        #expect(a.merging(b, now: Self.now).merged == b.merging(a, now: Self.now).merged)
    }

    @Test("not commutative on an equal-timestamp tie between two non-LEFT entries: each side keeps its own")
    func tieIsNotCommutative() {
        let a = Self.ring(Self.instance("x", at: 100, tokens: [1]))
        let b = Self.ring(Self.instance("x", at: 100, .leaving, tokens: [2]))
        #expect(a.merging(b, now: Self.now).merged == a)
        #expect(b.merging(a, now: Self.now).merged == b)
    }
}
