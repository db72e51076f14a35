import DskitKV
import Foundation
import Memberlist

/// `ringctl kv`: every key of the dskit KV store the answering seed holds, sorted by key.
public struct KVKeysReport: Codable, Hashable, Sendable {
    /// One key.
    public struct Key: Codable, Hashable, Sendable {
        public var key: String
        public var codec: String
        /// The value's size in bytes (as stored: protobuf, maybe snappy-compressed).
        public var valueBytes: Int
        /// When the value was last updated, if the writer set it.
        @NullEncoded public var updated: Date? = nil
        public var deleted: Bool

        enum CodingKeys: String, CodingKey {
            case key, codec, updated, deleted
            case valueBytes = "value_bytes"
        }
    }

    /// The peer that answered.
    public var seed: String
    /// The keys, sorted.
    public var keys: [Key]
    /// Set when the user state stopped decoding part way; the keys before it are still listed.
    @NullEncoded public var decodeError: String? = nil
    /// Why the user state stopped decoding, as the error (not in the JSON: `decodeError` says it in words).
    public var failure: DskitKVError? = nil

    enum CodingKeys: String, CodingKey {
        case seed, keys
        case decodeError = "decode_error"
    }

    /// The report for a peek; an empty user state is an empty store (a plain memberlist cluster has none).
    public init(_ peek: PeekResult) {
        self.seed = peek.peer
        let (state, failure) = KVState.decodePrefix(peek.userState)
        self.keys = state.pairs.map {
            Key(key: $0.key, codec: $0.codec.rawValue, valueBytes: $0.value.count, updated: $0.updateTime,
                deleted: $0.deleted)
        }.sorted { $0.key < $1.key }
        self.failure = failure
        self.decodeError = failure.map { "\($0)" }
    }
}
