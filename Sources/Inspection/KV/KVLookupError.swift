import DskitKV

/// Why a key could not be read from a seed's KV store.
public enum KVLookupError: Error, Sendable, CustomStringConvertible {
    /// The seed's KV full state stops decoding (`underlying` says where).
    case stateUndecodable(seed: String, underlying: DskitKVError)
    /// No key by that name; the keys the seed holds, sorted (deleted ones marked).
    case keyMissing(key: String, seed: String, present: [String])
    /// The key exists but is a deletion tombstone.
    case keyDeleted(key: String, seed: String)
    /// The key holds something else than a ring.
    case notARing(key: String, codec: CodecID, seed: String, rings: [String])
    /// Not one key with codec ringDesc: not a dskit cluster, or no ring client has registered yet.
    case noRingKey(seed: String, present: [String])
    /// A ringDesc value that does not decode.
    case ringUndecodable(key: String, seed: String, underlying: DskitKVError)

    public var description: String {
        switch self {
        case let .stateUndecodable(seed, underlying):
            return "\(seed)'s KV state stops decoding: \(underlying)"
        case let .keyMissing(key, seed, present):
            return "\(seed) holds no KV key \"\(key)\"; keys present: \(Self.list(present))"
        case let .keyDeleted(key, seed):
            return "KV key \"\(key)\" is deleted on \(seed) (a tombstone, kept until dskit drops it)"
        case let .notARing(key, codec, seed, rings):
            return "KV key \"\(key)\" on \(seed) has codec \"\(codec)\", not ringDesc; ring keys: \(Self.list(rings))"
        case let .noRingKey(seed, present):
            return "\(seed) holds no ring (no KV key with codec ringDesc); keys present: \(Self.list(present))"
        case let .ringUndecodable(key, seed, underlying):
            return "the ring under KV key \"\(key)\" on \(seed) does not decode: \(underlying)"
        }
    }

    /// What to try next.
    public var hint: String {
        switch self {
        case .stateUndecodable, .ringUndecodable:
            return "the seed may run a dskit version ringctl does not know; save the value with the /memberlist "
                + "page's download link and run ringctl decode or ring --from-file on it"
        case .keyMissing, .keyDeleted:
            return "list the keys with: ringctl kv -j SEED (keys carry the kvstore prefix, e.g. collectors/ring)"
        case .notARing:
            return "pick a key whose codec is ringDesc (ringctl kv lists codecs), or leave out --key for every ring"
        case .noRingKey(_, let present):
            return present.isEmpty
                ? "the KV store is empty: the cluster may be a plain memberlist cluster (try ringctl members), or "
                    + "its ring clients use another KV store (consul, etcd)"
                : "the cluster may not keep its rings in memberlist, or the ring has not been written yet"
        }
    }

    private static func list(_ keys: [String]) -> String {
        keys.isEmpty ? "none" : keys.joined(separator: ", ")
    }
}
