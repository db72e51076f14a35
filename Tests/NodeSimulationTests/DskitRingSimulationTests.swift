import DskitKV
import DskitNode
import Foundation
import MemberlistNode
import MemberlistWire
import NodeSimulation
import Testing

/// A simulated dskit cluster: every node runs the KV delegate with one ring instance, on the virtual clock.
@Suite struct DskitRingSimulationTests {
    static func cluster(count: Int, heartbeat: Duration, seed: UInt64) -> Simulation<DskitKVDelegate> {
        // Whole seconds, as dskit's heartbeats: the virtual clock starts on a second boundary.
        let anchorDate = Date(timeIntervalSince1970: 1_800_000_000)
        var origin: ContinuousClock.Instant?
        return Simulation(
            count: count, seed: seed,
            configuration: { _, name, address in NodeConfiguration(name: name, address: address, port: 7946) },
            delegate: { index in
                let start = origin ?? ContinuousClock.now
                origin = start
                return DskitKVDelegate(
                    lifecycler: RingLifecycler(id: "ingester-\(index)", address: "10.0.0.\(index):9095", zone: "zone-\(index % 3)", tokenCount: 16),
                    anchor: WallClockAnchor(instant: start, date: anchorDate), seed: UInt64(index) + 1,
                    heartbeatPeriod: heartbeat)
            })
    }

    @Test func everyRingInstanceReachesEveryNodeAndHeartbeatsKeepArriving() throws {
        // 30 nodes: the delegate's merges are real protobuf and snappy work, slow in a debug build.
        let count = 30
        var simulation = Self.cluster(count: count, heartbeat: .seconds(5), seed: 11)
        for node in 1..<count { simulation.join(node, via: 0) }
        let ids = Set((0..<count).map { "ingester-\($0)" })
        let complete: (Simulation<DskitKVDelegate>) -> Bool = { simulation in
            simulation.nodes.allSatisfy { node in
                let active = node.instance.delegate.ring?.instances.filter { $0.state == .active }.map(\.id) ?? []
                return Set(active) == ids
            }
        }
        let at = simulation.run(checkingEvery: .seconds(1), for: .seconds(60), until: complete)
        try #require(at != nil, "not every node holds every instance within a minute")
        // Node 7's heartbeat, written at each 5 s tick, is held by every node before the next tick.
        for _ in 0..<3 {
            simulation.run(for: .seconds(5))
            let written = try #require(simulation.nodes[7].instance.delegate.instance?.heartbeatTimestamp)
            let held = simulation.run(checkingEvery: .milliseconds(100), for: .seconds(5)) { simulation in
                simulation.nodes.allSatisfy { ($0.instance.delegate.ring?["ingester-7"]?.heartbeatTimestamp ?? 0) >= written }
            }
            #expect(held != nil, "heartbeat \(written) of ingester-7 did not reach every node within a heartbeat period")
        }
        #expect(simulation.nodes.allSatisfy { $0.instance.delegate.problemCount == 0 })
    }

    @Test func aLeavingInstanceBecomesALeftTombstoneEverywhere() throws {
        let count = 20
        var simulation = Self.cluster(count: count, heartbeat: .seconds(1), seed: 12)
        for node in 1..<count { simulation.join(node, via: 0) }
        try #require(simulation.run(checkingEvery: .seconds(1), for: .seconds(30)) { simulation in
            simulation.nodes.allSatisfy { $0.instance.delegate.ring?.instances.count == count }
        } != nil)
        simulation.leave(4)
        let gone = simulation.run(checkingEvery: .milliseconds(100), for: .seconds(20)) { simulation in
            simulation.nodes.indices.filter { $0 != 4 }.allSatisfy { index in
                simulation.nodes[index].instance.delegate.ring?["ingester-4"]?.state == .left
                    && simulation.state(of: 4, seenBy: index) == .left
            }
        }
        #expect(gone != nil, "every other node holds ingester-4 LEFT and its node left")
    }
}
