import SwiftProtobuf

// grafana/dskit kv/memberlist/propagation_tracker.proto, codec "propagationDelayTracker" (snappy + protobuf):
//     PropagationDelayTrackerDesc { map<uint64, BeaconDesc> beacons = 1 }
//     BeaconDesc { int64 published_at = 1 (ms); int64 deleted_at = 2 (ms, 0 = live); string published_by = 3 }

/// The propagation tracker's beacons: each node publishes one, and others measure how long it took to arrive.
public struct PropagationBeacons: Hashable, Sendable {
    /// One beacon.
    public struct Beacon: Hashable, Sendable, Codable {
        /// Random beacon id (the map key).
        public var id: UInt64
        /// Memberlist node name of the publisher.
        public var publishedBy: String
        /// Publication time, Unix milliseconds.
        public var publishedAtMillis: Int64
        /// Deletion time, Unix milliseconds; 0 while live.
        public var deletedAtMillis: Int64

        /// A beacon from its fields.
        public init(id: UInt64, publishedBy: String, publishedAtMillis: Int64, deletedAtMillis: Int64 = 0) {
            self.id = id
            self.publishedBy = publishedBy
            self.publishedAtMillis = publishedAtMillis
            self.deletedAtMillis = deletedAtMillis
        }

        /// Whether the beacon is a tombstone.
        public var isDeleted: Bool { deletedAtMillis != 0 }
    }

    /// Beacons sorted by publication time, then id.
    public var beacons: [Beacon]

    /// Beacons from a list (sorted on the way in).
    public init(beacons: [Beacon]) {
        self.beacons = beacons.sorted { ($0.publishedAtMillis, $0.id) < ($1.publishedAtMillis, $1.id) }
    }

    /// Decodes the codec value: a snappy block of protobuf PropagationDelayTrackerDesc.
    public init(codecValue: [UInt8]) throws(DskitKVError) {
        let raw = try SnappyBlock.uncompress(
            codecValue,
            limit: DskitKVLimits.maxUncompressedValue,
            field: "propagationDelayTracker value"
        )
        try self.init(protobuf: raw)
    }

    /// Decodes an uncompressed protobuf PropagationDelayTrackerDesc.
    public init(protobuf bytes: [UInt8]) throws(DskitKVError) {
        let message: Memberlist_PropagationDelayTrackerDesc
        do {
            message = try Memberlist_PropagationDelayTrackerDesc(serializedBytes: bytes)
        } catch {
            throw .protobufInvalid(
                message: "memberlist.PropagationDelayTrackerDesc",
                size: bytes.count,
                reason: "\(error)"
            )
        }
        self.init(
            beacons: message.beacons.map { id, beacon in
                Beacon(
                    id: id,
                    publishedBy: beacon.publishedBy,
                    publishedAtMillis: beacon.publishedAt,
                    deletedAtMillis: beacon.deletedAt
                )
            }
        )
    }

    /// Encodes as dskit's codec does: snappy(protobuf).
    public func codecValue() -> [UInt8] {
        var message = Memberlist_PropagationDelayTrackerDesc()
        for beacon in beacons {
            var desc = Memberlist_BeaconDesc()
            desc.publishedBy = beacon.publishedBy
            desc.publishedAt = beacon.publishedAtMillis
            desc.deletedAt = beacon.deletedAtMillis
            message.beacons[beacon.id] = desc
        }
        // Only scalar and map fields: serialization cannot fail.
        let raw: [UInt8] = (try? message.serializedBytes()) ?? []
        return SnappyBlock.compress(raw)
    }
}
