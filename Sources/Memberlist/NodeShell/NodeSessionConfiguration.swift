import MemberlistWire

/// How a networked node runs: the network side (transport, label, keys, TLS, bind and advertise address, step
/// timeouts, node name) as the observer takes it, and the node's own tuning.
///
/// The network side is an `ObserverConfiguration` so the node binds the very transports the observer uses
/// (`bindTransport`); of its fields the node ignores only `probeTimeout` (the failure detector's is
/// `failureDetection.probeTimeout`) and `leaveTimeout` (the node's is `gossip.leaveTimeout`).
public struct NodeSessionConfiguration: Hashable, Sendable {
    /// Transport, label, keyring, TLS, node name, bind/advertise address, step and incoming timeouts.
    public var network: ObserverConfiguration
    /// Probing and suspicion.
    public var failureDetection: FailureDetectionSettings
    /// Gossip, push/pull and the leave's timeout.
    public var gossip: GossipSettings
    /// Whether the node probes others.
    public var probing: Bool

    /// A configuration; the tuning defaults to dskit's.
    public init(
        network: ObserverConfiguration, failureDetection: FailureDetectionSettings = .dskit,
        gossip: GossipSettings = .dskit, probing: Bool = true
    ) {
        self.network = network
        self.failureDetection = failureDetection
        self.gossip = gossip
        self.probing = probing
    }

    /// The largest UDP payload.
    static let maxDatagram = 65_507

    /// The pure instance's configuration once the transport is bound to `boundPort`: the advertised address is
    /// `network.advertiseHost`, else the bind address (a wildcard bind needs an advertise address: we have no
    /// connection to a seed yet to learn our IP from, and memberlist's own private-IP guess is not ours to make).
    func nodeConfiguration(boundPort: Int, codec: PacketCodec) throws(NodeSessionError) -> NodeConfiguration {
        let host = network.advertiseHost ?? network.bindHost
        if network.advertiseHost == nil, ["", "0.0.0.0", "::", "[::]"].contains(host) {
            throw .advertiseAddressNeeded(bindHost: host)
        }
        guard let address = NodeAddress(host) else {
            throw .invalidAdvertiseAddress(host)
        }
        let port = network.advertisePort ?? boundPort
        guard let advertisedPort = UInt16(exactly: port), advertisedPort != 0 else {
            throw .invalidAdvertisePort(port)
        }
        var gossip = gossip
        if network.transport == .memberlist, gossip.packetBudget > Self.maxDatagram {
            // dskit's 10 MiB budget only works over its TCP packets; a datagram carries at most 65,507 bytes,
            // and memberlist sends 1,400 to stay below the usual MTU.
            gossip.packetBudget = GossipSettings.memberlistLAN.packetBudget
        }
        return NodeConfiguration(
            name: network.nodeName, address: address, port: advertisedPort, failureDetection: failureDetection,
            gossip: gossip, probing: probing, packetOverhead: codec.overhead,
            // dskit's transport is TCP already: a TCP "fallback" would only ping twice (dskit turns it off).
            tcpFallbackAvailable: network.transport == .memberlist)
    }
}

extension PacketCodec {
    /// Bytes the codec adds to every packet: the label header and the encryption's version, nonce and tag
    /// (memberlist net.go subtracts the same from its UDP buffer before it fills a gossip packet).
    var overhead: Int {
        let labelHeader = label.map { 2 + $0.utf8.count } ?? 0
        let encryption = keyring == nil ? 0 : Encryption.encryptedLength(.unpadded, plaintextCount: 0)
        return labelHeader + encryption
    }
}
