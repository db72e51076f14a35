import MemberlistWire

/// What the observer saw, in order: member changes, user messages (dskit: KV pair updates), push/pull states.
public enum ObserverEvent: Hashable, Sendable {
    /// The member table changed (or we refuted an accusation).
    case member(MemberEvent)
    /// A user message (dskit: one KeyValuePair) arrived from `from`.
    case userMessage([UInt8], from: String)
    /// A push/pull delivered a delegate state (dskit: the KV full state).
    case remoteState([UInt8], join: Bool, from: String)
    /// Something arrived that could not be used (undecodable, wrong label or key): one sentence.
    case problem(String)
}

/// What the join with one seed gave.
public struct JoinResult: Hashable, Sendable {
    /// The seed that answered.
    public var peer: String
    /// The seed's member list.
    public var nodes: [PushNodeState]
    /// The seed's delegate state (dskit: the KV full state).
    public var userState: [UInt8]
    /// How the reply was compressed, if it was.
    public var compression: CompressionAlgorithm?
}

/// A copy of what the session knows.
public struct ObserverSnapshot: Hashable, Sendable {
    /// Ourselves as announced (nil before a join got as far as connecting).
    public var local: Member?
    /// Every other member, sorted by name, in every state.
    public var members: [Member]
    /// The newest delegate state a push/pull brought (dskit: the KV full state).
    public var userState: [UInt8]
    /// The seed that answered the join.
    public var seed: String?
    /// How many packets and streams could not be used, and the last few reasons.
    public var problemCount: Int
    public var recentProblems: [String]
}
