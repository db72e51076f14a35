import DskitKV
import Foundation

/// `ringctl ring` read from a cluster: the seed that answered and one `RingReport` per ring key, in the order
/// asked (sorted by key when every ring is shown). Each element has exactly the shape `ring --from-file` prints.
public struct ClusterRingsReport: Codable, Hashable, Sendable {
    /// The peer whose KV store this is.
    public var seed: String
    /// One report per ring key.
    public var rings: [RingReport]

    /// The reports for `keys` (every ringDesc key when empty) as judged at `now`; `replication` gives each ring's
    /// effective-ownership settings (nil: none).
    public init(
        _ snapshot: KVSnapshot, keys: [String] = [], now: Date, options: RingReport.Options,
        replication: (String) -> ReplicationSettings? = { _ in nil }
    ) throws {
        self.seed = snapshot.seed
        self.rings = try snapshot.rings(keys: keys).map { key, ring in
            var options = options
            options.replication = replication(key)
            return try RingReport(key: key, ring: ring, now: now, options: options)
        }
    }

    /// Whether every ring passes `--check` (no heartbeat-unhealthy instance but LEFT tombstones, none stuck).
    public var checkPassed: Bool {
        rings.allSatisfy(\.checkPassed)
    }
}
