import DskitKV
import DskitNode
import Foundation
import MemberlistWire
import Memberlist
import Synchronization

/// One node of a running demo, as printed.
public struct DemoNode: Codable, Hashable, Sendable {
    /// The node's (and its ring instance's) name.
    public var name: String
    /// "ip:port" of its memberlist listener.
    public var address: String
    /// Its instance's zone.
    public var zone: String
}

/// What `ringctl demo` prints once the cluster converged.
public struct DemoReady: Codable, Hashable, Sendable {
    /// Every node.
    public var nodes: [DemoNode]
    /// The address a peer joins through (the first node's).
    public var join: String
    /// "dskit" or "memberlist".
    public var transport: String
    /// The cluster label ("" for none).
    public var clusterLabel: String
    /// The ring's KV key.
    public var ringKey: String
    /// How long convergence took, in seconds.
    public var convergedAfterSeconds: Double

    enum CodingKeys: String, CodingKey {
        case nodes, join, transport
        case clusterLabel = "cluster_label"
        case ringKey = "ring_key"
        case convergedAfterSeconds = "converged_after_seconds"
    }
}

/// Why the demo could not run.
public enum DemoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The nodes did not all see each other (and every ring instance) in time; what was missing.
    case notConverged(after: Duration, missing: String)
    /// Node `node` could not listen on `address`.
    case bindFailed(node: String, address: String, reason: String)

    public var description: String {
        switch self {
        case .notConverged(let after, let missing):
            "the demo nodes did not converge within \(MemberlistError.format(after)): \(missing)"
        case .bindFailed(let node, let address, let reason):
            "\(node) cannot listen on \(address): \(reason)"
        }
    }
}

/// `ringctl demo`: N real memberlist nodes with dskit's KV store and one ring instance each, in this process.
public enum DemoCluster {
    /// The session type of one demo node.
    public typealias Session = NodeSession<DskitKVDelegate>

    /// How long the nodes get to converge before the demo gives up.
    public static let convergenceTimeout: Duration = .seconds(60)

    /// Starts the nodes, waits until they converge, calls `onReady`, stages the plan's events (each announced
    /// through `onNote`), and runs until `duration` passes or the task is cancelled (Ctrl-C, SIGTERM); then every
    /// node still running leaves. Returns normally on cancellation once every node left: stopping is how a demo ends.
    public static func run(
        _ plan: DemoPlan, for duration: Duration?, onReady: @escaping @Sendable (DemoReady) -> Void,
        onNote: @escaping @Sendable (String) -> Void
    ) async throws {
        let anchor = WallClockAnchor.now()
        let started = ContinuousClock.now
        let converged = Mutex(false)
        do {
            try await withNodes(plan, anchor: anchor, wrap: { $0 }) { sessions in
                let ready = try await converge(plan, sessions, started: started, onNote: onNote)
                converged.withLock { $0 = true }
                onReady(ready)
                try await stage(plan, sessions, for: duration, onNote: onNote)
            }
        } catch is CancellationError {
            onNote("every node left")
            // Stopping a running demo is how it ends (exit 0); stopped before it converged, it was interrupted (130).
            if !converged.withLock({ $0 }) { throw CancellationError() }
            return
        }
        onNote("every node left")
    }

    /// Runs the plan's nodes (each a dskit KV delegate with one ring instance, `wrap`ped, joined through the first)
    /// and `body` with every session once all have joined; every node leaves when `body` returns or throws. The
    /// demo and ringctl-bench (which wraps each delegate to watch it) start their clusters through this.
    public static func withNodes<Delegate: NodeDelegate>(
        _ plan: DemoPlan, anchor: WallClockAnchor, wrap: @escaping @Sendable (DskitKVDelegate) -> Delegate,
        body: @escaping @Sendable ([NodeSession<Delegate>]) async throws -> Void
    ) async throws {
        try await nest(plan, index: 0, sessions: [], anchor: anchor, wrap: wrap, body: body)
    }

    /// Runs node `index` and, inside its scope, the rest; the innermost scope runs `body` with every session.
    private static func nest<Delegate: NodeDelegate>(
        _ plan: DemoPlan, index: Int, sessions: [NodeSession<Delegate>], anchor: WallClockAnchor,
        wrap: @escaping @Sendable (DskitKVDelegate) -> Delegate,
        body: @escaping @Sendable ([NodeSession<Delegate>]) async throws -> Void
    ) async throws {
        guard index < plan.nodes else {
            try await body(sessions)
            return
        }
        let network = ObserverConfiguration(
            transport: plan.transport, clusterLabel: plan.clusterLabel, nodeName: plan.name(index),
            bindHost: plan.host, bindPort: plan.basePort == 0 ? 0 : plan.basePort + index)
        var gossip = plan.gossip
        gossip.leaveTimeout = .seconds(5)
        let configuration = NodeSessionConfiguration(
            network: network, failureDetection: plan.failureDetection, gossip: gossip)
        let seed = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(UInt32.random(in: 0...UInt32.max))
        do {
            try await withNode(configuration, seed: seed) { node in
                wrap(
                    DskitKVDelegate(
                        lifecycler: RingLifecycler(
                            id: plan.name(index), address: node.hostPort, zone: plan.zone(index),
                            tokenCount: plan.tokens),
                        anchor: anchor, seed: seed, ringKey: plan.ringKey, heartbeatPeriod: plan.heartbeat,
                        retransmitMultiplier: plan.gossip.retransmitMultiplier,
                        maxBroadcastBytes: maxBroadcastBytes(node)))
            } body: { session in
                if let first = sessions.first {
                    try await session.join([first.node.hostPort])
                }
                try await nest(
                    plan, index: index + 1, sessions: sessions + [session], anchor: anchor, wrap: wrap, body: body)
            }
        } catch ObserverError.bindFailed(let address, let reason) {
            throw DemoError.bindFailed(node: plan.name(index), address: address, reason: reason)
        }
    }

    /// The largest KV change a node queues for gossip: the queue's default, or less when the packet budget is
    /// smaller (over UDP a change must fit one packet with its compound header and entry and the user-message byte;
    /// a larger one is refused at once and travels by push/pull instead of sitting in the queue unsendable).
    static func maxBroadcastBytes(_ node: NodeConfiguration) -> Int {
        max(1, min(BroadcastQueue<String>.defaultMaxMessageBytes, node.gossip.packetBudget - node.packetOverhead - 5))
    }

    /// Waits until every node lists every other alive and holds every ring instance ACTIVE.
    private static func converge(
        _ plan: DemoPlan, _ sessions: [Session], started: ContinuousClock.Instant,
        onNote: @Sendable (String) -> Void
    ) async throws -> DemoReady {
        let deadline = started + convergenceTimeout
        let names = Set((0..<plan.nodes).map(plan.name))
        var lastNote = ContinuousClock.now
        while true {
            var missing: [String] = []
            for session in sessions {
                let snapshot = await session.snapshot()
                let alive = Set(snapshot.others.filter { $0.state == .alive }.map(\.name) + [snapshot.local.name])
                let ring = await session.withDelegate { $0.ring }
                let active = Set(ring?.instances.filter { $0.state == .active }.map(\.id) ?? [])
                let lacking = names.subtracting(alive).union(names.subtracting(active))
                if !lacking.isEmpty {
                    missing.append("\(session.node.name) lacks \(lacking.sorted().joined(separator: ", "))")
                }
            }
            if missing.isEmpty { break }
            let now = ContinuousClock.now
            if now >= deadline {
                throw DemoError.notConverged(after: convergenceTimeout, missing: missing.prefix(3).joined(separator: "; "))
            }
            if now - lastNote >= .seconds(5) {
                onNote("waiting for the nodes to converge: \(missing.count) of \(plan.nodes) still incomplete")
                lastNote = now
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let nodes = sessions.enumerated().map { index, session in
            DemoNode(name: session.node.name, address: session.node.hostPort, zone: plan.zone(index))
        }
        return DemoReady(
            nodes: nodes, join: sessions[0].node.hostPort, transport: plan.transport.rawValue,
            clusterLabel: plan.clusterLabel, ringKey: plan.ringKey,
            convergedAfterSeconds: (ContinuousClock.now - started).inSeconds)
    }

    /// Stages the events, then waits for the end.
    private static func stage(
        _ plan: DemoPlan, _ sessions: [Session], for duration: Duration?, onNote: @escaping @Sendable (String) -> Void
    ) async throws {
        let converged = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for event in plan.events {
                guard let index = plan.index(of: event.node) else { continue }
                let session = sessions[index]
                group.addTask {
                    try await Task.sleep(until: converged + event.after, clock: .continuous)
                    onNote(await apply(event, to: session, plan: plan))
                }
            }
            group.addTask {
                if let duration {
                    try await Task.sleep(until: converged + duration, clock: .continuous)
                } else {
                    while true { try await Task.sleep(for: .seconds(3600)) }
                }
                throw DemoEnded()
            }
            do {
                while try await group.next() != nil {}
            } catch is DemoEnded {
                group.cancelAll()
            }
        }
    }

    /// The --for time is up.
    private struct DemoEnded: Error {}

    /// Performs one staged event; returns the sentence announcing it.
    private static func apply(_ event: DemoEvent, to session: Session, plan: DemoPlan) async -> String {
        let name = session.node.name
        switch event.kind {
        case .freeze:
            await session.withDelegate { $0.freeze() }
            return "\(name) frozen: its heartbeats stop; it keeps gossiping (--freeze \(event.text))"
        case .crash:
            await session.crash()
            return "\(name) crashed: it answers nothing and did not leave (--crash \(event.text))"
        case .leave:
            await session.leave()
            return "\(name) left: LEAVING, then unregistered; memberlist lists it left (--leave \(event.text))"
        case .state(let state):
            let changed = await session.withDelegate { $0.changeState(to: state, now: .now) }
            return changed
                ? "\(name)'s instance is now \(state) (--state \(event.text))"
                : "\(name)'s instance was already \(state) (--state \(event.text))"
        case .slowGossip:
            let interval = plan.gossip.interval * 10
            await session.setGossipInterval(interval)
            return "\(name) now gossips every \(interval) instead of \(plan.gossip.interval) (--slow-gossip \(event.text))"
        }
    }
}
