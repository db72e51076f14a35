import MemberlistWire
import NIOCore
import NIOPosix
import NIOSSL

// The TCP side of both transports: the listener (swift-nio's echo-server shape, AcceptLoop), each incoming
// connection read within the incoming timeout, the streams we dial (StreamExchange) and the peek.

extension ObserverConfiguration {
    /// How the observer's streams are framed and read.
    var streamFraming: StreamFraming {
        StreamFraming(
            transport: transport, clusterLabel: clusterLabel, keyring: keyring, maxSize: maxStreamSize,
            verifyLabel: verifyLabel, tls: tls)
    }
}

/// The TCP side both transports share: the listener, streams we dial, streams peers open, the peek.
struct TCPStreams: Sendable {
    typealias Server = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    /// Reads one accepted connection (from its first bytes, for the peer named) and says what to write back.
    typealias ConnectionHandler = @Sendable (
        inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, String
    ) async throws -> StreamReply?

    let configuration: ObserverConfiguration
    let framing: StreamFraming
    let server: Server

    init(configuration: ObserverConfiguration, server: Server) {
        self.configuration = configuration
        self.framing = configuration.streamFraming
        self.server = server
    }

    var boundPort: Int { server.channel.localAddress?.port ?? 0 }

    /// Binds the TCP listener (TLS when configured).
    static func bind(_ configuration: ObserverConfiguration, port: Int) async throws -> Server {
        let host = configuration.bindHost
        do {
            return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls = configuration.tlsServer {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ObserverError.bindFailed(address: "\(host):\(port) (TCP)", reason: SocketErrorText.describe(error))
        }
    }

    /// Finishes what a listener that is given up may already have accepted (NIO traps on a dropped one), then
    /// closes it.
    static func discard(_ server: Server) async {
        try? await server.executeThenClose { connections in
            try? await server.channel.close()
            await AcceptLoop.serve(connections) { connection in try? await connection.executeThenClose { _, _ in } }
        }
    }

    /// Closes the listener without dropping a connection NIO is still activating (swift-nio #2813: one accepted
    /// as the listener closes is never handed out, and its writer traps on deinit, killing the process): stop
    /// accepting first, give what was accepted time to reach the accept loop, then close. Peers dialing a busy
    /// node (a dskit node gets a connection per packet) hit that window when it closes; the wait is not
    /// cancelled with the caller, who may be a cancelled scope.
    func closeListener() async {
        let channel = server.channel
        try? await channel.setOption(ChannelOptions.autoRead, value: false)
        await Task { try? await Task.sleep(for: .milliseconds(50)) }.value
        try? await channel.close()
    }

    /// Accepts connections until the listener closes; `handle` reads each within the incoming timeout.
    func accept(
        _ inbound: any TransportInbound,
        _ handle: @escaping ConnectionHandler
    ) async {
        let configuration = self.configuration
        let framing = self.framing
        try? await server.executeThenClose { connections in
            await AcceptLoop.serve(connections) { connection in
                await Self.serve(connection, configuration: configuration, framing: framing, inbound: inbound, handle)
            }
        }
    }

    private static func serve(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, configuration: ObserverConfiguration,
        framing: StreamFraming, inbound: any TransportInbound,
        _ handle: @escaping ConnectionHandler
    ) async {
        let peer = connection.channel.remoteAddress.map(\.hostPort) ?? "a peer"
        let timeout = configuration.incomingTimeout
        let deadline = ContinuousClock.now.advanced(by: timeout)
        do {
            try await withDeadline(
                deadline,
                timeoutError: MemberlistError.timedOut(peer: peer, step: .readIncoming, after: timeout),
                onTimeout: { connection.channel.close(promise: nil) }
            ) {
                try await connection.executeThenClose { incoming, _ in
                    var iterator = incoming.makeAsyncIterator()
                    guard let reply = try await handle(&iterator, peer) else { return }
                    let bytes: [UInt8]
                    do {
                        bytes = try framing.listenerBytes(reply.message, compression: reply.compression)
                    } catch {
                        var what = "the ack"
                        if case .pushPull = reply.message { what = "the push/pull reply" }
                        throw ReplyEncodingFailed(text: "encoding \(what) to \(peer) failed: \(error)")
                    }
                    try await connection.channel.writeAndFlush(ByteBuffer(bytes: bytes))
                }
            }
        } catch let failure as ReplyEncodingFailed {
            await inbound.problem(failure.text)
        } catch {
            await inbound.problem("connection from \(peer): \(SocketErrorText.describe(error))")
        }
    }

    /// A reply we could not encode: reported in its own words, not as a connection failure.
    private struct ReplyEncodingFailed: Error {
        var text: String
    }

    /// Reads one stream message (starting with `buffered`) and asks `inbound` for the reply.
    func answerStream(
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, buffered: [UInt8], peer: String,
        inbound: any TransportInbound
    ) async throws -> StreamReply? {
        let envelope = try await StreamReading.read(
            &iterator, buffered: buffered, direction: .dialer, peer: peer, framing: framing, step: .readIncoming)
        return await inbound.stream(envelope, from: peer)
    }

    func exchange(
        with peer: String, by deadline: ContinuousClock.Instant? = nil,
        request: @escaping @Sendable (String?) throws -> StreamMessage
    ) async throws -> (envelope: StreamEnvelope, localHost: String?) {
        let framing = self.framing
        let (envelope, local) = try await StreamExchange.run(
            peer: peer, framing: framing, timeout: configuration.timeout, deadline: deadline
        ) { localAddress in
            try framing.dialerBytes(try request(localAddress?.ipAddress))
        }
        return (envelope, local?.ipAddress)
    }

    func peek(_ peer: String, deadline: ContinuousClock.Instant) async throws(MemberlistError) -> PeekResult {
        var peek = PeekConfiguration(
            transport: configuration.transport, clusterLabel: configuration.clusterLabel,
            timeout: configuration.leaveTimeout, tls: configuration.tls, keyring: configuration.keyring)
        peek.deadline = deadline
        return try await Peek.run(peer: peer, configuration: peek)
    }

    /// The deadline of one outgoing packet: the step timeout, or `limit` when that comes first.
    func packetDeadline(_ limit: ContinuousClock.Instant?) -> ContinuousClock.Instant {
        let timeout = configuration.timeout
        return min(limit ?? .now.advanced(by: timeout), ContinuousClock.now.advanced(by: timeout))
    }
}

extension SocketAddress {
    /// "ip:port" ("[ipv6]:port").
    var hostPort: String {
        let host = ipAddress ?? "?"
        let port = port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
