import DskitKV
import Foundation

/// `ringctl kv get KEY`: one KV pair with its value decoded by codec, as JSON with a fixed set of keys.
/// Rings keep ring.proto's field names (`ingesters`, `addr`, `timestamp`, `registered_timestamp`, ...) so
/// scripts written against dskit's Go types read it; unknown codecs and undecodable values come as base64.
public struct KVValueReport: Encodable, Sendable {
    /// A decoded value.
    public enum Value: Encodable, Sendable {
        case ring(RingValue)
        case propagationBeacons(BeaconsValue)
        case partitionRing(PartitionRingValue)

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .ring(let ring): try ring.encode(to: encoder)
            case .propagationBeacons(let beacons): try beacons.encode(to: encoder)
            case .partitionRing(let ring): try ring.encode(to: encoder)
            }
        }
    }

    /// partition_ring_desc.proto `PartitionRingDesc`, every field under its proto name; states by ringctl's names.
    public struct PartitionRingValue: Encodable, Sendable {
        /// `PartitionDesc`.
        public struct Partition: Encodable, Sendable {
            var id: Int32
            var tokens: [UInt32]
            var state: String
            var stateTimestamp: Int64
            var stateChangeLocked: Bool
            var stateChangeLockedTimestamp: Int64
        }

        /// `OwnerDesc`.
        public struct Owner: Encodable, Sendable {
            var ownedPartition: Int32
            var state: String
            var updatedTimestamp: Int64
        }

        /// By partition id (a JSON object's keys are strings, as Go's encoding/json writes an int32 map key).
        var partitions: [String: Partition]
        var owners: [String: Owner]

        init(_ ring: PartitionRingDescription) {
            partitions = Dictionary(ring.partitions.map { partition in
                (String(partition.id), Partition(
                    id: partition.recordedID, tokens: partition.tokens, state: partition.state.name,
                    stateTimestamp: partition.stateTimestamp, stateChangeLocked: partition.stateChangeLocked,
                    stateChangeLockedTimestamp: partition.stateChangeLockedTimestamp))
            }, uniquingKeysWith: { first, _ in first })
            owners = Dictionary(ring.owners.map { owner in
                (owner.id, Owner(ownedPartition: owner.partition, state: owner.state.name,
                                 updatedTimestamp: owner.updatedTimestamp))
            }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// ring.proto `Desc`.
    public struct RingValue: Encodable, Sendable {
        /// ring.proto `InstanceDesc`, every field; `state` by name.
        public struct Instance: Encodable, Sendable {
            var addr: String
            var timestamp: Int64
            var state: String
            var tokens: [UInt32]
            var zone: String
            var registeredTimestamp: Int64
            var id: String
            var readOnlyUpdatedTimestamp: Int64
            var readOnly: Bool
            var versions: [String: UInt64]

            enum CodingKeys: String, CodingKey {
                case addr, timestamp, state, tokens, zone, id, versions
                case registeredTimestamp = "registered_timestamp"
                case readOnlyUpdatedTimestamp = "read_only_updated_timestamp"
                case readOnly = "read_only"
            }
        }

        var ingesters: [String: Instance]
    }

    /// propagation_tracker.proto `PropagationDelayTrackerDesc`, beacons sorted by publication time.
    public struct BeaconsValue: Encodable, Sendable {
        public struct Beacon: Encodable, Sendable {
            var id: UInt64
            var publishedBy: String
            var publishedAt: Int64
            var deletedAt: Int64

            enum CodingKeys: String, CodingKey {
                case id
                case publishedBy = "published_by"
                case publishedAt = "published_at"
                case deletedAt = "deleted_at"
            }
        }

        var beacons: [Beacon]
    }

    public var seed: String
    public var key: String
    public var codec: String
    public var deleted: Bool
    /// Last update (to the whole second, rounded down, as `update_time_millis` holds it); nil when unset.
    @NullEncoded public var updated: Date? = nil
    public var updateTimeMillis: Int64
    /// Size of the stored value (what `--raw` writes).
    public var valueBytes: Int
    /// The decoded value; nil for an unknown codec or a value that does not decode.
    @NullEncoded public var value: Value? = nil
    /// The stored bytes, base64, when `value` is nil.
    @NullEncoded public var valueBase64: String? = nil
    /// Why a known codec's value did not decode.
    @NullEncoded public var decodeError: String? = nil
    /// Why the value does not decode, as the error and its codec (not in the JSON: `decodeError` says it).
    public var failure: (codec: CodecID, error: DskitKVError)? = nil

    enum CodingKeys: String, CodingKey {
        case seed, key, codec, deleted, updated, value
        case updateTimeMillis = "update_time_millis"
        case valueBytes = "value_bytes"
        case valueBase64 = "value_base64"
        case decodeError = "decode_error"
    }

    /// The report for `pair` as `seed` holds it.
    public init(seed: String, pair: KeyValuePair) {
        self.seed = seed
        self.key = pair.key
        self.codec = pair.codec.rawValue
        self.deleted = pair.deleted
        self.updated = pair.updateTimeMillis == 0
            ? nil : Date(timeIntervalSince1970: Double(Self.floorSeconds(pair.updateTimeMillis)))
        self.updateTimeMillis = pair.updateTimeMillis
        self.valueBytes = pair.value.count
        // A tombstone's value is whatever was last stored (often empty): show it raw rather than fail to decode.
        switch pair.deleted && pair.value.isEmpty ? .unknown(codec: pair.codec, size: 0, bytes: []) : pair.decodedValue() {
        case .ring(let ring):
            value = .ring(RingValue(ingesters: Dictionary(ring.instances.map { instance in
                (instance.id, RingValue.Instance(
                    addr: instance.address, timestamp: instance.heartbeatTimestamp, state: instance.state.name,
                    tokens: instance.tokens, zone: instance.zone, registeredTimestamp: instance.registeredTimestamp,
                    id: instance.id, readOnlyUpdatedTimestamp: instance.readOnlyUpdatedTimestamp,
                    readOnly: instance.readOnly,
                    versions: Dictionary(uniqueKeysWithValues: instance.versions.map { (String($0.key), $0.value) })))
            }, uniquingKeysWith: { first, _ in first })))
        case .propagationBeacons(let tracker):
            value = .propagationBeacons(BeaconsValue(beacons: tracker.beacons.map {
                BeaconsValue.Beacon(id: $0.id, publishedBy: $0.publishedBy, publishedAt: $0.publishedAtMillis,
                                    deletedAt: $0.deletedAtMillis)
            }))
        case .partitionRing(let ring):
            value = .partitionRing(PartitionRingValue(ring))
        case .unknown:
            value = nil
        case .undecodable(let codec, _, let error):
            value = nil
            failure = (codec, error)
            decodeError = "\(error)"
        }
        if value == nil { valueBase64 = Data(pair.value).base64EncodedString() }
    }

    private static func floorSeconds(_ millis: Int64) -> Int64 {
        millis >= 0 ? millis / 1000 : (millis - 999) / 1000
    }
}
