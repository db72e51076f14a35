import Foundation
import Testing

@testable import DskitKV

@Suite("KVStore: one dskit node's memberlist KV store")
struct KVStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func instance(_ id: String, heartbeat: Int64, tokens: [UInt32], state: InstanceState = .active)
        -> InstanceDescription
    {
        InstanceDescription(
            id: id, address: "10.0.0.1:7946", heartbeatTimestamp: heartbeat, state: state, tokens: tokens)
    }

    static func ringPair(_ key: String, _ instances: [InstanceDescription], millis: Int64 = 0) -> KeyValuePair {
        KeyValuePair(
            key: key, value: RingDescription(instances: instances).codecValue(), codec: .ringDesc,
            updateTimeMillis: millis)
    }

    static func ring(_ pair: KeyValuePair?) throws -> RingDescription {
        try RingDescription(pair: try #require(pair))
    }

    static func storedRing(_ store: KVStore, _ key: String) throws -> RingDescription {
        guard case .ring(let ring) = try #require(store[key]).value else {
            Issue.record("\(key) is not a decoded ring")
            return RingDescription(instances: [])
        }
        return ring
    }

    @Test("a remote ring merge stores the merge and re-broadcasts only the changed instances")
    func remoteMergeChangedOnly() throws {
        var store = KVStore()
        let base = [
            Self.instance("a", heartbeat: 1_799_999_990, tokens: [1, 2]),
            Self.instance("b", heartbeat: 1_799_999_990, tokens: [3, 4]),
        ]
        let firstResult = store.mergeRemote(Self.ringPair("ring", base), now: Self.now)
        let first = try #require(firstResult)
        #expect(try Self.ring(first).instances.map(\.id) == ["a", "b"])
        #expect(store["ring"]?.version == 1)

        // b heartbeats; a is the same as before.
        let update = [
            Self.instance("a", heartbeat: 1_799_999_990, tokens: [1, 2]),
            Self.instance("b", heartbeat: 1_799_999_999, tokens: [3, 4]),
        ]
        let changed = store.mergeRemote(Self.ringPair("ring", update), now: Self.now)
        let change = try Self.ring(changed)
        #expect(change.instances.map(\.id) == ["b"])
        #expect(change["b"]?.heartbeatTimestamp == 1_799_999_999)
        let stored = try Self.storedRing(store, "ring")
        #expect(stored.instances.map(\.id) == ["a", "b"])
        #expect(stored["b"]?.heartbeatTimestamp == 1_799_999_999)
        #expect(store["ring"]?.version == 2)
    }

    @Test("an older or identical ring value changes nothing and returns nil")
    func olderValueIgnored() throws {
        var store = KVStore()
        let fresh = [Self.instance("a", heartbeat: 1_799_999_999, tokens: [1])]
        _ = store.mergeRemote(Self.ringPair("ring", fresh), now: Self.now)
        let before = store
        let old = [Self.instance("a", heartbeat: 1_799_999_000, tokens: [9])]
        let fromOld = store.mergeRemote(Self.ringPair("ring", old), now: Self.now)
        let fromSame = store.mergeRemote(Self.ringPair("ring", fresh), now: Self.now)
        #expect(fromOld == nil)
        #expect(fromSame == nil)
        #expect(store == before)
    }

    @Test(
        "a captured push/pull user state merges into an empty store with all its keys",
        arguments: CaptureFixture.pushPullStates)
    func fullStateCapture(file: String, userStateLength: Int) throws {
        let state = try KVState(fullState: try CaptureFixture.userState(file, userStateLength: userStateLength))
        var store = KVStore(leftIngestersTimeout: .zero)
        let changes = store.mergeFullState(state, now: Self.now)
        #expect(store.keys == state.pairs.map(\.key).sorted())
        #expect(changes.map(\.key) == state.pairs.map(\.key))
        for pair in state.pairs where pair.codec == .ringDesc {
            #expect(try Self.storedRing(store, pair.key) == RingDescription(pair: pair))
        }
        // The same state again is old news.
        let again = store.mergeFullState(state, now: Self.now)
        #expect(again.isEmpty)
    }

    @Test("an unknown codec and the propagation tracker are kept as raw bytes and passed on untouched")
    func rawRoundTrip() throws {
        var store = KVStore()
        let unknown = KeyValuePair(key: "x/custom", value: [0xde, 0xad, 0xbe, 0xef], codec: CodecID("fancy"),
                                   updateTimeMillis: 1_000)
        let beacons = PropagationBeacons(beacons: [.init(id: 7, publishedBy: "n1", publishedAtMillis: 5)])
        let tracker = KeyValuePair(key: "tracker", value: beacons.codecValue(), codec: .propagationDelayTracker,
                                   updateTimeMillis: 2_000)
        let unknownOut = store.mergeRemote(unknown, now: Self.now)
        let trackerOut = store.mergeRemote(tracker, now: Self.now)
        #expect(unknownOut == unknown)
        #expect(trackerOut == tracker)
        #expect(store["x/custom"]?.value == .raw(unknown.value))
        // Re-gossip of the same bytes is not news; an older one loses; a newer one wins whole.
        let repeated = store.mergeRemote(unknown, now: Self.now)
        #expect(repeated == nil)
        var older = unknown
        older.value = [0xff]
        older.updateTimeMillis = 999
        let olderOut = store.mergeRemote(older, now: Self.now)
        #expect(olderOut == nil)
        var newer = older
        newer.updateTimeMillis = 1_001
        let newerOut = store.mergeRemote(newer, now: Self.now)
        #expect(newerOut == newer)
        let state = try KVState(fullState: store.fullState())
        #expect(state["x/custom"] == newer)
        #expect(state["tracker"] == tracker)
    }

    @Test("cas without an instance makes it a LEFT tombstone, stored and broadcast")
    func casLeavesTombstone() throws {
        var store = KVStore()
        let both = [
            Self.instance("a", heartbeat: 1_799_999_990, tokens: [1, 2]),
            Self.instance("b", heartbeat: 1_799_999_990, tokens: [3, 4]),
        ]
        _ = store.mergeRemote(Self.ringPair("ring", both), now: Self.now)
        let casOut = store.cas("ring", now: Self.now) { current in
            RingDescription(instances: (current?.instances ?? []).filter { $0.id != "b" })
        }
        let change = try Self.ring(casOut)
        #expect(change.instances.map(\.id) == ["b"])
        #expect(change["b"]?.state == .left)
        #expect(change["b"]?.tokens == [])
        #expect(change["b"]?.heartbeatTimestamp == 1_800_000_000)
        let stored = try Self.storedRing(store, "ring")
        #expect(stored["a"]?.state == .active)
        #expect(stored["b"]?.state == .left)
        // A cas that changes nothing broadcasts nothing.
        let same = store.cas("ring", now: Self.now) { $0 }
        let none = store.cas("ring", now: Self.now) { _ in nil }
        #expect(same == nil)
        #expect(none == nil)
    }

    @Test("fullState round-trips through KVState decoding, tombstones included")
    func fullStateRoundTrip() throws {
        var store = KVStore(leftIngestersTimeout: .zero)
        _ = store.mergeRemote(
            Self.ringPair("ring", [
                Self.instance("a", heartbeat: 1_799_999_990, tokens: [1]),
                Self.instance("gone", heartbeat: 1_700_000_000, tokens: [], state: .left),
            ]),
            now: Self.now)
        _ = store.mergeRemote(KeyValuePair(key: "z", value: [1, 2, 3], codec: CodecID("other"), deleted: true,
                                           updateTimeMillis: 42), now: Self.now)
        let state = try KVState(fullState: store.fullState())
        #expect(state.pairs.map(\.key) == ["ring", "z"])
        #expect(try RingDescription(pair: try #require(state["ring"])) == Self.storedRing(store, "ring"))
        #expect(try RingDescription(pair: try #require(state["ring"]))["gone"]?.state == .left)
        #expect(state["z"]?.deleted == true)
        var copy = KVStore(leftIngestersTimeout: .zero)
        _ = copy.mergeFullState(state, now: Self.now)
        #expect(copy.keys == store.keys)
        #expect(try Self.storedRing(copy, "ring") == Self.storedRing(store, "ring"))
    }

    @Test("values over the size cap and keys past maxKeys are dropped")
    func caps() {
        var store = KVStore()
        let big = KeyValuePair(key: "big", value: [UInt8](repeating: 0, count: KVStore.maxValueSize + 1),
                               codec: CodecID("other"))
        let bigOut = store.mergeRemote(big, now: Self.now)
        #expect(bigOut == nil)
        for index in 0..<KVStore.maxKeys {
            _ = store.mergeRemote(KeyValuePair(key: "k\(index)", value: [1], codec: CodecID("o"), updateTimeMillis: 1),
                                  now: Self.now)
        }
        #expect(store.keys.count == KVStore.maxKeys)
        let extra = store.mergeRemote(KeyValuePair(key: "one-more", value: [1], codec: CodecID("o")), now: Self.now)
        #expect(extra == nil)
        #expect(store["one-more"] == nil)
    }

    @Test("the store's values together stay within one full state: a change past it is dropped, a smaller one frees room")
    func totalSizeCap() {
        var store = KVStore()
        let share = KVStore.maxTotalSize * 6 / 10
        func pair(_ key: String, _ count: Int, millis: Int64) -> KeyValuePair {
            KeyValuePair(key: key, value: [UInt8](repeating: 7, count: count), codec: CodecID("o"), updateTimeMillis: millis)
        }
        #expect(store.mergeRemote(pair("a", share, millis: 1), now: Self.now) != nil)
        #expect(store.totalSize == share)
        // A second value as large would pass the budget: dropped, nothing stored.
        #expect(store.mergeRemote(pair("b", share, millis: 1), now: Self.now) == nil)
        #expect(store["b"] == nil)
        #expect(store.totalSize == share)
        // Replacing "a" with a small value counts only the new size, so "b" fits afterwards.
        #expect(store.mergeRemote(pair("a", 10, millis: 2), now: Self.now) != nil)
        #expect(store.totalSize == 10)
        #expect(store.mergeRemote(pair("b", share, millis: 1), now: Self.now) != nil)
        #expect(store.totalSize == share + 10)
    }

    @Test("a full store makes room for a new key by dropping its oldest deletion tombstone, never a live key")
    func fullStoreEvictsOldestTombstone() {
        var store = KVStore()
        for index in 0..<KVStore.maxKeys {
            let deleted = index < 2
            _ = store.mergeRemote(
                KeyValuePair(key: "k\(index)", value: [1], codec: CodecID("o"), deleted: deleted,
                             updateTimeMillis: deleted ? Int64(10 - index) : 1),
                now: Self.now)
        }
        #expect(store.keys.count == KVStore.maxKeys)
        // k1 (deleted at 9) is older than k0 (deleted at 10): it goes first.
        #expect(store.mergeRemote(KeyValuePair(key: "new-1", value: [2], codec: CodecID("o")), now: Self.now) != nil)
        #expect(store["k1"] == nil && store["k0"] != nil && store["new-1"] != nil)
        #expect(store.mergeRemote(KeyValuePair(key: "new-2", value: [2], codec: CodecID("o")), now: Self.now) != nil)
        #expect(store["k0"] == nil)
        // No tombstone left: a new key is refused and every live key stays.
        #expect(store.mergeRemote(KeyValuePair(key: "new-3", value: [2], codec: CodecID("o")), now: Self.now) == nil)
        #expect(store.keys.count == KVStore.maxKeys)
    }
}
