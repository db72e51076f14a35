import Discovery
import Memberlist
import Synchronization
import Testing

@testable import Inspection

/// The seed search's rules, with a hand-driven clock: one attempt at a time in seed order, the next beside a
/// silent one after its head start, failures in seed order, the budget, resolution.
@Suite("SeedRace: seeds in order, a head start each, failures in seed order")
struct SeedRaceTests {
    /// A clock the test moves.
    final class ManualClock: Sendable {
        private let offset = Mutex(Duration.zero)
        let start = ContinuousClock.now
        func advance(_ by: Duration) { offset.withLock { $0 += by } }
        var now: ContinuousClock.Instant { start.advanced(by: offset.withLock { $0 }) }
    }

    struct Refused: Error, CustomStringConvertible {
        var description: String { "refused" }
    }

    static func seeds(_ texts: [String]) throws -> [DiscoveryAddress] {
        try texts.map { try DiscoveryAddress(parsing: $0) }
    }

    /// The endpoints the directives start, in order.
    static func attempts(_ directives: [SeedRace.Directive]) -> [String] {
        directives.compactMap {
            if case .attempt(_, let endpoint, _) = $0 { return endpoint }
            return nil
        }
    }

    @Test("one attempt at a time without a head start: the next starts only when the current one fails")
    func sequential() throws {
        var race = SeedRace(seeds: try Self.seeds(["a:1", "b:1", "c:1"]), budget: nil, headStart: nil)
        #expect(Self.attempts(race.start()) == ["a:1"])
        #expect(Self.attempts(race.failed(0, Refused())) == ["b:1"])
        #expect(Self.attempts(race.failed(1, Refused())) == ["c:1"])
        #expect(!race.isExhausted)
        #expect(Self.attempts(race.failed(2, Refused())).isEmpty)
        #expect(race.isExhausted)
        #expect(race.failures.map(\.seed) == ["a:1", "b:1", "c:1"])
    }

    @Test("a silent attempt's head start starts the next beside it; its late failure starts nothing more")
    func headStart() throws {
        var race = SeedRace(seeds: try Self.seeds(["a:1", "b:1", "c:1"]), budget: .seconds(5), headStart: .seconds(1))
        let first = race.start()
        #expect(Self.attempts(first) == ["a:1"])
        #expect(first.contains { if case .startHeadStart(0, .seconds(1)) = $0 { return true } else { return false } })
        #expect(Self.attempts(race.headStartElapsed(0)) == ["b:1"])
        // a:1 fails now, after it was overtaken: b:1 still runs, so nothing new starts.
        #expect(Self.attempts(race.failed(0, Refused())).isEmpty)
        // A stale timer (of a finished or overtaken attempt) changes nothing.
        #expect(Self.attempts(race.headStartElapsed(0)).isEmpty)
        // b:1's own head start brings in c:1.
        #expect(Self.attempts(race.headStartElapsed(1)) == ["c:1"])
        #expect(race.overtaken(by: 2)?.silent == ["b:1"])
        #expect(race.overtaken(by: 2)?.answered == "c:1")
    }

    @Test("failures are listed in seed order, whatever order they came in")
    func failureOrder() throws {
        var race = SeedRace(seeds: try Self.seeds(["a:1", "b:1"]), budget: .seconds(5), headStart: .seconds(1))
        _ = race.start()
        _ = race.headStartElapsed(0)
        _ = race.failed(1, Refused())
        _ = race.failed(0, Refused())
        #expect(race.isExhausted)
        #expect(race.failures.map(\.seed) == ["a:1", "b:1"])
    }

    @Test("candidates reached after the budget ran out are recorded as not tried, never started")
    func budgetRunsOut() throws {
        let clock = ManualClock()
        var race = SeedRace(
            seeds: try Self.seeds(["a:1", "b:1", "dns+c.test:1"]), budget: .seconds(3), headStart: .seconds(1),
            now: { clock.now })
        #expect(Self.attempts(race.start()) == ["a:1"])
        clock.advance(.seconds(3))
        let after = race.failed(0, Refused())
        #expect(Self.attempts(after).isEmpty)
        #expect(!after.contains { if case .resolve = $0 { return true } else { return false } })
        #expect(race.isExhausted)
        let failures = race.failures
        #expect(failures.map(\.seed) == ["a:1", "b:1", "dns+c.test:1"])
        #expect(failures.dropFirst().allSatisfy { $0.error is SeedNotTried })
    }

    @Test("a discovery seed is resolved when its turn comes; each endpoint is a candidate; nothing found is a failure")
    func resolution() throws {
        var race = SeedRace(
            seeds: try Self.seeds(["dns+ring.test:7946", "dns+empty.test:7946", "d:1"]), budget: nil, headStart: nil)
        let first = race.start()
        guard case .resolve(0, let address)? = first.first else {
            Issue.record("expected a resolve directive, got \(first)")
            return
        }
        #expect(address.input == "dns+ring.test:7946")
        #expect(Self.attempts(race.resolved(0, .success(["10.0.0.1:7946", "10.0.0.2:7946"]))) == ["10.0.0.1:7946"])
        #expect(Self.attempts(race.failed(0, Refused())) == ["10.0.0.2:7946"])
        let next = race.failed(1, Refused())
        #expect(next.contains { if case .resolve(1, _) = $0 { return true } else { return false } })
        #expect(Self.attempts(race.resolved(1, .success([]))) == ["d:1"])
        _ = race.failed(2, Refused())
        #expect(race.isExhausted)
        let failures = race.failures
        #expect(failures.map(\.seed) == ["dns+ring.test:7946", "dns+ring.test:7946", "dns+empty.test:7946", "d:1"])
        #expect(failures.map(\.endpoint) == ["10.0.0.1:7946", "10.0.0.2:7946", nil, nil])
        #expect(failures[2].error is SeedResolvedToNothing)
    }
}
