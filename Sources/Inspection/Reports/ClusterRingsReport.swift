import DskitKV
import Foundation

/// `ringctl ring` read from a cluster: the seed that answered and one `RingReport` per ring key, in the order
/// asked (sorted by key when every ring is shown), and one `PartitionRingReport` per partition ring key. Each
/// element has exactly the shape `ring --from-file` prints for such a value.
public struct ClusterRingsReport: Codable, Hashable, Sendable {
    /// The peer whose KV store this is.
    public var seed: String
    /// One report per ring key (codec ringDesc).
    public var rings: [RingReport]
    /// One report per partition ring key (codec partitionRingDesc).
    public var partitionRings: [PartitionRingReport]

    enum CodingKeys: String, CodingKey {
        case seed, rings
        case partitionRings = "partition_rings"
    }

    /// The reports for `keys` (every ringDesc and partitionRingDesc key when empty) as judged at `now`;
    /// `replication` gives each instance ring's effective-ownership settings (nil: none).
    public init(
        _ snapshot: KVSnapshot, keys: [String] = [], now: Date, options: RingReport.Options,
        replication: (String) -> ReplicationSettings? = { _ in nil }
    ) throws {
        self.seed = snapshot.seed
        let found = try snapshot.allRings(keys: keys)
        self.rings = try found.rings.map { key, ring in
            var options = options
            options.replication = replication(key)
            return try RingReport(key: key, ring: ring, now: now, options: options)
        }
        self.partitionRings = found.partitionRings.map { key, ring in
            PartitionRingReport(key: key, ring: ring, now: now, options: options)
        }
    }

    /// Whether every ring passes `--check` (no heartbeat-unhealthy instance but LEFT tombstones, none stuck) and
    /// every partition ring does too (see PartitionRingCheck).
    public var checkPassed: Bool {
        rings.allSatisfy(\.checkPassed) && partitionRings.allSatisfy(\.checkPassed)
    }
}
