/// The failure detector's tuning (probing, suspicion, awareness), with memberlist's and dskit's defaults.
///
/// Values from hashicorp/memberlist config.go `DefaultLANConfig` and grafana/dskit
/// kv/memberlist/memberlist_client.go `buildMemberlistConfig`, which starts from `DefaultLANConfig` and overrides
/// only some fields. Where they differ:
///
/// | field                    | memberlist LAN | dskit | why dskit changes it                                  |
/// |--------------------------|----------------|-------|-------------------------------------------------------|
/// | probe interval           | 1 s            | 5 s   | its TCP transport opens a connection per packet       |
/// | probe timeout            | 500 ms         | 2 s   | same                                                  |
/// | TCP fallback ping        | on             | off   | over a TCP transport it would only double the pings   |
/// | indirect checks          | 3              | 3     |                                                       |
/// | suspicion multiplier     | 4              | 4     |                                                       |
/// | suspicion max multiplier | 6              | 6     |                                                       |
/// | awareness max multiplier | 8              | 8     |                                                       |
/// | gossip to the dead       | 30 s           | 30 s  | (a flag, `-memberlist.gossip-to-dead-nodes-time`)     |
///
/// dskit has no flag for the probe settings (only an unexported test override, which sets the timeout to half
/// the interval).
public struct FailureDetectionSettings: Hashable, Sendable {
    /// How often one member is probed (memberlist `ProbeInterval`); also the whole probe's budget, scaled by
    /// awareness.
    public var probeInterval: Duration
    /// How long the direct ping waits for its ack before indirect pings (memberlist `ProbeTimeout`, never scaled).
    public var probeTimeout: Duration
    /// Members asked to ping on our behalf after a direct ping fails (memberlist `IndirectChecks`).
    public var indirectChecks: Int
    /// Whether a failed probe also tries a TCP ping (memberlist `DisableTcpPings` inverted).
    public var tcpFallbackPing: Bool
    /// Scales the minimum suspicion timeout (memberlist `SuspicionMult`).
    public var suspicionMultiplier: Int
    /// The maximum suspicion timeout as a multiple of the minimum (memberlist `SuspicionMaxTimeoutMult`).
    public var suspicionMaxTimeoutMultiplier: Int
    /// The largest factor awareness stretches probe timing by (memberlist `AwarenessMaxMultiplier`).
    public var awarenessMaxMultiplier: Int
    /// How long dead and left members stay in the probe list, gossiped to so they can refute
    /// (memberlist `GossipToTheDeadTime`).
    public var gossipToTheDeadTime: Duration

    /// Settings with every field given.
    public init(
        probeInterval: Duration, probeTimeout: Duration, indirectChecks: Int, tcpFallbackPing: Bool,
        suspicionMultiplier: Int, suspicionMaxTimeoutMultiplier: Int, awarenessMaxMultiplier: Int,
        gossipToTheDeadTime: Duration
    ) {
        self.probeInterval = probeInterval
        self.probeTimeout = probeTimeout
        self.indirectChecks = indirectChecks
        self.tcpFallbackPing = tcpFallbackPing
        self.suspicionMultiplier = suspicionMultiplier
        self.suspicionMaxTimeoutMultiplier = suspicionMaxTimeoutMultiplier
        self.awarenessMaxMultiplier = awarenessMaxMultiplier
        self.gossipToTheDeadTime = gossipToTheDeadTime
    }

    /// hashicorp/memberlist `DefaultLANConfig`.
    public static let memberlistLAN = FailureDetectionSettings(
        probeInterval: .seconds(1), probeTimeout: .milliseconds(500), indirectChecks: 3, tcpFallbackPing: true,
        suspicionMultiplier: 4, suspicionMaxTimeoutMultiplier: 6, awarenessMaxMultiplier: 8,
        gossipToTheDeadTime: .seconds(30)
    )

    /// What a dskit service runs with: `DefaultLANConfig` plus dskit's overrides (see the table above).
    public static let dskit: FailureDetectionSettings = {
        var settings = memberlistLAN
        settings.probeInterval = .seconds(5)
        settings.probeTimeout = .seconds(2)
        settings.tcpFallbackPing = false
        return settings
    }()
}
