import MemberlistWire

/// One member the leave could not reach.
public struct LeaveFailure: Hashable, Sendable {
    /// "ip:port".
    public var peer: String
    /// Why.
    public var error: MemberlistError

    /// A failure.
    public init(peer: String, error: MemberlistError) {
        self.peer = peer
        self.error = error
    }
}

/// Where the leave went.
public struct LeaveOutcome: Hashable, Sendable {
    /// Addresses the dead message was sent to.
    public var sentTo: [String]
    /// Addresses it could not be sent to.
    public var failures: [LeaveFailure]
    /// The node that left; nil when the session never announced itself (no leave was needed).
    public var node: String?
    /// How the seed lists us after the leave (nil when no leave was sent).
    public var confirmation: LeaveConfirmation?
    /// True when no leave was sent because a live member holds our name (the join was written, but in a name
    /// that is not ours to leave).
    public var withheld: Bool

    /// An outcome.
    public init(
        sentTo: [String], failures: [LeaveFailure], node: String?, confirmation: LeaveConfirmation? = nil,
        withheld: Bool = false
    ) {
        self.sentTo = sentTo
        self.failures = failures
        self.node = node
        self.confirmation = confirmation
        self.withheld = withheld
    }
}

extension LeaveOutcome {
    /// The seed listed us after the leave (left, or still alive): the cluster had merged our join.
    var clusterKnewUs: Bool {
        switch confirmation {
        case .left?, .stillListed?: true
        default: false
        }
    }
}

/// What the seed said of our node after the leave (one push/pull, as a peek).
public enum LeaveConfirmation: Hashable, Sendable {
    /// The seed lists us left (or dead); `resent` counts the extra leaves it took.
    case left(seed: String, state: NodeState, resent: Int)
    /// The seed does not list us at all: it never merged our join.
    case notListed(seed: String)
    /// The seed still lists us in `state` after every resend: the cluster may suspect and then fail us.
    case stillListed(seed: String, state: NodeState)
    /// The seed could not be asked.
    case unchecked(seed: String, reason: String)
}

/// How an observer session ended when its body failed, and whether it left: thrown by `withObserver` around the
/// body's error (`underlying`) when the body was interrupted, or when the seed listed us (the cluster had merged
/// the join). A join the seed rejected (label, key) throws the body's own error.
public struct ObserverEnded: Error, Sendable {
    /// What ended the body (`CancellationError` for Ctrl-C or SIGTERM).
    public var underlying: any Error
    /// Where the leave went (`node` nil: nothing was ever sent in our name).
    public var leave: LeaveOutcome
    /// The node name the session would have joined under.
    public var nodeName: String
}

/// The body's result and how the leave went.
public struct ObserverOutcome<Value: Sendable>: Sendable {
    /// What the body returned.
    public var value: Value
    /// Where the leave went.
    public var leave: LeaveOutcome
}
