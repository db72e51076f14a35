/// A dskit KV codec id (kv/codec/codec.go `Codec.CodecID()`), an open set: unknown ids are kept, not rejected.
public struct CodecID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// snappy(protobuf ring.Desc): every dskit ring (ingesters, distributors, compactors, ...).
    public static let ringDesc = CodecID("ringDesc")
    /// snappy(protobuf PropagationDelayTrackerDesc): gossip propagation beacons (kv/memberlist/propagation_tracker_model.go).
    public static let propagationDelayTracker = CodecID("propagationDelayTracker")
    /// snappy(protobuf PartitionRingDesc): a dskit partition ring (ring/partition_ring_model.go; Mimir's ingest storage).
    public static let partitionRingDesc = CodecID("partitionRingDesc")
}
