import MemberlistWire
import NIOCore
import NIOPosix
import NIOSSL

// The seam between the observer's shell and the network, as hashicorp/memberlist's transport.go `Transport`
// (WriteTo, PacketCh, DialTimeout, StreamCh): packets go out as bytes and come in as bytes with their sender;
// streams go out as one request and its reply, and come in as one decoded message answered by one reply. Two
// implementations speak the cluster's framing (DskitTransport: TCP only, every connection marked packet or
// stream; StandardTransport: UDP packets, TCP streams); an in-memory one for a demo cluster fits the same shape.
// Labels and encryption of packets are the shell's PacketCodec, of streams the transport's StreamFraming.

/// What a transport delivers, as it arrives.
protocol TransportInbound: Sendable {
    /// One packet's bytes (a UDP datagram, or a dskit packet's payload) from `from` ("ip:port").
    func packet(_ bytes: [UInt8], from: String) async
    /// One incoming stream's message; returns what to write back, if anything.
    func stream(_ envelope: StreamEnvelope, from: String) async -> StreamReply?
    /// Something arrived that could not be used, or a listener stopped: one sentence.
    func problem(_ text: String) async
}

/// Moves the observer's packets and streams.
protocol MemberlistTransport: Sendable {
    /// The port the listeners are bound to (TCP, and UDP for the standard transport).
    var boundPort: Int { get }

    /// Puts one packet on the wire and waits until it is written, within the step timeout and by `deadline`;
    /// `sender` is our advertised "ip:port" (the dskit frame carries it).
    func sendPacket(
        _ payload: [UInt8], to peer: String, sender: String, by deadline: ContinuousClock.Instant?
    ) async throws(MemberlistError)

    /// Dials `peer`, writes the message `request` makes of the connection's local IP, and reads the one reply,
    /// within the step timeout. Throws `MemberlistError`, or what `request` throws.
    func exchange(
        with peer: String, request: @escaping @Sendable (_ localHost: String?) throws -> StreamMessage
    ) async throws -> (envelope: StreamEnvelope, localHost: String?)

    /// One push/pull that leaves no trace (how the seed lists us), ending by `deadline`.
    func peek(_ peer: String, deadline: ContinuousClock.Instant) async throws(MemberlistError) -> PeekResult

    /// Hands everything that arrives to `inbound` until `close()`; never throws out of its loops.
    func serve(_ inbound: any TransportInbound) async

    /// Closes the listeners: `serve` returns once the connections it holds are finished.
    func close() async
}

/// Binds the transport `configuration.transport` names.
func bindTransport(_ configuration: ObserverConfiguration) async throws -> any MemberlistTransport {
    switch configuration.transport {
    case .dskit: try await DskitTransport.bind(configuration)
    case .memberlist: try await StandardTransport.bind(configuration)
    }
}

/// The packet layers the shell adds and peels (memberlist net.go `encodeAndSendMsg`, `ingestPacket`): label
/// header, encryption with the keyring's primary key, CRC for receivers on protocol 5.
struct PacketCodec: Sendable {
    var label: String?
    var expectedLabel: String?
    var keyring: Keyring?

    init(_ configuration: ObserverConfiguration) {
        label = configuration.clusterLabel.isEmpty ? nil : configuration.clusterLabel
        expectedLabel = configuration.expectedLabel
        keyring = configuration.keyring
    }

    func decode(_ bytes: [UInt8]) throws(WireError) -> Message {
        try PacketEnvelope.decode(bytes, expectedLabel: expectedLabel, keyring: keyring).message
    }

    func encode(_ packet: OutgoingPacket) throws(WireError) -> [UInt8] {
        let envelope = PacketEnvelope(
            message: packet.message, label: label, hasChecksum: packet.checksum,
            encryption: keyring == nil ? nil : .unpadded)
        return try envelope.encoded(keyring: keyring)
    }
}

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

    /// Accepts connections until the listener closes; `handle` reads each within the incoming timeout.
    func accept(
        _ inbound: any TransportInbound,
        _ handle: @escaping @Sendable (
            inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, String
        ) async throws -> StreamReply?
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
        _ handle: @escaping @Sendable (
            inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, String
        ) async throws -> StreamReply?
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
        with peer: String, request: @escaping @Sendable (String?) throws -> StreamMessage
    ) async throws -> (envelope: StreamEnvelope, localHost: String?) {
        let framing = self.framing
        let (envelope, local) = try await StreamExchange.run(
            peer: peer, framing: framing, timeout: configuration.timeout
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
