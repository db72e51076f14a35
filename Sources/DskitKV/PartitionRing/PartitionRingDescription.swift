import Foundation
import SwiftProtobuf

// grafana/dskit ring/partition_ring_desc.proto (codec "partitionRingDesc", ring/partition_ring_model.go
// GetPartitionRingCodec: a snappy block of the protobuf bytes, as every dskit proto codec):
//     PartitionRingDesc { map<int32, PartitionDesc> partitions = 1; map<string, OwnerDesc> owners = 2; }
//     PartitionDesc { repeated uint32 tokens = 1 (packed); PartitionState state = 2; int64 stateTimestamp = 3 (Unix s);
//                     int32 id = 4 (= the map key); bool stateChangeLocked = 5; int64 stateChangeLockedTimestamp = 6; }
//     OwnerDesc { int32 ownedPartition = 1; OwnerState state = 2; int64 updatedTimestamp = 3 (Unix s); }
// Mimir's ingest storage keeps one under "collectors/ingester-partitions" (pkg/ingester PartitionRingKey with the
// "collectors/" kvstore prefix); other dskit services name theirs differently, so rings are found by codec.

/// A dskit partition ring: partitions (id, tokens, state) and their owners, both sorted by id.
public struct PartitionRingDescription: Hashable, Sendable {
    /// Partitions sorted by id (the map key).
    public var partitions: [PartitionDescription]
    /// Owners sorted by id (the map key: the owning instance's id).
    public var owners: [PartitionOwner]

    /// A ring from partitions and owners (sorted by id on the way in).
    public init(partitions: [PartitionDescription] = [], owners: [PartitionOwner] = []) {
        self.partitions = partitions.sorted { $0.id < $1.id }
        self.owners = owners.sorted { $0.id < $1.id }
    }

    /// Decodes a "partitionRingDesc" value: snappy(protobuf PartitionRingDesc), as /memberlist?downloadKey= saves it.
    public init(codecValue: [UInt8]) throws(DskitKVError) {
        guard !codecValue.isEmpty else { throw .empty(what: "partitionRingDesc value") }
        let raw = try SnappyBlock.uncompress(
            codecValue, limit: DskitKVLimits.maxUncompressedValue, field: "partitionRingDesc value")
        try self.init(protobuf: raw)
    }

    /// Decodes the value of a KV pair, which must carry codec "partitionRingDesc".
    public init(pair: KeyValuePair) throws(DskitKVError) {
        guard pair.codec == .partitionRingDesc else {
            throw .codecMismatch(expected: .partitionRingDesc, found: pair.codec)
        }
        try self.init(codecValue: pair.value)
    }

    /// Decodes uncompressed protobuf PartitionRingDesc bytes.
    public init(protobuf bytes: [UInt8]) throws(DskitKVError) {
        var options = BinaryDecodingOptions()
        // ringctl does not forward partition rings, so unknown fields are not worth keeping.
        options.discardUnknownFields = true
        let message: Ring_PartitionRingDesc
        do {
            message = try Ring_PartitionRingDesc(serializedBytes: bytes, options: options)
        } catch {
            throw .protobufInvalid(message: "ring.PartitionRingDesc", size: bytes.count, reason: "\(error)")
        }
        self.init(
            partitions: message.partitions.map { PartitionDescription(id: $0.key, $0.value) },
            owners: message.owners.map { PartitionOwner(id: $0.key, $0.value) }
        )
    }

    /// Encodes as dskit's "partitionRingDesc" codec does: snappy(protobuf).
    public func codecValue() -> [UInt8] {
        SnappyBlock.compress(protobufBytes())
    }

    /// Encodes as protobuf PartitionRingDesc (no snappy).
    public func protobufBytes() -> [UInt8] {
        var message = Ring_PartitionRingDesc()
        for partition in partitions { message.partitions[partition.id] = partition.message }
        for owner in owners { message.owners[owner.id] = owner.message }
        // Only scalars, strings and maps: serialization cannot fail.
        return (try? message.serializedBytes()) ?? []
    }

    /// The partition with `id`, if any.
    public subscript(partition id: Int32) -> PartitionDescription? {
        partitions.first { $0.id == id }
    }

    /// The owner with `id`, if any.
    public subscript(owner id: String) -> PartitionOwner? {
        owners.first { $0.id == id }
    }

    /// Whether there is nothing at all in it (no partition, no owner).
    public var isEmpty: Bool { partitions.isEmpty && owners.isEmpty }
}

/// One partition of a dskit partition ring.
public struct PartitionDescription: Hashable, Sendable {
    /// The partition id: the key in the ring's map (what dskit's ring page and lookups use).
    public var id: Int32
    /// Field 4, the id the partition records for itself; dskit writes the map key (a difference means corruption).
    public var recordedID: Int32
    /// Tokens in wire order (dskit generates them sorted and never changes them).
    public var tokens: [UInt32]
    /// The partition's state.
    public var state: PartitionState
    /// When the state last changed, Unix seconds.
    public var stateTimestamp: Int64
    /// Whether state changes are locked (dskit refuses them until unlocked).
    public var stateChangeLocked: Bool
    /// When the lock last changed, Unix seconds (0 = never).
    public var stateChangeLockedTimestamp: Int64

    /// A partition from its fields (`recordedID` defaults to `id`, as dskit writes it).
    public init(
        id: Int32, tokens: [UInt32], state: PartitionState, stateTimestamp: Int64,
        stateChangeLocked: Bool = false, stateChangeLockedTimestamp: Int64 = 0, recordedID: Int32? = nil
    ) {
        self.id = id
        self.recordedID = recordedID ?? id
        self.tokens = tokens
        self.state = state
        self.stateTimestamp = stateTimestamp
        self.stateChangeLocked = stateChangeLocked
        self.stateChangeLockedTimestamp = stateChangeLockedTimestamp
    }

    init(id: Int32, _ message: Ring_PartitionDesc) {
        self.init(
            id: id, tokens: message.tokens, state: PartitionState(message.state), stateTimestamp: message.stateTimestamp,
            stateChangeLocked: message.stateChangeLocked, stateChangeLockedTimestamp: message.stateChangeLockedTimestamp,
            recordedID: message.id)
    }

    var message: Ring_PartitionDesc {
        var message = Ring_PartitionDesc()
        message.id = recordedID
        message.tokens = tokens
        message.state = state.protobuf
        message.stateTimestamp = stateTimestamp
        message.stateChangeLocked = stateChangeLocked
        message.stateChangeLockedTimestamp = stateChangeLockedTimestamp
        return message
    }
}

/// One owner of a dskit partition ring: an instance (e.g. a Mimir ingester) and the one partition it owns.
public struct PartitionOwner: Hashable, Sendable {
    /// The owner id: the key in the ring's map (the owning instance's id).
    public var id: String
    /// The partition it owns.
    public var partition: Int32
    /// The owner's state.
    public var state: OwnerState
    /// Last update, Unix seconds (the newer side wins a merge).
    public var updatedTimestamp: Int64

    /// An owner from its fields.
    public init(id: String, partition: Int32, state: OwnerState, updatedTimestamp: Int64) {
        self.id = id
        self.partition = partition
        self.state = state
        self.updatedTimestamp = updatedTimestamp
    }

    init(id: String, _ message: Ring_OwnerDesc) {
        self.init(
            id: id, partition: message.ownedPartition, state: OwnerState(message.state),
            updatedTimestamp: message.updatedTimestamp)
    }

    var message: Ring_OwnerDesc {
        var message = Ring_OwnerDesc()
        message.ownedPartition = partition
        message.state = state.protobuf
        message.updatedTimestamp = updatedTimestamp
        return message
    }
}
