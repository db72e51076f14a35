// grafana/dskit ring/ring.proto: enum InstanceState { ACTIVE = 0; LEAVING = 1; PENDING = 2; JOINING = 3; LEFT = 4; }
// An open set: a newer dskit may add states, and proto3 keeps their numbers, so ringctl shows them instead of failing.

/// The lifecycle state of a ring instance.
public struct InstanceState: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The protobuf enum number.
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Owns its tokens and serves traffic.
    public static let active = InstanceState(rawValue: 0)
    /// Shutting down, handing its data over.
    public static let leaving = InstanceState(rawValue: 1)
    /// Registered, has no tokens yet.
    public static let pending = InstanceState(rawValue: 2)
    /// Taking over tokens, not serving yet.
    public static let joining = InstanceState(rawValue: 3)
    /// Removed; gossiped as a tombstone until dskit drops it (`-memberlist.left-ingesters-timeout`, default 5m).
    public static let left = InstanceState(rawValue: 4)

    /// Not known: the input did not say (dskit's /ring page JSON shows UNHEALTHY in place of the state).
    public static let unknown = InstanceState(rawValue: -1)

    /// The five states dskit defines, in enum order.
    public static let known: [InstanceState] = [.active, .leaving, .pending, .joining, .left]

    /// dskit's spelling ("ACTIVE"), or "UNKNOWN(n)" for a number ringctl does not know.
    public var name: String {
        switch rawValue {
        case 0: return "ACTIVE"
        case 1: return "LEAVING"
        case 2: return "PENDING"
        case 3: return "JOINING"
        case 4: return "LEFT"
        case -1: return "UNKNOWN"
        default: return "UNKNOWN(\(rawValue))"
        }
    }

    /// Whether the state is a transition an instance should not stay in (LEAVING, PENDING, JOINING).
    public var isTransitional: Bool { self == .leaving || self == .pending || self == .joining }

    public var description: String { name }

    public static func < (lhs: InstanceState, rhs: InstanceState) -> Bool { lhs.rawValue < rhs.rawValue }

    init(_ state: Ring_InstanceState) {
        self.init(rawValue: state.rawValue)
    }

    var protobuf: Ring_InstanceState {
        Ring_InstanceState(rawValue: rawValue) ?? .UNRECOGNIZED(rawValue)
    }
}
