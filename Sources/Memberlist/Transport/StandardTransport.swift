import MemberlistWire
import NIOCore
import NIOPosix

// hashicorp/memberlist net_transport.go: packets are UDP datagrams from and to the bound port; streams are TCP
// connections on the same port, starting with the message itself.

/// The standard memberlist transport: UDP packets, TCP streams, one port.
struct StandardTransport: TCPStreamTransport {
    typealias Datagrams = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    let streams: TCPStreams
    let datagrams: Datagrams

    /// Binds the TCP listener and a UDP socket on the same port (a few tries when the port is chosen by the system
    /// and the UDP one turns out taken).
    static func bind(_ configuration: ObserverConfiguration) async throws -> StandardTransport {
        let host = configuration.bindHost
        let attempts = configuration.bindPort == 0 ? 10 : 1
        var lastError: ObserverError?
        for _ in 0..<attempts {
            let listener = try await TCPStreams.bind(configuration, port: configuration.bindPort)
            let port = listener.server.channel.localAddress?.port ?? configuration.bindPort
            do {
                // NIO reads datagrams into 2048-byte buffers by default and cuts longer ones (their CRC then fails);
                // memberlist reads into 65536 bytes (net_transport.go udpPacketBufSize), so a peer's packet over
                // 2 KiB (a dskit-budget gossip of several ring changes) arrives whole here too.
                let datagrams = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65536))
                    .bind(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try Datagrams(wrappingChannelSynchronously: channel)
                        }
                    }
                return StandardTransport(
                    streams: TCPStreams(configuration: configuration, listener: listener), datagrams: datagrams)
            } catch {
                lastError = .bindFailed(address: "\(host):\(port) (UDP)", reason: SocketErrorText.describe(error))
                await TCPStreams.discard(listener)
            }
        }
        throw lastError ?? ObserverError.bindFailed(address: host, reason: "no attempt made")
    }

    func sendPacket(
        _ payload: [UInt8], to peer: String, sender: String, by limit: ContinuousClock.Instant?
    ) async throws(MemberlistError) {
        let timeout = streams.configuration.timeout
        let deadline = streams.packetDeadline(limit)
        let (host, port) = try PeerAddress.split(peer)
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: host, port: port)
        } catch {
            do {
                address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            } catch {
                throw .connectFailed(peer: peer, reason: "cannot resolve \(host): \(error)")
            }
        }
        let datagram = AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: payload))
        let channel = datagrams.channel
        do {
            try await withDeadline(
                deadline, timeoutError: MemberlistError.timedOut(peer: peer, step: .sendPacket, after: timeout)
            ) {
                try await channel.writeAndFlush(datagram)
            }
        } catch {
            throw packetSendFailure(error, peer: peer)
        }
    }

    func serve(_ inbound: any TransportInbound) async {
        let streams = self.streams
        let datagrams = self.datagrams
        await withDiscardingTaskGroup { group in
            group.addTask {
                await streams.accept(inbound) { iterator, peer in
                    try await streams.answerStream(&iterator, buffered: [], peer: peer, inbound: inbound)
                }
            }
            group.addTask {
                try? await datagrams.executeThenClose { packets, _ in
                    do {
                        for try await datagram in packets {
                            let from = datagram.remoteAddress.hostPort
                            await inbound.packet(Array(datagram.data.readableBytesView), from: from)
                        }
                    } catch {
                        // Without UDP we stop answering pings: say so rather than end quietly.
                        await inbound.problem("the UDP listener stopped: \(SocketErrorText.describe(error))")
                    }
                }
            }
        }
    }

    func close() async {
        try? await datagrams.channel.close()
        await streams.closeListener()
    }
}
