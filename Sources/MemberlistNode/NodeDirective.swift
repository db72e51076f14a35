import MemberlistWire

// What the pure node instance asks its shell to do, and the timers it sets. The observer's directives plus the
// two stream exchanges a node starts itself (push/pull, TCP ping): the shell opens the stream, writes the request
// and feeds the reply (or the failure) back, tagged with the request's id.

/// One thing the shell must do on the node's behalf.
public enum NodeDirective: Hashable, Sendable {
    /// Send one packet (UDP, or a dskit packet connection); a failure may be fed back with `noteProblem`.
    case sendPacket(OutgoingPacket)
    /// Write this reply on the stream being answered (belongs to the `onStream` call that returned it).
    case reply(StreamReply)
    /// Call `onTimer(timer, now:)` at `instant` (or as soon after as the shell can).
    case schedule(NodeTimer, at: ContinuousClock.Instant)
    /// Open a stream to `request.peer`, write `request.message`, read the one reply and hand it to
    /// `onStreamReply(_:for:now:)`, or the failure to `onStreamFailure(_:reason:now:)`.
    case exchange(StreamRequest)
    /// Hand this event to whoever watches the node.
    case emit(NodeEvent)
}

/// A stream the node opens: what for, to whom, with what.
public struct StreamRequest: Hashable, Sendable {
    /// What the exchange is for.
    public enum Purpose: Hashable, Sendable {
        /// A push/pull (join: through a seed).
        case pushPull(join: Bool)
        /// memberlist's TCP fallback ping for the probe numbered `seqNo`.
        case tcpPing(seqNo: UInt32)
    }

    /// Identifies the exchange when its reply comes back.
    public var id: UInt64
    /// "ip:port".
    public var peer: String
    /// What it is for.
    public var purpose: Purpose
    /// The message to write.
    public var message: StreamMessage
    /// When the shell should give up on it.
    public var deadline: ContinuousClock.Instant

    /// A request.
    public init(
        id: UInt64, peer: String, purpose: Purpose, message: StreamMessage, deadline: ContinuousClock.Instant
    ) {
        self.id = id
        self.peer = peer
        self.purpose = purpose
        self.message = message
        self.deadline = deadline
    }
}

/// The node's timers, each naming what it is for.
public enum NodeTimer: Hashable, Sendable {
    /// Time to probe the next member.
    case probe
    /// The direct ping of probe `seqNo` waited its probe timeout: go indirect.
    case probeIndirect(seqNo: UInt32)
    /// Probe `seqNo` used its whole budget: suspect the target unless an ack came.
    case probeDeadline(seqNo: UInt32)
    /// An indirect ping we relayed under this sequence number waited a probe timeout for its ack.
    case relayTimeout(seqNo: UInt32)
    /// The suspicion of `node` may have run out.
    case suspicion(node: String)
    /// Time to gossip.
    case gossip
    /// Time for a push/pull with a random member.
    case pushPull
    /// The delegate's periodic work.
    case delegateTick
    /// The leave gave its broadcasts all the time it has.
    case leaveTimeout
}

/// What happened in the node, in order.
public enum NodeEvent: Hashable, Sendable {
    /// The member table changed (or we refuted an accusation).
    case member(MemberEvent)
    /// Something arrived that could not be used, or a send failed: one sentence.
    case problem(String)
    /// A join through `peer` merged its state.
    case joined(peer: String)
    /// Our leave is done: its broadcasts went out (or the leave timeout passed); the shell may close.
    case leaveComplete(broadcastsSent: Bool)
}
