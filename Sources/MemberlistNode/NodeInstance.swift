import MemberlistWire

/// A whole memberlist node as a pure value (API first; rules filled in next).
public struct NodeInstance<Delegate: NodeDelegate>: Sendable {
    /// How the node was configured.
    public let configuration: NodeConfiguration
    /// The application on top (dskit: the KV store and the lifecycler); mutate it between inputs.
    public var delegate: Delegate
    /// Every member, ourselves included.
    public private(set) var table: MemberTable
    /// Our health score (0 healthy).
    public private(set) var awareness: Awareness
    /// Set once `leave` was called.
    public private(set) var isLeaving = false
    /// How many packets and streams could not be used.
    public private(set) var problemCount = 0

    /// A node knowing only itself; `seed` drives every random choice.
    public init(configuration: NodeConfiguration, delegate: Delegate, seed: UInt64, now: ContinuousClock.Instant) {
        self.configuration = configuration
        self.delegate = delegate
        let me = Member(
            name: configuration.name, address: configuration.address.ipv4Mapped, port: configuration.port,
            meta: delegate.nodeMeta(limit: 512), incarnation: 1, state: .alive,
            vsn: ProtocolVersions.memberlistDefault.vsn)
        self.table = MemberTable(local: me)
        self.awareness = Awareness(maxMultiplier: configuration.failureDetection.awarenessMaxMultiplier)
    }

    /// Ourselves.
    public var local: Member { table.local }
    /// Alive or suspect members, ourselves included (memberlist `NumMembers`).
    public var liveCount: Int { table.members.values.filter(\.isLive).count }

    /// Starts the timers (probe, gossip, push/pull, each staggered by a random fraction of its interval); the
    /// delegate's first tick is due at once (dskit registers its instance as it starts).
    public mutating func start(now: ContinuousClock.Instant) -> [NodeDirective] { [] }

    /// A join through `peer`: a push/pull with Join set, carrying every member and the delegate's join state.
    public mutating func join(_ peer: String, now: ContinuousClock.Instant, timeout: Duration) -> [NodeDirective] {
        []
    }

    /// One decoded packet from `from` ("ip:port").
    public mutating func onPacket(_ message: Message, from: String, now: ContinuousClock.Instant) -> [NodeDirective] {
        []
    }

    /// One incoming stream from `peer`; a reply, if any, comes first.
    public mutating func onStream(
        _ envelope: StreamEnvelope, from peer: String, now: ContinuousClock.Instant
    ) -> [NodeDirective] { [] }

    /// The reply to a stream we opened.
    public mutating func onStreamReply(
        _ envelope: StreamEnvelope, for request: StreamRequest, now: ContinuousClock.Instant
    ) -> [NodeDirective] { [] }

    /// A stream we opened failed (dial, write, read, deadline).
    public mutating func onStreamFailure(
        _ request: StreamRequest, reason: String, now: ContinuousClock.Instant
    ) -> [NodeDirective] { [] }

    /// A timer the instance scheduled has fired.
    public mutating func onTimer(_ timer: NodeTimer, now: ContinuousClock.Instant) -> [NodeDirective] { [] }

    /// Leaves: the delegate's goodbye, then our dead message (From == us) gossiped until it has gone out its
    /// retransmit limit or the leave timeout passes; `.leaveComplete` says when.
    public mutating func leave(now: ContinuousClock.Instant) -> [NodeDirective] { [] }

    /// Changes how often we gossip from now on (the demo's `--slow-gossip`).
    public mutating func setGossipInterval(_ interval: Duration) {}

    /// Something could not be used: counted and reported.
    public mutating func noteProblem(_ problem: String) -> [NodeDirective] {
        problemCount += 1
        return [.emit(.problem(problem))]
    }
}
