import DskitKV
import Foundation
import Inspection
import Testing

/// `lag`'s advice shows the values the cluster's config file sets beside dskit's defaults.
@Suite("ClusterLagReport")
struct ClusterLagReportTests {
    /// A 3-instance synthetic ring whose heartbeats (at most 15 s before 2026-01-01T00:00:00Z) are judged 40 s
    /// later: ages 40–55 s, over 15s + 15s, inside the 1m timeout, so the ring lags and gets the advice.
    static func laggingReport() throws -> ClusterLagReport {
        let ring = RingDescription.synthetic(instances: 3, tokensPerInstance: 4)
        let now = Date(timeIntervalSince1970: 1_767_225_600 + 40)
        let lag = try LagReport(key: "ring", ring: ring, now: now, options: .init(heartbeat: .seconds(15)))
        return ClusterLagReport(seed: "127.0.0.1:7946", file: nil, rings: [lag])
    }

    @Test("the config file's gossip values fill `configured`; settings the file leaves out stay nil")
    func configuredSettings() throws {
        let report = try Self.laggingReport()
        #expect(report.healthy == false)
        #expect(report.rings[0].tuning.count == 4)
        #expect(report.rings[0].tuning.allSatisfy { $0.configured == nil })

        var file = ClusterConfigFile(path: "config.yaml")
        file.gossipInterval = "1s"
        file.retransmitFactor = 2
        let filled = report.withConfiguredSettings(file.gossipTuning)
        let configured = Dictionary(uniqueKeysWithValues: filled.rings[0].tuning.map { ($0.flag, $0.configured) })
        #expect(configured["-memberlist.gossip-interval"] == .some("1s"))
        #expect(configured["-memberlist.retransmit-factor"] == .some("2"))
        #expect(configured["-memberlist.gossip-nodes"] == .some(nil))
        #expect(configured["-memberlist.pullpush-interval"] == .some(nil))
    }

    @Test("the sample Pyroscope config's four gossip keys map to dskit's flag spellings")
    func sampleTuning() throws {
        let file = try ClusterConfigFile(contentsOf: ClusterConfigFileTests.sample)
        #expect(file.gossipTuning == [
            "-memberlist.gossip-interval": "200ms", "-memberlist.gossip-nodes": "3",
            "-memberlist.pullpush-interval": "30s", "-memberlist.retransmit-factor": "4",
        ])
    }
}
