import MemberlistWire
import NIOCore
import NIOPosix

// The one-shot observer: a single push/pull with one peer (hashicorp/memberlist net.go `sendAndReceiveState`,
// the dialer side of `handleConn`'s pushPullMsg case), sending `join: false`, no node state and no user state:
//
//   dialer → listener   [2 (dskit only)][label header (if any)][6][pushPullHeader{Nodes: 0, UserStateLen: 0}]
//   listener → dialer   [6][pushPullHeader][node states…][user state]   (maybe compressed; no marker, no label)
//
// With a keyring both directions are encrypted ([10][length][AES-GCM], the label as additional data); with TLS
// (dskit transport only) the same bytes go inside a TLS connection.
//
// The peer merges an empty list, so it learns nothing about us, and replies with its whole member list and
// delegate state (dskit: the KV full state). Then we close.

/// What to send and how long to wait.
public struct PeekConfiguration: Hashable, Sendable {
    /// The framing the cluster's TCP listeners expect.
    public var transport: TransportKind
    /// The cluster label to send ("" for none); the reply carries none.
    public var clusterLabel: String
    /// The deadline for the whole exchange (connect, write, read).
    public var timeout: Duration
    /// The largest reply accepted before giving up.
    public var maxReplySize: Int
    /// When set, the exchange ends by this instant even if `timeout` would allow more (a budget shared by several
    /// seeds); errors still name `timeout`.
    public var deadline: ContinuousClock.Instant?
    /// TLS (dskit transport), built once from `TLSSettings.makeClient()`; nil for plain TCP.
    public var tls: TLSClient?
    /// The cluster's gossip keys (standard transport's encryption); nil when it does not encrypt.
    public var keyring: Keyring?
    /// Where the keys came from (file paths), for error messages.
    public var keyFiles: [String]

    /// A peek configuration.
    public init(
        transport: TransportKind = .dskit, clusterLabel: String = "", timeout: Duration = .seconds(5),
        maxReplySize: Int = WireLimits.maxDecompressed + 1024, tls: TLSClient? = nil, keyring: Keyring? = nil,
        keyFiles: [String] = []
    ) {
        self.transport = transport
        self.clusterLabel = clusterLabel
        self.timeout = timeout
        self.maxReplySize = maxReplySize
        self.tls = tls
        self.keyring = keyring
        self.keyFiles = keyFiles
    }
}

/// What one peer knows: its member list and its delegate state.
public struct PeekResult: Hashable, Sendable {
    /// The peer asked, as given.
    public var peer: String
    /// Every node the peer knows, in every state.
    public var nodes: [PushNodeState]
    /// The delegate's state (dskit: the KV full state `[u32 length][KeyValuePair]…`; decode it with DskitKV).
    public var userState: [UInt8]
    /// How the reply was compressed, if it was.
    public var compression: CompressionAlgorithm?
    /// Our end of the connection's IP address (what the peer can reach us at, a wildcard bind aside).
    public var localHost: String? = nil
}

/// One push/pull with one peer that leaves no trace in the cluster.
public enum Peek {
    /// The bytes the dialer writes: marker (dskit), label, empty push/pull (encrypted with the keyring's
    /// primary key when one is given, in encryption version 1, what memberlist sends at protocol version ≥ 2).
    public static func request(
        transport: TransportKind, clusterLabel: String, keyring: Keyring? = nil
    ) throws(WireError) -> [UInt8] {
        try StreamFraming(transport: transport, clusterLabel: clusterLabel, keyring: keyring, maxSize: 0)
            .dialerBytes(.pushPull(PushPull(join: false, nodes: [], userState: [])))
    }

    /// Connects to `peer` ("host:port"), exchanges push/pulls and closes; every step is bounded by the timeout.
    public static func run(peer: String, configuration: PeekConfiguration) async throws(MemberlistError) -> PeekResult {
        _ = try PeerAddress.split(peer)
        let request: [UInt8]
        do {
            request = try Self.request(
                transport: configuration.transport, clusterLabel: configuration.clusterLabel,
                keyring: configuration.keyring)
        } catch {
            throw .undecodableReply(peer: peer, underlying: error)
        }
        // The listener's reply has no label header; the label still authenticates its encryption.
        let framing = StreamFraming(
            transport: configuration.transport, clusterLabel: configuration.clusterLabel,
            keyring: configuration.keyring, maxSize: configuration.maxReplySize, tls: configuration.tls,
            keyFiles: configuration.keyFiles)
        let envelope: StreamEnvelope
        let local: SocketAddress?
        do {
            (envelope, local) = try await StreamExchange.run(
                peer: peer, framing: framing, timeout: configuration.timeout, deadline: configuration.deadline,
                request: { _ in request })
        } catch let error as MemberlistError {
            throw error
        } catch {
            throw .io(peer: peer, step: .readReply, reason: SocketErrorText.describe(error))
        }
        guard case .pushPull(let pushPull) = envelope.message else {
            if case .error(let remote) = envelope.message {
                throw .unexpectedReply(peer: peer, message: "an error: \(remote)")
            }
            throw .unexpectedReply(peer: peer, message: "a \(envelope.message.type) message")
        }
        return PeekResult(
            peer: peer, nodes: pushPull.nodes, userState: pushPull.userState, compression: envelope.compression,
            localHost: local?.ipAddress)
    }
}

/// Recognises the start of a TLS record (an alert or handshake from a TLS listener answering plain bytes):
/// content type 21 or 22, then major version 3. Neither 21 nor 22 is a memberlist message type.
enum TLSRecord {
    static func starts(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, first == 21 || first == 22 else { return false }
        return bytes.count < 2 || bytes[1] == 3
    }
}

/// `host:port` and `[IPv6]:port`, as Go's net.SplitHostPort reads them.
public enum PeerAddress {
    /// The host (without brackets) and port of `text`.
    public static func split(_ text: String) throws(MemberlistError) -> (host: String, port: Int) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .invalidPeerAddress(text)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw .invalidPeerAddress(text)
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else {
            throw .invalidPeerAddress(text)
        }
        return (String(host), port)
    }
}
