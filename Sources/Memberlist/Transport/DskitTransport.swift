import MemberlistWire
import NIOCore

// grafana/dskit kv/memberlist/tcp_transport.go: TCP only. Every connection starts with a marker byte: 1, a packet
// ([1][len][sender address][payload][MD5], then close), or 2, a stream. Outgoing packets each get a connection of
// their own (TLS when configured).

/// The dskit TCP transport.
struct DskitTransport: TCPStreamTransport {
    let streams: TCPStreams

    static func bind(_ configuration: ObserverConfiguration) async throws -> DskitTransport {
        let listener = try await TCPStreams.bind(configuration, port: configuration.bindPort)
        return DskitTransport(streams: TCPStreams(configuration: configuration, listener: listener))
    }

    func sendPacket(
        _ payload: [UInt8], to peer: String, sender: String, by limit: ContinuousClock.Instant?
    ) async throws(MemberlistError) {
        let configuration = streams.configuration
        let timeout = configuration.timeout
        let deadline = streams.packetDeadline(limit)
        let frame: [UInt8]
        do {
            frame = try DskitPacket(senderAddress: sender, payload: payload).encoded()
        } catch {
            throw .io(peer: peer, step: .sendPacket, reason: SocketErrorText.describe(error))
        }
        let channel = try await OutgoingConnection.dial(
            peer, timeout: timeout, tls: configuration.tls, deadline: deadline)
        do {
            try await channel.executeThenClose { _, _ in
                try await withDeadline(
                    deadline,
                    timeoutError: MemberlistError.timedOut(peer: peer, step: .sendPacket, after: timeout),
                    onTimeout: { channel.channel.close(promise: nil) }
                ) {
                    try await channel.channel.writeAndFlush(ByteBuffer(bytes: frame))
                }
            }
        } catch {
            throw packetSendFailure(error, peer: peer)
        }
    }

    func serve(_ inbound: any TransportInbound) async {
        let streams = self.streams
        await streams.accept(inbound) { iterator, peer in
            var buffered: [UInt8] = []
            while buffered.isEmpty {
                guard let chunk = try await iterator.next() else { return nil }
                buffered.append(contentsOf: chunk.readableBytesView)
            }
            let marker = buffered.removeFirst()
            switch DskitFrameKind(rawValue: marker) {
            case .packet:
                let bytes = try await StreamReading.readToEnd(
                    &iterator, buffered: [marker] + buffered, limit: WireLimits.maxDskitPacket, peer: peer)
                let packet: DskitPacket
                do {
                    packet = try DskitPacket.decode(bytes)
                } catch {
                    await inbound.problem("dskit packet from \(peer) dropped: \(error)")
                    return nil
                }
                await inbound.packet(packet.payload, from: packet.senderAddress)
                return nil
            case .stream:
                return try await streams.answerStream(&iterator, buffered: buffered, peer: peer, inbound: inbound)
            case nil:
                await inbound.problem(
                    "connection from \(peer) starts with \(marker), not a dskit packet (1) or stream (2)")
                return nil
            }
        }
    }

    func close() async {
        await streams.closeListener()
    }
}
