import MemberlistWire
import NIOConcurrencyHelpers
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
    /// Every connection NIO accepted and the accept loop has not taken yet.
    let accepted: AcceptedConnections

    init(configuration: ObserverConfiguration, listener: Listener) {
        self.configuration = configuration
        self.framing = configuration.streamFraming
        self.server = listener.server
        self.accepted = listener.accepted
    }

    /// A bound listener and the registry of what it accepted.
    struct Listener: Sendable {
        let server: Server
        let accepted: AcceptedConnections
    }

    var boundPort: Int { server.channel.localAddress?.port ?? 0 }

    /// Binds the TCP listener (TLS when configured).
    ///
    /// Every accepted connection is also held by `accepted` until the accept loop takes it: NIO traps when an
    /// accepted connection's writer is released unfinished, which happens to one accepted while the listener
    /// closes and no loop consumes it any more (swift-nio #2813). Once the listener closes, whatever the loop never
    /// took is finished here, and a connection accepted after that is refused in its initializer.
    static func bind(_ configuration: ObserverConfiguration, port: Int) async throws -> Listener {
        let host = configuration.bindHost
        let accepted = AcceptedConnections()
        do {
            let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls = configuration.tlsServer {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
                        }
                        let connection = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        guard accepted.hold(connection) else {
                            // Closing: nobody will read it. Finish it at once so its writer is never dropped.
                            Task { try? await connection.executeThenClose { _, _ in } }
                            return connection
                        }
                        return connection
                    }
                }
            return Listener(server: server, accepted: accepted)
        } catch {
            throw ObserverError.bindFailed(address: "\(host):\(port) (TCP)", reason: SocketErrorText.describe(error))
        }
    }

    /// Finishes what a listener that is given up may already have accepted (NIO traps on a dropped one), then
    /// closes it.
    static func discard(_ listener: Listener) async {
        let server = listener.server
        try? await server.executeThenClose { connections in
            try? await server.channel.close()
            await AcceptLoop.serve(connections) { connection in
                guard listener.accepted.take(connection) else { return }
                try? await connection.executeThenClose { _, _ in }
            }
        }
        await listener.accepted.finishLeftovers()
    }

    /// Closes the listener without dropping a connection NIO is still activating: stop accepting, close, then
    /// finish every accepted connection the accept loop never took (see `bind`). The work is not cancelled with the
    /// caller, who may be a cancelled scope.
    func closeListener() async {
        let channel = server.channel
        let accepted = self.accepted
        await Task {
            try? await channel.setOption(ChannelOptions.autoRead, value: false)
            try? await channel.close()
            await accepted.finishLeftovers()
        }.value
    }

    /// Accepts connections until the listener closes; `handle` reads each within the incoming timeout.
    func accept(
        _ inbound: any TransportInbound,
        _ handle: @escaping ConnectionHandler
    ) async {
        let configuration = self.configuration
        let framing = self.framing
        try? await server.executeThenClose { connections in
            await AcceptLoop.serve(connections) { [accepted] connection in
                // Whoever takes a connection out of `accepted` finishes it: this loop, or the close.
                guard accepted.take(connection) else { return }
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

/// The connections a listener accepted that nobody has taken yet, so none is ever released unfinished.
final class AcceptedConnections: Sendable {
    private let state = NIOLockedValueBox<(closed: Bool, held: [ObjectIdentifier: NIOAsyncChannel<ByteBuffer, ByteBuffer>])>(
        (false, [:]))

    /// Holds a newly accepted connection; false once the listener is closing (the caller finishes it).
    func hold(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) -> Bool {
        state.withLockedValue { state in
            guard !state.closed else { return false }
            state.held[ObjectIdentifier(connection.channel)] = connection
            return true
        }
    }

    /// Takes a connection to serve it; false when the close took it first.
    func take(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) -> Bool {
        state.withLockedValue { $0.held.removeValue(forKey: ObjectIdentifier(connection.channel)) != nil }
    }

    /// Marks the listener closed and finishes every connection still held.
    func finishLeftovers() async {
        let leftovers = state.withLockedValue { state in
            state.closed = true
            defer { state.held = [:] }
            return Array(state.held.values)
        }
        for connection in leftovers {
            try? await connection.executeThenClose { _, _ in }
        }
    }
}
