import MemberlistNode
import Testing

/// Lifeguard's local health score against memberlist's awareness.go and the deltas state.go applies.
@Suite("Awareness")
struct AwarenessTests {
    @Test("the score is clamped to 0 … max − 1")
    func clamps() {
        var awareness = Awareness(maxMultiplier: 8)
        let belowZero = awareness.apply(-1)
        #expect(!belowZero)
        #expect(awareness.score == 0)
        let up = awareness.apply(5)
        #expect(up)
        #expect(awareness.score == 5)
        let pastMax = awareness.apply(100)
        #expect(pastMax)
        #expect(awareness.score == 7)
        let atMax = awareness.apply(1)
        #expect(!atMax)
        let hugeDown = awareness.apply(Int.min)
        #expect(hugeDown)
        #expect(awareness.score == 0)
        let hugeUp = awareness.apply(Int.max)
        #expect(hugeUp)
        #expect(awareness.score == 7)
    }

    @Test("timeouts scale by score + 1, up to × max")
    func scales() {
        var awareness = Awareness(maxMultiplier: 8)
        #expect(awareness.scale(.seconds(1)) == .seconds(1))
        awareness.apply(2)
        #expect(awareness.scale(.milliseconds(500)) == .milliseconds(1500))
        awareness.apply(50)
        #expect(awareness.scale(.seconds(5)) == .seconds(40))
        // A max multiplier of 1 (or less) switches scaling off.
        var off = Awareness(maxMultiplier: 0)
        off.apply(3)
        #expect(off.score == 0)
        #expect(off.scale(.seconds(2)) == .seconds(2))
    }

    @Test("events move the score as memberlist's probeNode and refute do")
    func events() {
        #expect(Awareness.delta(for: .probeAnswered) == -1)
        #expect(Awareness.delta(for: .refutedAccusation) == 1)
        // No nack-capable helper: any failed probe counts one.
        #expect(Awareness.delta(for: .probeFailed(expectedNacks: 0, receivedNacks: 0)) == 1)
        // Three helpers, one nack back: two missing nacks.
        #expect(Awareness.delta(for: .probeFailed(expectedNacks: 3, receivedNacks: 1)) == 2)
        // Every nack arrived: the target is down, not us.
        #expect(Awareness.delta(for: .probeFailed(expectedNacks: 3, receivedNacks: 3)) == 0)

        var awareness = Awareness()
        awareness.record(.probeFailed(expectedNacks: 3, receivedNacks: 0))
        awareness.record(.refutedAccusation)
        #expect(awareness.score == 4)
        awareness.record(.probeAnswered)
        #expect(awareness.score == 3)
        #expect(ProbeSchedule.probeBudget(interval: .seconds(1), awareness: awareness) == .seconds(4))
    }
}
