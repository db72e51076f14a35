import MemberlistWire

// The transient join's protocol rules as a value (hashicorp/memberlist memberlist.go `Join`/`Leave`, net.go
// handlers), in the shape of swift-cluster-membership's SWIM.Instance: each input (a decoded packet, a stream, a
// timer firing, the join's reply, the leave) mutates the state and returns directives; the time comes in as
// `now`. No sockets, no clock, no randomness of its own (the first relay sequence number is passed in).
//
//   join     push/pull with Join: true to a seed, carrying only our own alive node state and an empty user state;
//            the seed answers with its member list and delegate state (dskit: the KV full state), then gossips
//            our alive to the others
//   joined   answer pings (ack) and indirect pings (relay the target's ack, or a nack), answer push/pulls with our
//            member view and an empty user state, refute suspicion and death with a higher incarnation, apply
//            alive/suspect/dead gossip to the MemberTable and pass user messages on (never re-broadcast: we write
//            nothing to the KV store and send no gossip of our own)
//   leave    dead{Node: us, From: us} to every live member directly, so peers mark us left (memberlist's StateLeft)
//            even where gossip has not spread yet; then confirm with the seed (ObserverInstance+Leave.swift)
//
// A full node grows from here: probing, gossip and a broadcast queue become more inputs (probe timers, acks for
// our own pings), more directives and more timers, with a seeded generator passed in beside `now`.

/// The observer's state and rules: what it knows of the cluster and what to do about each thing that arrives.
public struct ObserverInstance: Sendable {
    /// How the session was configured (our node's name and addresses, the probe timeout).
    public let configuration: ObserverConfiguration
    /// The port the listeners are bound to.
    public let boundPort: Int

    /// The member table, ourselves included; nil until a join was answered.
    public private(set) var table: MemberTable?
    /// The seed that answered the join.
    public private(set) var seed: String?
    /// The newest delegate state a push/pull brought.
    public private(set) var userState: [UInt8] = []
    /// Peers that may have merged our alive state: seeds we wrote our push/pull to.
    public private(set) var contacted: [String] = []
    /// A live member holds our node name: nothing may be sent in it (no leave).
    public private(set) var nameTaken = false
    /// Our node as a join wrote it (before any reply): whom a leave without a member table is about.
    public private(set) var announced: Member?
    /// How many packets and streams could not be used.
    public private(set) var problemCount = 0
    /// The last few problems.
    public private(set) var recentProblems: [String] = []

    private var nextSeqNo: UInt32
    private var responder = ProbeResponder()
    /// The leave under way (ObserverInstance+Leave.swift).
    var leaving: LeaveProgress?

    /// A fresh instance: not joined, nothing announced. `firstSequenceNumber` numbers our relayed pings.
    public init(configuration: ObserverConfiguration, boundPort: Int, firstSequenceNumber: UInt32) {
        self.configuration = configuration
        self.boundPort = boundPort
        self.nextSeqNo = firstSequenceNumber
    }

    /// What the instance knows now.
    public var snapshot: ObserverSnapshot {
        ObserverSnapshot(
            local: table?.local, members: table?.others ?? [], userState: userState, seed: seed,
            problemCount: problemCount, recentProblems: recentProblems)
    }

    /// "ip:port" as peers reach us (the dskit packet frame's sender address).
    public var advertisedAddress: String {
        table?.local.hostPort ?? "\(configuration.advertiseHost ?? configuration.bindHost):\(boundPort)"
    }

    /// Indirect pings relayed and still waiting for the target's ack.
    public var pendingRelays: Int { responder.pendingRelays }

    // MARK: Our node

    /// Ourselves: the configured name, incarnation 1, memberlist's versions, no meta; the advertise address is the
    /// configured one, else the bind address, else (wildcard bind) the address our connection to the seed left
    /// from (`connectionHost`), which is the one the seed can reach. Go sends IPv4 addresses IPv4-mapped; so do we.
    public static func localMember(
        _ configuration: ObserverConfiguration, boundPort: Int, connectionHost: String?
    ) throws(ObserverError) -> Member {
        var host = configuration.advertiseHost ?? configuration.bindHost
        if configuration.advertiseHost == nil, host == "0.0.0.0" || host == "::" || host.isEmpty,
            let local = connectionHost
        {
            host = local
        }
        guard let parsed = NodeAddress(host), host != "0.0.0.0", host != "::" else {
            throw .invalidAdvertiseAddress(host)
        }
        let port = configuration.advertisePort ?? boundPort
        guard let port = UInt16(exactly: port), port != 0 else {
            throw .invalidAdvertiseAddress("\(host):\(port)")
        }
        return Member(
            name: configuration.nodeName, address: parsed.ipv4Mapped, port: port, meta: nil, incarnation: 1,
            state: .alive, vsn: ObserverConfiguration.versions.vsn)
    }

    /// True when `entry` (a seed's view of our name) is provably our own node: at our address and port, and that
    /// endpoint is our own listener (no --advertise-addr/--advertise-port: pasted from a service, they give the
    /// service's endpoint, and then a real node's entry would look like ours).
    public func isOurs(_ entry: PushNodeState, _ me: Member) -> Bool {
        configuration.advertiseHost == nil && configuration.advertisePort == nil
            && entry.address.ipv4Mapped == me.address.ipv4Mapped && entry.port == me.port
    }

    // MARK: Join

    /// What a join through `peer` starts from: the node we already announced, and whether another seed may already
    /// have merged our join.
    public struct JoinTicket: Hashable, Sendable {
        /// The seed this join writes to.
        public var peer: String
        /// Ourselves as an earlier answered join made us (the table's local node).
        public var existing: Member?
        /// Whether we wrote our alive state to another seed before this one.
        public var wroteBefore: Bool
    }

    /// Starts a join through `peer`.
    public func beginJoin(peer: String) -> JoinTicket {
        JoinTicket(peer: peer, existing: table?.local, wroteBefore: contacted.contains { $0 != peer })
    }

    /// The node a join announces and the push/pull that carries it (our alive node state only, no user state).
    public static func joinRequest(
        _ ticket: JoinTicket, configuration: ObserverConfiguration, boundPort: Int, connectionHost: String?
    ) throws(ObserverError) -> (me: Member, message: StreamMessage) {
        let me: Member
        if let existing = ticket.existing {
            me = existing
        } else {
            me = try localMember(configuration, boundPort: boundPort, connectionHost: connectionHost)
        }
        return (me, .pushPull(PushPull(join: true, nodes: [me.pushNodeState], userState: [])))
    }

    /// Our alive state went out to `ticket.peer` as `announced`: it may merge us even if its reply never comes, so
    /// the leave must consider it.
    public mutating func joinWritten(_ ticket: JoinTicket, announced node: Member) {
        if !contacted.contains(ticket.peer) { contacted.append(ticket.peer) }
        if announced == nil { announced = node }
    }

    /// The seed's reply to our join. Merges its member list and keeps its user state; throws when the reply is no
    /// push/pull or when a live member holds our name (then nothing is ever sent in that name again).
    public mutating func onJoinReply(
        _ envelope: StreamEnvelope, ticket: JoinTicket, connectionHost: String?, now: ContinuousClock.Instant
    ) throws(ObserverError) -> (JoinResult, [ObserverDirective]) {
        let peer = ticket.peer
        guard case .pushPull(let reply) = envelope.message else {
            if case .error(let remote) = envelope.message {
                throw .joinRejected(peer: peer, message: "an error: \(remote.error)")
            }
            throw .joinRejected(peer: peer, message: "a \(envelope.message.type) message")
        }
        let me: Member
        if let existing = ticket.existing {
            me = existing
        } else {
            me = try Self.localMember(configuration, boundPort: boundPort, connectionHost: connectionHost)
        }
        // A live member already has our name (`--node-name` of a real node, pasted from its flags): the seed kept
        // its own entry (memberlist drops an alive for a known name from another address), and a leave in that
        // name would tell the cluster the real node left. Refuse, and never speak in that name again. The seed
        // answers before it merges our join, so an entry in our name is never this join's: it is ours only when an
        // earlier seed took our join and gossip brought it here, at our address (a service's pasted advertise
        // flags give its own address: no exemption without that earlier join).
        let holder = reply.nodes.first { $0.name == me.name && ($0.state == .alive || $0.state == .suspect) }
        if let holder, !ticket.wroteBefore || !isOurs(holder, me)
        {
            nameTaken = true
            throw .nodeNameTaken(
                name: me.name, peer: peer, holder: holder.address.hostPort(holder.port),
                state: holder.state == .alive ? "alive" : "suspect")
        }
        if table == nil { table = MemberTable(local: me) }
        seed = peer
        var directives = apply(.pushPull(reply.nodes))
        userState = reply.userState
        directives.append(.emit(.remoteState(reply.userState, join: true, from: peer)))
        let result = JoinResult(
            peer: peer, nodes: reply.nodes, userState: reply.userState, compression: envelope.compression)
        return (result, directives)
    }

    // MARK: Packets

    /// One decoded packet (a UDP datagram, or a dskit packet's payload) from `from` ("ip:port").
    public mutating func onPacket(
        _ message: Message, from: String, now: ContinuousClock.Instant
    ) -> [ObserverDirective] {
        switch message {
        case .compound(let parts):
            var directives: [ObserverDirective] = []
            for part in parts { directives += onPacket(part, from: from, now: now) }
            return directives
        case .compressed(_, let inner):
            return onPacket(inner, from: from, now: now)
        case .ping(let ping):
            return perform(responder.answer(ping, from: from, localName: configuration.nodeName), now: now)
        case .indirectPing(let request):
            guard let table else { return [] }  // not joined yet: nobody asks us
            let seqNo = nextSeqNo
            nextSeqNo &+= 1
            return responder.relay(request, from: from, seqNo: seqNo, me: table.local).flatMap { perform($0, now: now) }
        case .ack(let ack):
            return perform(responder.relayedAck(seqNo: ack.seqNo), now: now)
        case .nack:
            return []  // we probe nobody ourselves, and nacks are only informative
        case .alive(let alive):
            return apply(.alive(alive))
        case .suspect(let suspect):
            return apply(.suspect(suspect))
        case .dead(let dead):
            return apply(.dead(dead))
        case .user(let payload):
            return [.emit(.userMessage(payload, from: from))]
        case .error(let error):
            return noteProblem("\(from) sent an error: \(error.error)")
        case .unknown(let type, _):
            return noteProblem("packet from \(from) holds message type \(type), which memberlist does not define")
        }
    }

    /// The responder's answer as directives.
    private mutating func perform(_ answer: ProbeResponder.Answer?, now: ContinuousClock.Instant) -> [ObserverDirective] {
        switch answer {
        case .send(let message, let peer, let node)?:
            return [send(message, to: peer, node: node)]
        case .relayTimeout(let seqNo)?:
            return [.schedule(.relayTimeout(seqNo: seqNo), at: now.advanced(by: configuration.probeTimeout))]
        case .problem(let text)?:
            return noteProblem(text)
        case nil:
            return []
        }
    }

    // MARK: Timers

    /// A timer the instance scheduled has fired.
    public mutating func onTimer(_ timer: ObserverTimer, now: ContinuousClock.Instant) -> [ObserverDirective] {
        switch timer {
        case .relayTimeout(let seqNo):
            return perform(responder.relayTimedOut(seqNo: seqNo), now: now)
        }
    }

    // MARK: Streams

    /// One incoming stream (push/pull, ping, user message) from `peer`; a reply, if any, comes first.
    public mutating func onStream(
        _ envelope: StreamEnvelope, from peer: String, now: ContinuousClock.Instant
    ) -> [ObserverDirective] {
        switch envelope.message {
        case .pushPull(let pushPull):
            // net.go `handleConn`: reply with our state first, then merge theirs. Our user state is always empty.
            // A member that heard of us from the seed may push/pull before our join's reply is merged (the seed
            // gossips our alive as soon as it merges it): answer with the node we announced, as a memberlist node
            // knows itself from the start. Unanswered, the Go peer logs "Push/Pull with NAME failed: EOF" and
            // counts it against us. Before any join was written nobody can know us, so nothing is answered.
            var directives: [ObserverDirective] = []
            if let nodes = table?.pushNodeStates ?? announced.map({ [$0.pushNodeState] }) {
                let ours = PushPull(join: pushPull.join, nodes: nodes, userState: [])
                directives.append(.reply(StreamReply(.pushPull(ours), compression: envelope.compression)))
            }
            directives += apply(.pushPull(pushPull.nodes))
            if !pushPull.userState.isEmpty {
                userState = pushPull.userState
            }
            directives.append(.emit(.remoteState(pushPull.userState, join: pushPull.join, from: peer)))
            return directives
        case .ping(let ping):
            guard ping.node.isEmpty || ping.node == configuration.nodeName else {
                return noteProblem("stream ping from \(peer) for another node, \"\(ping.node)\": not answered")
            }
            return [.reply(StreamReply(.ack(AckResponse(seqNo: ping.seqNo))))]
        case .user(let payload):
            return [.emit(.userMessage(payload, from: peer))]
        case .ack, .error:
            return noteProblem("\(peer) opened a stream with a \(envelope.message.type) message: ignored")
        }
    }

    // MARK: Problems and sends

    /// Something could not be used (undecodable, wrong label or key, a failed send): counted, kept, reported.
    public mutating func noteProblem(_ problem: String) -> [ObserverDirective] {
        problemCount += 1
        recentProblems.append(problem)
        if recentProblems.count > 20 { recentProblems.removeFirst() }
        return [.emit(.problem(problem))]
    }

    private mutating func apply(_ update: MemberUpdate) -> [ObserverDirective] {
        guard var table else { return [] }  // not joined yet: nothing to compare with
        let events = table.apply(update)
        self.table = table
        var directives: [ObserverDirective] = []
        for event in events {
            if case .refute(let alive, _) = event {
                // memberlist gossips the refutation; we have no gossip, so we tell every live member directly.
                for member in table.others where member.isLive {
                    directives.append(send(.alive(alive), to: member.hostPort, node: member.name))
                }
            }
            directives.append(.emit(.member(event)))
        }
        return directives
    }

    /// A packet to `peer`, with the CRC when the receiver (known by `node`) speaks protocol 5, as memberlist decides.
    func send(_ message: Message, to peer: String, node: String?) -> ObserverDirective {
        .sendPacket(packet(message, to: peer, node: node))
    }

    func packet(_ message: Message, to peer: String, node: String?) -> OutgoingPacket {
        let protocolMax = node.flatMap { table?.members[$0]?.vsn }.flatMap { ProtocolVersions(vsn: $0) }?.protocolMax
        return OutgoingPacket(message, to: peer, checksum: (protocolMax ?? 0) >= 5)
    }

    /// Marks ourselves leaving in the table and returns the dead message (From == Node).
    mutating func markLeaving() -> DeadMessage? {
        guard var table, !table.isLeaving else { return nil }
        let dead = table.leave()
        self.table = table
        return dead
    }
}
