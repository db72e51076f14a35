// grafana/dskit ring/partition_ring_desc.proto: enum PartitionState { PartitionUnknown = 0; PartitionPending = 1;
//     PartitionActive = 2; PartitionInactive = 3; PartitionDeleted = 4; }
//     enum OwnerState { OwnerUnknown = 0; OwnerActive = 1; OwnerDeleted = 2; }
// Open sets, as InstanceState: a newer dskit may add states and proto3 keeps their numbers, so ringctl shows them.
// Names drop dskit's "Partition"/"Owner" prefix (its `CleanName`) and are upper case, as ringctl spells instance states.

/// The state of a partition of a dskit partition ring.
public struct PartitionState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protobuf enum number.
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Never set: dskit itself never writes it.
    public static let unknown = PartitionState(rawValue: 0)
    /// About to become ACTIVE: its owners attach; not used for writes or reads yet.
    public static let pending = PartitionState(rawValue: 1)
    /// Read-write.
    public static let active = PartitionState(rawValue: 2)
    /// Read-only, being drained; deleted after a grace period unless it becomes ACTIVE again.
    public static let inactive = PartitionState(rawValue: 3)
    /// A tombstone gossiped for a removed partition; ring clients never see it.
    public static let deleted = PartitionState(rawValue: 4)

    /// "UNKNOWN", "PENDING", "ACTIVE", "INACTIVE", "DELETED", or "UNKNOWN(n)" for a number ringctl does not know.
    public var name: String {
        switch rawValue {
        case 0: return "UNKNOWN"
        case 1: return "PENDING"
        case 2: return "ACTIVE"
        case 3: return "INACTIVE"
        case 4: return "DELETED"
        default: return "UNKNOWN(\(rawValue))"
        }
    }

    public var description: String { name }

    init(_ state: Ring_PartitionState) { self.init(rawValue: state.rawValue) }

    var protobuf: Ring_PartitionState { Ring_PartitionState(rawValue: rawValue) ?? .UNRECOGNIZED(rawValue) }
}

/// The state of an owner of a dskit partition ring.
public struct OwnerState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protobuf enum number.
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Never set: dskit itself never writes it.
    public static let unknown = OwnerState(rawValue: 0)
    /// Owns its partition.
    public static let active = OwnerState(rawValue: 1)
    /// A tombstone gossiped for a removed owner; ring clients never see it.
    public static let deleted = OwnerState(rawValue: 2)

    /// "UNKNOWN", "ACTIVE", "DELETED", or "UNKNOWN(n)" for a number ringctl does not know.
    public var name: String {
        switch rawValue {
        case 0: return "UNKNOWN"
        case 1: return "ACTIVE"
        case 2: return "DELETED"
        default: return "UNKNOWN(\(rawValue))"
        }
    }

    public var description: String { name }

    init(_ state: Ring_OwnerState) { self.init(rawValue: state.rawValue) }

    var protobuf: Ring_OwnerState { Ring_OwnerState(rawValue: rawValue) ?? .UNRECOGNIZED(rawValue) }
}
