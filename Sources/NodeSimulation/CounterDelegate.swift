import MemberlistNode

// The smallest application that has something to spread: one counter. The publishing node raises it on every
// delegate tick and queues it as a user broadcast; every node that learns a higher value (from a user message or
// a push/pull) records when, and a node that learned it from a user message re-broadcasts it, as dskit does with
// a KV change it merged from gossip. The queue is keyed, so a newer value replaces an older one still queued.
//
//   payload   8 bytes, the counter little-endian (anything else is ignored)
//   state     the same 8 bytes in push/pull (merged, not re-broadcast)

/// A delegate spreading one counter, recording when this node first held each value (broadcast convergence).
public struct CounterDelegate: NodeDelegate {
    /// How often the publisher raises the counter; nil on every other node.
    public let publishInterval: Duration?
    /// The highest value held.
    public private(set) var counter: UInt64 = 0
    /// `heldSince[v - 1]` is when this node first held value `v` or higher.
    public private(set) var heldSince: [ContinuousClock.Instant] = []
    /// On the publisher, `publishedAt[v - 1]` is when value `v` was made.
    public private(set) var publishedAt: [ContinuousClock.Instant] = []
    /// Whether the publisher still raises the counter on its ticks.
    public var isPublishing: Bool

    private var queue: BroadcastQueue<String>

    /// A node's delegate; give `publishInterval` to the one node that publishes.
    public init(retransmitMultiplier: Int = GossipSettings.dskit.retransmitMultiplier, publishInterval: Duration? = nil) {
        self.publishInterval = publishInterval
        self.isPublishing = publishInterval != nil
        self.queue = BroadcastQueue(retransmitMultiplier: retransmitMultiplier)
    }

    /// When this node first held `value` (or a higher one), or nil.
    public func firstHeld(_ value: UInt64) -> ContinuousClock.Instant? {
        value >= 1 && value <= UInt64(heldSince.count) ? heldSince[Int(value - 1)] : nil
    }

    public func nodeMeta(limit: Int) -> [UInt8] { [] }

    public mutating func notifyMessage(_ payload: [UInt8], now: ContinuousClock.Instant) {
        guard let value = Self.decode(payload), learn(value, now: now) else { return }
        queue.queue(payload, key: "counter")
    }

    public mutating func broadcasts(overhead: Int, limit: Int, clusterSize: Int) -> [[UInt8]] {
        queue.take(overhead: overhead, limit: limit, clusterSize: clusterSize)
    }

    public var pendingBroadcasts: Int { queue.count }

    public func localState(join: Bool, now: ContinuousClock.Instant) -> [UInt8] { Self.encode(counter) }

    public mutating func mergeRemoteState(_ state: [UInt8], join: Bool, now: ContinuousClock.Instant) {
        if let value = Self.decode(state) { learn(value, now: now) }
    }

    public var tickInterval: Duration? { publishInterval }

    public mutating func tick(now: ContinuousClock.Instant) {
        guard isPublishing else { return }
        let value = counter + 1
        publishedAt.append(now)
        learn(value, now: now)
        queue.queue(Self.encode(value), key: "counter")
    }

    /// Records `value` if it is news; true when it was.
    @discardableResult
    private mutating func learn(_ value: UInt64, now: ContinuousClock.Instant) -> Bool {
        guard value > counter else { return false }
        // Guard against a nonsense value making a huge array (only our own encoder writes these).
        guard value - counter <= 1_000_000 else { return false }
        while UInt64(heldSince.count) < value { heldSince.append(now) }
        counter = value
        return true
    }

    static func encode(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func decode(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
    }
}

extension Simulation where Delegate == CounterDelegate {
    /// How long value `value` took from its publication on `publisher` until every running node held it, or nil
    /// if it was not published or some running node does not hold it yet.
    public func spreadTime(of value: UInt64, from publisher: Int) -> Duration? {
        let published = nodes[publisher].instance.delegate.publishedAt
        guard value >= 1, value <= UInt64(published.count) else { return nil }
        let start = published[Int(value - 1)]
        var latest = start
        for node in nodes where node.isRunning {
            guard let held = node.instance.delegate.firstHeld(value) else { return nil }
            latest = max(latest, held)
        }
        return latest - start
    }
}
