import ArgumentParser
import DskitKV
import Foundation
import Inspection

struct Lag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check heartbeat lag: how stale the oldest ACTIVE heartbeat in each ring is, against a threshold.",
        discussion: """
            Reads every ring (every KV key whose codec is ringDesc, or --key) with one push/pull with the \
            first seed that answers, as `ringctl ring` does, and for each ring computes the lag: the age of the \
            oldest heartbeat among ACTIVE instances, what the alert `max(time() - \
            <prefix>_ring_oldest_member_timestamp{state="ACTIVE"})` on dskit's metric shows. A ring lags when \
            that age is over the threshold, --heartbeat + --delta.

            The age counts from the instance's last heartbeat, so it includes the time since the instance last \
            heartbeated, not only the time the heartbeat took to spread: up to one heartbeat period, plus up \
            to 1 s because dskit stores heartbeats as whole Unix seconds, is normal. Ages are shown to a tenth \
            of a second (more digits when a tenth would round across the threshold). Give the ring's own \
            period with --heartbeat (dskit's Lifecycler rings, e.g. the ingester ring: \
            -ingester.heartbeat-period, 5s by default; Pyroscope's distributor, compactor, \
            store-gateway and query-scheduler rings: 15s), and --delta for the gossip delay tolerated on top.

            As in dskit's metric, an ACTIVE instance whose heartbeat is past --heartbeat-timeout (dskit's \
            -ring.heartbeat-timeout, 1m by default) counts as unhealthy, not as lag: it is most likely a stopped \
            process rather than slow gossip, so it is listed apart (`ringctl ring` shows it too) and does not \
            change the verdict.

            Lists the oldest ACTIVE instances of each ring (--worst) with their ages. When a ring lags, also \
            the four memberlist settings that speed up propagation, with dskit's defaults: decrease \
            -memberlist.gossip-interval (200ms), increase -memberlist.gossip-nodes (3), decrease \
            -memberlist.pullpush-interval (30s), increase -memberlist.retransmit-factor (4). When only a few \
            instances (at most a third) are over the threshold while every other ACTIVE one is fresh (within \
            --heartbeat plus half of --delta, at least 1 s), ringctl leads with "instance X alone is behind": a \
            stalled process or one cut off from the cluster, not slow gossip, is then the likelier cause; check \
            it first (`ringctl ring`, its logs).

            A heartbeat more than a second in the future (a clock off, on the instance or here) makes its age \
            meaningless, and dskit would count that instance healthy however stale it is: the ring's verdict is \
            then CLOCK SKEW (exit 1) unless it lags anyway, and the instances are named (OVER: AHEAD).

            JSON: {"seed": "HOST:PORT" or null, "file": PATH or null, "healthy": bool, "rings": [{key, at, \
            heartbeat_seconds, delta_seconds, threshold_seconds, heartbeat_timeout_seconds, lag_seconds (null \
            without ACTIVE instances), verdict ("healthy", "lagging", "no_active_instances" or "clock_skew"), \
            instances, active_instances, lagging_instances, unhealthy_instances, oldest: [{id, address, zone, \
            heartbeat, age_seconds, lagging}], unhealthy: [the same], future_instances, future_heartbeats: [the \
            same], tuning: [{flag, change, default, effect, configured}] \
            (empty unless lagging), diagnosis ("instance X alone is behind: ..." or null)}]}. Ages are not \
            rounded in JSON.

            --from-file judges a ring value saved from the /memberlist page (or `ringctl kv get KEY --raw`) \
            instead, with --at for the time it was saved.

            Examples:
              ringctl lag --heartbeat 15s \\
                -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl lag --heartbeat 5s --delta 10s --key collectors/ring \\
                -j 10.0.0.3:7946 -o json
              ringctl lag --heartbeat 15s --from-file ring.bin --at 2026-11-25T03:12:00Z

            Exit status: 0 every ring is healthy; 1 a ring lags, or has no ACTIVE instance within the heartbeat \
            timeout, or an ACTIVE heartbeat in the future, or the cluster \
            holds no ring (the keys present are listed); 64 usage; 69 no seed answered; 76 a ring value (or \
            the file) does not decode, or a seed replied with something undecodable, or TLS, the label or the \
            gossip key did not match; 78 a TLS, key or config file is unusable; 130 interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: ArgumentHelp(
        "The rings' heartbeat period (dskit Lifecycler 5s, Pyroscope's BasicLifecycler rings 15s), e.g. 15s.",
        valueName: "duration"))
    var heartbeat: DurationArgument

    @Option(help: ArgumentHelp("Gossip delay tolerated on top of one heartbeat period.", valueName: "duration"))
    var delta = DurationArgument(.seconds(15), text: "15s")

    @Option(name: .customLong("heartbeat-timeout"), help: ArgumentHelp(
        "ACTIVE instances whose heartbeat is older than this are unhealthy, outside the lag (dskit's -ring.heartbeat-timeout).",
        valueName: "duration"))
    var heartbeatTimeout = DurationArgument(.seconds(60), text: "1m")

    @Option(help: ArgumentHelp(
        "Only this ring key (repeatable; default every key with codec ringDesc). With --from-file: the key the value came from (default ring).",
        valueName: "key"))
    var key: [String] = []

    @Option(help: ArgumentHelp("How many of the oldest ACTIVE instances to list per ring.", valueName: "n"))
    var worst = 5

    @Option(name: .customLong("from-file"), help: ArgumentHelp(
        "Judge a ring value saved from /memberlist instead of the cluster; - reads standard input.",
        valueName: "file"))
    var fromFile: String?

    @Option(help: ArgumentHelp(
        "Measure ages at this time instead of now (RFC 3339 or Unix seconds), for saved rings.", valueName: "time"))
    var at: TimeArgument?

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table, wide or json.",
        completion: OutputFormat.completion(OutputFormat.reports))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.reports, command: "lag")
        guard heartbeat.duration > .zero else { throw ValidationError("--heartbeat must be positive, e.g. 15s.") }
        guard heartbeatTimeout.duration > .zero else { throw ValidationError("--heartbeat-timeout must be positive.") }
        guard worst >= 0 else { throw ValidationError("--worst must be 0 or more.") }
        try cluster.checkFileSource(fromFile, keys: key)
    }

    func run() async throws {
        try await reportingErrors {
            let options = LagReport.Options(
                heartbeat: heartbeat.duration, delta: delta.duration, heartbeatTimeout: heartbeatTimeout.duration,
                worst: worst)
            let now = at?.date ?? Date()
            let report: ClusterLagReport
            if let path = fromFile {
                let ring = try RingFile.decode(try InputFile.read(path), path: path)
                let lag = try LagReport(key: key.first ?? "ring", ring: ring, now: now, options: options)
                report = ClusterLagReport(seed: nil, file: path == "-" ? "standard input" : path, rings: [lag])
            } else {
                let resolved = try cluster.resolved(seedHint: "or --from-file FILE for a saved ring value")
                let peek = try await resolved.seeds.peek(resolved.peek)
                report = try ClusterLagReport(KVSnapshot(peek), keys: key, now: now, options: options)
                    .withConfiguredSettings(resolved.configFile?.gossipTuning ?? [:])
            }
            switch output {
            case .json: print(try JSONOutput.render(report))
            default: print(LagRendering.render(report, wide: output == .wide))
            }
            return report.healthy ? .ok : .unhealthy
        }
    }
}
