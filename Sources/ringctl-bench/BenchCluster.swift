import DskitKV
import DskitNode
import Foundation
import Inspection
import Memberlist
import MemberlistNode

// `ringctl demo`'s cluster (DemoCluster: one node per scope, node i joining node 0, a DskitKVDelegate with one ring
// instance each, 128 tokens, zones in turn), with the delegate wrapped in WatchedKVDelegate. The demo's own runner
// is not reused: its delegate type is fixed, and the benchmark needs the sessions' delegates to be the watched one.
// The end is a crash of every node, not a leave: 50 sequential leaves would take longer than the measurement and
// measure nothing.

/// What one run of a cluster produced.
struct ClusterRun: Sendable {
    /// How long the nodes took to list every other alive and hold every instance ACTIVE.
    var converged: Duration
    /// Heartbeats written inside the window, per writer.
    var written: [HeartbeatSighting]
    /// Per node (by index), what it came to hold, in order of arrival.
    var sightings: [[HeartbeatSighting]]
    /// The node index of each instance id.
    var nodeOfInstance: [String: Int]
    /// The measurement window (heartbeats written in it count).
    var window: ClosedRange<ContinuousClock.Instant>
    /// CPU seconds (utime+stime) this process used over the window and the drain after it.
    var cpuSeconds: Double
    /// Wall time of that span.
    var cpuSpan: Duration
    /// Largest VmRSS seen during the window, KiB.
    var rssMaxKiB: Int
    /// Suspect and dead events seen by any node during the window and drain.
    var suspicions: Int
    var deaths: Int
    /// Problems (bad packets, failed sends) the nodes and delegates counted over the run.
    var problems: Int
    /// A few of them.
    var sampleProblems: [String]
}

/// Runs `plan`'s cluster with watched delegates and measures heartbeat spread.
enum BenchCluster {
    typealias Session = NodeSession<WatchedKVDelegate>

    /// Starts the cluster, waits for convergence and `settle`, notes heartbeats over `window` (and the `drain`
    /// after it), then crashes every node.
    static func run(_ plan: DemoPlan, settle: Duration, window: Duration, drain: Duration) async throws -> ClusterRun {
        let anchor = WallClockAnchor.now()
        let started = ContinuousClock.now
        let box = ResultBox()
        try await DemoCluster.withNodes(plan, anchor: anchor, wrap: WatchedKVDelegate.init) { sessions in
            let converged = try await converge(plan, sessions, started: started)
            try await Task.sleep(for: settle)
            let counter = EventCounter()
            let listeners = sessions.map { session in
                Task { for await event in session.events { await counter.count(event) } }
            }
            for session in sessions { await session.withDelegate { $0.startWatching() } }
            let cpuStart = ProcessSample.cpuSeconds()
            let windowStart = ContinuousClock.now
            var rssMax = ProcessSample.rssKiB()
            let windowEnd = windowStart + window
            while ContinuousClock.now < windowEnd + drain {
                try await Task.sleep(for: .seconds(1))
                if ContinuousClock.now <= windowEnd + .milliseconds(500) { rssMax = max(rssMax, ProcessSample.rssKiB()) }
            }
            let cpuEnd = ProcessSample.cpuSeconds()
            let cpuSpan = ContinuousClock.now - windowStart
            var written: [HeartbeatSighting] = []
            var sightings: [[HeartbeatSighting]] = []
            var nodeOfInstance: [String: Int] = [:]
            var problems = 0
            var sampleProblems: [String] = []
            for (index, session) in sessions.enumerated() {
                let (own, seen, id, delegateProblems, recent) = await session.withDelegate {
                    $0.stopWatching()
                    return ($0.written, $0.sightings, $0.inner.lifecycler?.id, $0.inner.problemCount,
                            $0.inner.recentProblems)
                }
                let snapshot = await session.snapshot()
                problems += delegateProblems + snapshot.problemCount
                sampleProblems += (recent + snapshot.recentProblems).prefix(max(0, 4 - sampleProblems.count))
                written += own.filter { $0.at <= windowEnd }
                sightings.append(seen)
                if let id { nodeOfInstance[id] = index }
            }
            for listener in listeners { listener.cancel() }
            let (suspicions, deaths) = await counter.totals()
            await box.set(
                ClusterRun(
                    converged: converged, written: written, sightings: sightings, nodeOfInstance: nodeOfInstance,
                    window: windowStart...windowEnd, cpuSeconds: cpuEnd - cpuStart, cpuSpan: cpuSpan,
                    rssMaxKiB: rssMax, suspicions: suspicions, deaths: deaths, problems: problems,
                    sampleProblems: sampleProblems))
            for session in sessions { await session.crash() }
        }
        guard let result = await box.value else { throw BenchError.noResult }
        return result
    }

    /// Waits (polling every 100 ms, before any measurement) until every node lists every other alive and holds
    /// every instance ACTIVE; gives up after 120 s.
    private static func converge(
        _ plan: DemoPlan, _ sessions: [Session], started: ContinuousClock.Instant
    ) async throws -> Duration {
        let names = Set((0..<plan.nodes).map(plan.name))
        while true {
            var complete = true
            for session in sessions {
                let snapshot = await session.snapshot()
                let alive = Set(snapshot.others.filter { $0.state == .alive }.map(\.name) + [snapshot.local.name])
                let ring = await session.withDelegate { $0.inner.ring }
                let active = Set(ring?.instances.filter { $0.state == .active }.map(\.id) ?? [])
                if alive != names || !names.isSubset(of: active) {
                    complete = false
                    break
                }
            }
            if complete { return ContinuousClock.now - started }
            if ContinuousClock.now - started > .seconds(120) {
                var problems: [String] = []
                for session in sessions.prefix(3) { problems += await session.snapshot().recentProblems.suffix(2) }
                throw BenchError.notConverged(problems: problems)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Why a run produced no figures.
enum BenchError: Error, CustomStringConvertible {
    /// With a few of the first nodes' latest problems.
    case notConverged(problems: [String])
    case noResult

    var description: String {
        switch self {
        case .notConverged(let problems):
            "the cluster did not converge within 120 s (problems: \(problems.joined(separator: "; ")))"
        case .noResult: "the cluster ended without a result"
        }
    }
}

/// Holds the run's result across the nested scopes.
private actor ResultBox {
    var value: ClusterRun?
    func set(_ run: ClusterRun) { value = run }
}

/// Counts suspect and dead events over every node's stream.
private actor EventCounter {
    private var suspicions = 0
    private var deaths = 0

    func count(_ event: NodeEvent) {
        switch event {
        case .member(.suspect): suspicions += 1
        case .member(.dead): deaths += 1
        default: break
        }
    }

    func totals() -> (Int, Int) { (suspicions, deaths) }
}

/// This process's CPU time and resident memory, from /proc/self.
enum ProcessSample {
    /// utime + stime of every thread, in seconds.
    static func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm) ": state is field 3, utime 14 and stime 15, so 11 and 12 counted from the state.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmRSS in KiB.
    static func rssKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
