import MemberlistNode
import MemberlistWire

// A deterministic discrete-event simulation of many pure node instances in one process. The simulation is the
// shell a real node has (sockets, timers, a clock), replaced by an agenda on a virtual clock:
//
//   clock      one real ContinuousClock.now taken at creation, then only advanced: every input's `now` is the
//              virtual time of the event that caused it (wall time never enters a run)
//   agenda     timer fires, packet deliveries and stream halves, ordered by time then insertion (EventQueue)
//   packets    `sendPacket` → delivered after latency + jitter unless lost, partitioned, or the receiver is down;
//              the receiver's `onPacket` gets the sender's "ip:port" as `from`
//   streams    `exchange` → the target's `onStream` one latency later; the `reply` it returns goes back one more
//              latency later to `onStreamReply`; a down target fails the stream a round trip later (connection
//              refused), a partitioned one at the request's deadline (no answer), a reply later than the deadline
//              fails at the deadline
//   kill       the node stops: packets and streams to it fail, its pending timers and stream answers are dropped
//   leave      the instance's leave; once it emits `.leaveComplete` the node stops as if killed (memberlist's
//              Leave then Shutdown, as dskit does it)
//
// One seeded generator draws every latency and loss; each node's instance gets its own seed drawn from the
// simulation's seed at creation, so the same seed replays the same run event for event.

/// Many node instances on one virtual clock, connected by a simulated network.
public struct Simulation<Delegate: NodeDelegate> {
    /// One simulated node: its instance and whether it runs.
    public struct Node {
        /// The pure instance (its table, awareness and delegate can be read between steps).
        public internal(set) var instance: NodeInstance<Delegate>
        /// Its "ip:port".
        public let address: String
        /// False once killed or after its leave completed.
        public internal(set) var isRunning: Bool
    }

    /// What the agenda reads for every event, kept apart from `nodes`: reading a field through `nodes[i]` can copy
    /// the whole node (an instance holds a few dozen references), which cost a fifth of a 1,000-node run.
    private struct Liveness {
        /// `Node.isRunning`, mirrored.
        var isRunning = true
        /// Bumped when the node stops, so events it scheduled before are recognised as stale.
        var epoch: UInt32 = 0
        /// Pending fires of probe, gossip, push/pull and delegate tick (see `adjustPeriodic`).
        var pendingPeriodic = PeriodicTimerCounts()
    }

    /// One event a node emitted, with when and where.
    public struct ObservedEvent: Sendable {
        /// The node's index.
        public var node: Int
        /// Virtual time.
        public var time: ContinuousClock.Instant
        /// Virtual time since the simulation's origin.
        public var elapsed: Duration
        /// What the node emitted.
        public var event: NodeEvent
    }

    private enum Agenda {
        case timer(node: Int32, epoch: UInt32, NodeTimer)
        case packet(to: Int32, from: Int32, Message)
        case streamArrival(to: Int32, from: Int32, epoch: UInt32, StreamRequest)
        case streamReply(node: Int32, epoch: UInt32, StreamRequest, StreamEnvelope)
        case streamFailure(node: Int32, epoch: UInt32, StreamRequest, reason: String)
    }

    /// The virtual clock's zero.
    public let origin: ContinuousClock.Instant
    /// The nodes, in creation order.
    public private(set) var nodes: [Node]
    /// The network's behaviour; may be changed between steps.
    public var network: NetworkConditions
    /// What happened so far.
    public private(set) var statistics = SimulationStatistics()
    /// Called for every event any node emits, in virtual-time order.
    public var observer: ((ObservedEvent) -> Void)?

    private var nowNanoseconds: Int64 = 0
    private var agenda = EventQueue<Agenda>()
    private var generator: SeededGenerator
    private var indexByAddress: [String: Int32] = [:]
    /// Each node's "ip:port", apart from `nodes` so a delivery does not touch (or copy) the sender's instance.
    private let addresses: [String]
    /// Partition group per node; nodes talk only within their group.
    private var groups: [Int32]
    /// Per node, aligned with `nodes`.
    private var liveness: [Liveness]

    /// Creates `count` nodes and starts them (none knows another yet: see `join`).
    ///
    /// - Parameters:
    ///   - configuration: the configuration of node `i`, given a unique name and fake IPv4 address (10.x.y.z).
    ///   - delegate: the delegate of node `i`.
    ///   - seed: decides every random choice of the run: node seeds, latencies, losses.
    public init(
        count: Int, network: NetworkConditions = .lan, seed: UInt64,
        configuration: (_ index: Int, _ name: String, _ address: NodeAddress) -> NodeConfiguration = {
            NodeConfiguration(name: $1, address: $2, port: 7946)
        },
        delegate: (_ index: Int) -> Delegate
    ) {
        precondition(count >= 0 && count < 1 << 24, "node count out of range")
        let origin = ContinuousClock.now
        self.origin = origin
        self.network = network
        var generator = SeededGenerator(seed: seed)
        var nodes: [Node] = []
        nodes.reserveCapacity(count)
        for index in 0..<count {
            let address = NodeAddress(
                ipv4: 10, UInt8(truncatingIfNeeded: index >> 16), UInt8(truncatingIfNeeded: index >> 8),
                UInt8(truncatingIfNeeded: index))
            let name = "node-\(String(index).leftPadded(to: count > 1000 ? 5 : 3))"
            let config = configuration(index, name, address)
            let instance = NodeInstance(
                configuration: config, delegate: delegate(index), seed: generator.next(), now: origin)
            nodes.append(Node(instance: instance, address: config.hostPort, isRunning: true))
        }
        self.nodes = nodes
        self.addresses = nodes.map(\.address)
        self.generator = generator
        self.groups = Array(repeating: 0, count: count)
        self.liveness = Array(repeating: Liveness(), count: count)
        for (index, node) in nodes.enumerated() {
            indexByAddress[node.address] = Int32(index)
            // The address as the instance announces it (IPv4-mapped) prints the same, but be sure.
            indexByAddress[node.instance.local.hostPort] = Int32(index)
        }
        for index in nodes.indices {
            let directives = self.nodes[index].instance.start(now: origin)
            perform(directives, of: index)
        }
    }

    // MARK: Time

    /// The current virtual time.
    public var now: ContinuousClock.Instant { origin.advanced(by: .nanoseconds(nowNanoseconds)) }
    /// Virtual time since the origin.
    public var elapsed: Duration { .nanoseconds(nowNanoseconds) }
    /// Events waiting on the agenda.
    public var pendingEvents: Int { agenda.count }

    /// Runs every event due up to `time`, then sets the clock to `time`.
    public mutating func run(until time: ContinuousClock.Instant) {
        let limit = nanoseconds(time)
        while let next = agenda.nextTime, next <= limit {
            step()
        }
        nowNanoseconds = max(nowNanoseconds, limit)
    }

    /// Runs for `duration` of virtual time.
    public mutating func run(for duration: Duration) {
        run(until: now + duration)
    }

    /// Runs in steps of `interval` until `condition` holds or `limit` of virtual time has passed; returns the
    /// virtual time since the origin at which it first held (checked after each step), or nil.
    @discardableResult
    public mutating func run(
        checkingEvery interval: Duration, for limit: Duration, until condition: (Self) -> Bool
    ) -> Duration? {
        let deadline = now + limit
        if condition(self) { return elapsed }
        while now < deadline {
            run(until: min(now + interval, deadline))
            if condition(self) { return elapsed }
        }
        return nil
    }

    // MARK: Controls

    /// Node `node` joins the cluster through `seed` (a push/pull with Join set).
    public mutating func join(_ node: Int, via seed: Int, timeout: Duration = .seconds(10)) {
        guard liveness[node].isRunning else { return }
        let directives = nodes[node].instance.join(addresses[seed], now: now, timeout: timeout)
        perform(directives, of: node)
    }

    /// Node `node` leaves gracefully; it stops once its leave completes.
    public mutating func leave(_ node: Int) {
        guard liveness[node].isRunning else { return }
        let directives = nodes[node].instance.leave(now: now)
        perform(directives, of: node)
    }

    /// Node `node` stops dead: no more answers, its pending timers dropped.
    public mutating func kill(_ node: Int) {
        guard liveness[node].isRunning else { return }
        nodes[node].isRunning = false
        liveness[node].isRunning = false
        liveness[node].epoch &+= 1
        liveness[node].pendingPeriodic = PeriodicTimerCounts()
    }

    /// Splits the network: nodes talk only to nodes in their own group; nodes in no group form one more group.
    public mutating func partition(_ partition: [[Int]]) {
        groups = Array(repeating: Int32(partition.count), count: nodes.count)
        for (group, members) in partition.enumerated() {
            for member in members { groups[member] = Int32(group) }
        }
    }

    /// Ends every partition.
    public mutating func heal() {
        groups = Array(repeating: 0, count: nodes.count)
    }

    /// Whether `a` and `b` can reach each other now.
    public func canReach(_ a: Int, _ b: Int) -> Bool { groups[a] == groups[b] }

    /// Changes node `node`'s delegate between steps (the instance reads it at its next input).
    public mutating func updateDelegate(of node: Int, _ body: (inout Delegate) -> Void) {
        body(&nodes[node].instance.delegate)
    }

    /// Calls the instance's `setGossipInterval` on node `node`.
    public mutating func setGossipInterval(of node: Int, to interval: Duration) {
        nodes[node].instance.setGossipInterval(interval)
    }

    // MARK: Queries

    /// The node with this "ip:port", if any.
    public func index(ofAddress address: String) -> Int? { indexByAddress[address].map(Int.init) }

    /// The state in which `observer` holds `member`, or nil if it does not know it.
    public func state(of member: Int, seenBy observer: Int) -> NodeState? {
        nodes[observer].instance.table.members[nodes[member].instance.configuration.name]?.state
    }

    /// Whether every running node holds every node in `members` in `state`.
    public func everyRunningNode(holds members: some Sequence<Int>, in state: NodeState) -> Bool {
        let names = members.map { nodes[$0].instance.configuration.name }
        return nodes.indices.allSatisfy { index in
            !liveness[index].isRunning || names.allSatisfy { nodes[index].instance.table.members[$0]?.state == state }
        }
    }

    // MARK: The agenda

    private mutating func step() {
        guard let entry = agenda.pop() else { return }
        nowNanoseconds = max(nowNanoseconds, entry.time)
        statistics.eventsProcessed += 1
        let now = self.now
        switch entry.payload {
        case .timer(let node, let epoch, let timer):
            let index = Int(node)
            guard liveness[index].isRunning, liveness[index].epoch == epoch else {
                statistics.timersDropped += 1
                return
            }
            adjustPeriodic(timer, of: index, by: -1)
            statistics.timersFired += 1
            let directives = nodes[index].instance.onTimer(timer, now: now)
            perform(directives, of: index)

        case .packet(let to, let from, let message):
            let index = Int(to)
            guard liveness[index].isRunning else {
                statistics.packetsToDownNodes += 1
                return
            }
            guard groups[index] == groups[Int(from)] else {
                statistics.packetsPartitioned += 1
                return
            }
            statistics.packetsDelivered += 1
            let directives = nodes[index].instance.onPacket(message, from: addresses[Int(from)], now: now)
            perform(directives, of: index)

        case .streamArrival(let to, let from, let epoch, let request):
            let target = Int(to)
            let requester = Int(from)
            guard liveness[target].isRunning else {
                scheduleStreamFailure(request, of: requester, epoch: epoch, reason: "connection refused",
                                      after: drawLatency())
                return
            }
            guard groups[target] == groups[requester] else {
                scheduleStreamFailure(request, of: requester, epoch: epoch, reason: "i/o timeout", atDeadline: true)
                return
            }
            let directives = nodes[target].instance.onStream(
                StreamEnvelope(message: request.message), from: addresses[requester], now: now)
            var reply: StreamReply?
            var others: [NodeDirective] = []
            others.reserveCapacity(directives.count)
            for directive in directives {
                if case .reply(let answer) = directive {
                    if reply == nil { reply = answer } else { statistics.extraReplies += 1 }
                } else {
                    others.append(directive)
                }
            }
            if let reply {
                let arrival = nowNanoseconds + drawLatency()
                if arrival > nanoseconds(request.deadline) {
                    scheduleStreamFailure(request, of: requester, epoch: epoch, reason: "i/o timeout", atDeadline: true)
                } else {
                    agenda.push(
                        .streamReply(
                            node: from, epoch: epoch, request,
                            StreamEnvelope(message: reply.message, compression: reply.compression)),
                        at: arrival)
                }
            } else {
                scheduleStreamFailure(request, of: requester, epoch: epoch, reason: "EOF", after: drawLatency())
            }
            perform(others, of: target)

        case .streamReply(let node, let epoch, let request, let envelope):
            let index = Int(node)
            guard liveness[index].isRunning, liveness[index].epoch == epoch else { return }
            statistics.streamsAnswered += 1
            let directives = nodes[index].instance.onStreamReply(envelope, for: request, now: now)
            perform(directives, of: index)

        case .streamFailure(let node, let epoch, let request, let reason):
            let index = Int(node)
            guard liveness[index].isRunning, liveness[index].epoch == epoch else { return }
            statistics.streamFailures += 1
            let directives = nodes[index].instance.onStreamFailure(request, reason: reason, now: now)
            perform(directives, of: index)
        }
    }

    private mutating func perform(_ directives: [NodeDirective], of node: Int) {
        for directive in directives {
            switch directive {
            case .sendPacket(let packet):
                send(packet, from: node)
            case .schedule(let timer, let instant):
                adjustPeriodic(timer, of: node, by: 1)
                agenda.push(
                    .timer(node: Int32(node), epoch: liveness[node].epoch, timer),
                    at: max(nowNanoseconds, nanoseconds(instant)))
            case .exchange(let request):
                statistics.streamsOpened += 1
                guard let target = indexByAddress[request.peer] else {
                    scheduleStreamFailure(request, of: node, epoch: liveness[node].epoch, reason: "no such host",
                                          after: drawLatency())
                    continue
                }
                agenda.push(
                    .streamArrival(to: target, from: Int32(node), epoch: liveness[node].epoch, request),
                    at: nowNanoseconds + drawLatency())
            case .reply:
                statistics.repliesOutsideStream += 1
            case .emit(let event):
                if let observer {
                    observer(ObservedEvent(node: node, time: now, elapsed: elapsed, event: event))
                }
                if case .leaveComplete = event {
                    kill(node)
                    return  // the shell closes: nothing after the leave is performed
                }
            }
        }
    }

    private mutating func send(_ packet: OutgoingPacket, from node: Int) {
        statistics.packetsSent += 1
        guard let target = indexByAddress[packet.peer] else {
            statistics.packetsToUnknownAddresses += 1
            return
        }
        var message = packet.message
        if network.encodesPackets {
            do {
                let bytes = try message.encoded()
                statistics.packetBytes += bytes.count
                statistics.largestPacket = max(statistics.largestPacket, bytes.count)
                if bytes.count > nodes[node].instance.configuration.gossip.packetBudget {
                    statistics.packetsOverBudget += 1
                }
                message = try Message(bytes: bytes)
            } catch {
                statistics.encodingFailures += 1
                return
            }
        }
        if network.lossProbability > 0 && Double.random(in: 0..<1, using: &generator) < network.lossProbability {
            statistics.packetsLost += 1
            return
        }
        agenda.push(.packet(to: target, from: Int32(node), message), at: nowNanoseconds + drawLatency())
    }

    private mutating func scheduleStreamFailure(
        _ request: StreamRequest, of node: Int, epoch: UInt32, reason: String, after delay: Int64 = 0,
        atDeadline: Bool = false
    ) {
        let time = atDeadline ? max(nowNanoseconds, nanoseconds(request.deadline)) : nowNanoseconds + delay
        agenda.push(.streamFailure(node: Int32(node), epoch: epoch, request, reason: reason), at: time)
    }

    private mutating func drawLatency() -> Int64 {
        let fixed = Self.nanoseconds(of: network.latency)
        let jitter = Self.nanoseconds(of: network.jitter)
        return fixed + (jitter > 0 ? Int64.random(in: 0...jitter, using: &generator) : 0)
    }

    /// Counts pending periodic timers, noting a second chain of the same timer on one node.
    private mutating func adjustPeriodic(_ timer: NodeTimer, of node: Int, by delta: Int32) {
        let slot: Int
        switch timer {
        case .probe: slot = 0
        case .gossip: slot = 1
        case .pushPull: slot = 2
        case .delegateTick: slot = 3
        default: return
        }
        let pending = liveness[node].pendingPeriodic[slot]
        if delta > 0 && pending > 0 { statistics.overlappingPeriodicTimers += 1 }
        liveness[node].pendingPeriodic[slot] = max(0, pending + delta)
    }

    private func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 {
        Self.nanoseconds(of: instant - origin)
    }

    static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Pending fires of a node's four periodic timers, without an allocation per node.
struct PeriodicTimerCounts {
    private var counts: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)

    subscript(slot: Int) -> Int32 {
        get {
            switch slot {
            case 0: counts.0
            case 1: counts.1
            case 2: counts.2
            default: counts.3
            }
        }
        set {
            switch slot {
            case 0: counts.0 = newValue
            case 1: counts.1 = newValue
            case 2: counts.2 = newValue
            default: counts.3 = newValue
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
