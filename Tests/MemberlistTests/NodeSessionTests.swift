import Memberlist
import MemberlistWire
import Synchronization
import Testing
import TestSupport

/// The node's shell (NodeSession) over both real transports on loopback: Swift nodes joining each other, the leave
/// on every exit path (cancellation too), the demo's crash, bad input, and the set-up errors. The rules themselves
/// are NodeInstance's and tested without sockets.
@Suite("NodeSession")
struct NodeSessionTests {
    /// Probing fast enough that a crashed node is failed within a few seconds, slow enough that a node waiting for
    /// a core on a loaded machine is not (memberlist fails a probe when the ack is later than the interval).
    static let fastProbes: FailureDetectionSettings = {
        var settings = FailureDetectionSettings.memberlistLAN
        settings.probeInterval = .milliseconds(400)
        settings.probeTimeout = .milliseconds(200)
        settings.suspicionMultiplier = 2
        return settings
    }()

    static func configuration(
        _ name: String, transport: TransportKind, probes: FailureDetectionSettings = fastProbes,
        leaveTimeout: Duration = .seconds(3)
    ) -> NodeSessionConfiguration {
        NodeSessionConfiguration(
            network: ObserverConfiguration(
                transport: transport, nodeName: name, bindHost: "127.0.0.1", bindPort: 0, timeout: .seconds(2)),
            failureDetection: probes,
            gossip: GossipSettings(interval: .milliseconds(100), pushPullInterval: .seconds(2), leaveTimeout: leaveTimeout))
    }

    static func state(of name: String, in session: NodeSession<NoDelegate>) async -> NodeState? {
        await session.snapshot().member(name)?.state
    }

    @Test("the node advertises the port it bound (port 0 asked for) on the bind address", arguments: TransportKind.allCases)
    func advertisesBoundPort(transport: TransportKind) async throws {
        try await withNode(Self.configuration("solo", transport: transport), delegate: NoDelegate(), seed: 1) { node in
            #expect(node.boundPort != 0)
            let local = await node.snapshot().local
            #expect(Int(local.port) == node.boundPort)
            #expect(local.address.ipv4Mapped == NodeAddress("127.0.0.1")!.ipv4Mapped)
            #expect(local.state == .alive)
            #expect(node.node.tcpFallbackAvailable == (transport == .memberlist))
        }
    }

    @Test("a wildcard bind without an advertise address is refused with a hint, before any node runs")
    func wildcardNeedsAdvertise() async throws {
        var configuration = Self.configuration("wild", transport: .dskit)
        configuration.network.bindHost = "0.0.0.0"
        await #expect(throws: NodeSessionError.advertiseAddressNeeded(bindHost: "0.0.0.0")) {
            try await withNode(configuration, delegate: NoDelegate(), seed: 1) { _ in }
        }
        configuration.network.advertiseHost = "not-an-ip"
        await #expect(throws: NodeSessionError.invalidAdvertiseAddress("not-an-ip")) {
            try await withNode(configuration, delegate: NoDelegate(), seed: 1) { _ in }
        }
    }

    @Test("packet overhead counts the label header and the encryption")
    func packetOverhead() async throws {
        var configuration = Self.configuration("labelled", transport: .dskit)
        configuration.network.clusterLabel = "abc"
        try await withNode(configuration, delegate: NoDelegate(), seed: 1) { node in
            #expect(node.node.packetOverhead == 2 + 3)
        }
        configuration = Self.configuration("encrypted", transport: .memberlist)
        configuration.network.keyring = try Keyring(key: Array(repeating: 7, count: 16))
        try await withNode(configuration, delegate: NoDelegate(), seed: 1) { node in
            #expect(node.node.packetOverhead == 1 + 12 + 16)
        }
    }

    @Test("dskit's 10 MiB packet budget stays on its TCP transport; over UDP the node gossips memberlist's 1,400 bytes")
    func packetBudgetPerTransport() async throws {
        var configuration = Self.configuration("budget", transport: .dskit)
        configuration.gossip = .dskit
        try await withNode(configuration, delegate: NoDelegate(), seed: 1) { node in
            #expect(node.node.gossip.packetBudget == GossipSettings.dskit.packetBudget)
        }
        configuration.network.transport = .memberlist
        try await withNode(configuration, delegate: NoDelegate(), seed: 1) { node in
            #expect(node.node.gossip.packetBudget == 1400)
        }
    }

    @Test("a join no seed answers throws naming every seed and why", arguments: TransportKind.allCases)
    func joinFailureNamesEverySeed(transport: TransportKind) async throws {
        let first = try LoopbackSocket.refusing()
        let second = try LoopbackSocket.refusing()
        defer {
            first.close()
            second.close()
        }
        let seeds = ["127.0.0.1:\(first.port)", "127.0.0.1:\(second.port)"]
        try await withNode(Self.configuration("lonely", transport: transport), delegate: NoDelegate(), seed: 1) { node in
            do {
                try await node.join(seeds)
                Issue.record("the join succeeded through two closed ports")
            } catch let error as NodeSessionError {
                guard case .joinFailed(let failures) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(failures.map(\.seed) == seeds)
                #expect(failures.allSatisfy { !$0.reason.isEmpty })
                for seed in seeds { #expect(error.description.contains(seed)) }
            }
        }
    }

    @Test("garbage on the packet port is dropped as a problem event, and the node goes on")
    func garbagePacketIsAProblem() async throws {
        try await withNode(Self.configuration("sturdy", transport: .memberlist), delegate: NoDelegate(), seed: 1) {
            node in
            let endpoint = try LoopbackEndpoint.udp()
            defer { endpoint.close() }
            for garbage: [UInt8] in [[0xFF, 0x00, 0x13], [], [244, 200, 1]] {
                try endpoint.send(garbage, toPort: UInt16(node.boundPort))
            }
            let problems = await collecting(within: .seconds(10)) {
                var problems: [String] = []
                for await event in node.events {
                    if case .problem(let text) = event, text.contains("dropped") { problems.append(text) }
                    if problems.count >= 2 { break }
                }
                return problems
            }
            #expect(problems.count >= 2, "\(problems)")
            #expect(problems.allSatisfy { $0.contains("127.0.0.1") }, "a problem names the sender: \(problems)")
            #expect(await node.snapshot().problemCount >= 2)
        }
    }

    @Test("a crashed node closes its listeners and joins no more")
    func crashClosesListeners() async throws {
        try await withNode(Self.configuration("doomed", transport: .dskit), delegate: NoDelegate(), seed: 1) { node in
            await node.crash()
            #expect(await node.snapshot().isCrashed)
            await #expect(throws: MemberlistError.connectionRefused(peer: "127.0.0.1:\(node.boundPort)")) {
                _ = try await Peek.run(
                    peer: "127.0.0.1:\(node.boundPort)", configuration: PeekConfiguration(transport: .dskit, timeout: .seconds(2)))
            }
            await #expect(throws: NodeSessionError.crashed(node: "doomed")) {
                try await node.join(["127.0.0.1:1"])
            }
        }
    }

    @Test("crashing nodes that peers dial all the time never trips NIO's dropped-connection trap (swift-nio #2813)")
    func crashWhileDialed() async throws {
        // Gossip every 5 ms over dskit (a connection per packet): connections arrive as the crashed node's listener
        // closes. Before the transport stopped accepting ahead of closing, this trapped the process in four runs of five.
        var configuration = Self.configuration("busy", transport: .dskit)
        configuration.gossip.interval = .milliseconds(5)
        configuration.gossip.pushPullInterval = .milliseconds(50)
        configuration.failureDetection.probeInterval = .milliseconds(20)
        configuration.failureDetection.probeTimeout = .milliseconds(10)
        func named(_ name: String) -> NodeSessionConfiguration {
            var named = configuration
            named.network.nodeName = name
            return named
        }
        for round in 0..<15 {
            try await withNode(named("host-\(round)"), delegate: NoDelegate(), seed: 1) { a in
                try await withNode(named("guest-\(round)"), delegate: NoDelegate(), seed: 2) { b in
                    try await b.join(["127.0.0.1:\(a.boundPort)"])
                    try await withNode(named("third-\(round)"), delegate: NoDelegate(), seed: 3) { c in
                        try await c.join(["127.0.0.1:\(a.boundPort)"])
                        try await eventually("the guest to know both others") { await b.snapshot().others.count == 2 }
                        await b.crash()
                        try await eventually("the host to declare the crashed guest dead") {
                            await Self.state(of: "guest-\(round)", in: a) == .dead
                        }
                    }
                }
            }
        }
    }

    // MARK: With the instance's rules

    @Test("two Swift nodes join and list each other alive", arguments: TransportKind.allCases)
    func twoNodesJoin(transport: TransportKind) async throws {
        try await withNode(Self.configuration("node-a", transport: transport), delegate: NoDelegate(), seed: 1) { a in
            try await withNode(Self.configuration("node-b", transport: transport), delegate: NoDelegate(), seed: 2) {
                b in
                let joined = try await b.join(["127.0.0.1:\(a.boundPort)"])
                #expect(joined == 1)
                try await eventually("each node to list the other alive", deadline: .seconds(20)) {
                    let aSeesB = await Self.state(of: "node-b", in: a)
                    let bSeesA = await Self.state(of: "node-a", in: b)
                    return aSeesB == .alive && bSeesA == .alive
                }
                let other = try #require(await a.snapshot().member("node-b"))
                #expect(Int(other.port) == b.boundPort)
            }
        }
    }

    @Test("a node whose scope is cancelled still leaves: the other lists it left, not dead", arguments: TransportKind.allCases)
    func cancelledScopeLeaves(transport: TransportKind) async throws {
        // Patient probes: what is tested is the leave, and with fastProbes a loaded parallel run let the stayer
        // declare the leaver dead before its leave arrived (a dead member cannot become left).
        var patient = FailureDetectionSettings.memberlistLAN
        patient.probeInterval = .seconds(2)
        patient.probeTimeout = .seconds(1)
        let stayerConfiguration = Self.configuration("stayer", transport: transport, probes: patient)
        let leaverConfiguration = Self.configuration("leaver", transport: transport, probes: patient)
        try await withNode(stayerConfiguration, delegate: NoDelegate(), seed: 1) { a in
            let seed = "127.0.0.1:\(a.boundPort)"
            let joined = Mutex(false)
            let leaver = Task {
                try await withNode(leaverConfiguration, delegate: NoDelegate(), seed: 2) {
                    b in
                    try await b.join([seed])
                    joined.withLock { $0 = true }
                    try await Task.sleep(for: .seconds(120))
                }
            }
            try await eventually("the leaver to join and be listed alive", deadline: .seconds(20)) {
                joined.withLock { $0 } ? await Self.state(of: "leaver", in: a) == .alive : false
            }
            leaver.cancel()
            let ended = await leaver.result
            #expect(throws: CancellationError.self) { try ended.get() }
            do {
                try await eventually("the stayer to list the leaver left", deadline: .seconds(20)) {
                    await Self.state(of: "leaver", in: a) == .left
                }
            } catch {
                let snapshot = await a.snapshot()
                Issue.record("\(error); the stayer lists the leaver \(String(describing: snapshot.member("leaver")))")
            }
        }
    }

    @Test("an explicit leave: the other node lists the leaver left while its scope is still open; a second is a no-op")
    func explicitLeave() async throws {
        try await withNode(Self.configuration("host", transport: .dskit), delegate: NoDelegate(), seed: 1) { a in
            try await withNode(Self.configuration("guest", transport: .dskit), delegate: NoDelegate(), seed: 2) { b in
                try await b.join(["127.0.0.1:\(a.boundPort)"])
                try await eventually("the host to list the guest alive", deadline: .seconds(20)) {
                    await Self.state(of: "guest", in: a) == .alive
                }
                await b.leave()
                #expect(await b.snapshot().isLeaving)
                #expect(await b.snapshot().local.state == .left)
                try await eventually("the host to list the guest left", deadline: .seconds(20)) {
                    await Self.state(of: "guest", in: a) == .left
                }
                await b.leave()
                #expect(await Self.state(of: "guest", in: a) == .left)
            }
        }
    }

    @Test("a crashed node is suspected, then declared dead", arguments: TransportKind.allCases)
    func crashedNodeFails(transport: TransportKind) async throws {
        try await withNode(Self.configuration("watcher", transport: transport), delegate: NoDelegate(), seed: 1) { a in
            try await withNode(Self.configuration("victim", transport: transport), delegate: NoDelegate(), seed: 2) { b in
                try await b.join(["127.0.0.1:\(a.boundPort)"])
                try await eventually("the watcher to list the victim alive", deadline: .seconds(20)) {
                    await Self.state(of: "victim", in: a) == .alive
                }
                let seen = Task {
                    var states: [NodeState] = []
                    for await event in a.events {
                        switch event {
                        case .member(.suspect(let member)) where member.name == "victim": states.append(.suspect)
                        case .member(.dead(let member)) where member.name == "victim": states.append(.dead)
                        case .member(.left(let member)) where member.name == "victim": states.append(.left)
                        default: continue
                        }
                        if states.last == .dead || states.last == .left { break }
                    }
                    return states
                }
                await b.crash()
                try await eventually("the watcher to declare the victim dead", deadline: .seconds(30)) {
                    await Self.state(of: "victim", in: a) == .dead
                }
                seen.cancel()
                let states = await seen.value
                #expect(states.first == .suspect, "suspected first: \(states)")
                #expect(states.contains(.dead), "\(states)")
                #expect(!states.contains(.left), "a crash is no leave: \(states)")
            }
        }
    }

    /// An application on the node that broadcasts what the test queues and records what reaches it.
    struct RecordingDelegate: NodeDelegate {
        var name: String
        var outgoing: [[UInt8]] = []
        var received: [[UInt8]] = []
        var remoteStates: [String] = []

        func nodeMeta(limit: Int) -> [UInt8] { Array("meta-\(name)".utf8.prefix(limit)) }
        mutating func notifyMessage(_ payload: [UInt8], now: ContinuousClock.Instant) { received.append(payload) }
        mutating func broadcasts(overhead: Int, limit: Int, clusterSize: Int) -> [[UInt8]] {
            var taken: [[UInt8]] = []
            var used = 0
            while let next = outgoing.first, used + next.count + overhead <= limit {
                used += next.count + overhead
                taken.append(outgoing.removeFirst())
            }
            return taken
        }
        var pendingBroadcasts: Int { outgoing.count }
        func localState(join: Bool, now: ContinuousClock.Instant) -> [UInt8] { Array("state-\(name)".utf8) }
        mutating func mergeRemoteState(_ state: [UInt8], join: Bool, now: ContinuousClock.Instant) {
            remoteStates.append(String(decoding: state, as: UTF8.self))
        }
    }

    @Test(
        "the delegate rides along: meta and push/pull states are exchanged, a broadcast queued by withDelegate arrives",
        arguments: TransportKind.allCases)
    func delegateRidesAlong(transport: TransportKind) async throws {
        let first = RecordingDelegate(name: "node-a")
        let second = RecordingDelegate(name: "node-b")
        try await withNode(Self.configuration("node-a", transport: transport), delegate: first, seed: 3) { a in
            try await withNode(Self.configuration("node-b", transport: transport), delegate: second, seed: 4) { b in
                try await b.join(["127.0.0.1:\(a.boundPort)"])
                #expect(await b.withDelegate { $0.remoteStates }.contains("state-node-a"), "the join merged a's state")
                try await eventually("a to merge b's state and meta", deadline: .seconds(20)) {
                    let states = await a.withDelegate { $0.remoteStates }
                    let meta = await a.snapshot().member("node-b")?.meta
                    return states.contains("state-node-b") && meta == Array("meta-node-b".utf8)
                }
                await a.withDelegate { $0.outgoing.append([1, 2, 3]) }
                try await eventually("b's delegate to receive a's broadcast", deadline: .seconds(20)) {
                    await b.withDelegate { $0.received }.contains([1, 2, 3])
                }
                #expect(await a.withDelegate { $0.pendingBroadcasts } == 0)
            }
        }
    }
}
