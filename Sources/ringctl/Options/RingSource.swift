import ArgumentParser
import DskitKV
import Foundation
import Inspection

/// Where `lookup` and `quorum` read their ring and how they judge its heartbeats.
struct RingSourceOptions: ParsableArguments {
    @Option(name: .customLong("from-file"), help: ArgumentHelp(
        "Read a ring saved from /memberlist (or /ring JSON) instead of the cluster; - reads standard input.",
        valueName: "file"))
    var fromFile: String?

    @Option(help: ArgumentHelp(
        "The ring's KV key (live: which ring; default the only one, else .../ring).", valueName: "key"))
    var key: String?

    @Option(name: .customLong("heartbeat-timeout"), help: ArgumentHelp(
        "Instances whose heartbeat is older are unhealthy (dskit's -ring.heartbeat-timeout; default the --config.file's, else 1m).",
        valueName: "duration"))
    var heartbeatTimeout: DurationArgument?

    @Option(help: ArgumentHelp(
        "Judge heartbeats at this time instead of now (RFC 3339 or Unix seconds), for old files.", valueName: "time"))
    var at: TimeArgument?

    /// Usage errors in these flags and their combination with the cluster's.
    func check(_ cluster: ClusterOptions) throws {
        if let heartbeatTimeout, heartbeatTimeout.duration <= .zero {
            throw ValidationError("--heartbeat-timeout must be positive.")
        }
        try cluster.checkFileSource(fromFile, keys: key.map { [$0] } ?? [])
    }

    /// Reads the ring.
    func load(_ cluster: ClusterOptions) async throws -> RingSource {
        try await RingSource.load(cluster: cluster, fromFile: fromFile, key: key)
    }
}

/// One ring for the commands that analyse a single ring (`lookup`, `quorum`): from `--from-file`, or from one
/// push/pull with the cluster (then `--key`, or the only ring, or the ingester ring "…/ring").
struct RingSource {
    /// The ring's KV key.
    var key: String
    var ring: RingDescription
    /// The `--config.file`, live only.
    var configFile: ClusterConfigFile?

    /// Reads the ring; `key` is the `--key` given, if any.
    static func load(cluster: ClusterOptions, fromFile: String?, key: String?) async throws -> RingSource {
        if let path = fromFile {
            let contents = try RingFile.readInstanceRing(
                try InputFile.read(path), path: path, lacking: "replica sets to walk")
            return RingSource(key: key ?? contents.json?.key ?? "ring", ring: contents.ring, configFile: nil)
        }
        let resolved = try cluster.resolved(seedHint: "or --from-file FILE for a saved ring value")
        let peek = try await resolved.seeds.peek(resolved.peek)
        let rings = try KVSnapshot(peek).rings(keys: key.map { [$0] } ?? [])
        let chosen: (key: String, ring: RingDescription)
        if rings.count == 1 {
            chosen = rings[0]
        } else if let ingesters = rings.first(where: { RingClientSettings.ringName(ofKey: $0.key) == "ring" }) {
            chosen = ingesters
        } else {
            throw ValidationError(
                "The cluster holds \(rings.count) rings (\(rings.map(\.key).joined(separator: ", "))): name one with --key.")
        }
        return RingSource(key: chosen.key, ring: chosen.ring, configFile: resolved.configFile)
    }

    /// The heartbeat timeout: the flag, else the config file's for this ring, else dskit's 1m.
    func heartbeatTimeout(_ flag: DurationArgument?) throws -> Duration {
        if let flag { return flag.duration }
        let client = configFile?.ringClients[RingClientSettings.ringName(ofKey: key)]
        guard let text = client?.heartbeatTimeout else { return .seconds(60) }
        guard let duration = DurationArgument.parse(text), duration > .zero else {
            throw ValidationError(
                "\(client?.block ?? "the ring block").heartbeat_timeout in \(configFile?.path ?? "the config file") is "
                    + "\"\(text)\": \(DurationArgument.problem(text)) (dskit requires a positive duration); give --heartbeat-timeout.")
        }
        return duration
    }
}

extension ShardingHash: ExpressibleByArgument {}

/// `--operation` values: dskit's operations by ringctl's names.
struct OperationArgument: ExpressibleByArgument, Hashable {
    var operations: [RingOperation]

    init?(argument: String) {
        if argument == "all" {
            operations = RingOperation.all
        } else if let operation = RingOperation.named(argument) {
            operations = [operation]
        } else {
            return nil
        }
    }

    init(_ operations: [RingOperation]) {
        self.operations = operations
    }

    static var allValueStrings: [String] { RingOperation.all.map(\.name) + ["all"] }
    var defaultValueDescription: String { operations.map(\.name).joined(separator: ",") }
}
