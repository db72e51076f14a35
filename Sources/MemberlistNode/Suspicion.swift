import Foundation
import MemberlistWire

// Lifeguard's suspicion timer as memberlist runs it (suspicion.go, util.go `suspicionTimeout`, state.go
// `suspectNode`), as a value: the instance asks for `deadline` and declares the node dead once `now` reaches it.
//
//   minimum   multiplier × max(1, log10(max(1, N))) × probe interval, the scale truncated to thousandths
//             (memberlist multiplies by 1000 to stay in integer nanoseconds)
//   maximum   max-timeout multiplier × minimum
//   k         multiplier − 2 confirmations expected (so the nominal timeout lands two probe intervals short),
//             or 0 when N − 2 < that: not enough other members to confirm (ourselves and the suspect excluded)
//   timeout   maximum − (maximum − minimum) × ln(c + 1) / ln(k + 1) after c confirmations, floored to whole
//             milliseconds, never below the minimum; with k = 0 it is the minimum from the start
//
// A confirmation counts once per node; the node whose suspect message started the timer is never counted (our
// own suspicion can be gossiped back to us), and none counts once k have.

/// The suspicion timer for one suspected node: when it is declared dead, and how confirmations bring that closer.
public struct Suspicion: Hashable, Sendable {
    /// The suspected node.
    public let node: String
    /// When the suspicion started (the node went suspect here).
    public let start: ContinuousClock.Instant
    /// The shortest timeout, reached at `expectedConfirmations` confirmations.
    public let minimum: Duration
    /// The timeout with no confirmations.
    public let maximum: Duration
    /// k: how many independent confirmations drive the timeout to the minimum.
    public let expectedConfirmations: Int
    /// The independent confirmations counted so far.
    public private(set) var confirmations: Int = 0
    /// Nodes that may not confirm (again): the originator and everyone already counted.
    private var confirmedBy: Set<String>

    /// A suspicion with its bounds given directly.
    public init(
        node: String, from originator: String, expectedConfirmations: Int, minimum: Duration, maximum: Duration,
        now: ContinuousClock.Instant
    ) {
        self.node = node
        self.start = now
        self.minimum = minimum
        self.maximum = maximum
        self.expectedConfirmations = max(0, expectedConfirmations)
        self.confirmedBy = [originator]
    }

    /// A suspicion as memberlist starts it in a cluster of `clusterSize` members (its estimate, ourselves included).
    public init(
        node: String, from originator: String, clusterSize: Int, settings: FailureDetectionSettings,
        now: ContinuousClock.Instant
    ) {
        let minimum = Self.minimumTimeout(
            multiplier: settings.suspicionMultiplier, clusterSize: clusterSize, probeInterval: settings.probeInterval)
        self.init(
            node: node, from: originator,
            expectedConfirmations: Self.expectedConfirmations(
                multiplier: settings.suspicionMultiplier, clusterSize: clusterSize),
            minimum: minimum, maximum: minimum * settings.suspicionMaxTimeoutMultiplier, now: now
        )
    }

    /// memberlist util.go `suspicionTimeout`: multiplier × max(1, log10(max(1, N))) × interval.
    public static func minimumTimeout(multiplier: Int, clusterSize: Int, probeInterval: Duration) -> Duration {
        let nodeScale = max(1.0, log10(Double(max(1, clusterSize))))
        // Truncated to thousandths as memberlist does, so our timers match a Go peer's to the nanosecond.
        let milliScale = Int64(nodeScale * 1000)
        let (seconds, attoseconds) = probeInterval.components
        let intervalNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return .nanoseconds(Int64(multiplier) * milliScale * intervalNanoseconds / 1000)
    }

    /// memberlist state.go `suspectNode`: k = multiplier − 2, or 0 when fewer than k other members could confirm.
    public static func expectedConfirmations(multiplier: Int, clusterSize: Int) -> Int {
        let k = multiplier - 2
        return clusterSize - 2 < k ? 0 : max(0, k)
    }

    /// memberlist suspicion.go `remainingSuspicionTime` (before subtracting the elapsed time): the whole timeout
    /// after `confirmations` of `expected`.
    public static func timeout(
        confirmations: Int, expected: Int, minimum: Duration, maximum: Duration
    ) -> Duration {
        // k = 0 would divide by ln(1) = 0; memberlist never gets here because it then takes the minimum outright.
        guard expected > 0 else { return minimum }
        let fraction = log(Double(confirmations) + 1) / log(Double(expected) + 1)
        let raw = maximum.inSeconds - fraction * (maximum.inSeconds - minimum.inSeconds)
        let timeout = Duration.milliseconds(Int64((1000 * raw).rounded(.down)))
        return max(timeout, minimum)
    }

    /// The whole timeout now, from `start`.
    public var timeout: Duration {
        Self.timeout(
            confirmations: confirmations, expected: expectedConfirmations, minimum: minimum, maximum: maximum)
    }

    /// When the node is to be declared dead, unless it refutes first.
    public var deadline: ContinuousClock.Instant { start + timeout }

    /// Whether the timer has fired by `now`.
    public func hasExpired(now: ContinuousClock.Instant) -> Bool { now >= deadline }

    /// Counts `from`'s confirmation that the node is suspect; true when it was new information (memberlist
    /// re-gossips the suspect message then). Duplicates, the originator, confirmations past k, and confirmations
    /// after the deadline (memberlist has declared the node dead and dropped the timer by then) do not count.
    public mutating func confirm(from: String, now: ContinuousClock.Instant) -> Bool {
        guard confirmations < expectedConfirmations, !hasExpired(now: now) else { return false }
        guard confirmedBy.insert(from).inserted else { return false }
        confirmations += 1
        return true
    }
}
