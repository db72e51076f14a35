import MemberlistNode
import Testing

/// Lifeguard's suspicion timer against memberlist's arithmetic (util.go suspicionTimeout, suspicion.go,
/// state.go suspectNode), with a fixed start instant and no clock.
@Suite("Suspicion")
struct SuspicionTests {
    static let start = ContinuousClock.now
    static let lan = FailureDetectionSettings.memberlistLAN

    static func suspicion(clusterSize: Int, settings: FailureDetectionSettings = lan) -> Suspicion {
        Suspicion(node: "suspect", from: "accuser", clusterSize: clusterSize, settings: settings, now: start)
    }

    // By hand, multiplier 4, max multiplier 6, probe interval 1s, k = 4 − 2 = 2 unless N − 2 < 2:
    //   N     log10 N  scale  min = 4 × scale   max = 6 × min  k   after 1: max − (max−min)·ln2/ln3 (0.63093)  after 2
    //   1     0        1      4s                24s            0   –                                        –
    //   2     0.301    1      4s                24s            0   –                                        –
    //   10    1        1      4s                24s            2   24 − 20 × 0.63093 = 11.381s              4s
    //   100   2        2      8s                48s            2   48 − 40 × 0.63093 = 22.762s              8s
    //   1000  3        3      12s               72s            2   72 − 60 × 0.63093 = 34.144s              12s
    // (each "after 1" floored to whole milliseconds: 11381.4, 22762.8, 34144.2 ms)
    static let table: [(n: Int, min: Duration, max: Duration, k: Int, afterOne: Duration?)] = [
        (1, .seconds(4), .seconds(24), 0, nil),
        (2, .seconds(4), .seconds(24), 0, nil),
        (10, .seconds(4), .seconds(24), 2, .milliseconds(11381)),
        (100, .seconds(8), .seconds(48), 2, .milliseconds(22762)),
        (1000, .seconds(12), .seconds(72), 2, .milliseconds(34144)),
    ]

    @Test("bounds, k and the first deadline for N = 1, 2, 10, 100, 1000", arguments: table.indices)
    func bounds(row: Int) {
        let expected = Self.table[row]
        let suspicion = Self.suspicion(clusterSize: expected.n)
        #expect(suspicion.minimum == expected.min)
        #expect(suspicion.maximum == expected.max)
        #expect(suspicion.expectedConfirmations == expected.k)
        // With k = 0 memberlist starts the timer at the minimum; otherwise at the maximum.
        #expect(suspicion.deadline == Self.start + (expected.k == 0 ? expected.min : expected.max))
    }

    @Test("one confirmation and then k confirmations, for the sizes that expect any", arguments: table.indices)
    func confirmations(row: Int) {
        let expected = Self.table[row]
        var suspicion = Self.suspicion(clusterSize: expected.n)
        let counted = suspicion.confirm(from: "first", now: Self.start)
        guard let afterOne = expected.afterOne else {
            // k = 0: nothing to confirm, the deadline stays at the minimum.
            #expect(!counted)
            #expect(suspicion.deadline == Self.start + expected.min)
            return
        }
        #expect(counted)
        #expect(suspicion.deadline == Self.start + afterOne)
        let second = suspicion.confirm(from: "second", now: Self.start)
        #expect(second)
        #expect(suspicion.deadline == Self.start + expected.min)
    }

    @Test("the scale is truncated to thousandths as memberlist does: N = 50 gives 4 × 1.698 s")
    func truncatedScale() {
        // log10 50 = 1.69897…; ×1000 = 1698.97 → 1698; 4 × 1698 × 1s / 1000 = 6.792s (not 6.79588s).
        #expect(Suspicion.minimumTimeout(multiplier: 4, clusterSize: 50, probeInterval: .seconds(1))
            == .milliseconds(6792))
        // dskit probes every 5s: N = 10 → 20s, N = 100 → 40s.
        #expect(Self.suspicion(clusterSize: 10, settings: .dskit).minimum == .seconds(20))
        #expect(Self.suspicion(clusterSize: 100, settings: .dskit).maximum == .seconds(240))
    }

    @Test("k is 0 below four members and multiplier − 2 from four up")
    func expectedConfirmations() {
        // N − 2 < 2 for N = 3; N = 4 leaves exactly two others to confirm.
        #expect(Suspicion.expectedConfirmations(multiplier: 4, clusterSize: 3) == 0)
        #expect(Suspicion.expectedConfirmations(multiplier: 4, clusterSize: 4) == 2)
        #expect(Suspicion.expectedConfirmations(multiplier: 6, clusterSize: 5) == 0)
        #expect(Suspicion.expectedConfirmations(multiplier: 6, clusterSize: 6) == 4)
    }

    @Test("confirmations shrink the deadline monotonically to the minimum and never below")
    func monotonic() {
        // k = 5 (multiplier 7), min 4s, max 24s: 24 − 20 × ln(c+1)/ln 6 →
        // 24000, 16262, 11737, 8525, 6035, 4000 ms.
        var suspicion = Suspicion(
            node: "suspect", from: "accuser", expectedConfirmations: 5, minimum: .seconds(4), maximum: .seconds(24),
            now: Self.start)
        var deadlines = [suspicion.deadline]
        for peer in 1...7 {
            _ = suspicion.confirm(from: "peer-\(peer)", now: Self.start)
            deadlines.append(suspicion.deadline)
        }
        let expected: [Int64] = [24000, 16262, 11737, 8525, 6035, 4000, 4000, 4000]
        #expect(deadlines == expected.map { Self.start + .milliseconds($0) })
        #expect(zip(deadlines, deadlines.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(suspicion.confirmations == 5)
    }

    @Test("duplicates and the originator do not count; past k nothing counts")
    func duplicates() {
        var suspicion = Self.suspicion(clusterSize: 10)
        let originator = suspicion.confirm(from: "accuser", now: Self.start)
        #expect(!originator)
        #expect(suspicion.deadline == Self.start + .seconds(24))
        let first = suspicion.confirm(from: "a", now: Self.start)
        #expect(first)
        let repeated = suspicion.confirm(from: "a", now: Self.start)
        #expect(!repeated)
        #expect(suspicion.confirmations == 1)
        #expect(suspicion.deadline == Self.start + .milliseconds(11381))
        let kth = suspicion.confirm(from: "b", now: Self.start)
        #expect(kth)
        let pastK = suspicion.confirm(from: "c", now: Self.start)
        #expect(!pastK)
        #expect(suspicion.confirmations == 2)
    }

    @Test("a confirmation after the deadline does not count (the node is dead by then)")
    func afterDeadline() {
        var suspicion = Self.suspicion(clusterSize: 10)
        #expect(!suspicion.hasExpired(now: Self.start + .seconds(23)))
        #expect(suspicion.hasExpired(now: Self.start + .seconds(24)))
        let late = suspicion.confirm(from: "late", now: Self.start + .seconds(24))
        #expect(!late)
        #expect(suspicion.deadline == Self.start + .seconds(24))
        // Before the deadline it counts: a confirmation at 10s pulls the deadline to 11.381s, already due at 12s.
        var early = Self.suspicion(clusterSize: 10)
        let beforeDeadline = early.confirm(from: "early", now: Self.start + .seconds(10))
        #expect(beforeDeadline)
        #expect(early.hasExpired(now: Self.start + .seconds(12)))
    }

    @Test("the two default sets: memberlist's LAN config and dskit's overrides")
    func defaults() {
        let lan = FailureDetectionSettings.memberlistLAN
        #expect(lan.probeInterval == .seconds(1))
        #expect(lan.probeTimeout == .milliseconds(500))
        #expect(lan.indirectChecks == 3)
        #expect(lan.tcpFallbackPing)
        #expect(lan.suspicionMultiplier == 4)
        #expect(lan.suspicionMaxTimeoutMultiplier == 6)
        #expect(lan.awarenessMaxMultiplier == 8)
        #expect(lan.gossipToTheDeadTime == .seconds(30))
        var dskit = lan
        dskit.probeInterval = .seconds(5)
        dskit.probeTimeout = .seconds(2)
        dskit.tcpFallbackPing = false
        #expect(FailureDetectionSettings.dskit == dskit)
    }
}
