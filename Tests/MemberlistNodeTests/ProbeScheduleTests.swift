import MemberlistNode
import MemberlistWire
import Testing

/// memberlist's probe order (state.go probe, resetNodes, aliveNode) with a seeded generator and fixed instants.
@Suite("ProbeSchedule")
struct ProbeScheduleTests {
    static let start = ContinuousClock.now
    static let peers = ["a", "b", "c", "d", "e", "f"]

    /// Ourselves, six alive peers, one dead and one left (both just now).
    static func schedule(seed: UInt64) -> (ProbeSchedule, SeededGenerator) {
        var generator = SeededGenerator(seed: seed)
        var schedule = ProbeSchedule(localName: "me", now: start)
        for name in peers + ["dead", "gone"] {
            schedule.insert(name, now: start, using: &generator)
        }
        schedule.update("dead", state: .dead, now: start)
        schedule.update("gone", state: .left, now: start)
        return (schedule, generator)
    }

    /// The targets of `rounds` whole rounds, one array per round.
    static func rounds(
        _ rounds: Int, of schedule: inout ProbeSchedule, using generator: inout SeededGenerator
    ) -> [[String]] {
        (0..<rounds).map { _ in
            (0..<peers.count).compactMap { _ in schedule.next(now: start, using: &generator).target }
        }
    }

    @Test("each round visits every alive peer exactly once, never ourselves, the dead or the left")
    func everyPeerOncePerRound() {
        var (schedule, generator) = Self.schedule(seed: 42)
        for round in Self.rounds(5, of: &schedule, using: &generator) {
            #expect(round.count == Self.peers.count)
            #expect(round.sorted() == Self.peers)
        }
    }

    @Test("the order is reshuffled between rounds, and replays from the seed")
    func reshuffles() {
        var (schedule, generator) = Self.schedule(seed: 42)
        let rounds = Self.rounds(4, of: &schedule, using: &generator)
        // Rounds 2…4 each start with a shuffle; with 6! orders, a fixed seed repeating all three is not chance.
        #expect(Set(rounds).count > 1)
        #expect(rounds[1] != rounds[2] || rounds[2] != rounds[3])

        var (again, replay) = Self.schedule(seed: 42)
        #expect(Self.rounds(4, of: &again, using: &replay) == rounds)
        var (other, otherGenerator) = Self.schedule(seed: 43)
        #expect(Self.rounds(4, of: &other, using: &otherGenerator) != rounds)
    }

    @Test("nobody to probe: only ourselves and the dead gives no target, without looping")
    func nobodyEligible() {
        var generator = SeededGenerator(seed: 1)
        var schedule = ProbeSchedule(localName: "me", now: Self.start)
        let alone = schedule.next(now: Self.start, using: &generator)
        #expect(alone.target == nil)
        schedule.insert("dead", state: .dead, now: Self.start, using: &generator)
        let turn = schedule.next(now: Self.start, using: &generator)
        #expect(turn.target == nil)
        #expect(turn.removed.isEmpty)
        // A suspect member is still probed (memberlist skips only dead and left).
        schedule.update("dead", state: .suspect, now: Self.start)
        let suspect = schedule.next(now: Self.start, using: &generator)
        #expect(suspect.target == "dead")
    }

    @Test("dead and left members are dropped at a round's end only once gossip-to-the-dead has passed")
    func reapsTheLongDead() {
        var (schedule, generator) = Self.schedule(seed: 7)
        // At 30s exactly they stay (memberlist keeps them while elapsed ≤ gossip-to-the-dead).
        var removed: [String] = []
        for _ in 0..<(2 * Self.peers.count) {
            removed += schedule.next(now: Self.start + .seconds(30), using: &generator).removed
        }
        #expect(removed.isEmpty)
        #expect(schedule.names.count == 9)
        for _ in 0..<(2 * Self.peers.count) {
            removed += schedule.next(now: Self.start + .seconds(31), using: &generator).removed
        }
        #expect(removed.sorted() == ["dead", "gone"])
        #expect(schedule.names.sorted() == (Self.peers + ["me"]).sorted())
    }

    @Test("a new member takes a random position and the member there moves to the end")
    func insertsAtRandomPosition() {
        // A generator of zeros makes Int.random(in: 0..<n) pick 0.
        var zeros = ZeroGenerator()
        var schedule = ProbeSchedule(localName: "me", now: Self.start)
        schedule.insert("a", now: Self.start, using: &zeros)
        #expect(schedule.names == ["a", "me"])
        schedule.insert("b", now: Self.start, using: &zeros)
        #expect(schedule.names == ["b", "me", "a"])
        let addedAgain = schedule.insert("a", now: Self.start, using: &zeros)
        #expect(!addedAgain)
        #expect(schedule.names == ["b", "me", "a"])

        // With a real generator every position gets used over many joins.
        var generator = SeededGenerator(seed: 9)
        var firstPositions = Set<Int>()
        for trial in 0..<50 {
            var fresh = ProbeSchedule(localName: "me", now: Self.start)
            for name in Self.peers { fresh.insert(name, now: Self.start, using: &generator) }
            fresh.insert("new-\(trial)", now: Self.start, using: &generator)
            firstPositions.insert(fresh.names.firstIndex(of: "new-\(trial)")!)
        }
        #expect(firstPositions == Set(0...6))
    }

    @Test("the state-change time moves only on a real transition")
    func stateChange() {
        var generator = SeededGenerator(seed: 3)
        var schedule = ProbeSchedule(localName: "me", now: Self.start)
        schedule.insert("a", now: Self.start, using: &generator)
        schedule.update("a", state: .dead, now: Self.start + .seconds(1))
        schedule.update("a", state: .dead, now: Self.start + .seconds(20))
        #expect(schedule.entries.first { $0.name == "a" }?.stateChange == Self.start + .seconds(1))
        let unknownUpdated = schedule.update("nobody", state: .dead, now: Self.start)
        #expect(!unknownUpdated)
    }
}

/// Always zero bits: the smallest value every `random(in:using:)` can return.
private struct ZeroGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64 { 0 }
}

/// The deterministic generator the node draws every random choice from.
@Suite("SeededGenerator")
struct SeededGeneratorTests {
    @Test("the same seed gives the same sequence, another seed another, and seed 0 is not stuck at zero")
    func replays() {
        var first = SeededGenerator(seed: 2026)
        var second = SeededGenerator(seed: 2026)
        var other = SeededGenerator(seed: 2027)
        var zero = SeededGenerator(seed: 0)
        let a = (0..<16).map { _ in first.next() }
        #expect(a == (0..<16).map { _ in second.next() })
        #expect(a != (0..<16).map { _ in other.next() })
        let zeros = (0..<16).map { _ in zero.next() }
        #expect(zeros.allSatisfy { $0 != 0 })
        #expect(Set(zeros).count == 16)
    }
}
