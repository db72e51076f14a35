import MemberlistWire
import NIOCore
import NIOPosix

// The one-shot observer: a single push/pull with one peer (hashicorp/memberlist net.go `sendAndReceiveState`,
// the dialer side of `handleConn`'s pushPullMsg case), sending `join: false`, no node state and no user state:
//
//   dialer → listener   [2 (dskit only)][label header (if any)][6][pushPullHeader{Nodes: 0, UserStateLen: 0}]
//   listener → dialer   [6][pushPullHeader][node states…][user state]   (maybe compressed; no marker, no label)
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

    /// A peek configuration.
    public init(
        transport: TransportKind = .dskit, clusterLabel: String = "", timeout: Duration = .seconds(5),
        maxReplySize: Int = WireLimits.maxDecompressed + 1024
    ) {
        self.transport = transport
        self.clusterLabel = clusterLabel
        self.timeout = timeout
        self.maxReplySize = maxReplySize
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
}

/// One push/pull with one peer that leaves no trace in the cluster.
public enum Peek {
    /// The bytes the dialer writes: marker (dskit), label, empty push/pull.
    public static func request(transport: TransportKind, clusterLabel: String) throws(WireError) -> [UInt8] {
        let envelope = StreamEnvelope(
            message: .pushPull(PushPull(join: false, nodes: [], userState: [])),
            label: clusterLabel.isEmpty ? nil : clusterLabel)
        let stream = try envelope.encoded(direction: .dialer)
        switch transport {
        case .dskit: return [DskitFrameKind.stream.rawValue] + stream
        case .memberlist: return stream
        }
    }

    /// Connects to `peer` ("host:port"), exchanges push/pulls and closes; every step is bounded by the timeout.
    public static func run(peer: String, configuration: PeekConfiguration) async throws(MemberlistError) -> PeekResult {
        let (host, port) = try PeerAddress.split(peer)
        let request: [UInt8]
        do {
            request = try Self.request(transport: configuration.transport, clusterLabel: configuration.clusterLabel)
        } catch {
            throw .undecodableReply(peer: peer, underlying: error)
        }
        let deadline = ContinuousClock.now.advanced(by: configuration.timeout)
        let channel = try await connect(peer: peer, host: host, port: port, configuration: configuration)
        do {
            let envelope = try await channel.executeThenClose { inbound, outbound in
                let written = try await withDeadline(
                    deadline,
                    timeoutError: MemberlistError.timedOut(
                        peer: peer, step: .writePushPull, after: configuration.timeout),
                    onTimeout: { channel.channel.close(promise: nil) }
                ) {
                    // A peer that closes before our write lands (a label check, garbage sent at once) fails the
                    // write; what it did send, or that it sent nothing, is still the better answer: read on.
                    do {
                        try await outbound.write(ByteBuffer(bytes: request))
                        return true
                    } catch {
                        return false
                    }
                }
                do {
                    return try await withDeadline(
                        deadline,
                        timeoutError: MemberlistError.timedOut(
                            peer: peer, step: .readReply, after: configuration.timeout),
                        onTimeout: { channel.channel.close(promise: nil) }
                    ) {
                        try await readReply(inbound, peer: peer, configuration: configuration)
                    }
                } catch MemberlistError.peerClosed(let peer, _, let received, let transport, let label)
                    where !written
                {
                    throw MemberlistError.peerClosed(
                        peer: peer, step: .writePushPull, received: received, transport: transport, label: label)
                }
            }
            guard case .pushPull(let pushPull) = envelope.message else {
                if case .error(let remote) = envelope.message {
                    throw MemberlistError.unexpectedReply(peer: peer, message: "an error: \(remote)")
                }
                throw MemberlistError.unexpectedReply(peer: peer, message: "a \(envelope.message.type) message")
            }
            return PeekResult(
                peer: peer, nodes: pushPull.nodes, userState: pushPull.userState, compression: envelope.compression)
        } catch let error as MemberlistError {
            throw error
        } catch {
            throw .io(peer: peer, step: .readReply, reason: "\(error)")
        }
    }

    private static func connect(
        peer: String, host: String, port: Int, configuration: PeekConfiguration
    ) async throws(MemberlistError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let milliseconds = max(1, configuration.timeout.components.seconds * 1000
            + configuration.timeout.components.attoseconds / 1_000_000_000_000_000)
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(milliseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout(_) {
            throw .timedOut(peer: peer, step: .connect, after: configuration.timeout)
        } catch let error as NIOConnectionError {
            let errors = error.connectionErrors.map(\.error)
            if errors.contains(where: { ($0 as? IOError)?.errnoCode == ECONNREFUSED }) {
                throw .connectionRefused(peer: peer)
            }
            if errors.contains(where: {
                if case .connectTimeout = $0 as? ChannelError { return true }
                return false
            }) {
                throw .timedOut(peer: peer, step: .connect, after: configuration.timeout)
            }
            if let dnsError = error.dnsAError ?? error.dnsAAAAError, errors.isEmpty {
                throw .connectFailed(peer: peer, reason: "cannot resolve \(host): \(dnsError)")
            }
            throw .connectFailed(peer: peer, reason: errors.map { "\($0)" }.joined(separator: "; "))
        } catch let error as IOError where error.errnoCode == ECONNREFUSED {
            throw .connectionRefused(peer: peer)
        } catch {
            throw .connectFailed(peer: peer, reason: "\(error)")
        }
    }

    private static func readReply(
        _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, peer: String, configuration: PeekConfiguration
    ) async throws -> StreamEnvelope {
        var received: [UInt8] = []
        do {
            for try await chunk in inbound {
                received.append(contentsOf: chunk.readableBytesView)
                if received.count > configuration.maxReplySize {
                    throw MemberlistError.replyTooLarge(peer: peer, limit: configuration.maxReplySize)
                }
                do throws(WireError) {
                    // The listener's reply has no label header; the label still authenticates encryption.
                    if let (envelope, _) = try StreamEnvelope.decodeIfComplete(
                        received, direction: .listener, expectedLabel: configuration.clusterLabel)
                    {
                        return envelope
                    }
                } catch {
                    throw MemberlistError.undecodableReply(peer: peer, underlying: error)
                }
            }
        } catch let error as MemberlistError {
            throw error
        } catch {
            throw MemberlistError.io(peer: peer, step: .readReply, reason: "\(error)")
        }
        throw MemberlistError.peerClosed(
            peer: peer, step: .readReply, received: received.count, transport: configuration.transport,
            label: configuration.clusterLabel)
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
