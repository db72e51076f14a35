import NIOCore

// Every TCP connection the observer opens goes through `OutgoingConnection.dial`: dskit packets (one connection
// each), the join push/pull, acks and nacks to dskit peers, the leave. It is PeerDialer's connect, the peek's
// own, so TLS (handshake finished before the first byte) and the error wording are the same everywhere.

/// Opens the observer's outgoing TCP connections.
enum OutgoingConnection {
    /// Connects to `peer` ("host:port") within `timeout`, over TLS when `tls` is given; failures name the peer
    /// and say what to check.
    static func dial(
        _ peer: String, timeout: Duration, tls: TLSClient? = nil, deadline: ContinuousClock.Instant? = nil
    ) async throws(MemberlistError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await PeerDialer.connect(peer: peer, tls: tls, timeout: timeout, deadline: deadline)
    }
}
