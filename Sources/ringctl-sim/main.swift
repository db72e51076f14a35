import Foundation
import MemberlistNode
import MemberlistWire
import NodeSimulation

// Convergence figures from the simulator (not a test: nothing here is asserted). For each cluster size and gossip
// tuning, node 0 publishes a counter every `publishInterval`; the time from a publication until every node holds
// it is one sample. Then the wall time of one 1,000-node cluster over 60 simulated seconds.
//
//   swift build -c release --product ringctl-sim && .build/release/ringctl-sim [--nodes 100,1000] [--updates N]
//       [--seed S] [--walltime-only] [--no-walltime]

struct Variant {
    var name: String
    var gossip: GossipSettings
}

func variants() -> [Variant] {
    let base = GossipSettings.dskit
    func with(_ name: String, _ change: (inout GossipSettings) -> Void) -> Variant {
        var gossip = base
        change(&gossip)
        return Variant(name: name, gossip: gossip)
    }
    return [
        Variant(name: "dskit defaults (200ms, 3 nodes, 30s, ×4)", gossip: base),
        with("gossip interval 100ms") { $0.interval = .milliseconds(100) },
        with("gossip interval 500ms") { $0.interval = .milliseconds(500) },
        with("gossip nodes 2") { $0.nodes = 2 },
        with("gossip nodes 5") { $0.nodes = 5 },
        with("push/pull 10s") { $0.pushPullInterval = .seconds(10) },
        with("push/pull 60s") { $0.pushPullInterval = .seconds(60) },
        with("retransmit factor 2") { $0.retransmitMultiplier = 2 },
        with("retransmit factor 8") { $0.retransmitMultiplier = 8 },
    ]
}

func makeCluster(count: Int, gossip: GossipSettings, publishInterval: Duration, seed: UInt64)
    -> Simulation<CounterDelegate>
{
    Simulation(
        count: count, seed: seed,
        configuration: { _, name, address in
            NodeConfiguration(name: name, address: address, port: 7946, gossip: gossip)
        },
        delegate: { index in
            CounterDelegate(
                retransmitMultiplier: gossip.retransmitMultiplier, publishInterval: index == 0 ? publishInterval : nil)
        })
}

func everyoneAlive(_ simulation: Simulation<CounterDelegate>) -> Bool {
    simulation.everyRunningNode(holds: simulation.nodes.indices, in: .alive)
}

func format(_ duration: Duration?) -> String {
    guard let duration else { return "–" }
    return String(format: "%.2f s", duration.inSeconds)
}

func percentile(_ sorted: [Duration], _ p: Double) -> Duration? {
    guard !sorted.isEmpty else { return nil }
    // Nearest rank.
    let rank = Int((p * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count, max(1, rank)) - 1]
}

struct Row {
    var nodes: Int
    var variant: String
    var samples: Int
    var missed: Int
    var p50: Duration?
    var p99: Duration?
    var max: Duration?
    var joinConverged: Duration?
    var wall: Duration
}

func measure(count: Int, variant: Variant, updates: Int, seed: UInt64) -> Row {
    let wallStart = ContinuousClock.now
    let publishInterval = Duration.seconds(10)
    var simulation = makeCluster(count: count, gossip: variant.gossip, publishInterval: publishInterval, seed: seed)
    for node in 1..<count { simulation.join(node, via: 0) }
    let converged = simulation.run(checkingEvery: .seconds(1), for: .seconds(300), until: everyoneAlive)
    // Measure from the first publication after membership settled (and a little quiet).
    simulation.run(for: .seconds(5))
    let first = simulation.nodes[0].instance.delegate.counter + 1
    simulation.run(for: publishInterval * updates)
    let last = first + UInt64(updates) - 1
    // Let the last value finish spreading without publishing more.
    simulation.updateDelegate(of: 0) { $0.isPublishing = false }
    simulation.run(for: publishInterval * 2)
    var spreads: [Duration] = []
    var missed = 0
    for value in first...last {
        if let spread = simulation.spreadTime(of: value, from: 0) { spreads.append(spread) } else { missed += 1 }
    }
    spreads.sort()
    return Row(
        nodes: count, variant: variant.name, samples: spreads.count, missed: missed, p50: percentile(spreads, 0.5),
        p99: percentile(spreads, 0.99), max: spreads.last, joinConverged: converged,
        wall: ContinuousClock.now - wallStart)
}

func wallTime(count: Int, simulated: Duration, seed: UInt64) {
    let start = ContinuousClock.now
    var simulation = makeCluster(count: count, gossip: .dskit, publishInterval: .seconds(5), seed: seed)
    for node in 1..<count { simulation.join(node, via: 0) }
    let created = ContinuousClock.now
    var convergedAt: Duration?
    var marks: [(Duration, Duration)] = []
    while simulation.elapsed < simulated {
        simulation.run(for: .seconds(1))
        if convergedAt == nil && everyoneAlive(simulation) { convergedAt = simulation.elapsed }
        if Int(simulation.elapsed.inSeconds) % 10 == 0 { marks.append((simulation.elapsed, ContinuousClock.now - created)) }
    }
    let end = ContinuousClock.now
    let s = simulation.statistics
    print("")
    print("Wall time: \(count) nodes × \(format(simulated)) simulated (dskit defaults, all join via node 0 at t=0,")
    print("node 0 publishing a counter every 5 s)")
    print("  total \(format(end - start)) (creating and starting \(format(created - start)))")
    print("  membership converged at \(format(convergedAt)) virtual")
    print("  wall time at virtual " + marks.map { "\(format($0.0)): \(format($0.1))" }.joined(separator: ", "))
    print("  events \(s.eventsProcessed), timers \(s.timersFired), packets sent \(s.packetsSent), "
        + "streams \(s.streamsOpened) (failed \(s.streamFailures)), overlapping periodic timers \(s.overlappingPeriodicTimers)")
}

// MARK: Command line

var sizes = [100, 1000]
var updates = 20
var seed: UInt64 = 1
var runTable = true
var runWall = true
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--nodes": sizes = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--updates": updates = Int(arguments.next() ?? "") ?? updates
    case "--seed": seed = UInt64(arguments.next() ?? "") ?? seed
    case "--walltime-only": runTable = false
    case "--no-walltime": runWall = false
    default:
        print("usage: ringctl-sim [--nodes 100,1000] [--updates N] [--seed S] [--walltime-only] [--no-walltime]")
        exit(64)
    }
}

if runTable {
    print("Broadcast convergence: time from node 0's publication until every node holds it")
    print("(\(updates) updates 10 s apart per row, seed \(seed); LAN network 0.5–1 ms one way, no loss;")
    print("dskit failure detection; HashiCorp's model: ~2.0 s to 99.99 % of 100 nodes, ~2.2 s for 1,000)")
    print("")
    let header = ["nodes", "gossip tuning", "p50", "p99", "max", "missed", "join conv.", "wall"]
    print("| " + header.joined(separator: " | ") + " |")
    print("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
    for count in sizes {
        for variant in variants() {
            let row = measure(count: count, variant: variant, updates: updates, seed: seed)
            let cells = [
                "\(row.nodes)", row.variant, format(row.p50), format(row.p99), format(row.max),
                "\(row.missed)/\(row.samples + row.missed)", format(row.joinConverged), format(row.wall),
            ]
            print("| " + cells.joined(separator: " | ") + " |")
        }
    }
}
if runWall {
    wallTime(count: 1000, simulated: .seconds(60), seed: seed)
}
