#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import MemberlistWire

/// How the observer joins: transport, label, keys, its own node, and the deadlines of every step.
public struct ObserverConfiguration: Hashable, Sendable {
    /// The framing the cluster speaks: dskit (TCP only) or memberlist (UDP packets, TCP streams).
    public var transport: TransportKind
    /// The cluster label to send and to require on what arrives ("" for none).
    public var clusterLabel: String
    /// Whether packets and streams that arrive must carry `clusterLabel` (dskit's
    /// -memberlist.cluster-label-verification-disabled turns this off: any label, or none, is accepted).
    public var verifyLabel: Bool
    /// The cluster's gossip keys, when it encrypts (the standard transport's keyring).
    public var keyring: Keyring?
    /// TLS for the connections we open (dskit transport), nil for plain TCP.
    public var tls: TLSClient?
    /// TLS for the connections peers open to us, nil for plain TCP; set whenever `tls` is.
    public var tlsServer: TLSServer?
    /// Our node name; `ringctl-<host>-<random>` by default.
    public var nodeName: String
    /// The address to listen on (TCP, and UDP for the standard transport).
    public var bindHost: String
    /// The port to listen on; 0 picks a free one.
    public var bindPort: Int
    /// The IP peers should reach us at; nil: the bind address, or, when that is a wildcard, the local address of
    /// the connection to the seed.
    public var advertiseHost: String?
    /// The port peers should reach us at; nil: the bound port.
    public var advertisePort: Int?
    /// The deadline of each outgoing step: dial, write, the join's whole push/pull.
    public var timeout: Duration
    /// How long a relayed probe waits for the target's ack before answering a nack (memberlist's ProbeTimeout).
    public var probeTimeout: Duration
    /// The deadline of each incoming connection (memberlist's TCPTimeout is 10s).
    public var incomingTimeout: Duration
    /// How long the leave may take to go out to every member.
    public var leaveTimeout: Duration
    /// The largest push/pull reply or incoming stream accepted.
    public var maxStreamSize: Int

    /// A configuration.
    public init(
        transport: TransportKind = .dskit, clusterLabel: String = "", verifyLabel: Bool = true,
        keyring: Keyring? = nil, tls: TLSClient? = nil, tlsServer: TLSServer? = nil,
        nodeName: String = ObserverConfiguration.defaultNodeName(), bindHost: String = "0.0.0.0", bindPort: Int = 0,
        advertiseHost: String? = nil, advertisePort: Int? = nil, timeout: Duration = .seconds(5),
        probeTimeout: Duration = .milliseconds(500), incomingTimeout: Duration = .seconds(10),
        leaveTimeout: Duration = .seconds(3), maxStreamSize: Int = WireLimits.maxDecompressed + 1024
    ) {
        self.transport = transport
        self.clusterLabel = clusterLabel
        self.verifyLabel = verifyLabel
        self.keyring = keyring
        self.tls = tls
        self.tlsServer = tlsServer
        self.nodeName = nodeName
        self.bindHost = bindHost
        self.bindPort = bindPort
        self.advertiseHost = advertiseHost
        self.advertisePort = advertisePort
        self.timeout = timeout
        self.probeTimeout = probeTimeout
        self.incomingTimeout = incomingTimeout
        self.leaveTimeout = leaveTimeout
        self.maxStreamSize = maxStreamSize
    }

    /// The label what arrives must carry; nil accepts any (verification disabled).
    public var expectedLabel: String? { verifyLabel ? clusterLabel : nil }

    /// The versions we announce: memberlist's protocol range 1…5 speaking 2, delegate 0 (what memberlist 0.2.2
    /// and dskit run with), so `verifyProtocol` accepts us in either cluster.
    public static let versions = ProtocolVersions.memberlistDefault

    /// `ringctl-<host>-<6 random hex digits>`: recognisable in a member list, and new on every run so a previous
    /// run's left node never collides with this one.
    public static func defaultNodeName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        var host = "localhost"
        if gethostname(&buffer, buffer.count - 1) == 0 {
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let first = text.split(separator: ".").first.map(String.init) ?? ""
            if !first.isEmpty { host = first }
        }
        let random = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        return "ringctl-\(host)-\(String(repeating: "0", count: 6 - random.count))\(random)"
    }
}
