import Foundation
import Testing

@testable import DskitKV

@Suite("HeartbeatLag: dskit's oldest-ACTIVE-heartbeat figure, measured, unhealthy and future instances apart")
struct HeartbeatLagTests {
    static let now: Int64 = 1_767_225_600

    static func instance(_ id: String, age: Int64, state: InstanceState = .active) -> InstanceDescription {
        InstanceDescription(
            id: id, address: "10.0.0.1:9095", heartbeatTimestamp: now - age, state: state, tokens: [1], zone: "z")
    }

    static func lag(_ instances: [InstanceDescription], heartbeat: Duration = .seconds(15)) throws -> HeartbeatLag {
        try HeartbeatLag(
            ring: RingDescription(instances: instances), now: Date(timeIntervalSince1970: Double(now)),
            heartbeat: heartbeat, delta: .seconds(15), heartbeatTimeout: .seconds(60))
    }

    @Test("lag is the oldest ACTIVE age within the timeout; past it is unhealthy, other states are not measured")
    func measured() throws {
        let lag = try Self.lag([
            Self.instance("a", age: 3), Self.instance("b", age: 40), Self.instance("dead", age: 600),
            Self.instance("joining", age: 50, state: .joining),
        ])
        #expect(lag.measured.map(\.instance.id) == ["b", "a"])
        #expect(lag.unhealthy.map(\.instance.id) == ["dead"])
        #expect(lag.lagSeconds == 40 && lag.thresholdSeconds == 30)
        #expect(lag.verdict == .lagging && !lag.isHealthy)
        #expect(lag.measured.map(\.lagging) == [true, false])
    }

    @Test("verdicts: healthy, no ACTIVE instance, and clock skew when a heartbeat is ahead but nothing lags")
    func verdicts() throws {
        #expect(try Self.lag([Self.instance("a", age: 3)]).verdict == .healthy)
        #expect(try Self.lag([Self.instance("dead", age: 600)]).verdict == .noActiveInstances)
        let skew = try Self.lag([Self.instance("a", age: 3), Self.instance("ahead", age: -5), Self.instance("edge", age: -1)])
        #expect(skew.verdict == .clockSkew)
        #expect(skew.future.map(\.instance.id) == ["ahead"])
    }

    @Test("isolated laggards: at most a third behind while the rest are fresh; otherwise nil")
    func isolated() throws {
        let one = try Self.lag((0..<5).map { Self.instance("fresh-\($0)", age: 2) } + [Self.instance("slow", age: 45)])
        #expect(one.isolatedLaggards == ["slow"])
        let many = try Self.lag([Self.instance("a", age: 45), Self.instance("b", age: 45), Self.instance("c", age: 2)])
        #expect(many.isolatedLaggards == nil)
    }

    @Test("a heartbeat period that is not positive, or a negative delta, is refused")
    func invalid() {
        #expect(throws: DskitKVError.invalidLagSetting(name: "heartbeat", seconds: 0)) {
            try Self.lag([], heartbeat: .zero)
        }
    }
}
