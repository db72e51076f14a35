import Foundation
import Testing

@testable import DskitKV
@testable import Inspection

@Suite("LagReport: the age of the oldest ACTIVE heartbeat against heartbeat + delta")
struct LagReportTests {
    static let now: Int64 = 1_767_225_600

    static func instance(_ id: String, age: Int64, state: InstanceState = .active) -> InstanceDescription {
        InstanceDescription(
            id: id, address: "10.0.0.1:9095", heartbeatTimestamp: age == .max ? 0 : now - age, state: state,
            tokens: [1], zone: "zone-a")
    }

    static func report(
        _ instances: [InstanceDescription], heartbeat: Duration = .seconds(15), delta: Duration = .seconds(15),
        worst: Int = 5
    ) throws -> LagReport {
        try LagReport(
            key: "collectors/ring", ring: RingDescription(instances: instances),
            now: Date(timeIntervalSince1970: Double(now)),
            options: .init(heartbeat: heartbeat, delta: delta, worst: worst))
    }

    @Test("fresh heartbeats: healthy, lag = the oldest ACTIVE age, no tuning advice")
    func healthy() throws {
        let report = try Self.report([Self.instance("a", age: 3), Self.instance("b", age: 14), Self.instance("c", age: 0)])
        #expect(report.verdict == .healthy)
        #expect(report.isHealthy)
        #expect(report.lagSeconds == 14)
        #expect(report.thresholdSeconds == 30)
        #expect(report.oldest.map(\.id) == ["b", "a", "c"])
        #expect(report.laggingInstances == 0)
        #expect(report.tuning.isEmpty)
    }

    @Test("a heartbeat over a second in the future: verdict clock_skew (not healthy), the instance named; lagging wins")
    func clockSkew() throws {
        let skewed = try Self.report([Self.instance("a", age: 3), Self.instance("ahead", age: -3223), Self.instance("b", age: -1)])
        #expect(skewed.verdict == .clockSkew)
        #expect(!skewed.isHealthy)
        #expect(skewed.futureHeartbeats.map(\.id) == ["ahead"])  // one second ahead is whole-second rounding
        #expect(skewed.futureInstances == 1)
        #expect(skewed.futureHeartbeats.first?.ageSeconds == -3223)
        let both = try Self.report([Self.instance("ahead", age: -100), Self.instance("frozen", age: 59)])
        #expect(both.verdict == .lagging)
        #expect(both.futureInstances == 1)
    }

    @Test("one heartbeat 60s old with 15s + 15s: lagging, that instance first and alone over, the four settings")
    func lagging() throws {
        let report = try Self.report([Self.instance("a", age: 3), Self.instance("frozen", age: 60), Self.instance("c", age: 10)])
        #expect(report.verdict == .lagging)
        #expect(!report.isHealthy)
        #expect(report.lagSeconds == 60)
        #expect(report.oldest.first?.id == "frozen")
        #expect(report.oldest.first?.lagging == true)
        #expect(report.oldest.dropFirst().allSatisfy { !$0.lagging })
        #expect(report.laggingInstances == 1)
        #expect(report.tuning.map(\.flag) == [
            "-memberlist.gossip-interval", "-memberlist.gossip-nodes", "-memberlist.pullpush-interval",
            "-memberlist.retransmit-factor",
        ])
        #expect(report.tuning.map(\.change) == ["decrease", "increase", "decrease", "increase"])
        #expect(report.tuning.map(\.defaultValue) == ["200ms", "3", "30s", "4"])
    }

    @Test("diagnosis: one instance over while the rest are fresh names it first; a widespread lag does not")
    func diagnosis() throws {
        // 1 of 3 over, the others within one period: that instance's own process is the suspect.
        let alone = try Self.report([Self.instance("a", age: 3), Self.instance("frozen", age: 60), Self.instance("c", age: 16)])
        #expect(alone.diagnosis == "instance frozen alone is behind: is its process stalled or cut off from the "
            + "cluster? (check it before tuning gossip)")
        #expect(alone.tuning.count == 4)  // the settings stay
        // 2 of 6 over: named together.
        let two = try Self.report(
            ["a", "b", "c", "d"].map { Self.instance($0, age: 5) } + [Self.instance("x", age: 40), Self.instance("y", age: 50)])
        #expect(two.diagnosis?.hasPrefix("instances y and x alone are behind: are their processes stalled") == true)
        // The rest not fresh (past heartbeat + half the delta): gossip may be slow for everyone, no diagnosis.
        let slow = try Self.report([Self.instance("a", age: 3), Self.instance("frozen", age: 60), Self.instance("c", age: 23)])
        #expect(slow.verdict == .lagging)
        #expect(slow.diagnosis == nil)
        // Half the ring over: not "alone".
        let half = try Self.report([Self.instance("a", age: 3), Self.instance("x", age: 60), Self.instance("y", age: 40)])
        #expect(half.diagnosis == nil)
        // Healthy: nothing to diagnose.
        #expect(try Self.report([Self.instance("a", age: 3), Self.instance("b", age: 14), Self.instance("c", age: 0)]).diagnosis == nil)
    }

    @Test("the bound is inclusive: exactly heartbeat + delta is healthy, one second more lags")
    func boundary() throws {
        #expect(try Self.report([Self.instance("a", age: 30)]).verdict == .healthy)
        #expect(try Self.report([Self.instance("a", age: 31)]).verdict == .lagging)
        #expect(try Self.report([Self.instance("a", age: 31)], delta: .seconds(16)).verdict == .healthy)
    }

    @Test("only ACTIVE instances count: a stale LEAVING or LEFT instance does not make the ring lag")
    func activeOnly() throws {
        let report = try Self.report([
            Self.instance("a", age: 5), Self.instance("gone", age: 600, state: .left),
            Self.instance("leaving", age: 120, state: .leaving),
        ])
        #expect(report.verdict == .healthy)
        #expect(report.instances == 3 && report.activeInstances == 1)
        #expect(report.oldest.map(\.id) == ["a"])
    }

    @Test("no ACTIVE instance: its own verdict, no lag, not healthy")
    func noActive() throws {
        let report = try Self.report([Self.instance("j", age: 1, state: .joining)])
        #expect(report.verdict == .noActiveInstances)
        #expect(report.lagSeconds == nil)
        #expect(!report.isHealthy)
        #expect(try Self.report([]).verdict == .noActiveInstances)
    }

    @Test("ACTIVE past the heartbeat timeout is unhealthy, as dskit's metric counts it: listed apart, not lag")
    func unhealthy() throws {
        let report = try Self.report([
            Self.instance("dead", age: 600), Self.instance("never", age: .max), Self.instance("a", age: 4),
            Self.instance("edge", age: 60),
        ])
        #expect(report.verdict == .lagging)  // "edge": 60s is within the 1m timeout (inclusive) and over 30s
        #expect(report.lagSeconds == 60)
        #expect(report.oldest.map(\.id) == ["edge", "a"])
        #expect(report.activeInstances == 2)
        #expect(report.unhealthyInstances == 2)
        #expect(report.unhealthy.map(\.id) == ["never", "dead"])
        #expect(report.unhealthy.first?.heartbeat == nil)

        let fresh = try Self.report([Self.instance("dead", age: 600), Self.instance("a", age: 4)])
        #expect(fresh.verdict == .healthy)
        #expect(fresh.lagSeconds == 4)
        let longer = try LagReport(
            key: "ring", ring: RingDescription(instances: [Self.instance("dead", age: 600)]),
            now: Date(timeIntervalSince1970: Double(Self.now)),
            options: .init(heartbeat: .seconds(15), heartbeatTimeout: .seconds(3600)))
        #expect(longer.verdict == .lagging && longer.unhealthy.isEmpty)
    }

    @Test("every ACTIVE instance unhealthy: no ACTIVE instance to measure, not healthy")
    func allUnhealthy() throws {
        let report = try Self.report([Self.instance("dead", age: 600)])
        #expect(report.verdict == .noActiveInstances)
        #expect(report.lagSeconds == nil)
        #expect(report.unhealthyInstances == 1)
    }

    @Test("--worst caps the list; ties are ordered by id")
    func worst() throws {
        let report = try Self.report((0..<8).map { Self.instance("i\($0)", age: 7) }, worst: 3)
        #expect(report.oldest.map(\.id) == ["i0", "i1", "i2"])
        #expect(report.activeInstances == 8)
    }

    @Test("a non-positive heartbeat or timeout, or a negative delta, is refused")
    func invalid() {
        #expect(throws: DskitKVError.invalidHeartbeatTimeout(seconds: 0)) {
            try LagReport(key: "ring", ring: RingDescription(instances: []), now: Date(),
                          options: .init(heartbeat: .seconds(1), heartbeatTimeout: .zero))
        }
        #expect(throws: DskitKVError.invalidLagSetting(name: "heartbeat", seconds: 0)) {
            try Self.report([], heartbeat: .zero)
        }
        #expect(throws: DskitKVError.invalidLagSetting(name: "delta", seconds: -1)) {
            try Self.report([], delta: .seconds(-1))
        }
    }

    @Test("JSON: a fixed set of snake_case keys, nulls included, RFC 3339 times")
    func json() throws {
        let report = try Self.report([Self.instance("frozen", age: 60)])
        let encoder = ReportJSON.encoder()
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        #expect(Set(object.keys) == [
            "key", "at", "heartbeat_seconds", "delta_seconds", "threshold_seconds", "heartbeat_timeout_seconds",
            "lag_seconds", "verdict", "instances", "active_instances", "lagging_instances", "unhealthy_instances",
            "oldest", "unhealthy", "future_instances", "future_heartbeats", "tuning", "diagnosis",
        ])
        #expect(object["diagnosis"] is NSNull)  // one instance, no fresh rest to compare it with
        #expect(object["verdict"] as? String == "lagging")
        #expect(object["at"] as? String == "2026-01-01T00:00:00Z")
        let oldest = try #require((object["oldest"] as? [[String: Any]])?.first)
        #expect(Set(oldest.keys) == ["id", "address", "zone", "heartbeat", "age_seconds", "lagging"])
        #expect(oldest["heartbeat"] as? String == "2025-12-31T23:59:00Z")
        #expect(oldest["age_seconds"] as? Double == 60)
        let tuning = try #require((object["tuning"] as? [[String: Any]])?.first)
        #expect(Set(tuning.keys) == ["flag", "change", "default", "effect", "configured"])
        #expect(tuning["configured"] is NSNull)

        let empty = try #require(
            try JSONSerialization.jsonObject(with: encoder.encode(try Self.report([]))) as? [String: Any])
        #expect(empty["lag_seconds"] is NSNull)
        #expect(empty["verdict"] as? String == "no_active_instances")
    }
}
