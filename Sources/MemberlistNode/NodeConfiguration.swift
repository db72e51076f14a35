import MemberlistWire

/// Gossip and state-exchange tuning, with dskit's defaults (grafana/dskit kv/memberlist KVConfig), which match
/// hashicorp/memberlist's `DefaultLANConfig` for every field here.
///
/// | field                | dskit flag                           | dskit  | memberlist LAN |
/// |----------------------|--------------------------------------|--------|----------------|
/// | gossip interval      | -memberlist.gossip-interval          | 200 ms | 200 ms         |
/// | gossip nodes         | -memberlist.gossip-nodes             | 3      | 3              |
/// | push/pull interval   | -memberlist.pullpush-interval        | 30 s   | 30 s           |
/// | retransmit factor    | -memberlist.retransmit-factor        | 4      | 4              |
/// | gossip to the dead   | -memberlist.gossip-to-dead-nodes-time| 30 s   | 30 s           |
/// | leave timeout        | -memberlist.leave-timeout            | 20 s   | (Leave's arg)  |
/// | packet budget        | (UDPBufferSize)                      | 1400 B | 1400 B         |
public struct GossipSettings: Hashable, Sendable {
    /// How often queued broadcasts go out (memberlist `GossipInterval`).
    public var interval: Duration
    /// How many random members each gossip round goes to (memberlist `GossipNodes`).
    public var nodes: Int
    /// How often a full state exchange with one random member runs, before scaling with cluster size (memberlist
    /// `PushPullInterval`); nil turns periodic push/pull off.
    public var pushPullInterval: Duration?
    /// Multiplies ceil(log10(N + 1)) into how often one broadcast is sent (memberlist `RetransmitMult`).
    public var retransmitMultiplier: Int
    /// The largest packet gossip builds, before the codec's label and encryption (memberlist `UDPBufferSize`).
    public var packetBudget: Int
    /// How long our leave waits for its dead message to be gossiped out.
    public var leaveTimeout: Duration

    /// Settings with every field given.
    public init(
        interval: Duration = .milliseconds(200), nodes: Int = 3, pushPullInterval: Duration? = .seconds(30),
        retransmitMultiplier: Int = 4, packetBudget: Int = 1400, leaveTimeout: Duration = .seconds(20)
    ) {
        self.interval = interval
        self.nodes = nodes
        self.pushPullInterval = pushPullInterval
        self.retransmitMultiplier = retransmitMultiplier
        self.packetBudget = packetBudget
        self.leaveTimeout = leaveTimeout
    }

    /// dskit's defaults (the table above).
    public static let dskit = GossipSettings()
}

/// Everything the pure node instance needs to know about itself.
public struct NodeConfiguration: Hashable, Sendable {
    /// Our node name (unique in the cluster).
    public var name: String
    /// The address peers reach us at (sent IPv4-mapped for IPv4, as Go does).
    public var address: NodeAddress
    /// Our memberlist port.
    public var port: UInt16
    /// The failure detector's tuning.
    public var failureDetection: FailureDetectionSettings
    /// Gossip and push/pull tuning.
    public var gossip: GossipSettings
    /// Whether we probe others (off for a listener that only answers).
    public var probing: Bool
    /// Bytes the packet codec adds to every packet (label, encryption), taken off the gossip budget.
    public var packetOverhead: Int
    /// Whether failed probes may fall back to a TCP ping (the standard transport only; dskit turns it off).
    public var tcpFallbackAvailable: Bool
    /// The deadline of a push/pull we start (memberlist `TCPTimeout`, 10 s).
    public var streamTimeout: Duration

    /// A configuration with dskit's defaults.
    public init(
        name: String, address: NodeAddress, port: UInt16,
        failureDetection: FailureDetectionSettings = .dskit, gossip: GossipSettings = .dskit, probing: Bool = true,
        packetOverhead: Int = 0, tcpFallbackAvailable: Bool = false, streamTimeout: Duration = .seconds(10)
    ) {
        self.streamTimeout = streamTimeout
        self.name = name
        self.address = address
        self.port = port
        self.failureDetection = failureDetection
        self.gossip = gossip
        self.probing = probing
        self.packetOverhead = packetOverhead
        self.tcpFallbackAvailable = tcpFallbackAvailable
    }

    /// "ip:port" as peers reach us.
    public var hostPort: String { address.hostPort(port) }
}
