import MemberlistWire

// What the pure instance asks its shell to do (swift-cluster-membership's SWIM.Instance returns directives the
// same way). The instance decides what goes where and when; the shell encodes (label, encryption: the
// transport's codec), moves the bytes, sleeps until a timer's instant and yields events. A full node adds cases
// here (gossip to a member, a push/pull by stream, more timers), not a second session type.

/// One thing the shell must do on the instance's behalf.
public enum ObserverDirective: Hashable, Sendable {
    /// Send one packet (UDP, or a dskit packet connection); a failure is fed back as a problem.
    case sendPacket(OutgoingPacket)
    /// Write this reply on the stream being answered (streams are answered synchronously: the reply belongs to the
    /// `onStream` call that returned it).
    case reply(StreamReply)
    /// Call `onTimer(timer, now:)` at `instant` (or as soon after as the shell can).
    case schedule(ObserverTimer, at: ContinuousClock.Instant)
    /// Hand this event to the session's event stream.
    case emit(ObserverEvent)
}

/// The instance's timers, each naming what it is for.
public enum ObserverTimer: Hashable, Sendable {
    /// The indirect ping we relayed under this sequence number waited a probe timeout for its ack.
    case relayTimeout(seqNo: UInt32)
}
