import ArgumentParser
import DskitKV
import Foundation
import Inspection

struct Lookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which instances dskit's ring picks for a key: the replica set per operation, and why.",
        discussion: """
            For each TOKEN (a key, 0...4294967295) and each --string S (hashed to a key), walks the ring exactly \
            as dskit's Ring.Get does (ring/ring.go findInstancesForKey: from the first token strictly greater \
            than the key, wrapping; distinct instances; with zone awareness one per zone; an instance whose \
            state extends the operation makes the walk take one more), then applies dskit's default \
            replication strategy (replication_strategy.go Filter: n = max(RF, chosen), minSuccess = n/2+1, \
            unhealthy ones dropped). Lists every instance the walk chose with its role and reason (replica, \
            extension, dropped: state or stale heartbeat), the ones passed over because their zone already had \
            its replica, minSuccess, MaxErrors, and dskit's exact error when the set fails.

            --string hashes the string's bytes with --hash (default fnv1): FNV-1 32-bit is what grafana/pyroscope's \
            distributor uses (pkg/distributor/distributor.go TokenFor(tenantID, labels), Go hash/fnv New32 over \
            the tenant ID then the series' label string, e.g. --string 'tenant-1{service_name="api"}') and \
            what grafana/mimir's mimirpb.ShardByUser(tenant) computes (HashNew32/HashAdd32, FNV-1 despite the \
            docs' "fnv32a"); --hash fnv1a is FNV-1a 32-bit, the alertmanager distributors' shardByUser (Cortex, \
            Mimir). Pyroscope pushes through ShuffleShard(tenant, size) first: with a shard size > 0 the ring \
            searched is the tenant's subring, which this command does not build.

            --operation (repeatable): write (dskit's Write: Pyroscope's push), write-no-extend (Mimir's \
            distributor), read, reporting, or all; default write and read.

            The ring comes from one push/pull with the cluster (--key, else the only ring, else the ingester \
            ring ".../ring") or from --from-file. --replication-factor and --zone-awareness default to the \
            --config.file's block for the ring, else dskit's RF 3, zone awareness off.

            JSON: {key, at, heartbeat_timeout_seconds, replication_factor, zone_awareness, lookups: [{token, \
            string, hash, range_token, operations: [{operation, instances: [{id, address, zone, state, role, \
            healthy, reason}], min_success, max_errors, error}]}]}.

            Examples:
              ringctl lookup 2500000000 -j pyroscope-memberlist:7946 --replication-factor 3 --zone-awareness
              ringctl lookup --string 'tenant-1' --from-file ring.bin --replication-factor 3 -o json

            Exit status: 0 every replica set is served; 1 a set fails (dskit's error is shown); 64 usage; 69 no \
            seed answered; 76 the ring (or file) does not decode, a label or key mismatch; 78 a TLS, key or \
            config file is unusable; 130 interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Argument(help: ArgumentHelp("Keys (tokens, 0...4294967295) to look up.", valueName: "token"))
    var tokens: [UInt32] = []

    @Option(name: .customLong("string"), help: ArgumentHelp(
        "A string to hash to a key with --hash (repeatable), e.g. a tenant ID.", valueName: "s"))
    var strings: [String] = []

    @Option(help: ArgumentHelp(
        "The hash for --string: fnv1 (Pyroscope's TokenFor, Mimir's ShardByUser) or fnv1a (alertmanager's shardByUser).",
        valueName: "hash"))
    var hash: ShardingHash = .fnv1

    @Option(help: ArgumentHelp(
        "Operation to build the replica set for: write, write-no-extend, read, reporting, all (repeatable; default write and read).",
        valueName: "operation"))
    var operation: [OperationArgument] = []

    @OptionGroup var replication: ReplicationOptions

    @OptionGroup var source: RingSourceOptions

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table or json.",
        completion: OutputFormat.completion(OutputFormat.analyses))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.analyses, command: "lookup")
        guard !tokens.isEmpty || !strings.isEmpty else {
            throw ValidationError("Give at least one TOKEN or --string S to look up.")
        }
        try source.check(cluster)
    }

    func run() async throws {
        try await reportingErrors {
            let ring = try await source.load(cluster)
            let keys = tokens.map { LookupReport.Key(token: $0) }
                + strings.map { LookupReport.Key(token: hash.token($0), string: $0, hash: hash) }
            let operations = operation.isEmpty ? [RingOperation.write, .read] : operation.flatMap(\.operations)
            let report = try LookupReport(
                key: ring.key, ring: ring.ring, keys: keys, operations: operations.uniqued(),
                settings: replication.settings(forKey: ring.key, file: ring.configFile),
                heartbeatTimeout: try ring.heartbeatTimeout(source.heartbeatTimeout), now: source.at?.date ?? Date())
            switch output {
            case .json: print(try JSONOutput.render(report))
            default: print(ReplicationRendering.render(report))
            }
            return report.lookups.allSatisfy { $0.operations.allSatisfy { $0.error == nil } } ? .ok : .unhealthy
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
