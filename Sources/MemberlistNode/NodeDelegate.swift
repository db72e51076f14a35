// What the node hands to the application on top of memberlist (memberlist's `Delegate`; dskit's KV store is one):
// its node meta, user messages, its own broadcasts, and its side of every push/pull. The delegate is a value held
// by the pure instance, so a node and its application state step together on the same inputs and the same clock.

/// The application riding on a node: dskit's KV store, or nothing.
public protocol NodeDelegate: Sendable {
    /// Our node's meta (dskit: role and zone), at most `limit` bytes (memberlist `NodeMeta`).
    func nodeMeta(limit: Int) -> [UInt8]
    /// A user message arrived (dskit: one KeyValuePair to merge and maybe re-broadcast).
    mutating func notifyMessage(_ payload: [UInt8], now: ContinuousClock.Instant)
    /// The user messages to piggyback on a gossip packet: each costs its length plus `overhead`, all within
    /// `limit` bytes (memberlist `GetBroadcasts`); `clusterSize` scales the retransmit limit.
    mutating func broadcasts(overhead: Int, limit: Int, clusterSize: Int) -> [[UInt8]]
    /// How many of our broadcasts are still queued (a leave waits for them to go out).
    var pendingBroadcasts: Int { get }
    /// Our side of a push/pull (memberlist `LocalState`; dskit: the KV full state).
    func localState(join: Bool, now: ContinuousClock.Instant) -> [UInt8]
    /// The other side's (memberlist `MergeRemoteState`).
    mutating func mergeRemoteState(_ state: [UInt8], join: Bool, now: ContinuousClock.Instant)
    /// How often `tick` wants to run (dskit: the lifecycler's heartbeat period), nil for never.
    var tickInterval: Duration? { get }
    /// Periodic work (dskit: the heartbeat).
    mutating func tick(now: ContinuousClock.Instant)
    /// Our node is leaving: the delegate's own goodbye (dskit: LEAVING, then unregister) goes into its queue here.
    mutating func willLeave(now: ContinuousClock.Instant)
}

extension NodeDelegate {
    public var tickInterval: Duration? { nil }
    public mutating func tick(now: ContinuousClock.Instant) {}
    public mutating func willLeave(now: ContinuousClock.Instant) {}
}

/// A node with no application: plain memberlist membership.
public struct NoDelegate: NodeDelegate {
    /// Nothing.
    public init() {}
    public func nodeMeta(limit: Int) -> [UInt8] { [] }
    public mutating func notifyMessage(_ payload: [UInt8], now: ContinuousClock.Instant) {}
    public mutating func broadcasts(overhead: Int, limit: Int, clusterSize: Int) -> [[UInt8]] { [] }
    public var pendingBroadcasts: Int { 0 }
    public func localState(join: Bool, now: ContinuousClock.Instant) -> [UInt8] { [] }
    public mutating func mergeRemoteState(_ state: [UInt8], join: Bool, now: ContinuousClock.Instant) {}
}
