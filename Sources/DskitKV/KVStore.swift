import Foundation

// The key-value store one dskit memberlist node holds, as a pure value (kv/memberlist/memberlist_client.go):
// - `mergeRemote` is NotifyMsg for one gossiped KeyValuePair followed by mergeValueForKey;
// - `mergeFullState` is MergeRemoteState for a push/pull's user state (join or periodic);
// - `fullState` is LocalState;
// - `cas` is CAS with localCAS = true.
// Ring values (codec ringDesc) are decoded and merged by `RingMerge.store`. Every other codec, the propagation
// delay tracker's included, is kept as raw bytes and passed on untouched. dskit itself drops a pair whose codec it
// has not registered ("unknown codec" in NotifyMsg and MergeRemoteState); ringctl keeps it, as issue 10 asks, so a
// ringctl node never hides a key from the cluster. Pure: `now` is passed in where dskit reads `time.Now()`.

/// The KV store of one dskit memberlist node: keys to values, codecs and versions.
public struct KVStore: Hashable, Sendable {
    /// How many keys the store holds at most; a new key past this is dropped (bounds memory against a hostile peer).
    public static let maxKeys = 1024
    /// Largest value accepted, codec-encoded: the largest pair a full state may carry.
    public static let maxValueSize = DskitKVLimits.maxPair
    /// Largest sum of every stored value, codec-encoded: what one full state may carry. Without it, many keys
    /// under `maxValueSize` each, or a ring grown by many merges of new instances, could hold gigabytes, and our
    /// push/pull would be refused by every peer. A change that would pass it is not stored.
    public static let maxTotalSize = DskitKVLimits.maxFullState

    /// A stored value: decoded when ringctl merges it, raw otherwise.
    public enum Value: Hashable, Sendable {
        /// codec `ringDesc`, decoded (tombstones included, as dskit keeps them until the timeout).
        case ring(RingDescription)
        /// Any other codec: the bytes as received.
        case raw([UInt8])
    }

    /// One key's state (dskit's `ValueDesc`).
    public struct Entry: Hashable, Sendable {
        /// The value.
        public var value: Value
        /// The codec that wrote it.
        public var codec: CodecID
        /// Bumped on every stored change that is also gossiped (dskit's `ValueDesc.Version`); starts at 1.
        public var version: UInt
        /// Whether the key is a deletion tombstone.
        public var deleted: Bool
        /// Last change, Unix milliseconds (what goes into `KeyValuePair.updateTimeMillis`).
        public var updateTimeMillis: Int64

        /// The entry as a KeyValuePair for `key`, with its value codec-encoded.
        public func pair(key: String) -> KeyValuePair {
            let bytes: [UInt8]
            switch value {
            case .ring(let ring): bytes = ring.codecValue()
            case .raw(let raw): bytes = raw
            }
            return KeyValuePair(
                key: key, value: bytes, codec: codec, deleted: deleted, updateTimeMillis: updateTimeMillis)
        }
    }

    /// dskit's `-memberlist.left-ingesters-timeout`; zero keeps ring tombstones forever.
    public var leftIngestersTimeout: Duration
    /// Every key the store holds.
    public private(set) var entries: [String: Entry] = [:]
    /// Each key's codec-encoded value size, and their sum (kept under `maxTotalSize`).
    private var sizes: [String: Int] = [:]
    /// The size a ring key had when it was last encoded whole (its recorded size may be an upper bound since).
    private var exactSizes: [String: Int] = [:]
    /// The sum of `sizes`.
    public private(set) var totalSize = 0

    /// An empty store.
    public init(leftIngestersTimeout: Duration = RingMerge.defaultLeftIngestersTimeout) {
        self.leftIngestersTimeout = leftIngestersTimeout
    }

    /// The keys held, sorted.
    public var keys: [String] { entries.keys.sorted() }

    /// The entry for `key`, if any.
    public subscript(key: String) -> Entry? { entries[key] }

    /// Merges one gossiped pair (a memberlist user message) and returns the pair to re-broadcast, or nil when
    /// nothing changed. For a ring only the changed instances are re-broadcast, as dskit does.
    public mutating func mergeRemote(_ pair: KeyValuePair, now: Date) -> KeyValuePair? {
        merge(pair, localCAS: false, now: now)
    }

    /// Merges a push/pull user state (dskit's MergeRemoteState, join or periodic) and returns, in the state's order,
    /// the changes to broadcast.
    public mutating func mergeFullState(_ state: KVState, now: Date) -> [KeyValuePair] {
        state.pairs.compactMap { merge($0, localCAS: false, now: now) }
    }

    /// Our side of a push/pull: every key, tombstones included, in dskit's LocalState layout (keys sorted).
    public func fullState() -> [UInt8] {
        KVState(pairs: keys.compactMap { key in entries[key]?.pair(key: key) }).fullStateBytes()
    }

    /// A local change to the ring at `key` (dskit's CAS, merged with localCAS = true): `update` gets the current ring
    /// (nil when there is none) and returns the node's full new ring, or nil to change nothing. An instance the new
    /// ring lacks becomes a LEFT tombstone. Returns the pair to broadcast, or nil when nothing changed or the key
    /// holds another codec.
    public mutating func cas(
        _ key: String, now: Date, _ update: (RingDescription?) -> RingDescription?
    ) -> KeyValuePair? {
        var current: RingDescription?
        if let entry = entries[key] {
            guard entry.codec == .ringDesc, case .ring(let ring) = entry.value else { return nil }
            current = entry.deleted ? nil : ring
        }
        guard let next = update(current) else { return nil }
        let pair = KeyValuePair(
            key: key, value: next.codecValue(), codec: .ringDesc, updateTimeMillis: Self.millis(now))
        return merge(pair, localCAS: true, now: now)
    }

    // mergeValueForKey for one pair: the caps, then the codec's merge.
    private mutating func merge(_ pair: KeyValuePair, localCAS: Bool, now: Date) -> KeyValuePair? {
        guard pair.value.count <= Self.maxValueSize else { return nil }
        let existing = entries[pair.key]
        if existing == nil, entries.count >= Self.maxKeys {
            // Full: a deletion tombstone (the oldest) makes room, so hostile deleted keys cannot lock out a real
            // one; live keys are never evicted.
            let oldest = entries.filter(\.value.deleted).min { $0.value.updateTimeMillis < $1.value.updateTimeMillis }
            guard let oldest else { return nil }
            entries[oldest.key] = nil
            record(0, at: oldest.key)
            sizes[oldest.key] = nil
            exactSizes[oldest.key] = nil
        }
        if pair.codec == .ringDesc, !pair.deleted, existing.map({ !$0.deleted }) ?? true {
            return mergeRing(pair, existing: existing, localCAS: localCAS, now: now)
        }
        return mergeRaw(pair, existing: existing)
    }

    private mutating func mergeRing(
        _ pair: KeyValuePair, existing: Entry?, localCAS: Bool, now: Date
    ) -> KeyValuePair? {
        // A ring value that does not decode is dropped, as dskit drops a value its codec cannot decode.
        guard let incoming = try? RingDescription(codecValue: pair.value) else { return nil }
        var stored: RingDescription?
        if let existing {
            // A key that holds another codec under the same name is not merged across codecs (dskit errors out).
            guard existing.codec == .ringDesc, case .ring(let ring) = existing.value else { return nil }
            stored = ring
        }
        let outcome = RingMerge.store(
            incoming, into: stored, localCAS: localCAS, now: now, leftIngestersTimeout: leftIngestersTimeout)
        guard let value = outcome.value else { return nil }
        // A duplicate (most gossip: every change arrives retransmit × log10(N) times) leaves the stored ring as it
        // was, and its size is already recorded: re-encoding the whole ring to measure it again was half a 50-node
        // demo's CPU (ringctl-bench, scripts/bench-demo). Equal storage compares in O(1).
        if outcome.broadcast == nil, let stored, value == stored { return nil }
        guard let broadcast = outcome.broadcast else {
            // The sweep may have changed the stored ring; dskit keeps that without moving the version.
            let encodedSize = value.codecValue().count
            guard fits(encodedSize, at: pair.key) else { return nil }
            entries[pair.key]?.value = .ring(value)
            record(encodedSize, at: pair.key)
            return nil
        }
        // A real change (a heartbeat, mostly) replaces a few instances of the stored ring: the recorded size plus
        // the change's own encoding (and a little for snappy's framing) bounds the new size from above, so the whole
        // ring is encoded again only when that bound would not fit (then the exact size decides, and is recorded).
        // Encoding the whole ring on every heartbeat was the next largest part of a 50-node demo's CPU.
        // The bound is re-anchored on an exact encoding once it reaches twice the last exact size, so it over-counts
        // by less than that, and a full store is judged on exact sizes (the bound failing re-encodes first).
        let broadcastValue = broadcast.codecValue()
        let bound = (existing == nil ? 0 : (sizes[pair.key] ?? 0)) + broadcastValue.count + Self.sizeSlack
        let encodedSize: Int
        if let exact = exactSizes[pair.key], bound <= 2 * exact, fits(bound, at: pair.key) {
            encodedSize = bound
        } else {
            encodedSize = value.codecValue().count
            guard fits(encodedSize, at: pair.key) else { return nil }
            exactSizes[pair.key] = encodedSize
        }
        record(encodedSize, at: pair.key)
        let version = (existing?.version ?? 0) + 1
        let stamp = max(Self.millis(now), existing?.updateTimeMillis ?? 0)
        entries[pair.key] = Entry(
            value: .ring(value), codec: .ringDesc, version: version, deleted: false, updateTimeMillis: stamp)
        return KeyValuePair(key: pair.key, value: broadcastValue, codec: .ringDesc, updateTimeMillis: stamp)
    }

    // Raw values (unknown codecs, the propagation tracker, tombstones) cannot be merged, so one wins whole: the newer
    // updateTimeMillis, then on a tie the bytewise larger value, then a tombstone. That order is total, so every node
    // ends with the same value whatever the order gossip brings them in; an identical pair changes nothing.
    private mutating func mergeRaw(_ pair: KeyValuePair, existing: Entry?) -> KeyValuePair? {
        if let existing {
            let mine = existing.pair(key: pair.key)
            guard Self.wins(pair, over: mine) else { return nil }
        }
        guard fits(pair.value.count, at: pair.key) else { return nil }
        record(pair.value.count, at: pair.key)
        let value: Value
        if pair.codec == .ringDesc, let ring = try? RingDescription(codecValue: pair.value) {
            value = .ring(ring)
        } else {
            value = .raw(pair.value)
        }
        entries[pair.key] = Entry(
            value: value, codec: pair.codec, version: (existing?.version ?? 0) + 1, deleted: pair.deleted,
            updateTimeMillis: pair.updateTimeMillis)
        return pair
    }

    /// Bytes added to a size bound per change: snappy's framing of the merged value may cost a little more than
    /// the change's own encoding.
    static let sizeSlack = 16

    /// Whether the store stays within `maxTotalSize` when `key` holds `size` bytes.
    private func fits(_ size: Int, at key: String) -> Bool {
        size <= Self.maxValueSize && totalSize - (sizes[key] ?? 0) + size <= Self.maxTotalSize
    }

    private mutating func record(_ size: Int, at key: String) {
        totalSize += size - (sizes[key] ?? 0)
        sizes[key] = size
    }

    private static func wins(_ a: KeyValuePair, over b: KeyValuePair) -> Bool {
        if a.updateTimeMillis != b.updateTimeMillis { return a.updateTimeMillis > b.updateTimeMillis }
        if a.value != b.value { return b.value.lexicographicallyPrecedes(a.value) }
        if a.codec != b.codec { return b.codec.rawValue.utf8.lexicographicallyPrecedes(a.codec.rawValue.utf8) }
        return a.deleted && !b.deleted
    }

    private static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
