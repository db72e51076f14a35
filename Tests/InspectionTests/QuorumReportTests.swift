import DskitKV
import Foundation
import Inspection
import Testing

/// The quorum report's scenarios and verdict lines on the spec's worked rings.
@Suite("QuorumReport")
struct QuorumReportTests {
    static let now: Int64 = 1_767_226_500

    static func ring(stale: Set<String> = [], states: [String: InstanceState] = [:]) -> RingDescription {
        let tokens: [String: [UInt32]] = ["a": [10, 50], "b": [20, 60], "c": [30, 70], "d": [40, 80]]
        return RingDescription(instances: tokens.keys.sorted().map { id in
            InstanceDescription(
                id: id, address: "\(id):9095", heartbeatTimestamp: stale.contains(id) ? now - 90 : now,
                state: states[id] ?? .active, tokens: tokens[id]!)
        })
    }

    static func report(_ ring: RingDescription, _ options: QuorumReport.Options) throws -> QuorumReport {
        try QuorumReport(key: "collectors/ring", ring: ring, now: Date(timeIntervalSince1970: Double(now)), options: options)
    }

    @Test("nothing named: a verdict about now; everything healthy is safe")
    func nothingNamed() throws {
        let report = try Self.report(Self.ring(), QuorumReport.Options())
        #expect(report.safe)
        #expect(report.operations.map(\.verdict) == ["writes have quorum on every token range now: yes"])
        #expect(report.operations[0].down == nil && report.operations[0].leaving == nil)
    }

    @Test("a ring without tokens (every instance LEFT or tokenless) is dskit's empty ring, never safe")
    func emptyRing() {
        let left = RingDescription(instances: Self.ring().instances.map {
            var instance = $0
            instance.state = .left
            instance.tokens = []
            return instance
        })
        #expect(throws: DskitKVError.self) { try Self.report(left, QuorumReport.Options()) }
        #expect(throws: DskitKVError.self) { try Self.report(RingDescription(instances: []), QuorumReport.Options()) }
    }

    @Test("two crashed instances: now already fails, and the verdict says so with dskit's error")
    func failingNow() throws {
        let report = try Self.report(Self.ring(stale: ["a", "d"]), QuorumReport.Options())
        #expect(!report.safe)
        let verdict = report.operations[0].verdict
        #expect(verdict.hasPrefix("writes have quorum on every token range now: no: <0.01% of writes fail"), "\(verdict)")
        #expect(verdict.hasSuffix("at least 2 live replicas required, could only find 1 - unhealthy instances: d:9095,a:9095"))
    }

    @Test("d down with everything healthy: safe for write and read; JOINING b makes Write sets of four")
    func safeRestart() throws {
        let report = try Self.report(
            Self.ring(), QuorumReport.Options(operations: [.write, .read], down: ["d"]))
        #expect(report.safe && report.operations.allSatisfy(\.safe))
        #expect(report.operations[0].verdict.hasPrefix("safe to restart d (write): yes"))
        let joining = try Self.report(
            Self.ring(states: ["b": .joining]), QuorumReport.Options(down: ["d"]))
        // Sets with b and d: four instances, minSuccess 3, b not serving Write and d down: 2 left.
        #expect(!joining.safe && joining.operations[0].down?.failingRanges ?? 0 > 0)
    }

    @Test("a zone named: every instance of it is down; unknown names are reported, LEFT ones do not count")
    func zonesAndNames() throws {
        var instances = Self.ring().instances
        for index in instances.indices { instances[index].zone = index < 2 ? "z1" : "z2" }
        instances.append(InstanceDescription(id: "gone", address: "g:9095", heartbeatTimestamp: Self.now, state: .left, tokens: [], zone: "z3"))
        let ring = RingDescription(instances: instances)
        let options = QuorumReport.Options(down: ["gone", "x"], downZones: ["z1", "z3"])
        let unknown = QuorumReport.unknownNames(in: ring, options: options)
        #expect(unknown.ids == ["gone", "x"] && unknown.zones == ["z3"])
        let report = try Self.report(ring, QuorumReport.Options(downZones: ["z1"]))
        #expect(report.down == ["a", "b"] && !report.safe)
    }
}
