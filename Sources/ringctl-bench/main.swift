import DskitKV
import Foundation
import MemberlistWire
import Inspection
import Memberlist
import MemberlistNode

// Heartbeat spread with real sockets (not a test: nothing here is asserted). For each gossip tuning, a demo-shaped
// cluster of N nodes on 127.0.0.1 (one process, `ringctl demo`'s nodes) runs its lifecyclers at their own pace:
// every node heartbeats every 5 s. After convergence and a settle, every heartbeat written in the window is one
// sample: the time from the writer's tick until the last other node holds that heartbeat (or a newer one of the
// same instance). WatchedKVDelegate notes both ends on the nodes' own clock reads: no poller runs.
//
//   swift build -c release --product ringctl-bench --scratch-path .build-release
//   .build-release/release/ringctl-bench [--nodes 50] [--window 40] [--settle 10] [--drain 15]
//       [--transport dskit|memberlist] [--variants defaults,interval100,...]

/// One gossip tuning to measure.
struct Variant {
    var key: String
    var name: String
    var gossip: GossipSettings
}

func variants() -> [Variant] {
    let base = GossipSettings.dskit
    func with(_ key: String, _ name: String, _ change: (inout GossipSettings) -> Void) -> Variant {
        var gossip = base
        change(&gossip)
        return Variant(key: key, name: name, gossip: gossip)
    }
    return [
        Variant(key: "defaults", name: "dskit defaults (200ms, 3, 30s, ×4)", gossip: base),
        with("interval100", "gossip interval 100ms") { $0.interval = .milliseconds(100) },
        with("interval500", "gossip interval 500ms") { $0.interval = .milliseconds(500) },
        with("nodes2", "gossip nodes 2") { $0.nodes = 2 },
        with("nodes5", "gossip nodes 5") { $0.nodes = 5 },
        with("pushpull10", "push/pull 10s") { $0.pushPullInterval = .seconds(10) },
        with("pushpull60", "push/pull 60s") { $0.pushPullInterval = .seconds(60) },
        with("retransmit2", "retransmit factor 2") { $0.retransmitMultiplier = 2 },
        with("retransmit8", "retransmit factor 8") { $0.retransmitMultiplier = 8 },
    ]
}

/// The spread figures of one run.
struct Spread {
    /// Heartbeats written in the window.
    var samples = 0
    /// Of those, how many some node never came to hold (nor a newer one) by the end of the drain.
    var missed = 0
    /// Deliveries (one node coming to hold one heartbeat) that came as a newer heartbeat: the one written was
    /// skipped at that node.
    var superseded = 0
    /// Per heartbeat: until the last node held it, sorted.
    var lastNode: [Duration] = []
    /// Per delivery: until that node held it, sorted.
    var perNode: [Duration] = []
}

/// Pairs each written heartbeat with the first sighting of it (or newer) at every other node.
func spread(of run: ClusterRun) -> Spread {
    var result = Spread()
    // Per node, per instance: the sightings in arrival order.
    let byInstance: [[String: [HeartbeatSighting]]] = run.sightings.map { Dictionary(grouping: $0, by: \.instance) }
    for write in run.written {
        result.samples += 1
        var latest: Duration = .zero
        var complete = true
        for (node, sightings) in byInstance.enumerated() where node != run.nodeOfInstance[write.instance] {
            guard let first = sightings[write.instance]?.first(where: { $0.timestamp >= write.timestamp }) else {
                complete = false
                continue
            }
            if first.timestamp > write.timestamp { result.superseded += 1 }
            let delay = first.at - write.at
            result.perNode.append(delay)
            latest = max(latest, delay)
        }
        if complete { result.lastNode.append(latest) } else { result.missed += 1 }
    }
    result.lastNode.sort()
    result.perNode.sort()
    return result
}

func format(_ duration: Duration?) -> String {
    guard let duration else { return "–" }
    return String(format: "%.3f s", duration.inSeconds)
}

/// Nearest rank.
func percentile(_ sorted: [Duration], _ p: Double) -> Duration? {
    guard !sorted.isEmpty else { return nil }
    let rank = Int((p * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count, max(1, rank)) - 1]
}

// MARK: Command line

var nodes = 50
var window = 40
var settle = 10
var drain = 15
var transport = TransportKind.dskit
var chosen: [String]? = nil
var arguments = CommandLine.arguments.dropFirst().makeIterator()
let usage = """
    usage: ringctl-bench [--nodes 50] [--window 40] [--settle 10] [--drain 15] [--transport dskit|memberlist]
           [--variants \(variants().map(\.key).joined(separator: ","))]
    """
while let argument = arguments.next() {
    switch argument {
    case "--nodes": nodes = Int(arguments.next() ?? "") ?? nodes
    case "--window": window = Int(arguments.next() ?? "") ?? window
    case "--settle": settle = Int(arguments.next() ?? "") ?? settle
    case "--drain": drain = Int(arguments.next() ?? "") ?? drain
    case "--transport":
        guard let kind = TransportKind(rawValue: arguments.next() ?? "") else {
            print(usage)
            exit(64)
        }
        transport = kind
    case "--variants": chosen = (arguments.next() ?? "").split(separator: ",").map(String.init)
    default:
        print(usage)
        exit(64)
    }
}
let selected = variants().filter { chosen?.contains($0.key) ?? true }
if selected.isEmpty {
    print(usage)
    exit(64)
}

func loadAverages() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
        .split(separator: " ").prefix(3).joined(separator: " ")
}

print("Heartbeat spread with real sockets: \(nodes) nodes on 127.0.0.1 in one process, \(transport.rawValue) transport,")
print("heartbeat 5s, 128 tokens, 3 zones; every heartbeat written in a \(window) s window after convergence + \(settle) s,")
print("followed for \(drain) s more. last node: writer's tick → the last of the other \(nodes - 1) nodes holds it (or newer);")
print("per node: writer's tick → one node holds it. Clock reads on the nodes' own merges (no polling).")
print("")
let header = [
    "gossip tuning", "heartbeats", "missed", "superseded", "last p50", "last p99", "last max", "per-node p50",
    "per-node p99", "CPU cores", "RSS MiB", "suspect/dead", "problems", "converged", "load before→after",
]
print("| " + header.joined(separator: " | ") + " |")
print("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
var notes: [String] = []
for variant in selected {
    let load = loadAverages()
    let plan = DemoPlan(nodes: nodes, transport: transport, gossip: variant.gossip)
    do {
        let run = try await BenchCluster.run(
            plan, settle: .seconds(settle), window: .seconds(window), drain: .seconds(drain))
        let figures = spread(of: run)
        let cells = [
            variant.name, "\(figures.samples)", "\(figures.missed)", "\(figures.superseded)",
            format(percentile(figures.lastNode, 0.5)), format(percentile(figures.lastNode, 0.99)),
            format(figures.lastNode.last), format(percentile(figures.perNode, 0.5)),
            format(percentile(figures.perNode, 0.99)),
            String(format: "%.3f", run.cpuSeconds / run.cpuSpan.inSeconds),
            String(format: "%.1f", Double(run.rssMaxKiB) / 1024),
            "\(run.suspicions)/\(run.deaths)", "\(run.problems)", format(run.converged), "\(load) → \(loadAverages())",
        ]
        print("| " + cells.joined(separator: " | ") + " |")
        if !run.sampleProblems.isEmpty {
            notes.append("\(variant.name): " + run.sampleProblems.joined(separator: "; "))
        }
    } catch {
        print("| \(variant.name) | failed: \(error) |")
    }
    fflush(nil)  // every stream: a row at a time while the next variant runs
}
for note in notes { print("problems, \(note)") }
