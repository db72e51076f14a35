import MemberlistWire

/// The step of a conversation with a peer that failed.
public enum PeerStep: String, Hashable, Sendable, CustomStringConvertible {
    case connect = "connecting"
    case tlsHandshake = "completing the TLS handshake"
    case writePushPull = "sending the push/pull"
    case readReply = "reading the push/pull reply"
    case sendPacket = "sending a packet to"
    case readIncoming = "reading a stream from"

    public var description: String { rawValue }
}

/// Why talking to a memberlist peer failed: always names the peer and the step.
public enum MemberlistError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The address is not `host:port` (or `[IPv6]:port`).
    case invalidPeerAddress(String)
    /// Nothing listens at the peer's port.
    case connectionRefused(peer: String)
    /// The step did not finish within the deadline.
    case timedOut(peer: String, step: PeerStep, after: Duration)
    /// Connecting failed for another reason (no route, unresolvable host, ...).
    case connectFailed(peer: String, reason: String)
    /// The peer closed the connection after sending `received` bytes of an incomplete reply.
    /// `label` is the cluster label we sent ("" for none); `transport` the framing we used.
    case peerClosed(peer: String, step: PeerStep, received: Int, transport: TransportKind, label: String)
    /// The reply grew past `limit` bytes without completing.
    case replyTooLarge(peer: String, limit: Int)
    /// The reply is not a memberlist stream message ringctl can decode.
    case undecodableReply(peer: String, underlying: WireError)
    /// The peer answered with something other than a push/pull (its error message, a ping, ...).
    case unexpectedReply(peer: String, message: String)
    /// Reading or writing failed at the socket.
    case io(peer: String, step: PeerStep, reason: String)
    /// The TLS handshake failed (untrusted certificate, wrong name, a peer without TLS).
    case tlsHandshake(peer: String, failure: TLSFailure)
    /// We spoke plain TCP and the peer answered with a TLS record: it expects TLS.
    case peerSpeaksTLS(peer: String)
    /// The peer's encrypted reply opens with none of our keys; `keyFiles` says where they came from.
    case keyringMismatch(peer: String, keysTried: Int, keyFiles: [String])

    /// The peer the error is about.
    public var peer: String {
        switch self {
        case .invalidPeerAddress(let peer), .connectionRefused(let peer), .timedOut(let peer, _, _),
            .connectFailed(let peer, _), .peerClosed(let peer, _, _, _, _), .replyTooLarge(let peer, _),
            .undecodableReply(let peer, _), .unexpectedReply(let peer, _), .io(let peer, _, _),
            .tlsHandshake(let peer, _), .peerSpeaksTLS(let peer), .keyringMismatch(let peer, _, _):
            return peer
        }
    }

    /// True when the peer answered, but with something the cluster configuration (label, framing) or the
    /// protocol rejects: a configuration or protocol problem rather than an unreachable peer.
    public var isProtocolMismatch: Bool {
        switch self {
        case .undecodableReply, .unexpectedReply, .replyTooLarge, .tlsHandshake, .peerSpeaksTLS, .keyringMismatch:
            return true
        // A node that accepts and closes before a byte of reply rejected what we sent (label, key, framing).
        case .peerClosed(_, _, let received, _, _): return received == 0
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidPeerAddress(let text):
            return "\"\(text)\" is not a peer address: give HOST:PORT or [IPv6]:PORT"
        case .connectionRefused(let peer):
            return "\(peer) refused the connection (nothing listens on that port)"
        case .timedOut(let peer, let step, let after):
            return "\(peer) did not answer within \(Self.format(after)) while \(step)"
        case .connectFailed(let peer, let reason):
            return "connecting to \(peer) failed: \(reason)"
        case .peerClosed(let peer, let step, let received, let transport, let label):
            let sent = label.isEmpty ? "no cluster label" : "cluster label \"\(label)\""
            if received == 0 && transport == .dskit {
                return "\(peer) closed the connection without replying while \(step); a dskit node does that "
                    + "when the cluster label differs: we sent \(sent)"
            }
            if received == 0 {
                return "\(peer) closed the connection without replying while \(step) (we sent \(sent)); a memberlist "
                    + "node does that when the cluster label or the gossip key differs, a dskit node when spoken to "
                    + "without dskit's framing"
            }
            return "\(peer) closed the connection after \(received) bytes while \(step): the reply is incomplete"
        case .replyTooLarge(let peer, let limit):
            return "\(peer)'s push/pull reply is over \(limit) bytes and still incomplete"
        case .undecodableReply(let peer, let underlying):
            return "\(peer)'s reply is not a memberlist push/pull: \(underlying)"
        case .unexpectedReply(let peer, let message):
            return "\(peer) answered the push/pull with \(message)"
        case .io(let peer, let step, let reason):
            return "\(step) \(peer) failed: \(reason)"
        case .tlsHandshake(let peer, let failure):
            return "\(peer) failed the TLS handshake: \(failure)"
        case .peerSpeaksTLS(let peer):
            return "\(peer) answered with TLS, but ringctl spoke plain TCP: the cluster uses TLS"
        case .keyringMismatch(let peer, let keysTried, let keyFiles):
            let files = keyFiles.isEmpty ? "" : " (from \(keyFiles.joined(separator: ", ")))"
            return "\(peer)'s encrypted reply opens with none of our \(keysTried) key(s)\(files): the cluster "
                + "uses another secret key"
        }
    }

    /// "5s", "1.5s", "250ms": how durations read in every message.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        return "\(Double(milliseconds) / 1000)s"
    }
}
