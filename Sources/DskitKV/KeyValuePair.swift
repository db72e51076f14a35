import Foundation
import SwiftProtobuf

// grafana/dskit kv/memberlist/kv.proto: message KeyValuePair {
//     string key = 1; bytes value = 2; string codec = 3; bool deleted = 4; int64 update_time_millis = 5; }
// A broadcast user message (memberlist NotifyMsg) is exactly one marshalled KeyValuePair;
// a push/pull user state is a sequence of them, each behind a length (see KVState).

/// One key of dskit's memberlist KV store with its codec-encoded value.
public struct KeyValuePair: Hashable, Sendable {
    /// The KV key, including any kvstore prefix (e.g. `collectors/ring`).
    public var key: String
    /// The value as the codec wrote it; for proto codecs a snappy block of a protobuf message.
    public var value: [UInt8]
    /// The codec that wrote `value`.
    public var codec: CodecID
    /// Whether the key is a deletion tombstone.
    public var deleted: Bool
    /// Last update time in Unix milliseconds, 0 when the sender did not set it.
    public var updateTimeMillis: Int64

    /// A pair from its fields.
    public init(key: String, value: [UInt8], codec: CodecID, deleted: Bool = false, updateTimeMillis: Int64 = 0) {
        self.key = key
        self.value = value
        self.codec = codec
        self.deleted = deleted
        self.updateTimeMillis = updateTimeMillis
    }

    /// Last update time, or nil when unset (0 on the wire).
    public var updateTime: Date? {
        updateTimeMillis == 0 ? nil : Date(timeIntervalSince1970: Double(updateTimeMillis) / 1000)
    }

    /// Decodes one marshalled KeyValuePair (a dskit broadcast user message, or one entry of a full state).
    public init(protobuf bytes: [UInt8]) throws(DskitKVError) {
        guard bytes.count <= DskitKVLimits.maxPair else {
            throw .limitExceeded(field: "KeyValuePair", value: bytes.count, limit: DskitKVLimits.maxPair)
        }
        let message: Memberlist_KeyValuePair
        do {
            message = try Memberlist_KeyValuePair(serializedBytes: bytes)
        } catch {
            throw .protobufInvalid(message: "memberlist.KeyValuePair", size: bytes.count, reason: "\(error)")
        }
        self.init(message)
    }

    /// Marshals the pair as dskit does for a broadcast or a full-state entry.
    public func protobufBytes() -> [UInt8] {
        // Serializing a message with only scalar fields cannot fail (no required fields, no Any).
        (try? message.serializedBytes()) ?? []
    }

    /// Decodes `value` according to `codec`; a value that does not decode is reported, not thrown.
    public func decodedValue() -> KVValue {
        KVValue(codec: codec, value: value)
    }

    init(_ message: Memberlist_KeyValuePair) {
        self.init(
            key: message.key,
            value: [UInt8](message.value),
            codec: CodecID(message.codec),
            deleted: message.deleted,
            updateTimeMillis: message.updateTimeMillis
        )
    }

    var message: Memberlist_KeyValuePair {
        var message = Memberlist_KeyValuePair()
        message.key = key
        message.value = Data(value)
        message.codec = codec.rawValue
        message.deleted = deleted
        message.updateTimeMillis = updateTimeMillis
        return message
    }
}
