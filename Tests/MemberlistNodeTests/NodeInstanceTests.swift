import MemberlistNode
import MemberlistWire
import Testing

/// A few node instances wired together by hand: packets delivered at once, streams answered synchronously,
/// timers run in time order on a fake clock. Packets to `down` nodes vanish.
private struct Wire {
    var nodes: [String: NodeInstance<NoDelegate>] = [:]
    var timers: [(at: ContinuousClock.Instant, order: Int, node: String, timer: NodeTimer)] = []
    var order = 0
    var now: ContinuousClock.Instant
    var down: Set<String> = []
    var events: [(node: String, event: NodeEvent)] = []
    var sent: [(from: String, packet: OutgoingPacket)] = []

    init(count: Int, settings: FailureDetectionSettings = .memberlistLAN, gossip: GossipSettings = .dskit) {
        now = ContinuousClock.now
        for index in 0..<count {
            let config = NodeConfiguration(
                name: "node-\(index)", address: NodeAddress("127.0.0.1")!, port: UInt16(7000 + index),
                failureDetection: settings, gossip: gossip)
            nodes[config.hostPort] = NodeInstance(
                configuration: config, delegate: NoDelegate(), seed: UInt64(index), now: now)
        }
    }

    static func address(_ index: Int) -> String { "127.0.0.1:\(7000 + index)" }

    mutating func perform(_ directives: [NodeDirective], at node: String) {
        for directive in directives {
            switch directive {
            case .sendPacket(let packet):
                sent.append((node, packet))
                guard !down.contains(packet.peer), nodes[packet.peer] != nil else { continue }
                let more = nodes[packet.peer]!.onPacket(packet.message, from: node, now: now)
                perform(more, at: packet.peer)
            case .reply:
                break  // taken by `exchange` below
            case .schedule(let timer, let at):
                order += 1
                timers.append((at, order, node, timer))
            case .exchange(let request):
                guard !down.contains(request.peer), nodes[request.peer] != nil else {
                    perform(nodes[node]!.onStreamFailure(request, reason: "down", now: now), at: node)
                    continue
                }
                let answer = nodes[request.peer]!.onStream(
                    StreamEnvelope(message: request.message), from: node, now: now)
                var reply: StreamReply?
                for case .reply(let r) in answer { reply = r }
                perform(answer, at: request.peer)
                if let reply {
                    perform(nodes[node]!.onStreamReply(StreamEnvelope(message: reply.message), for: request, now: now), at: node)
                }
            case .emit(let event):
                events.append((node, event))
            }
        }
    }

    mutating func start() {
        for address in nodes.keys.sorted() { perform(nodes[address]!.start(now: now), at: address) }
    }

    mutating func join(_ index: Int, via seed: Int) {
        let address = Self.address(index)
        perform(nodes[address]!.join(Self.address(seed), now: now, timeout: .seconds(10)), at: address)
    }

    /// Runs every timer due up to `until`, in time order.
    mutating func run(until end: ContinuousClock.Instant) {
        while let next = timers.min(by: { ($0.at, $0.order) < ($1.at, $1.order) }), next.at <= end {
            timers.removeAll { $0.order == next.order }
            now = max(now, next.at)
            guard !down.contains(next.node) else { continue }
            perform(nodes[next.node]!.onTimer(next.timer, now: now), at: next.node)
        }
        now = max(now, end)
    }

    mutating func run(for duration: Duration) { run(until: now + duration) }

    func state(of index: Int, at observer: Int) -> NodeState? {
        nodes[Self.address(observer)]?.table.members["node-\(index)"]?.state
    }
}

@Suite("NodeInstance")
struct NodeInstanceTests {
    @Test("a join by push/pull gives both sides both members, and gossip spreads the newcomer to a third")
    func joinAndSpread() {
        var wire = Wire(count: 3)
        wire.start()
        wire.join(1, via: 0)
        #expect(wire.state(of: 1, at: 0) == .alive)
        #expect(wire.state(of: 0, at: 1) == .alive)
        wire.join(2, via: 0)
        // node 1 hears of node 2 by gossip from node 0, not from a push/pull of its own.
        wire.run(for: .seconds(2))
        #expect(wire.state(of: 2, at: 1) == .alive)
        #expect(wire.state(of: 1, at: 2) == .alive)
    }

    @Test("a probe is answered by an ack: awareness stays healthy and nobody is suspected")
    func probeAck() {
        var wire = Wire(count: 2)
        wire.start()
        wire.join(1, via: 0)
        wire.run(for: .seconds(5))
        let node0 = wire.nodes[Wire.address(0)]!
        #expect(node0.probesAcked >= 3)
        #expect(node0.probesFailed == 0)
        #expect(node0.awareness.score == 0)
        #expect(node0.suspected.isEmpty)
    }

    @Test("a silent member: indirect pings, suspect after the probe, dead after Lifeguard's timeout")
    func suspectThenDead() {
        let settings = FailureDetectionSettings.memberlistLAN
        var wire = Wire(count: 5, settings: settings)
        wire.start()
        for index in 1..<5 { wire.join(index, via: 0) }
        wire.run(for: .seconds(3))
        #expect((0..<5).allSatisfy { observer in (0..<5).allSatisfy { wire.state(of: $0, at: observer) == .alive } })
        wire.down.insert(Wire.address(4))
        let killed = wire.now
        wire.sent.removeAll()
        // Somebody probes node 4 within a few rounds; it fails; node 4 becomes suspect everywhere.
        wire.run(for: settings.probeInterval * 6)
        let indirect = wire.sent.filter {
            if case .indirectPing(let request) = $0.packet.message { return request.node == "node-4" }
            return false
        }
        #expect(!indirect.isEmpty, "a failed direct ping is followed by indirect pings")
        #expect((0..<4).allSatisfy { [.suspect, .dead].contains(wire.state(of: 4, at: $0)) })
        // Lifeguard's bound: minimum timeout × max multiplier after the first suspicion, plus the probe rounds.
        let minimum = Suspicion.minimumTimeout(
            multiplier: settings.suspicionMultiplier, clusterSize: 5, probeInterval: settings.probeInterval)
        wire.run(until: killed + settings.probeInterval * 6 + minimum * settings.suspicionMaxTimeoutMultiplier)
        #expect((0..<4).allSatisfy { wire.state(of: 4, at: $0) == .dead })
        let deaths = wire.events.filter { if case .member(.dead(let m)) = $0.event { return m.name == "node-4" }; return false }
        #expect(deaths.count == 4, "each live node reports the death once")
    }

    @Test("a suspicion about ourselves is refuted with a higher incarnation, which spreads")
    func refutation() {
        var wire = Wire(count: 3)
        wire.start()
        wire.join(1, via: 0)
        wire.join(2, via: 0)
        wire.run(for: .seconds(2))
        let before = wire.nodes[Wire.address(2)]!.local.incarnation
        let accusation = Message.suspect(SuspectMessage(incarnation: before, node: "node-2", from: "node-0"))
        wire.perform(wire.nodes[Wire.address(2)]!.onPacket(accusation, from: Wire.address(0), now: wire.now), at: Wire.address(2))
        let after = wire.nodes[Wire.address(2)]!.local.incarnation
        #expect(after == before + 1)
        #expect(wire.nodes[Wire.address(2)]!.awareness.score == 1)
        wire.run(for: .seconds(2))
        #expect(wire.nodes[Wire.address(1)]!.table.members["node-2"]?.incarnation == after)
        #expect(wire.state(of: 2, at: 1) == .alive)
    }

    @Test("confirmations from other members bring the death closer than the unconfirmed timeout")
    func confirmationsShorten() {
        var wire = Wire(count: 6)
        wire.start()
        for index in 1..<6 { wire.join(index, via: 0) }
        wire.run(for: .seconds(1))
        var node0 = wire.nodes[Wire.address(0)]!
        let accuse = { (from: String) in Message.suspect(SuspectMessage(incarnation: 1, node: "node-5", from: from)) }
        var directives = node0.onPacket(accuse("node-1"), from: Wire.address(1), now: wire.now)
        let first = directives.compactMap { d -> ContinuousClock.Instant? in
            if case .schedule(.suspicion, let at) = d { return at }
            return nil
        }.first
        directives = node0.onPacket(accuse("node-2"), from: Wire.address(2), now: wire.now)
        let second = directives.compactMap { d -> ContinuousClock.Instant? in
            if case .schedule(.suspicion, let at) = d { return at }
            return nil
        }.first
        // The originator's repeat does not count.
        let repeated = node0.onPacket(accuse("node-1"), from: Wire.address(1), now: wire.now)
        #expect(first != nil && second != nil)
        if let first, let second { #expect(second < first) }
        #expect(!repeated.contains { if case .schedule = $0 { return true }; return false })
        wire.nodes[Wire.address(0)] = node0
    }

    @Test("a leave gossips our dead message until its retransmit limit, then completes; peers list us left")
    func leave() {
        var wire = Wire(count: 3)
        wire.start()
        wire.join(1, via: 0)
        wire.join(2, via: 0)
        wire.run(for: .seconds(2))
        wire.perform(wire.nodes[Wire.address(2)]!.leave(now: wire.now), at: Wire.address(2))
        wire.run(for: .seconds(3))
        #expect(wire.nodes[Wire.address(2)]!.hasLeft)
        #expect(wire.events.contains { $0.node == Wire.address(2) && $0.event == .leaveComplete(broadcastsSent: true) })
        #expect(wire.state(of: 2, at: 0) == .left)
        #expect(wire.state(of: 2, at: 1) == .left)
        // Left for good: no probe of the leaver fails on the others.
        wire.run(for: .seconds(10))
        #expect(wire.nodes[Wire.address(0)]!.suspected.isEmpty)
    }

    @Test("an alive message for us at another address does not replace us; one at a higher incarnation is refuted")
    func impostor() {
        var wire = Wire(count: 2)
        wire.start()
        wire.join(1, via: 0)
        var node0 = wire.nodes[Wire.address(0)]!
        let impostor = AliveMessage(
            incarnation: 50, node: "node-0", address: NodeAddress("127.0.0.9")!, port: 9, meta: nil,
            vsn: ProtocolVersions.memberlistDefault.vsn)
        _ = node0.onPacket(.alive(impostor), from: "127.0.0.9:9", now: wire.now)
        #expect(node0.local.port == 7000)
        #expect(node0.local.incarnation == 1)
        var claim = node0.local.aliveMessage
        claim.incarnation = 7
        claim.meta = [1, 2, 3]
        _ = node0.onPacket(.alive(claim), from: Wire.address(1), now: wire.now)
        #expect(node0.local.incarnation == 8)
        #expect(node0.local.meta == nil)
    }

    @Test("a flood of indirect ping requests holds at most maxRelays waiting")
    func relayFlood() {
        var wire = Wire(count: 2)
        wire.start()
        wire.join(1, via: 0)
        var node0 = wire.nodes[Wire.address(0)]!
        var problems = 0
        for seq in 0..<10_000 {
            let request = IndirectPingRequest(
                seqNo: UInt32(seq), target: NodeAddress("127.0.0.1")!, port: 7999, node: "ghost", nack: true)
            for case .emit(.problem) in node0.onPacket(.indirectPing(request), from: "127.0.0.1:7001", now: wire.now) {
                problems += 1
            }
        }
        #expect(node0.pendingRelays == NodeInstance<NoDelegate>.maxRelays)
        #expect(problems == 10_000 - NodeInstance<NoDelegate>.maxRelays)
    }

    @Test("a push/pull of 5,000 members is merged and answered; probing still works after")
    func bigPushPull() {
        var wire = Wire(count: 2)
        wire.start()
        wire.join(1, via: 0)
        let nodes = (0..<5000).map { index in
            PushNodeState(
                name: "far-\(index)", address: NodeAddress("10.0.\(index / 250).\(index % 250 + 1)")!, port: 7946,
                meta: nil, incarnation: 1, state: .alive, vsn: ProtocolVersions.memberlistDefault.vsn)
        }
        var node0 = wire.nodes[Wire.address(0)]!
        let answer = node0.onStream(
            StreamEnvelope(message: .pushPull(PushPull(join: false, nodes: nodes, userState: []))),
            from: "10.0.0.1:7946", now: wire.now)
        #expect(node0.table.members.count == 5002)
        #expect(answer.contains { if case .reply = $0 { return true }; return false })
    }

    @Test("the push/pull interval scales past 32 members as memberlist's pushPullScale")
    func pushPullScale() {
        let base = Duration.seconds(30)
        #expect(NodeInstance<NoDelegate>.pushPullScale(base, clusterSize: 32) == base)
        #expect(NodeInstance<NoDelegate>.pushPullScale(base, clusterSize: 33) == base * 2)
        #expect(NodeInstance<NoDelegate>.pushPullScale(base, clusterSize: 64) == base * 2)
        #expect(NodeInstance<NoDelegate>.pushPullScale(base, clusterSize: 65) == base * 3)
        #expect(NodeInstance<NoDelegate>.pushPullScale(base, clusterSize: 1000) == base * 6)
    }
}
