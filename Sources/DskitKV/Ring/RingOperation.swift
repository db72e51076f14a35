// grafana/dskit ring/ring.go `Operation`: a bitmap over instance states, bit s = "state s may serve the operation",
// bit 16 + s = "an instance in state s joins the replica set but does not count towards the replication factor, so
// the walk goes on for one more" (`NewOp`, `IsInstanceInStateHealthy`, `ShouldExtendReplicaSetOnState`).
// NewOp asks its extension function about the five states dskit defines only, so a state number ringctl does not
// know never extends; Reporting is the literal 0x0000ffff (states 0...15 healthy, nothing extends).

/// A dskit ring operation: which states may serve it and which extend the replica set.
public struct RingOperation: Hashable, Sendable, CustomStringConvertible {
    /// The name ringctl shows and accepts ("write", "write-no-extend", "read", "reporting").
    public var name: String
    /// dskit's bitmap.
    public var bits: UInt32

    /// An operation from dskit's bitmap.
    public init(name: String, bits: UInt32) {
        self.name = name
        self.bits = bits
    }

    /// dskit's `NewOp(healthyStates, shouldExtend)`.
    public init(name: String, healthy: [InstanceState], extendsOn shouldExtend: ((InstanceState) -> Bool)?) {
        var bits: UInt32 = 0
        for state in healthy { bits |= Self.bit(state, base: 1) }
        if let shouldExtend {
            for state in InstanceState.known where shouldExtend(state) { bits |= Self.bit(state, base: 0x10000) }
        }
        self.init(name: name, bits: bits)
    }

    /// `Write`: ACTIVE serves; every other state extends the set (dskit's distributors, Pyroscope's push).
    public static let write = RingOperation(name: "write", healthy: [.active]) { $0 != .active }
    /// `WriteNoExtend`: ACTIVE serves; nothing extends (Mimir's distributor).
    public static let writeNoExtend = RingOperation(name: "write-no-extend", healthy: [.active], extendsOn: nil)
    /// `Read`: ACTIVE, PENDING and LEAVING serve; every state but ACTIVE and LEAVING extends.
    public static let read = RingOperation(name: "read", healthy: [.active, .pending, .leaving]) {
        $0 != .active && $0 != .leaving
    }
    /// `Reporting` (allStatesRingOperation): every state serves, nothing extends; only the heartbeat matters.
    public static let reporting = RingOperation(name: "reporting", bits: 0x0000_FFFF)

    /// The operations ringctl offers, by name.
    public static let all: [RingOperation] = [.write, .writeNoExtend, .read, .reporting]

    /// The operation called `name`, if any.
    public static func named(_ name: String) -> RingOperation? {
        all.first { $0.name == name }
    }

    /// `IsInstanceInStateHealthy`: an instance in `state` may serve the operation (its heartbeat aside).
    public func serves(_ state: InstanceState) -> Bool {
        bits & Self.bit(state, base: 1) != 0
    }

    /// `ShouldExtendReplicaSetOnState`: an instance in `state` is added but the walk looks for one more.
    public func extends(on state: InstanceState) -> Bool {
        bits & Self.bit(state, base: 0x10000) != 0
    }

    public var description: String { name }

    /// Go's `base << s` on a uint32: 0 once the shift leaves the word (and for states below 0, which Go cannot have).
    private static func bit(_ state: InstanceState, base: UInt32) -> UInt32 {
        guard state.rawValue >= 0, state.rawValue < 32 else { return 0 }
        return base << UInt32(state.rawValue)
    }
}
