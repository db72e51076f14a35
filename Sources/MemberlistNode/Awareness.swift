// Lifeguard's local health ("awareness") as memberlist keeps it (awareness.go; the deltas in state.go
// `probeNode` and `refute`). The score says how much we trust our own timing: 0 is healthy, and every point
// stretches our probe budget by one more probe interval, so a node that is itself slow (CPU starved, losing
// packets) waits longer before it accuses others.
//
//   range     0 … max multiplier − 1 (memberlist clamps to `max - 1`), so timeouts stretch up to × max multiplier
//   scale     timeout × (score + 1)
//   deltas    a probe answered (direct, indirect or TCP ack)          −1
//             a probe failed, with n indirect peers expected to nack  +(n − nacks received)
//             a probe failed, with no nack-capable indirect peer       +1
//             we refuted a suspicion or death about ourselves         +1

/// Our own health score, which stretches probe timing while we may be the unhealthy one.
public struct Awareness: Hashable, Sendable {
    /// What happened, as far as awareness cares.
    public enum Event: Hashable, Sendable {
        /// A probe got an ack, directly, through an indirect ping, or over TCP.
        case probeAnswered
        /// A probe got no ack; `expectedNacks` indirect pings went to peers that send nacks.
        case probeFailed(expectedNacks: Int, receivedNacks: Int)
        /// We refuted a suspect or dead message about ourselves.
        case refutedAccusation
    }

    /// The factor timeouts stretch by at the worst score (memberlist `AwarenessMaxMultiplier`).
    public let maxMultiplier: Int
    /// The current score, 0 (healthy) … `maxMultiplier − 1`.
    public private(set) var score: Int = 0

    /// A healthy score with the given ceiling (at least 1, which turns scaling off).
    public init(maxMultiplier: Int = FailureDetectionSettings.memberlistLAN.awarenessMaxMultiplier) {
        self.maxMultiplier = max(1, maxMultiplier)
    }

    /// How far `event` moves the score (memberlist state.go `probeNode`, `refute`).
    public static func delta(for event: Event) -> Int {
        switch event {
        case .probeAnswered:
            return -1
        case .probeFailed(let expected, let received):
            // With nack-capable helpers, a missing nack suggests our own packets are lost; without any,
            // every failed probe counts against us.
            return expected > 0 ? max(0, expected - received) : 1
        case .refutedAccusation:
            return 1
        }
    }

    /// Moves the score by `delta`, clamped to 0 … `maxMultiplier − 1`; true when the score changed.
    @discardableResult
    public mutating func apply(_ delta: Int) -> Bool {
        let before = score
        // Saturating, so a huge delta cannot overflow before the clamp.
        let (sum, overflow) = score.addingReportingOverflow(delta)
        let raw = overflow ? (delta > 0 ? Int.max : Int.min) : sum
        score = min(max(raw, 0), maxMultiplier - 1)
        return score != before
    }

    /// Moves the score as memberlist does for `event`; true when the score changed.
    @discardableResult
    public mutating func record(_ event: Event) -> Bool {
        apply(Self.delta(for: event))
    }

    /// `timeout` stretched by the score: timeout × (score + 1).
    public func scale(_ timeout: Duration) -> Duration {
        timeout * (score + 1)
    }
}
