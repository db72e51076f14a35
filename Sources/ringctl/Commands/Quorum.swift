import ArgumentParser
import DskitKV
import Foundation
import Inspection

struct Quorum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Is it safe to restart X? Which token ranges would lose quorum, now and with instances or zones down.",
        discussion: """
            Walks every token range of the ring exactly as dskit builds replica sets (ring/ring.go \
            findInstancesForKey: from the token, distinct instances, one per zone with zone awareness, one more \
            for each instance whose state extends the operation) and applies dskit's default replication \
            strategy (n = max(RF, chosen), minSuccess = n/2+1, unhealthy instances dropped: state not serving \
            the operation, or heartbeat older than --heartbeat-timeout). A range fails when fewer than \
            minSuccess stay: every key in it gets dskit's error, which is shown for the first failing spans.

            Reported per operation: now; with --down ID (repeatable) and --down-zone Z (repeatable) down, i.e. \
            crashed or restarting (stale heartbeat: the walk is unchanged, the instance stays in the set and is \
            dropped, so it costs quorum); and, for --down instances, "if it leaves" (a graceful shutdown: \
            LEAVING with a fresh heartbeat, which Write walks past to the next instance and Read still serves). \
            Then the verdict: "safe to restart ingester-3 (write): yes", or "no: 12.5% of writes would fail \
            (...), because ..." with dskit's error for one failing range. Shares are of all 2^32 keys; ranges \
            with no failure to spare (MaxErrors 0) are counted too.

            --rollout judges a zone-by-zone rollout (each zone alone down, the others as now) and a one-by-one \
            rollout (each instance alone down): which zones and instances are safe to take down, given what is \
            already unhealthy now.

            --operation: write (dskit's Write, default: Pyroscope's push, Cortex/Loki distributors), \
            write-no-extend (Mimir's distributor), read, reporting, or all. --replication-factor and \
            --zone-awareness default to the --config.file's block for the ring (ingester.lifecycler.ring or \
            ingester.ring, store_gateway.sharding_ring, compactor.sharding_ring, distributor.ring), else \
            dskit's RF 3 and off (Pyroscope's ingesters default to RF 1: give it). Tenants' shuffle shards are \
            not applied: this is the whole ring.

            The ring comes from one push/pull with the cluster (--key, else the only ring, else ".../ring"), \
            or from --from-file; --at judges a saved ring at the time it was saved.

            JSON: {key, at, heartbeat_timeout_seconds, replication_factor, zone_awareness, down, down_zones, \
            safe, operations: [{operation, safe, verdict, now, down, leaving, rollout}]}, each outcome \
            {ranges, failing_ranges, failing_keys, failing_percent, zero_tolerance_ranges, \
            zero_tolerance_percent, involved, spans: [{first_key, last_key, keys, ranges, instances, error}], \
            span_count}; rollout {zones: [{name, failing_ranges, failing_percent, safe}], zones_safe, \
            unsafe_instances, unsafe_instance_count, instances_safe}.

            Examples:
              ringctl quorum -j pyroscope-memberlist:7946 --replication-factor 3 --zone-awareness \\
                --down pyroscope-ingester-zone-a-3
              ringctl quorum --from-file ring.bin --replication-factor 3 --zone-awareness --down-zone zone-a
              ringctl quorum --config.file /etc/mimir/mimir.yaml --operation write-no-extend --rollout

            Exit status: 0 nothing fails (with the named instances down, or now; with --rollout, also every step \
            of both rollouts is safe); 1 something fails; 64 usage (an unknown instance or zone, too); 69 no \
            seed answered; 76 the ring (or file) does not decode, a label or key mismatch; 78 a TLS, key or \
            config file is unusable; 130 interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @OptionGroup var replication: ReplicationOptions

    @Option(help: ArgumentHelp(
        "Operation to judge: write, write-no-extend, read, reporting or all (repeatable; default write).",
        valueName: "operation"))
    var operation: [OperationArgument] = []

    @Option(name: .customLong("down"), help: ArgumentHelp(
        "An instance id to take down (stale heartbeat), as for a restart (repeatable).", valueName: "id"))
    var down: [String] = []

    @Option(name: .customLong("down-zone"), help: ArgumentHelp(
        "A zone whose every instance goes down (repeatable).", valueName: "zone"))
    var downZones: [String] = []

    @Flag(help: "Also judge a zone-by-zone and a one-by-one rollout: which zones and instances can go down alone.")
    var rollout = false

    @OptionGroup var source: RingSourceOptions

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table or json.",
        completion: OutputFormat.completion(OutputFormat.analyses))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.analyses, command: "quorum")
        try source.check(cluster)
    }

    func run() async throws {
        try await reportingErrors {
            let ring = try await source.load(cluster)
            let options = QuorumReport.Options(
                heartbeatTimeout: try ring.heartbeatTimeout(source.heartbeatTimeout),
                settings: replication.settings(forKey: ring.key, file: ring.configFile),
                operations: operation.isEmpty ? [.write] : operation.flatMap(\.operations).uniqued(),
                down: down.uniqued(), downZones: downZones.uniqued(), rollout: rollout)
            let unknown = QuorumReport.unknownNames(in: ring.ring, options: options)
            guard unknown.ids.isEmpty, unknown.zones.isEmpty else {
                let members = ring.ring.instances.filter { $0.state != .left }
                let parts = unknown.ids.map { "no instance \"\($0)\"" } + unknown.zones.map { "no zone \"\($0)\"" }
                throw ValidationError(
                    "Ring \"\(ring.key)\" has \(parts.joined(separator: ", ")); instances: "
                        + "\(Self.sample(members.map(\.id))); zones: \(Self.sample(Set(members.map(\.zone)).sorted().map { $0.isEmpty ? "\"\"" : $0 })).")
            }
            let report = try QuorumReport(key: ring.key, ring: ring.ring, now: source.at?.date ?? Date(), options: options)
            switch output {
            case .json: print(try JSONOutput.render(report))
            default: print(ReplicationRendering.render(report))
            }
            return report.safe ? .ok : .unhealthy
        }
    }

    private static func sample(_ names: [String]) -> String {
        names.count <= 12 ? names.joined(separator: ", ") : names.prefix(12).joined(separator: ", ") + ", ..."
    }
}
