import Foundation
import Testing

@testable import DskitKV

@Suite("RingHealth: dskit's heartbeat health and the stuck rule, per instance, at one time")
struct RingHealthTests {
    static let now: Int64 = 1_767_225_600

    static func instance(
        _ id: String, state: InstanceState = .active, age: Int64 = 5, registeredAgo: Int64? = nil
    ) -> InstanceDescription {
        InstanceDescription(
            id: id, address: "10.0.0.1:9095", heartbeatTimestamp: age == .max ? 0 : now - age, state: state,
            tokens: [], zone: "z", registeredTimestamp: registeredAgo.map { now - $0 } ?? 0)
    }

    static func health(
        _ instances: [InstanceDescription], timeout: Duration = .seconds(60), stuckAfter: Duration? = nil,
        at seconds: Double = Double(now)
    ) throws -> RingHealth {
        try RingHealth(
            ring: RingDescription(instances: instances), now: Date(timeIntervalSince1970: seconds),
            heartbeatTimeout: timeout, stuckAfter: stuckAfter)
    }

    @Test("the real capture: three instances with a fresh heartbeat, all healthy, --check passes")
    func capture() throws {
        let bytes = try CaptureFixture.userState("pushpull-join-nolabel.c2s.bin", userStateLength: 2085)
        guard case .ring(let ring) = try #require(KVState(fullState: bytes)["ring"]).decodedValue() else {
            Issue.record("no ring")
            return
        }
        let newest = try #require(ring.instances.map(\.heartbeatTimestamp).max())
        let health = try RingHealth(
            ring: ring, now: Date(timeIntervalSince1970: Double(newest + 10)), heartbeatTimeout: .seconds(60),
            stuckAfter: nil)
        #expect(health.instances.count == 3)
        #expect(health.instances.allSatisfy { $0.healthy && !$0.stuck && !$0.failsCheck })
        #expect(health.checkPassed && !health.allHeartbeatsStale)
        #expect(health.newestHeartbeat == newest)
        let ownership = RingOwnership(ring: ring)
        #expect(ring.instances.indices.allSatisfy { abs(ownership.percent(at: $0) - 100) < 1e-6 })
    }

    @Test("healthy up to the timeout inclusive, with the sub-second now: 60.5 s old is past a 60 s timeout")
    func boundary() throws {
        let health = try Self.health([Self.instance("a", age: 60), Self.instance("never", age: .max)])
        #expect(health.instances.map(\.healthy) == [true, false])
        #expect(health.instances.map(\.heartbeatAgeSeconds) == [60, nil])
        let later = try Self.health([Self.instance("a", age: 60)], at: Double(Self.now) + 0.5)
        #expect(later.instances[0].healthy == false)
        #expect(later.instances[0].heartbeatAgeSeconds == 60)  // whole seconds, rounded down
        #expect(later.nowSeconds == Self.now)
    }

    @Test("stuck: JOINING/PENDING since registration beyond 3 timeouts by default; zero turns it off")
    func stuck() throws {
        let health = try Self.health([
            Self.instance("j", state: .joining, registeredAgo: 181), Self.instance("l", state: .leaving, registeredAgo: 900),
        ])
        #expect(health.stuckAfterSeconds == 180)
        #expect(health.instances.map(\.stuck) == [true, false])
        #expect(health.instances.map(\.inStateSince) == [Self.now - 181, nil])
        #expect(!health.checkPassed)
        let off = try Self.health([Self.instance("j", state: .joining, registeredAgo: 10_000)], stuckAfter: .zero)
        #expect(off.stuckAfterSeconds == nil && off.checkPassed)
    }

    @Test("all stale counts only instances that are not LEFT; a LEFT tombstone never fails --check")
    func allStale() throws {
        let health = try Self.health([
            Self.instance("a", age: 7200), Self.instance("b", age: 3600), Self.instance("gone", state: .left, age: 10),
        ])
        #expect(health.allHeartbeatsStale)
        #expect(health.newestHeartbeat == Self.now - 3600)
        #expect(health.instances.map(\.failsCheck) == [true, true, false])
        let empty = try Self.health([])
        #expect(!empty.allHeartbeatsStale && empty.newestHeartbeat == nil && empty.checkPassed)
    }

    @Test("a heartbeat more than a second ahead is in the future; one second is rounding")
    func future() throws {
        let health = try Self.health([Self.instance("ahead", age: -2), Self.instance("edge", age: -1)])
        #expect(health.instances.map(\.heartbeatInFuture) == [true, false])
        #expect(health.instances.allSatisfy { $0.healthy })
    }

    @Test("a timeout that is not positive is refused, as dskit's config refuses it")
    func invalidTimeout() {
        #expect(throws: DskitKVError.invalidHeartbeatTimeout(seconds: 0)) { try Self.health([], timeout: .zero) }
    }
}
