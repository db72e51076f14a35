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
    /// A value of a codec ringctl knows that does not decode (`kv get` prints it raw, with this error).
    case valueUndecodable(key: String, codec: CodecID, seed: String, underlying: DskitKVError)

    public var description: String {
        switch self {
        case let .stateUndecodable(seed, underlying):
            return "\(seed)'s KV state stops decoding: \(underlying)"
        case let .keyMissing(key, seed, present):
            return "\(seed) holds no KV key \"\(key)\"; keys present: \(Self.list(present))"
        case let .keyDeleted(key, seed):
            return "KV key \"\(key)\" is deleted on \(seed) (a tombstone, kept until dskit drops it)"
        case let .notARing(key, codec, seed, rings):
            return "KV key \"\(key)\" on \(seed) has codec \"\(codec)\", not ringDesc or partitionRingDesc; ring keys: \(Self.list(rings))"
        case let .noRingKey(seed, present):
            return "\(seed) holds no ring (no KV key with codec ringDesc) and no partition ring (partitionRingDesc); keys present: \(Self.list(present))"
        case let .ringUndecodable(key, seed, underlying):
            return "the ring under KV key \"\(key)\" on \(seed) does not decode: \(underlying)"
        case let .valueUndecodable(key, codec, seed, underlying):
            return "the value under KV key \"\(key)\" (codec \(codec)) on \(seed) does not decode: \(underlying)"
        }
    }

    private static func list(_ keys: [String]) -> String {
        keys.isEmpty ? "none" : keys.joined(separator: ", ")
    }
}
