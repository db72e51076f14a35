/// How the simulated network treats packets and streams.
///
/// Packets (UDP, or dskit's packet connections) take `latency` plus a uniform draw from `0 ... jitter` and are lost
/// with `lossProbability`; jitter can reorder them, as UDP may. Streams (push/pull, TCP ping) are never lost: each
/// direction takes one latency draw, so the reply arrives a round trip after the request.
public struct NetworkConditions: Hashable, Sendable {
    /// The fixed one-way delay.
    public var latency: Duration
    /// The largest extra one-way delay, drawn uniformly per packet or stream direction.
    public var jitter: Duration
    /// The chance that one packet is dropped (0 ... 1); streams are not affected.
    public var lossProbability: Double
    /// Encode every packet with MemberlistWire and decode it again on delivery, counting its bytes: slower, but
    /// the sizes in `SimulationStatistics` are real and a message the codec cannot carry is caught.
    public var encodesPackets: Bool

    /// Conditions with every field given.
    public init(
        latency: Duration = .microseconds(500), jitter: Duration = .microseconds(500), lossProbability: Double = 0,
        encodesPackets: Bool = false
    ) {
        self.latency = latency
        self.jitter = jitter
        self.lossProbability = lossProbability
        self.encodesPackets = encodesPackets
    }

    /// A quiet LAN: 0.5 ms plus up to 0.5 ms one way, no loss, packets not encoded.
    public static let lan = NetworkConditions()
}
