import DskitKV
import Foundation

/// `ringctl lag`: heartbeat lag of every ring read from one seed (or a saved ring value), and one verdict.
public struct ClusterLagReport: Codable, Hashable, Sendable {
    /// The peer whose KV store this is; nil for a file.
    @NullEncoded public var seed: String? = nil
    /// The file the ring came from; nil for a seed.
    @NullEncoded public var file: String? = nil
    /// True when every ring is healthy (exit 0).
    public var healthy: Bool
    /// One report per ring key.
    public var rings: [LagReport]

    enum CodingKeys: String, CodingKey {
        case seed, file, healthy, rings
    }

    /// The lag of the rings under `keys` (every ringDesc key when empty) at `now`.
    public init(_ snapshot: KVSnapshot, keys: [String] = [], now: Date, options: LagReport.Options) throws {
        let rings = try snapshot.rings(keys: keys).map { key, ring in
            try LagReport(key: key, ring: ring, now: now, options: options)
        }
        self.init(seed: snapshot.seed, file: nil, rings: rings)
    }

    /// A report from per-ring reports.
    public init(seed: String?, file: String?, rings: [LagReport]) {
        self.seed = seed
        self.file = file
        self.rings = rings
        self.healthy = rings.allSatisfy(\.isHealthy)
    }

    /// The report with each tuning setting's current value filled in from `configured` (flag → value as written,
    /// e.g. "-memberlist.gossip-interval" → "200ms"), as read from the cluster's config file.
    public func withConfiguredSettings(_ configured: [String: String]) -> ClusterLagReport {
        var report = self
        for ring in report.rings.indices {
            for setting in report.rings[ring].tuning.indices {
                report.rings[ring].tuning[setting].configured = configured[report.rings[ring].tuning[setting].flag]
            }
        }
        return report
    }
}
