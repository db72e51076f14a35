import NIOCore
import NIOPosix

// Every TCP connection the observer opens goes through `OutgoingConnection.dial`: dskit packets (one connection
// each), the join push/pull, acks and nacks to dskit peers, the leave. TLS, when it comes, is added here, in the
// channel initializer, and nowhere else.

/// Opens the observer's outgoing TCP connections.
enum OutgoingConnection {
    /// Connects to `peer` ("host:port") within `timeout`; failures name the peer and say what to check.
    static func dial(
        _ peer: String, timeout: Duration
    ) async throws(MemberlistError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let (host, port) = try PeerAddress.split(peer)
        let milliseconds = max(
            1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(milliseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout(_) {
            throw .timedOut(peer: peer, step: .connect, after: timeout)
        } catch let error as NIOConnectionError {
            let errors = error.connectionErrors.map(\.error)
            if errors.contains(where: { ($0 as? IOError)?.errnoCode == ECONNREFUSED }) {
                throw .connectionRefused(peer: peer)
            }
            if errors.contains(where: {
                if case .connectTimeout = $0 as? ChannelError { return true }
                return false
            }) {
                throw .timedOut(peer: peer, step: .connect, after: timeout)
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
}
