import ArgumentParser
import DskitKV
import Inspection

/// `--replication-factor` and `--[no-]zone-awareness`: the ring client settings replica sets are built with.
/// Flags win over the `--config.file`'s block for the ring (RingClientSettings), which wins over dskit's defaults
/// (RF 3, zone awareness off).
struct ReplicationOptions: ParsableArguments {
    @Option(name: .customLong("replication-factor"), help: ArgumentHelp(
        "The ring client's replication factor (dskit's -distributor.replication-factor, yaml replication_factor; default: the --config.file's, else 3; Pyroscope's ingesters default to 1).",
        valueName: "n"))
    var replicationFactor: Int?

    @Flag(name: .customLong("zone-awareness"), inversion: .prefixedNo, help: ArgumentHelp(
        "Whether replicas go to different zones (dskit's -distributor.zone-awareness-enabled, yaml zone_awareness_enabled; default: the --config.file's, else off)."))
    var zoneAwareness: Bool?

    func validate() throws {
        if let replicationFactor, replicationFactor < 1 {
            throw ValidationError("--replication-factor must be 1 or more (dskit's default is 3).")
        }
        if let replicationFactor, replicationFactor > 1_000 {
            throw ValidationError("--replication-factor \(replicationFactor) is far beyond any ring; give at most 1000.")
        }
    }

    /// Whether either flag was given.
    var given: Bool { replicationFactor != nil || zoneAwareness != nil }

    /// The settings for the ring under `key`: flags, then the config file's block for that ring, then dskit's.
    func settings(forKey key: String, file: ClusterConfigFile?) -> ReplicationSettings {
        let client = file?.ringClients[RingClientSettings.ringName(ofKey: key)]
        return ReplicationSettings(
            replicationFactor: replicationFactor ?? client?.replicationFactor ?? 3,
            zoneAwareness: zoneAwareness ?? client?.zoneAwarenessEnabled ?? false)
    }

    /// Whether the config file names a replication factor or zone awareness for the ring under `key`.
    static func configured(key: String, file: ClusterConfigFile?) -> Bool {
        guard let client = file?.ringClients[RingClientSettings.ringName(ofKey: key)] else { return false }
        return client.replicationFactor != nil || client.zoneAwarenessEnabled != nil
    }
}
