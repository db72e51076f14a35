import MemberlistNode
import MemberlistWire
import NodeSimulation

/// Clusters for the simulation tests, built one way so every test reads the same.
enum ClusterFixture {
    /// `count` plain memberlist nodes with the given tuning (dskit's defaults unless told).
    static func plain(
        count: Int, seed: UInt64 = 1, failureDetection: FailureDetectionSettings = .dskit,
        gossip: GossipSettings = .dskit, network: NetworkConditions = .lan
    ) -> Simulation<NoDelegate> {
        Simulation(
            count: count, network: network, seed: seed,
            configuration: { _, name, address in
                NodeConfiguration(
                    name: name, address: address, port: 7946, failureDetection: failureDetection, gossip: gossip,
                    tcpFallbackAvailable: failureDetection.tcpFallbackPing)
            },
            delegate: { _ in NoDelegate() })
    }

    /// Every node but the first joins through node 0, all at once.
    static func joinAllViaFirst<D>(_ simulation: inout Simulation<D>) {
        for node in 1..<simulation.nodes.count { simulation.join(node, via: 0) }
    }

    /// Every running node holds every running node alive.
    static func converged<D>(_ simulation: Simulation<D>) -> Bool {
        let running = simulation.nodes.indices.filter { simulation.nodes[$0].isRunning }
        return simulation.everyRunningNode(holds: running, in: .alive)
    }

    /// The names of `members` that `observer` does not hold in `state` (for failure messages).
    static func missing<D>(
        _ simulation: Simulation<D>, observer: Int, members: some Sequence<Int>, state: NodeState
    ) -> [String] {
        members.filter { simulation.state(of: $0, seenBy: observer) != state }
            .map { simulation.nodes[$0].instance.configuration.name }
    }
}
