import Foundation
import Testing

@testable import DskitKV

@Suite("RingReport: what dskit's /ring page shows, as a Codable value")
struct RingReportTests {
    static let now: Int64 = 1_767_225_600

    static func instance(
        _ id: String,
        state: InstanceState = .active,
        age: Int64 = 5,
        tokens: [UInt32] = [],
        zone: String = "z"
    ) -> InstanceDescription {
        InstanceDescription(
            id: id,
            address: "10.0.0.1:9095",
            heartbeatTimestamp: age == .max ? 0 : now - age,
            state: state,
            tokens: tokens,
            zone: zone
        )
    }

    static func report(_ instances: [InstanceDescription], _ options: RingReport.Options = .init()) throws -> RingReport
    {
        try RingReport(
            ring: RingDescription(instances: instances),
            now: Date(timeIntervalSince1970: Double(now)),
            options: options
        )
    }

    @Test("the real capture: three healthy ACTIVE instances, one per zone, each owning its zone circle")
    func capture() throws {
        let bytes = try CaptureFixture.userState("pushpull-join-nolabel.c2s.bin", userStateLength: 2085)
        guard case .ring(let ring) = try #require(KVState(fullState: bytes)["ring"]).decodedValue() else {
            Issue.record("no ring")
            return
        }
        let newest = try #require(ring.instances.map(\.heartbeatTimestamp).max())
        let report = try RingReport(ring: ring, now: Date(timeIntervalSince1970: Double(newest + 10)))
        #expect(report.key == "ring")
        #expect(report.instances.map(\.id) == ["peer-0", "peer-1", "peer-2"])
        #expect(report.instances.allSatisfy { $0.healthy && $0.state == "ACTIVE" && $0.tokens == 128 })
        #expect(report.instances.allSatisfy { abs($0.ownershipPercent - 100) < 1e-6 })
        #expect(report.zones.map(\.zone) == ["zone-a", "zone-b", "zone-c"])
        #expect(report.zones.allSatisfy { $0.instances == 1 && $0.tokens == 128 && $0.states == ["ACTIVE": 1] })
        #expect(report.warnings.isEmpty)
    }

    @Test("health: heartbeat age up to the timeout inclusive, as IsHeartbeatHealthy's <=")
    func heartbeatBoundary() throws {
        let report = try Self.report([
            Self.instance("at", age: 60), Self.instance("over", age: 61), Self.instance("never", age: .max),
        ])
        #expect(report.instances.map(\.healthy) == [true, false, false])
        #expect(report.instances.map(\.heartbeatAgeSeconds) == [60, nil, 61])
        #expect(report.instances[1].heartbeat == nil)
    }

    @Test("health rules follow dskit's operations: Write = ACTIVE, Read adds PENDING/LEAVING, Reporting = any state")
    func healthRules() throws {
        let instances = InstanceState.known.map { Self.instance($0.name, state: $0) }
        func healthy(_ rule: RingReport.HealthRule) throws -> [String] {
            try Self.report(instances, .init(healthRule: rule)).instances.filter(\.healthy).map(\.id)
        }
        #expect(try healthy(.write) == ["ACTIVE"])
        #expect(try healthy(.read) == ["ACTIVE", "LEAVING", "PENDING"])
        #expect(try healthy(.reporting) == ["ACTIVE", "JOINING", "LEAVING", "LEFT", "PENDING"])
    }

    @Test("a custom timeout moves the boundary, and a zero timeout is refused like dskit's config")
    func timeouts() throws {
        let report = try Self.report([Self.instance("a", age: 20)], .init(heartbeatTimeout: .seconds(15)))
        #expect(report.instances[0].healthy == false)
        #expect(report.heartbeatTimeoutSeconds == 15)
        #expect(throws: DskitKVError.invalidHeartbeatTimeout(seconds: 0)) {
            try Self.report([], .init(heartbeatTimeout: .zero))
        }
    }

    @Test("LEAVING without a heartbeat for 5 minutes is stuck; a LEAVING instance still heartbeating is not")
    func stuck() throws {
        let report = try Self.report([
            Self.instance("fresh", state: .leaving), Self.instance("gone", state: .leaving, age: 312),
        ])
        #expect(report.warnings.count == 1)
        let warning = try #require(report.warnings.first)
        #expect(warning.kind == .stuckState)
        #expect(warning.instances == ["gone"])
        #expect(warning.heartbeatAgeSeconds == 312)
        #expect(warning.message.contains("stuck LEAVING"))
        #expect(warning.message.contains("5m12s"))
    }

    @Test("JOINING and PENDING can be stuck too, including never having sent a heartbeat")
    func stuckOthers() throws {
        let report = try Self.report([
            Self.instance("j", state: .joining, age: 120), Self.instance("p", state: .pending, age: .max),
        ])
        #expect(report.warnings.map(\.kind) == [.stuckState, .stuckState])
        #expect(report.warnings.map(\.state) == ["JOINING", "PENDING"])
        #expect(report.warnings[1].message.contains("never sent a heartbeat"))
    }

    @Test("a LEFT instance is reported as a tombstone")
    func tombstone() throws {
        let report = try Self.report([Self.instance("old", state: .left, age: 30)])
        #expect(report.warnings.map(\.kind) == [.leftTombstone])
        #expect(report.warnings[0].message.contains("left-ingesters-timeout"))
    }

    @Test("token conflicts are warned about, listing both instances, capped with a summary")
    func conflicts() throws {
        let report = try Self.report(
            [Self.instance("a", tokens: [1, 2, 3]), Self.instance("b", tokens: [1, 2, 3])],
            .init(maxConflictWarnings: 2)
        )
        #expect(report.warnings.map(\.kind) == [.tokenConflict, .tokenConflict, .tokenConflict])
        #expect(report.warnings.map(\.token) == [1, 2, nil])
        #expect(report.warnings[0].instances == ["a", "b"])
        #expect(report.warnings[2].message.hasPrefix("1 more conflicting tokens"))
    }

    @Test("zone summary counts states, health, tokens and sums ownership")
    func zones() throws {
        let report = try Self.report([
            Self.instance("a1", tokens: [10], zone: "a"), Self.instance("a2", state: .leaving, tokens: [20], zone: "a"),
            Self.instance("b1", tokens: [5, 15], zone: "b"),
        ])
        let a = try #require(report.zones.first { $0.zone == "a" })
        #expect(a.instances == 2 && a.healthy == 1 && a.tokens == 2)
        #expect(a.states == ["ACTIVE": 1, "LEAVING": 1])
        #expect(abs(a.ownershipPercent - 100) < 1e-6)
        #expect(report.zones.map(\.zone) == ["a", "b"])
    }

    @Test("token lists only when asked; tokenOwners merges them sorted by token")
    func tokens() throws {
        let instances = [Self.instance("b", tokens: [30, 10]), Self.instance("a", tokens: [20])]
        #expect(try Self.report(instances).instances.allSatisfy { $0.tokenList == nil })
        let report = try Self.report(instances, .init(includeTokens: true))
        #expect(report.instances.map(\.tokenList) == [[20], [10, 30]])
        #expect(report.tokenOwners().map(\.token) == [10, 20, 30])
        #expect(report.tokenOwners().map(\.instance) == ["b", "a", "b"])
    }

    @Test("JSON has the documented snake_case shape, RFC 3339 times and nulls for unknowns")
    func json() throws {
        var registered = Self.instance("x", tokens: [1])
        registered.registeredTimestamp = Self.now - 86_400
        let report = try Self.report([registered, Self.instance("y", age: .max)])
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        )
        #expect(
            Set(object.keys) == [
                "key", "at", "heartbeat_timeout_seconds", "health_rule", "instances", "zones", "warnings",
            ]
        )
        #expect(object["at"] as? String == "2026-01-01T00:00:00Z")
        let instances = try #require(object["instances"] as? [[String: Any]])
        #expect(
            Set(instances[0].keys) == [
                "id", "address", "state", "zone", "heartbeat", "heartbeat_age_seconds", "registered", "tokens",
                "ownership_percent", "read_only", "read_only_updated", "healthy",
            ]
        )
        #expect(instances[0]["heartbeat"] as? String == "2025-12-31T23:59:55Z")
        #expect(instances[0]["registered"] as? String == "2025-12-31T00:00:00Z")
        #expect(instances[0]["state"] as? String == "ACTIVE")
        #expect(instances[0]["heartbeat_age_seconds"] as? Int == 5)
        #expect(instances[1]["heartbeat"] is NSNull)
        #expect(instances[1]["registered"] is NSNull)
        let zones = try #require(object["zones"] as? [[String: Any]])
        #expect(Set(zones[0].keys) == ["zone", "instances", "healthy", "states", "tokens", "ownership_percent"])
    }

    @Test("with tokens the JSON carries token_list, and the report decodes back equal")
    func jsonRoundTrip() throws {
        let report = try Self.report(
            [Self.instance("a", state: .left, tokens: [3, 1]), Self.instance("b", tokens: [1])],
            .init(includeTokens: true)
        )
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let instances = try #require(object["instances"] as? [[String: Any]])
        #expect(instances[0]["token_list"] as? [Int] == [1, 3])
        #expect(try JSONDecoder().decode(RingReport.self, from: data) == report)
    }

    @Test("a 1,000 × 512 synthetic ring reports every instance with zone ownership summing to 100 %")
    func large() throws {
        let ring = RingDescription.synthetic(instances: 1000, tokensPerInstance: 512, zones: 3, seed: 11, now: Self.now)
        let decoded = try RingDescription(codecValue: ring.codecValue())
        let report = try RingReport(ring: decoded, now: Date(timeIntervalSince1970: Double(Self.now)))
        #expect(report.instances.count == 1000)
        #expect(report.instances.allSatisfy { $0.healthy })
        #expect(report.zones.allSatisfy { abs($0.ownershipPercent - 100) < 1e-6 })
        #expect(report.warnings.isEmpty)
    }
}
