/// A KV value decoded by its codec id; undecodable and unknown values keep their bytes, so no key is ever hidden.
public enum KVValue: Hashable, Sendable {
    /// codec `ringDesc`: a ring.
    case ring(RingDescription)
    /// codec `propagationDelayTracker`: gossip propagation beacons.
    case propagationBeacons(PropagationBeacons)
    /// codec `partitionRingDesc`: a partition ring.
    case partitionRing(PartitionRingDescription)
    /// A codec ringctl does not decode, kept as is.
    case unknown(codec: CodecID, size: Int, bytes: [UInt8])
    /// A known codec whose bytes did not decode; the error says why.
    case undecodable(codec: CodecID, size: Int, error: DskitKVError)

    /// Decodes `value` with the codec named `codec`; never throws.
    public init(codec: CodecID, value: [UInt8]) {
        do throws(DskitKVError) {
            switch codec {
            case .ringDesc:
                self = .ring(try RingDescription(codecValue: value))
            case .propagationDelayTracker:
                self = .propagationBeacons(try PropagationBeacons(codecValue: value))
            case .partitionRingDesc:
                self = .partitionRing(try PartitionRingDescription(codecValue: value))
            default:
                self = .unknown(codec: codec, size: value.count, bytes: value)
            }
        } catch {
            self = .undecodable(codec: codec, size: value.count, error: error)
        }
    }

    /// The codec id this value came with.
    public var codec: CodecID {
        switch self {
        case .ring: return .ringDesc
        case .propagationBeacons: return .propagationDelayTracker
        case .partitionRing: return .partitionRingDesc
        case let .unknown(codec, _, _), let .undecodable(codec, _, _): return codec
        }
    }
}
