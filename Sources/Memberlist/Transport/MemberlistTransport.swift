import MemberlistWire

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
    /// within the step timeout and by `deadline` when one is given (a node's exchanges carry their own).
    /// Throws `MemberlistError`, or what `request` throws.
    func exchange(
        with peer: String, by deadline: ContinuousClock.Instant?,
        request: @escaping @Sendable (_ localHost: String?) throws -> StreamMessage
    ) async throws -> (envelope: StreamEnvelope, localHost: String?)

    /// One push/pull that leaves no trace (how the seed lists us), ending by `deadline`.
    func peek(_ peer: String, deadline: ContinuousClock.Instant) async throws(MemberlistError) -> PeekResult

    /// Hands everything that arrives to `inbound` until `close()`; never throws out of its loops.
    func serve(_ inbound: any TransportInbound) async

    /// Closes the listeners: `serve` returns once the connections it holds are finished.
    func close() async
}

/// A transport whose streams are TCP connections on its listener (both of ours): the stream half of the seam is
/// `TCPStreams`, shared, and only packets differ.
protocol TCPStreamTransport: MemberlistTransport {
    /// The listener and the stream exchanges.
    var streams: TCPStreams { get }
}

extension MemberlistTransport {
    /// `exchange(with:by:request:)` within the step timeout alone.
    func exchange(
        with peer: String, request: @escaping @Sendable (_ localHost: String?) throws -> StreamMessage
    ) async throws -> (envelope: StreamEnvelope, localHost: String?) {
        try await exchange(with: peer, by: nil, request: request)
    }
}

extension TCPStreamTransport {
    var boundPort: Int { streams.boundPort }

    func exchange(
        with peer: String, by deadline: ContinuousClock.Instant?,
        request: @escaping @Sendable (_ localHost: String?) throws -> StreamMessage
    ) async throws -> (envelope: StreamEnvelope, localHost: String?) {
        try await streams.exchange(with: peer, by: deadline, request: request)
    }

    func peek(_ peer: String, deadline: ContinuousClock.Instant) async throws(MemberlistError) -> PeekResult {
        try await streams.peek(peer, deadline: deadline)
    }
}

/// What a failed packet send throws: our own errors as they are, anything else (NIO's) as an I/O error in words.
func packetSendFailure(_ error: any Error, peer: String) -> MemberlistError {
    (error as? MemberlistError) ?? .io(peer: peer, step: .sendPacket, reason: SocketErrorText.describe(error))
}

/// Binds the transport `configuration.transport` names.
func bindTransport(_ configuration: ObserverConfiguration) async throws -> any MemberlistTransport {
    switch configuration.transport {
    case .dskit: try await DskitTransport.bind(configuration)
    case .memberlist: try await StandardTransport.bind(configuration)
    }
}
