import DskitKV
import Memberlist

/// The KV store one seed sent in its push/pull, decoded: what `ring`, `kv get` and `lag` read.
public struct KVSnapshot: Sendable {
    /// The peer that answered (or a file name).
    public var seed: String
    /// Every pair, deleted ones included.
    public var state: KVState

    /// A snapshot of a seed's state; a state that stops decoding part way throws (a ring may be missing).
    public init(_ peek: PeekResult) throws(KVLookupError) {
        let (state, failure) = KVState.decodePrefix(peek.userState)
        if let failure { throw .stateUndecodable(seed: peek.peer, underlying: failure) }
        self.init(seed: peek.peer, state: state)
    }

    /// A snapshot from decoded pairs.
    public init(seed: String, state: KVState) {
        self.seed = seed
        self.state = state
    }

    /// Every key, sorted; deleted ones carry " (deleted)", for messages that list what is there.
    public var keyList: [String] {
        state.pairs.map { $0.deleted ? "\($0.key) (deleted)" : $0.key }.sorted()
    }

    /// Keys whose codec is ringDesc and that are not deleted, sorted: the rings a dskit cluster keeps.
    public var ringKeys: [String] {
        state.pairs.filter { $0.codec == .ringDesc && !$0.deleted }.map(\.key).sorted()
    }

    /// The pair under `key`, deleted or not.
    public func pair(_ key: String) throws(KVLookupError) -> KeyValuePair {
        guard let pair = state[key] else { throw .keyMissing(key: key, seed: seed, present: keyList) }
        return pair
    }

    /// Keys whose codec is partitionRingDesc and that are not deleted, sorted: the partition rings (Mimir's ingest
    /// storage keeps one under "collectors/ingester-partitions").
    public var partitionRingKeys: [String] {
        state.pairs.filter { $0.codec == .partitionRingDesc && !$0.deleted }.map(\.key).sorted()
    }

    /// The rings under `keys`, in that order, or under every ring key when `keys` is empty.
    public func rings(keys: [String] = []) throws(KVLookupError) -> [(key: String, ring: RingDescription)] {
        let wanted = keys.isEmpty ? ringKeys : keys
        if keys.isEmpty && wanted.isEmpty { throw .noRingKey(seed: seed, present: keyList) }
        var rings: [(key: String, ring: RingDescription)] = []
        for key in wanted {
            let pair = try livePair(key)
            guard pair.codec == .ringDesc else {
                throw .notARing(key: key, codec: pair.codec, seed: seed, rings: ringKeys)
            }
            rings.append((key, try ring(pair)))
        }
        return rings
    }

    /// The rings and partition rings under `keys` (each by its codec), in that order, or every one of either kind
    /// when `keys` is empty: what `ringctl ring` shows.
    public func allRings(keys: [String] = []) throws(KVLookupError) -> (
        rings: [(key: String, ring: RingDescription)], partitionRings: [(key: String, ring: PartitionRingDescription)]
    ) {
        let wanted = keys.isEmpty ? (ringKeys + partitionRingKeys).sorted() : keys
        if wanted.isEmpty { throw .noRingKey(seed: seed, present: keyList) }
        var rings: [(key: String, ring: RingDescription)] = []
        var partitionRings: [(key: String, ring: PartitionRingDescription)] = []
        for key in wanted {
            let pair = try livePair(key)
            switch pair.codec {
            case .ringDesc:
                rings.append((key, try ring(pair)))
            case .partitionRingDesc:
                do {
                    partitionRings.append((key, try PartitionRingDescription(codecValue: pair.value)))
                } catch {
                    throw .ringUndecodable(key: key, seed: seed, underlying: error)
                }
            default:
                throw .notARing(key: key, codec: pair.codec, seed: seed, rings: (ringKeys + partitionRingKeys).sorted())
            }
        }
        return (rings, partitionRings)
    }

    /// The pair under `key`, which must not be a tombstone.
    private func livePair(_ key: String) throws(KVLookupError) -> KeyValuePair {
        let pair = try pair(key)
        guard !pair.deleted else { throw .keyDeleted(key: key, seed: seed) }
        return pair
    }

    private func ring(_ pair: KeyValuePair) throws(KVLookupError) -> RingDescription {
        do {
            return try RingDescription(codecValue: pair.value)
        } catch {
            throw .ringUndecodable(key: pair.key, seed: seed, underlying: error)
        }
    }
}
