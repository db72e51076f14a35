import MemberlistWire

// A whole memberlist node as a pure value, with hashicorp/memberlist's rules (state.go `probe`, `probeNode`,
// `gossip`, `pushPull`, `aliveNode`, `suspectNode`, `deadNode`, `mergeState`, `refute`; net.go handlers;
// memberlist.go `Join`, `Leave`) and Lifeguard's suspicion and awareness. Inputs are a decoded packet, a stream, a
// stream's reply, a timer; each mutates the state and returns directives, `now` passed in, every random choice
// drawn from one seeded generator, so a run replays from its seed and every rule can be tested synchronously.
//
//   probe     every probe interval × (awareness + 1) the next member in the shuffled round robin gets a ping
//             (a suspect one a ping plus the suspicion, so it can refute); no ack within the probe timeout →
//             indirect pings through `indirectChecks` alive members (nack requested from protocol 4 on) and,
//             where allowed, a TCP ping; no ack by the end of the budget → awareness rises and the member is
//             suspected
//   suspect   a suspicion timer per member (Lifeguard: shorter with each independent confirmation); when it
//             runs out the member is declared dead
//   gossip    every gossip interval, up to `gossip nodes` random members (alive, suspect, or dead for less than
//             gossip-to-the-dead) get one packet of queued broadcasts: ours first, then the delegate's
//   push/pull every push/pull interval (scaled beyond 32 members) a full state exchange with one random alive member
//   broadcast every change we accept (alive, suspect, dead) is queued again, about its node, so news spreads
//   leave     the delegate's goodbye, then dead{Node: us, From: us} queued; done when both went out (or timeout)

/// A whole memberlist node: what it knows of the cluster and what to do about each thing that happens.
public struct NodeInstance<Delegate: NodeDelegate>: Sendable {
    /// How the node was configured.
    public private(set) var configuration: NodeConfiguration
    /// The application on top (dskit: the KV store and the lifecycler); mutate it between inputs.
    public var delegate: Delegate
    /// Every member, ourselves included.
    public private(set) var table: MemberTable
    /// Our health score (0 healthy).
    public private(set) var awareness: Awareness
    /// Set once `leave` was called.
    public private(set) var isLeaving = false
    /// Set once the leave is complete: every timer stops.
    public private(set) var hasLeft = false
    /// How many packets and streams could not be used.
    public private(set) var problemCount = 0
    /// The last few problems.
    public private(set) var recentProblems: [String] = []
    /// Probes answered and failed, for status pages.
    public private(set) var probesAcked = 0
    public private(set) var probesFailed = 0

    /// Our own broadcasts (alive/suspect/dead), by the node they are about.
    public private(set) var broadcasts: BroadcastQueue<String>
    private var schedule: ProbeSchedule
    private var suspicions: [String: Suspicion] = [:]
    /// When each member's state last changed (memberlist `StateChange`).
    private var stateChanges: [String: ContinuousClock.Instant] = [:]
    private var generator: SeededGenerator
    private var nextSeqNo: UInt32
    private var nextStreamID: UInt64 = 1
    private var probe: ProbeInFlight?
    private var responder = ProbeResponder()
    private var leaveBroadcast: BroadcastID?
    private var started = false

    /// Our probe waiting for an ack.
    private struct ProbeInFlight: Sendable {
        var seqNo: UInt32
        var target: String
        var expectedNacks = 0
        var nacks = 0
    }

    /// How many relayed pings may wait at once (a flood of indirect ping requests must not grow memory).
    public static var maxRelays: Int { ProbeResponder.maxRelays }

    /// A node knowing only itself; `seed` drives every random choice.
    public init(configuration: NodeConfiguration, delegate: Delegate, seed: UInt64, now: ContinuousClock.Instant) {
        self.configuration = configuration
        self.delegate = delegate
        let meta = delegate.nodeMeta(limit: Self.metaLimit)
        let me = Member(
            name: configuration.name, address: configuration.address.ipv4Mapped, port: configuration.port,
            meta: meta.isEmpty ? nil : meta, incarnation: 1, state: .alive,
            vsn: ProtocolVersions.memberlistDefault.vsn)
        self.table = MemberTable(local: me)
        self.awareness = Awareness(maxMultiplier: configuration.failureDetection.awarenessMaxMultiplier)
        self.broadcasts = BroadcastQueue(retransmitMultiplier: configuration.gossip.retransmitMultiplier)
        self.schedule = ProbeSchedule(
            localName: configuration.name, gossipToTheDeadTime: configuration.failureDetection.gossipToTheDeadTime,
            now: now)
        var generator = SeededGenerator(seed: seed)
        self.nextSeqNo = UInt32.random(in: 0...UInt32.max / 2, using: &generator)
        self.generator = generator
        stateChanges[configuration.name] = now
    }

    /// The most messages one compound holds (its count is one byte).
    public static var maxCompoundParts: Int { 255 }

    /// memberlist `MetaMaxSize`.
    public static var metaLimit: Int { 512 }

    /// Ourselves.
    public var local: Member { table.local }
    /// Alive or suspect members, ourselves included (memberlist `NumMembers`).
    public var liveCount: Int { table.members.values.filter(\.isLive).count }
    /// Members waiting out a suspicion.
    public var suspected: [String] { suspicions.keys.sorted() }
    /// Indirect pings relayed and still waiting for the target's ack.
    public var pendingRelays: Int { responder.pendingRelays }

    // MARK: Start, join, leave

    /// Starts the timers (probe, gossip, push/pull, each staggered by a random fraction of its interval); the
    /// delegate's first tick is due at once (dskit registers its instance as it starts).
    public mutating func start(now: ContinuousClock.Instant) -> [NodeDirective] {
        guard !started else { return [] }
        started = true
        var directives: [NodeDirective] = []
        if configuration.probing {
            directives.append(.schedule(.probe, at: now + stagger(configuration.failureDetection.probeInterval)))
        }
        if configuration.gossip.nodes > 0, configuration.gossip.interval > .zero {
            directives.append(.schedule(.gossip, at: now + stagger(configuration.gossip.interval)))
        }
        if let interval = configuration.gossip.pushPullInterval, interval > .zero {
            directives.append(.schedule(.pushPull, at: now + stagger(interval)))
        }
        if delegate.tickInterval != nil {
            directives.append(.schedule(.delegateTick, at: now))
        }
        return directives
    }

    /// A join through `peer`: a push/pull with Join set, carrying every member and the delegate's join state.
    public mutating func join(_ peer: String, now: ContinuousClock.Instant, timeout: Duration) -> [NodeDirective] {
        [.exchange(streamRequest(to: peer, join: true, now: now, timeout: timeout))]
    }

    /// Leaves: the delegate's goodbye, then our dead message (From == us) gossiped until it has gone out its
    /// retransmit limit or the leave timeout passes; `.leaveComplete` says when.
    public mutating func leave(now: ContinuousClock.Instant) -> [NodeDirective] {
        guard !isLeaving else { return [] }
        isLeaving = true
        delegate.willLeave(now: now)
        let dead = table.leave()
        stateChanges[table.localName] = now
        leaveBroadcast = queue(.dead(dead), about: dead.node)
        // memberlist.go `Leave`: with nobody alive to tell, there is nothing to wait for.
        if !table.members.values.contains(where: { $0.name != table.localName && $0.isLive }) {
            return completeLeave(sent: true)
        }
        return [.schedule(.leaveTimeout, at: now + configuration.gossip.leaveTimeout)]
    }

    /// Changes how often we gossip from now on (the demo's `--slow-gossip`).
    public mutating func setGossipInterval(_ interval: Duration) {
        configuration.gossip.interval = interval
    }

    private mutating func completeLeave(sent: Bool) -> [NodeDirective] {
        guard !hasLeft else { return [] }
        hasLeft = true
        return [.emit(.leaveComplete(broadcastsSent: sent))]
    }

    // MARK: Timers

    /// A timer the instance scheduled has fired.
    public mutating func onTimer(_ timer: NodeTimer, now: ContinuousClock.Instant) -> [NodeDirective] {
        guard !hasLeft else { return [] }
        switch timer {
        case .probe:
            return probeTick(now: now)
        case .probeIndirect(let seqNo):
            return probeIndirect(seqNo: seqNo, now: now)
        case .probeDeadline(let seqNo):
            guard probe?.seqNo == seqNo else { return [] }
            return failProbe(now: now)
        case .relayTimeout(let seqNo):
            return perform(responder.relayTimedOut(seqNo: seqNo), now: now)
        case .suspicion(let node):
            guard let suspicion = suspicions[node], suspicion.hasExpired(now: now),
                let member = table.members[node], member.state == .suspect
            else { return [] }
            suspicions[node] = nil
            return apply(
                .dead(DeadMessage(incarnation: member.incarnation, node: node, from: table.localName)), now: now)
        case .gossip:
            return gossipTick(now: now)
        case .pushPull:
            return pushPullTick(now: now)
        case .delegateTick:
            guard let interval = delegate.tickInterval else { return [] }
            if !isLeaving { delegate.tick(now: now) }
            return [.schedule(.delegateTick, at: now + interval)]
        case .leaveTimeout:
            return completeLeave(sent: false)
        }
    }

    // MARK: Probing

    private mutating func probeTick(now: ContinuousClock.Instant) -> [NodeDirective] {
        var directives: [NodeDirective] = []
        // A probe still waiting when the next tick comes has used its budget.
        if probe != nil { directives += failProbe(now: now) }
        let budget = ProbeSchedule.probeBudget(
            interval: configuration.failureDetection.probeInterval, awareness: awareness)
        directives.append(.schedule(.probe, at: now + budget))
        let turn = schedule.next(now: now, using: &generator)
        for name in turn.removed {
            table.forget(name)
            stateChanges[name] = nil
            suspicions[name] = nil
        }
        guard let target = turn.target, let member = table.members[target] else { return directives }
        let seqNo = takeSeqNo()
        let me = table.local
        let ping = PingMessage(
            seqNo: seqNo, node: target, sourceAddress: me.address, sourcePort: me.port, sourceNode: me.name)
        // state.go `probeNode`: a suspect member also hears the suspicion, so it can refute at once.
        let message: Message =
            member.state == .alive
            ? .ping(ping)
            : .compound([
                .ping(ping),
                .suspect(SuspectMessage(incarnation: member.incarnation, node: target, from: me.name)),
            ])
        probe = ProbeInFlight(seqNo: seqNo, target: target)
        directives.append(send(message, to: member.hostPort, node: target))
        directives.append(
            .schedule(.probeIndirect(seqNo: seqNo), at: now + configuration.failureDetection.probeTimeout))
        directives.append(.schedule(.probeDeadline(seqNo: seqNo), at: now + budget))
        return directives
    }

    private mutating func probeIndirect(seqNo: UInt32, now: ContinuousClock.Instant) -> [NodeDirective] {
        guard var current = probe, current.seqNo == seqNo, let target = table.members[current.target] else {
            return []
        }
        let me = table.local
        var directives: [NodeDirective] = []
        let helpers = randomMembers(configuration.failureDetection.indirectChecks) { member in
            member.name != target.name && member.state == .alive
        }
        for helper in helpers {
            let nack = (protocolMax(of: helper) ?? 0) >= 4
            if nack { current.expectedNacks += 1 }
            let request = IndirectPingRequest(
                seqNo: seqNo, target: target.address, port: target.port, node: target.name, nack: nack,
                sourceAddress: me.address, sourcePort: me.port, sourceNode: me.name)
            directives.append(send(.indirectPing(request), to: helper.hostPort, node: helper.name))
        }
        probe = current
        if configuration.failureDetection.tcpFallbackPing, configuration.tcpFallbackAvailable,
            (protocolMax(of: target) ?? 0) >= 3
        {
            let ping = PingMessage(
                seqNo: seqNo, node: target.name, sourceAddress: me.address, sourcePort: me.port,
                sourceNode: me.name)
            let remaining = awareness.scale(configuration.failureDetection.probeInterval)
                - configuration.failureDetection.probeTimeout
            directives.append(
                .exchange(
                    StreamRequest(
                        id: takeStreamID(), peer: target.hostPort, purpose: .tcpPing(seqNo: seqNo),
                        message: .ping(ping), deadline: now + max(remaining, .milliseconds(1)))))
        }
        return directives
    }

    /// The probe ended without an ack: awareness rises, the target is suspected.
    private mutating func failProbe(now: ContinuousClock.Instant) -> [NodeDirective] {
        guard let current = probe else { return [] }
        probe = nil
        probesFailed += 1
        awareness.record(.probeFailed(expectedNacks: current.expectedNacks, receivedNacks: current.nacks))
        guard let member = table.members[current.target], member.isLive else { return [] }
        return apply(
            .suspect(SuspectMessage(incarnation: member.incarnation, node: member.name, from: table.localName)),
            now: now)
    }

    private mutating func probeAnswered(seqNo: UInt32) -> Bool {
        guard probe?.seqNo == seqNo else { return false }
        probe = nil
        probesAcked += 1
        awareness.record(.probeAnswered)
        return true
    }

    // MARK: Gossip and push/pull

    private mutating func gossipTick(now: ContinuousClock.Instant) -> [NodeDirective] {
        var directives: [NodeDirective] = [.schedule(.gossip, at: now + configuration.gossip.interval)]
        let deadTime = configuration.failureDetection.gossipToTheDeadTime
        let changes = stateChanges
        let targets = randomMembers(configuration.gossip.nodes) { member in
            switch member.state {
            case .alive, .suspect: return true
            case .dead: return now - (changes[member.name] ?? now) <= deadTime
            default: return false
            }
        }
        let clusterSize = table.members.count
        let limit =
            configuration.gossip.packetBudget - configuration.packetOverhead
            - BroadcastQueue<String>.compoundHeaderOverhead
        let overhead = BroadcastQueue<String>.compoundEntryOverhead
        for target in targets {
            var messages: [Message] = []
            let used = broadcasts.takeMessages(
                into: &messages, overhead: overhead, limit: limit, clusterSize: clusterSize)
            let userOverhead = overhead + 1
            if limit - used > userOverhead {
                for payload in delegate.broadcasts(
                    overhead: userOverhead, limit: limit - used, clusterSize: clusterSize)
                {
                    messages.append(.user(payload))
                }
            }
            guard !messages.isEmpty else { break }  // nothing queued: nothing for the others either
            // A compound counts its parts in one byte: more than 255 go in further packets (memberlist
            // `makeCompoundMessages`).
            if messages.count == 1 {
                directives.append(send(messages[0], to: target.hostPort, node: target.name))
            } else if messages.count <= Self.maxCompoundParts {
                directives.append(send(.compound(messages), to: target.hostPort, node: target.name))
            } else {
                var rest = messages[...]
                while !rest.isEmpty {
                    let chunk = rest.prefix(Self.maxCompoundParts)
                    rest = rest.dropFirst(chunk.count)
                    let message = chunk.count == 1 ? chunk[chunk.startIndex] : .compound(Array(chunk))
                    directives.append(send(message, to: target.hostPort, node: target.name))
                }
            }
        }
        if isLeaving, let id = leaveBroadcast, !broadcasts.contains(id), delegate.pendingBroadcasts == 0 {
            directives += completeLeave(sent: true)
        }
        return directives
    }

    private mutating func pushPullTick(now: ContinuousClock.Instant) -> [NodeDirective] {
        guard let interval = configuration.gossip.pushPullInterval else { return [] }
        var directives: [NodeDirective] = [
            .schedule(.pushPull, at: now + Self.pushPullScale(interval, clusterSize: table.members.count))
        ]
        guard !isLeaving else { return directives }
        if let peer = randomMembers(1, where: { $0.state == .alive }).first {
            directives.append(
                .exchange(streamRequest(to: peer.hostPort, join: false, now: now, timeout: configuration.streamTimeout)))
        }
        return directives
    }

    /// memberlist util.go `pushPullScale`: the interval as it is up to 32 members, then × (⌈log2 N − log2 32⌉ + 1).
    public static func pushPullScale(_ interval: Duration, clusterSize: Int) -> Duration {
        let threshold = 32
        guard clusterSize > threshold else { return interval }
        // ⌈log2(N / 32)⌉ on integers: the smallest k with 32 × 2^k ≥ N.
        var k = 0
        while threshold << k < clusterSize { k += 1 }
        return interval * (k + 1)
    }

    private mutating func streamRequest(
        to peer: String, join: Bool, now: ContinuousClock.Instant, timeout: Duration
    ) -> StreamRequest {
        let message = StreamMessage.pushPull(
            PushPull(join: join, nodes: table.pushNodeStates, userState: delegate.localState(join: join, now: now)))
        return StreamRequest(
            id: takeStreamID(), peer: peer, purpose: .pushPull(join: join), message: message, deadline: now + timeout)
    }

    // MARK: Packets

    /// One decoded packet from `from` ("ip:port").
    public mutating func onPacket(_ message: Message, from: String, now: ContinuousClock.Instant) -> [NodeDirective] {
        guard !hasLeft else { return [] }
        switch message {
        case .compound(let parts):
            var directives: [NodeDirective] = []
            for part in parts { directives += onPacket(part, from: from, now: now) }
            return directives
        case .compressed(_, let inner):
            return onPacket(inner, from: from, now: now)
        case .ping(let ping):
            return perform(responder.answer(ping, from: from, localName: configuration.name), now: now)
        case .indirectPing(let request):
            let answers = responder.relay(request, from: from, seqNo: takeSeqNo(), me: table.local)
            return answers.flatMap { perform($0, now: now) }
        case .ack(let ack):
            if probeAnswered(seqNo: ack.seqNo) { return [] }
            return perform(responder.relayedAck(seqNo: ack.seqNo), now: now)
        case .nack(let nack):
            // At most as many as were asked for (memberlist's nack channel holds that many): spoofed nacks cannot
            // cancel an awareness penalty.
            if let current = probe, current.seqNo == nack.seqNo, current.nacks < current.expectedNacks {
                probe?.nacks += 1
            }
            return []
        case .alive(let alive):
            if table.isRepeat(alive) { return [] }
            return apply(.alive(alive), now: now)
        case .suspect(let suspect):
            return apply(.suspect(suspect), now: now)
        case .dead(let dead):
            return apply(.dead(dead), now: now)
        case .user(let payload):
            delegate.notifyMessage(payload, now: now)
            return []
        case .error(let error):
            return noteProblem("\(from) sent an error: \(error.error)")
        case .unknown(let type, _):
            return noteProblem("packet from \(from) holds message type \(type), which memberlist does not define")
        }
    }

    /// The responder's answer as directives.
    private mutating func perform(_ answer: ProbeResponder.Answer?, now: ContinuousClock.Instant) -> [NodeDirective] {
        switch answer {
        case .send(let message, let peer, let node)?:
            return [send(message, to: peer, node: node)]
        case .relayTimeout(let seqNo)?:
            return [.schedule(.relayTimeout(seqNo: seqNo), at: now + configuration.failureDetection.probeTimeout)]
        case .problem(let text)?:
            return noteProblem(text)
        case nil:
            return []
        }
    }

    // MARK: Streams

    /// One incoming stream from `peer`; a reply, if any, comes first.
    public mutating func onStream(
        _ envelope: StreamEnvelope, from peer: String, now: ContinuousClock.Instant
    ) -> [NodeDirective] {
        guard !hasLeft else { return [] }
        switch envelope.message {
        case .pushPull(let remote):
            // net.go `handleConn`: our state first, then merge theirs.
            let ours = PushPull(
                join: remote.join, nodes: table.pushNodeStates,
                userState: delegate.localState(join: remote.join, now: now))
            var directives: [NodeDirective] = [
                .reply(StreamReply(.pushPull(ours), compression: envelope.compression))
            ]
            directives += merge(remote, now: now)
            return directives
        case .ping(let ping):
            guard ping.node.isEmpty || ping.node == configuration.name else {
                return noteProblem("stream ping from \(peer) for another node, \"\(ping.node)\": not answered")
            }
            return [.reply(StreamReply(.ack(AckResponse(seqNo: ping.seqNo))))]
        case .user(let payload):
            delegate.notifyMessage(payload, now: now)
            return []
        case .ack, .error:
            return noteProblem("\(peer) opened a stream with a \(envelope.message.type) message: ignored")
        }
    }

    /// The reply to a stream we opened.
    public mutating func onStreamReply(
        _ envelope: StreamEnvelope, for request: StreamRequest, now: ContinuousClock.Instant
    ) -> [NodeDirective] {
        guard !hasLeft else { return [] }
        switch (request.purpose, envelope.message) {
        case (.pushPull(let join), .pushPull(let remote)):
            var directives = merge(remote, now: now)
            if join { directives.append(.emit(.joined(peer: request.peer))) }
            return directives
        case (.tcpPing(let seqNo), .ack(let ack)):
            guard ack.seqNo == seqNo else {
                return noteProblem("TCP ping to \(request.peer) answered with sequence number \(ack.seqNo), not \(seqNo)")
            }
            _ = probeAnswered(seqNo: seqNo)
            return []
        case (_, .error(let remote)):
            return noteProblem("\(request.peer) answered our \(request.message.type) with an error: \(remote.error)")
        default:
            return noteProblem(
                "\(request.peer) answered our \(request.message.type) with a \(envelope.message.type) message")
        }
    }

    /// A stream we opened failed (dial, write, read, deadline).
    public mutating func onStreamFailure(
        _ request: StreamRequest, reason: String, now: ContinuousClock.Instant
    ) -> [NodeDirective] {
        switch request.purpose {
        case .tcpPing: return []  // the probe's deadline decides
        case .pushPull(let join):
            return noteProblem("\(join ? "join" : "push/pull") with \(request.peer) failed: \(reason)")
        }
    }

    /// memberlist `mergeRemoteState`: the nodes first, then the delegate's state.
    private mutating func merge(_ remote: PushPull, now: ContinuousClock.Instant) -> [NodeDirective] {
        let directives = apply(.pushPull(remote.nodes), now: now)
        if !remote.userState.isEmpty {
            delegate.mergeRemoteState(remote.userState, join: remote.join, now: now)
        }
        return directives
    }

    // MARK: Member changes

    /// Applies one update to the table and does what memberlist does about each change: the probe list, the
    /// suspicion timers, and a broadcast of the news.
    private mutating func apply(_ update: MemberUpdate, now: ContinuousClock.Instant) -> [NodeDirective] {
        // A suspicion about a member already suspected is a confirmation (Lifeguard), not a state change.
        if case .suspect(let suspect) = update, suspect.node != table.localName,
            let member = table.members[suspect.node], member.state == .suspect,
            suspect.incarnation >= member.incarnation, var suspicion = suspicions[suspect.node]
        {
            guard suspicion.confirm(from: suspect.from, now: now) else { return [] }
            suspicions[suspect.node] = suspicion
            queue(.suspect(suspect), about: suspect.node)
            return [.schedule(.suspicion(node: suspect.node), at: suspicion.deadline)]
        }
        let events = table.apply(update)
        var directives: [NodeDirective] = []
        for event in events {
            switch event {
            case .joined(let member), .updated(let member):
                track(member, now: now)
                suspicions[member.name] = nil
                queue(.alive(member.aliveMessage), about: member.name)
            case .suspect(let member):
                track(member, now: now)
                var originator = table.localName
                if case .suspect(let message) = update { originator = message.from }
                let suspicion = Suspicion(
                    node: member.name, from: originator, clusterSize: table.members.count,
                    settings: configuration.failureDetection, now: now)
                suspicions[member.name] = suspicion
                queue(
                    .suspect(SuspectMessage(incarnation: member.incarnation, node: member.name, from: originator)),
                    about: member.name)
                directives.append(.schedule(.suspicion(node: member.name), at: suspicion.deadline))
            case .dead(let member), .left(let member):
                track(member, now: now)
                suspicions[member.name] = nil
                var originator = table.localName
                if case .dead(let message) = update { originator = message.from }
                if member.state == .left { originator = member.name }
                queue(
                    .dead(DeadMessage(incarnation: member.incarnation, node: member.name, from: originator)),
                    about: member.name)
            case .refute(let alive, _):
                awareness.record(.refutedAccusation)
                stateChanges[table.localName] = now
                queue(.alive(alive), about: alive.node)
            }
            directives.append(.emit(.member(event)))
        }
        return directives
    }

    /// Keeps the probe list and the state-change times in step with the table.
    private mutating func track(_ member: Member, now: ContinuousClock.Instant) {
        if !schedule.insert(member.name, state: member.state, now: now, using: &generator) {
            schedule.update(member.name, state: member.state, now: now)
        }
        stateChanges[member.name] = now
    }

    @discardableResult
    private mutating func queue(_ message: Message, about node: String) -> BroadcastID? {
        guard let bytes = try? message.encoded() else { return nil }
        return broadcasts.queue(message, encoded: bytes, key: node)
    }

    // MARK: Helpers

    /// Up to `count` distinct random members other than ourselves that pass `eligible` (memberlist `kRandomNodes`:
    /// random picks from the member list, at most 3 × its length tries).
    private mutating func randomMembers(_ count: Int, where eligible: (Member) -> Bool) -> [Member] {
        let names = schedule.entries
        guard count > 0, names.count > 1 else { return [] }
        var picked: [Member] = []
        var seen: [Int] = []  // positions already looked at: a handful, so a scan beats hashing names
        var tries = 0
        while picked.count < count, tries < 3 * names.count {
            tries += 1
            let position = Int.random(in: 0..<names.count, using: &generator)
            guard !seen.contains(position) else { continue }
            seen.append(position)
            let name = names[position].name
            guard name != table.localName, let member = table.members[name] else { continue }
            if eligible(member) { picked.append(member) }
        }
        return picked
    }

    private mutating func stagger(_ interval: Duration) -> Duration {
        interval * Double.random(in: 0..<1, using: &generator)
    }

    private mutating func takeSeqNo() -> UInt32 {
        defer { nextSeqNo &+= 1 }
        return nextSeqNo
    }

    private mutating func takeStreamID() -> UInt64 {
        defer { nextStreamID &+= 1 }
        return nextStreamID
    }

    private func protocolMax(of member: Member) -> UInt8? {
        member.vsn.flatMap { ProtocolVersions(vsn: $0) }?.protocolMax
    }

    /// A packet to `peer`, with the CRC when the receiver (known by `node`) speaks protocol 5, as memberlist decides.
    private func send(_ message: Message, to peer: String, node: String?) -> NodeDirective {
        let protocolMax = node.flatMap { table.members[$0] }.flatMap(protocolMax(of:))
        return .sendPacket(OutgoingPacket(message, to: peer, checksum: (protocolMax ?? 0) >= 5))
    }

    /// One user message (dskit: a KeyValuePair) sent straight to each of the members named, as a packet of its own
    /// (memberlist `SendBestEffort`), besides whatever gossip carries; names we do not know, and ourselves, are
    /// skipped. Returns the sends.
    public func sendUserMessage(_ payload: [UInt8], to names: [String]) -> [NodeDirective] {
        names.compactMap { name in
            guard name != table.localName, let member = table.members[name] else { return nil }
            return send(.user(payload), to: member.hostPort, node: name)
        }
    }

    /// Something could not be used: counted, kept, reported.
    public mutating func noteProblem(_ problem: String) -> [NodeDirective] {
        problemCount += 1
        recentProblems.append(problem)
        if recentProblems.count > 20 { recentProblems.removeFirst() }
        return [.emit(.problem(problem))]
    }
}
