import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Opens TCP connections to memberlist peers: plain, or TLS with the handshake finished before it returns, so
/// a certificate or protocol mismatch is reported as such and not as a failed read later.
public enum PeerDialer {
    /// Connects to `peer` ("host:port"), completing the TLS handshake when `tls` is given, all before `deadline`
    /// (default: now + `timeout`). `timeout` is what a timeout error reports.
    public static func connect(
        peer: String, tls: TLSClient?, timeout: Duration, deadline: ContinuousClock.Instant? = nil
    ) async throws(MemberlistError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let deadline = deadline ?? ContinuousClock.now.advanced(by: timeout)
        let (host, port) = try PeerAddress.split(peer)
        let remaining = ContinuousClock.now.duration(to: deadline)
        let milliseconds = max(
            1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
        let serverHostname = tls?.serverHostname(forHost: host)
        let connected: (NIOAsyncChannel<ByteBuffer, ByteBuffer>, EventLoopFuture<Void>?)
        // NIO's connect does not end when the task is cancelled (a seed overtaken by another, Ctrl-C): closing
        // the half-open channel does, so an abandoned dial to a black hole never outlives its caller.
        let connecting = NIOLockedValueBox<(channel: (any Channel)?, cancelled: Bool)>((nil, false))
        do {
            connected = try await withTaskCancellationHandler {
                try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(milliseconds))
                .connect(host: host, port: port) { channel in
                    let cancelled = connecting.withLockedValue { state in
                        state.channel = channel
                        return state.cancelled
                    }
                    if cancelled { channel.close(promise: nil) }
                    return channel.eventLoop.makeCompletedFuture {
                        var handshake: EventLoopFuture<Void>?
                        if let tls {
                            let promise = channel.eventLoop.makePromise(of: Void.self)
                            try channel.pipeline.syncOperations.addHandlers(
                                try NIOSSLClientHandler(context: tls.context, serverHostname: serverHostname),
                                TLSHandshakeHandler(promise: promise))
                            handshake = promise.futureResult
                        }
                        let async = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        return (async, handshake)
                    }
                }
            } onCancel: {
                let channel = connecting.withLockedValue { state in
                    state.cancelled = true
                    return state.channel
                }
                channel?.close(promise: nil)
            }
        } catch {
            if Task.isCancelled { throw .connectFailed(peer: peer, reason: "the dial was abandoned (interrupted)") }
            throw connectError(error, peer: peer, host: host, timeout: timeout)
        }
        let (channel, handshake) = connected
        guard let handshake else { return channel }
        do {
            try await withDeadline(
                deadline,
                timeoutError: MemberlistError.timedOut(peer: peer, step: .tlsHandshake, after: timeout),
                onTimeout: { channel.channel.close(promise: nil) }
            ) {
                try await handshake.get()
            }
            return channel
        } catch {
            // Finishing the async channel's writer (executeThenClose does, then closes) is required before
            // it goes away, whether or not the channel is still open.
            try? await channel.executeThenClose { _, _ in }
            if let error = error as? MemberlistError { throw error }
            throw .tlsHandshake(peer: peer, failure: TLSFailure(error, serverName: serverHostname ?? host))
        }
    }

    private static func connectError(_ error: any Error, peer: String, host: String, timeout: Duration)
        -> MemberlistError
    {
        switch error {
        case ChannelError.connectTimeout(_):
            return .timedOut(peer: peer, step: .connect, after: timeout)
        case let error as NIOConnectionError:
            let errors = error.connectionErrors.map(\.error)
            if errors.contains(where: { ($0 as? IOError)?.errnoCode == ECONNREFUSED }) {
                return .connectionRefused(peer: peer)
            }
            if errors.contains(where: {
                if case .connectTimeout = $0 as? ChannelError { return true }
                return false
            }) {
                return .timedOut(peer: peer, step: .connect, after: timeout)
            }
            if let dnsError = error.dnsAError ?? error.dnsAAAAError, errors.isEmpty {
                return .connectFailed(peer: peer, reason: "cannot resolve \(host): \(dnsError)")
            }
            return .connectFailed(peer: peer, reason: errors.map(SocketErrorText.describe).joined(separator: "; "))
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return .connectionRefused(peer: peer)
        default:
            return .connectFailed(peer: peer, reason: SocketErrorText.describe(error))
        }
    }
}

/// Completes `promise` when the TLS handshake before it in the pipeline finishes, or fails it with the first
/// error (or the connection closing) before that. Passes everything on unchanged.
private final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let promise: EventLoopPromise<Void>
    private var done = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent { finish(nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(NIOSSLError.handshakeFailed(.sslError([.eofDuringHandshake])))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(ChannelError.ioOnClosedChannel)
    }

    private func finish(_ error: (any Error)?) {
        guard !done else { return }
        done = true
        if let error { promise.fail(error) } else { promise.succeed() }
    }
}

/// Why a TLS handshake failed, in terms a user can act on.
public enum TLSFailure: Hashable, Sendable, CustomStringConvertible {
    /// The server's certificate does not chain to a trusted CA (or is expired, or self-signed).
    case untrustedCertificate(detail: String)
    /// The certificate is valid but not for the name (or IP) we expected.
    case nameMismatch(expected: String)
    /// The peer answered with bytes that are not TLS: it does not speak TLS on that port.
    case notTLS(detail: String)
    /// The peer closed the connection during the handshake (what a plain memberlist node does with a ClientHello).
    case closedDuringHandshake
    /// Anything else the TLS library reported.
    case other(String)

    /// Classifies an error from NIOSSL's handshake. `serverName` is the name or IP checked.
    init(_ error: any Error, serverName: String) {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            self = .nameMismatch(expected: serverName)
            return
        }
        let text = String(describing: error)
        if text.contains("EOF during handshake") || (error as? NIOSSLError) == .uncleanShutdown {
            self = .closedDuringHandshake
        } else if text.contains("CERTIFICATE_VERIFY_FAILED") {
            self = .untrustedCertificate(detail: text)
        } else if ["WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST", "RECORD_LENGTH_MISMATCH",
                   "UNEXPECTED_RECORD", "WRONG_VERSION", "DECODE_ERROR"].contains(where: text.contains)
        {
            self = .notTLS(detail: text)
        } else {
            self = .other(text)
        }
    }

    public var description: String {
        switch self {
        case .untrustedCertificate(let detail):
            return "its certificate is not signed by a trusted CA (\(detail))"
        case .nameMismatch(let expected):
            return "its certificate is not valid for \"\(expected)\""
        case .notTLS(let detail):
            return "it answered with bytes that are not TLS (\(detail)): the port does not speak TLS"
        case .closedDuringHandshake:
            return "it closed the connection during the handshake: it may not speak TLS, or it rejected us"
        case .other(let text):
            return text
        }
    }
}
