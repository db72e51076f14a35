import SwiftProtobuf

// grafana/dskit ring/ring.proto: message Desc { map<string, InstanceDesc> ingesters = 1; reserved 2; }
// Stored in the KV store under codec "ringDesc" (ring/model.go GetCodec): snappy block of the protobuf bytes.

/// A whole dskit ring: every instance, sorted by id.
public struct RingDescription: Hashable, Sendable {
    /// Instances sorted by id (the map key).
    public var instances: [InstanceDescription]

    /// A ring from instances (sorted by id on the way in).
    public init(instances: [InstanceDescription]) {
        self.instances = instances.sorted { $0.id < $1.id }
    }

    /// Decodes a "ringDesc" value: snappy(protobuf ring.Desc), as saved from a dskit /memberlist page.
    public init(codecValue: [UInt8]) throws(DskitKVError) {
        guard !codecValue.isEmpty else { throw .empty(what: "ringDesc value") }
        let raw = try SnappyBlock.uncompress(
            codecValue,
            limit: DskitKVLimits.maxUncompressedValue,
            field: "ringDesc value"
        )
        try self.init(protobuf: raw)
    }

    /// Decodes the value of a KV pair, which must carry codec "ringDesc" (rings are found by codec, not key).
    public init(pair: KeyValuePair) throws(DskitKVError) {
        guard pair.codec == .ringDesc else { throw .codecMismatch(expected: .ringDesc, found: pair.codec) }
        try self.init(codecValue: pair.value)
    }

    /// Decodes uncompressed protobuf ring.Desc bytes.
    public init(protobuf bytes: [UInt8]) throws(DskitKVError) {
        var options = BinaryDecodingOptions()
        // Unknown fields would only be kept to re-encode them; ringctl does not forward rings.
        options.discardUnknownFields = true
        let message: Ring_Desc
        do {
            message = try Ring_Desc(serializedBytes: bytes, options: options)
        } catch {
            throw .protobufInvalid(message: "ring.Desc", size: bytes.count, reason: "\(error)")
        }
        self.init(message)
    }

    /// Encodes as dskit's "ringDesc" codec does: snappy(protobuf).
    public func codecValue() -> [UInt8] {
        SnappyBlock.compress(protobufBytes())
    }

    /// Encodes as protobuf ring.Desc (no snappy).
    public func protobufBytes() -> [UInt8] {
        var message = Ring_Desc()
        for instance in instances {
            message.ingesters[instance.id] = instance.message
        }
        // Only strings, scalars and maps: serialization cannot fail.
        return (try? message.serializedBytes()) ?? []
    }

    init(_ message: Ring_Desc) {
        var instances: [InstanceDescription] = []
        instances.reserveCapacity(message.ingesters.count)
        for (id, instance) in message.ingesters {
            instances.append(InstanceDescription(id: id, instance))
        }
        self.init(instances: instances)
    }

    /// The instance with `id`, if any.
    public subscript(id: String) -> InstanceDescription? {
        instances.first { $0.id == id }
    }
}
