/// What the simulated network and shell did, counted over a whole run. The counters under "shell contract" are
/// things a real shell could not do as asked: non-zero values there point at the instance.
public struct SimulationStatistics: Hashable, Sendable {
    /// Events taken off the agenda (timer fires, deliveries, stream halves).
    public var eventsProcessed = 0
    /// Timers that fired into a running node.
    public var timersFired = 0
    /// Timers dropped because their node was killed or had left after scheduling them.
    public var timersDropped = 0

    /// Packets the instances asked to send.
    public var packetsSent = 0
    /// Packets handed to their receiver.
    public var packetsDelivered = 0
    /// Packets dropped by the loss probability.
    public var packetsLost = 0
    /// Packets dropped because sender and receiver were in different partition groups.
    public var packetsPartitioned = 0
    /// Packets that reached a node that was down.
    public var packetsToDownNodes = 0
    /// Packets addressed to an "ip:port" no simulated node has.
    public var packetsToUnknownAddresses = 0
    /// Encoded bytes of every packet sent (only with `NetworkConditions.encodesPackets`).
    public var packetBytes = 0
    /// The longest encoded packet (only with `encodesPackets`).
    public var largestPacket = 0
    /// Encoded packets longer than the sender's gossip packet budget (only with `encodesPackets`).
    public var packetsOverBudget = 0

    /// Streams the instances opened (push/pull, TCP ping).
    public var streamsOpened = 0
    /// Streams answered with a reply.
    public var streamsAnswered = 0
    /// Streams that failed (target down, partitioned, unknown, no reply, past the deadline).
    public var streamFailures = 0

    /// Shell contract: a `reply` directive returned by something other than `onStream`.
    public var repliesOutsideStream = 0
    /// Shell contract: `onStream` returned more than one `reply` (only the first is written).
    public var extraReplies = 0
    /// Shell contract: a packet the codec could not encode (dropped).
    public var encodingFailures = 0
    /// Shell contract: a periodic timer (probe, gossip, push/pull, delegate tick) scheduled while the same timer
    /// was still pending on that node, so two chains of it run at once.
    public var overlappingPeriodicTimers = 0

    /// Nothing counted yet.
    public init() {}
}
