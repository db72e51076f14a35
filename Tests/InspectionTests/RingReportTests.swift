import Foundation
import Testing

@testable import DskitKV
@testable import Inspection

@Suite("RingReport: what dskit's /ring page shows, as a Codable value with times as Dates")
struct RingReportTests {
    static let now: Int64 = 1_767_225_600

    static func instance(
        _ id: String,
        state: InstanceState = .active,
        age: Int64 = 5,
        tokens: [UInt32] = [],
        zone: String = "z",
        registeredAgo: Int64? = nil
    ) -> InstanceDescription {
        InstanceDescription(
            id: id,
            address: "10.0.0.1:9095",
            heartbeatTimestamp: age == .max ? 0 : now - age,
            state: state,
            tokens: tokens,
            zone: zone,
            registeredTimestamp: registeredAgo.map { now - $0 } ?? 0
        )
    }

    static func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(seconds))
    }

    static func report(_ instances: [InstanceDescription], _ options: RingReport.Options = .init()) throws -> RingReport
    {
        try RingReport(
            ring: RingDescription(instances: instances),
            now: Date(timeIntervalSince1970: Double(now)),
            options: options
        )
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

    @Test("health is the heartbeat alone, whatever the state (IsHeartbeatHealthy, the /ring page): a fresh JOINING passes --check")
    func heartbeatHealthAnyState() throws {
        let report = try Self.report(InstanceState.known.map { Self.instance($0.name, state: $0, registeredAgo: 10) })
        #expect(report.instances.allSatisfy { $0.healthy })
        #expect(report.instances.map(\.state) == ["ACTIVE", "JOINING", "LEAVING", "LEFT", "PENDING"])
        #expect(report.instances.allSatisfy { !$0.failsCheck && !$0.stuck })
        #expect(report.checkPassed)
        #expect(report.healthRule == "heartbeat")
        #expect(report.stuckAfterSeconds == 180)  // 3 × the 1m timeout
    }

    @Test("stuck: JOINING/PENDING registered longer ago than stuck-after (default 3 timeouts) fails --check; LEAVING cannot be")
    func stuckSinceRegistration() throws {
        let report = try Self.report([
            Self.instance("join-new", state: .joining, registeredAgo: 180),
            Self.instance("join-old", state: .joining, registeredAgo: 181),
            Self.instance("leave-old", state: .leaving, registeredAgo: 86_400),
            Self.instance("pend-old", state: .pending, registeredAgo: 600),
            Self.instance("pend-unknown", state: .pending),
        ])
        #expect(report.instances.map(\.stuck) == [false, true, false, true, false])
        #expect(report.instances.map(\.failsCheck) == [false, true, false, true, false])
        #expect(report.instances.map(\.inStateSince) == [
            Self.date(Self.now - 180), Self.date(Self.now - 181), nil, Self.date(Self.now - 600), nil,
        ])
        #expect(!report.checkPassed)
        #expect(report.warnings.map(\.kind) == [.stuckState, .stuckState])
        #expect(report.warnings.map(\.instances) == [["join-old"], ["pend-old"]])
        #expect(report.warnings[0].message.contains("JOINING since it registered 3m1s ago"))
        #expect(report.warnings[0].message.contains("3m0s stuck-after limit"))

        let off = try Self.report([Self.instance("j", state: .joining, registeredAgo: 10_000)], .init(stuckAfter: .zero))
        #expect(off.checkPassed && off.stuckAfterSeconds == nil)
        let short = try Self.report([Self.instance("j", state: .joining, registeredAgo: 31)], .init(stuckAfter: .seconds(30)))
        #expect(!short.checkPassed)
    }

    @Test("an ACTIVE instance with a stale heartbeat (a dead process) gets a warning with the fix, and fails --check")
    func staleActive() throws {
        let report = try Self.report([Self.instance("alive"), Self.instance("dead", age: 660)])
        #expect(report.instances.map(\.failsCheck) == [false, true])
        #expect(report.warnings.map(\.kind) == [.staleHeartbeat])
        let warning = try #require(report.warnings.first)
        #expect(warning.instances == ["dead"])
        #expect(warning.message.contains("dead is ACTIVE but last heartbeat 11m0s ago"))
        #expect(warning.message.contains("\"Forget\" on the service's /ring page"))
    }

    @Test("every heartbeat stale (an old file judged now): one warning naming the newest heartbeat, not one per instance")
    func allStale() throws {
        let report = try Self.report([
            Self.instance("a", age: 7200), Self.instance("b", age: 3600), Self.instance("gone", state: .left, age: 9000),
        ])
        #expect(report.warnings.map(\.kind) == [.allHeartbeatsStale, .leftTombstone])
        let warning = report.warnings[0]
        #expect(warning.instances == ["a", "b"])
        #expect(warning.newestHeartbeat == Self.date(Self.now - 3600))
        #expect(warning.message.contains("(\(UnixTime.rfc3339(Self.now - 3600)))"))
        #expect(warning.message.contains("the newest is 1h0m old"))
        // A LEFT tombstone's stale heartbeat is by design and does not fail --check.
        #expect(report.instances.map(\.failsCheck) == [true, true, false])
    }

    @Test("a heartbeat more than a second in the future is healthy as in dskit, but warned about as clock skew")
    func futureHeartbeat() throws {
        let report = try Self.report([Self.instance("skewed", age: -3223), Self.instance("edge", age: -1)])
        #expect(report.instances.allSatisfy { $0.healthy })
        #expect(report.warnings.map(\.kind) == [.futureHeartbeat])
        #expect(report.warnings[0].instances == ["skewed"])
        #expect(report.warnings[0].heartbeatAgeSeconds == -3223)
        #expect(report.warnings[0].message.contains("is 53m43s in the future"))
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
            Self.instance("a"), Self.instance("j", state: .joining, age: 120), Self.instance("p", state: .pending, age: .max),
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
        #expect(a.instances == 2 && a.healthy == 2 && a.tokens == 2)  // a fresh LEAVING heartbeat is healthy
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
            try JSONSerialization.jsonObject(with: ReportJSON.encoder().encode(report)) as? [String: Any]
        )
        #expect(
            Set(object.keys) == [
                "key", "at", "heartbeat_timeout_seconds", "health_rule", "stuck_after_seconds", "check_passed",
                "instances", "zones", "warnings",
            ]
        )
        #expect(object["at"] as? String == "2026-01-01T00:00:00Z")
        let instances = try #require(object["instances"] as? [[String: Any]])
        #expect(
            Set(instances[0].keys) == [
                "id", "address", "state", "zone", "heartbeat", "heartbeat_age_seconds", "registered", "tokens",
                "ownership_percent", "read_only", "read_only_updated", "healthy", "stuck", "in_state_since",
                "fails_check",
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
        let data = try ReportJSON.encoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let instances = try #require(object["instances"] as? [[String: Any]])
        #expect(instances[0]["token_list"] as? [Int] == [1, 3])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(RingReport.self, from: data) == report)
    }

    @Test("a ring read from /ring page JSON gets a lossy_input warning saying what the page lost, then the caller's notes")
    func lossyInput() throws {
        let json = try RingJSON(Array(#"""
            {"shards": [{"id": "b", "state": "UNHEALTHY", "timestamp": "2026-01-01T00:00:00Z"},
                        {"id": "a", "state": "UNHEALTHY", "timestamp": "2026-01-01T00:00:00Z"}]}
            """#.utf8))
        var report = try RingReport(ring: json.ring, now: Date(timeIntervalSince1970: Double(Self.now)))
        report.note(json, ["a note"])
        let warning = try #require(report.warnings.last)
        #expect(warning.kind == .lossyInput && warning.instances.isEmpty)
        #expect(warning.message == "read as dskit /ring page JSON: the page shows UNHEALTHY instead of the state of "
            + "a, b (its heartbeat was stale when the page was served), so that state is lost: shown as UNKNOWN; "
            + "this dskit's page has no registered_timestamp, read_only, read_only_updated_timestamp, zone, tokens "
            + "(taken as unset); a note")

        let lossless = try RingJSON(Array(#"{"ingesters": {}}"#.utf8))
        var quiet = try RingReport(ring: lossless.ring, now: Date(timeIntervalSince1970: Double(Self.now)))
        quiet.note(lossless)
        #expect(quiet.warnings.isEmpty)
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
