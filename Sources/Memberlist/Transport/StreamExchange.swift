import MemberlistWire
import NIOCore

// The dialing side of a memberlist stream (net.go `sendAndReceiveState`): connect, write one message, read the
// listener's one reply, close. The reply has no dskit marker and no label header, but the label still
// authenticates its encryption.

/// What the dialer needs to frame and read a stream.
struct StreamFraming: Hashable, Sendable {
    var transport: TransportKind
    var clusterLabel: String
    var keyring: Keyring?
    var maxSize: Int
    /// Whether what arrives must carry `clusterLabel`.
    var verifyLabel = true
    /// TLS for the connections we dial.
    var tls: TLSClient?
    /// Where the keyring's keys came from, named when a reply does not decrypt.
    var keyFiles: [String] = []

    /// The label header's label, nil for none.
    var label: String? { clusterLabel.isEmpty ? nil : clusterLabel }

    /// The bytes the dialing side writes: dskit marker, then the stream message (label, encryption inside).
    func dialerBytes(_ message: StreamMessage, compression: CompressionAlgorithm? = nil) throws(WireError) -> [UInt8] {
        let envelope = StreamEnvelope(
            message: message, label: label, compression: compression,
            encryption: keyring == nil ? nil : .unpadded)
        let bytes = try envelope.encoded(direction: .dialer, keyring: keyring)
        return transport == .dskit ? [DskitFrameKind.stream.rawValue] + bytes : bytes
    }

    /// The bytes the listening side writes back: no marker, no label header.
    func listenerBytes(_ message: StreamMessage, compression: CompressionAlgorithm?) throws(WireError) -> [UInt8] {
        let envelope = StreamEnvelope(
            message: message, label: label, compression: compression,
            encryption: keyring == nil ? nil : .unpadded)
        return try envelope.encoded(direction: .listener, keyring: keyring)
    }
}

enum StreamExchange {
    /// Connects to `peer`, writes what `request` makes of the connection's local address, and reads the reply;
    /// connect, write and read share one deadline. Returns the reply and the connection's local address.
    /// Throws `MemberlistError`, or what `request` throws other than a `WireError`.
    static func run(
        peer: String, framing: StreamFraming, timeout: Duration, deadline: ContinuousClock.Instant? = nil,
        request: @escaping @Sendable (SocketAddress?) throws -> [UInt8]
    ) async throws -> (StreamEnvelope, SocketAddress?) {
        let deadline = min(deadline ?? .now.advanced(by: timeout), ContinuousClock.now.advanced(by: timeout))
        let channel = try await OutgoingConnection.dial(peer, timeout: timeout, tls: framing.tls, deadline: deadline)
        do {
            let localAddress = channel.channel.localAddress
            let reply = try await channel.executeThenClose { inbound, outbound in
                let bytes: [UInt8]
                do {
                    bytes = try request(channel.channel.localAddress)
                } catch let error as WireError {
                    throw MemberlistError.undecodableReply(peer: peer, underlying: error)
                }
                let written = try await withDeadline(
                    deadline,
                    timeoutError: MemberlistError.timedOut(peer: peer, step: .writePushPull, after: timeout),
                    onTimeout: { channel.channel.close(promise: nil) }
                ) {
                    // A peer that closes at once (label check) fails the write; reading tells more.
                    do {
                        try await outbound.write(ByteBuffer(bytes: bytes))
                        return true
                    } catch {
                        return false
                    }
                }
                do {
                    return try await withDeadline(
                        deadline,
                        timeoutError: MemberlistError.timedOut(peer: peer, step: .readReply, after: timeout),
                        onTimeout: { channel.channel.close(promise: nil) }
                    ) {
                        var iterator = inbound.makeAsyncIterator()
                        return try await StreamReading.read(
                            &iterator, buffered: [], direction: .listener, peer: peer, framing: framing,
                            step: .readReply)
                    }
                } catch MemberlistError.peerClosed(let peer, _, let received, let transport, let label)
                    where !written
                {
                    throw MemberlistError.peerClosed(
                        peer: peer, step: .writePushPull, received: received, transport: transport, label: label)
                }
            }
            return (reply, localAddress)
        } catch let error as MemberlistError {
            throw error
        } catch let error as ObserverError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw MemberlistError.io(peer: peer, step: .readReply, reason: SocketErrorText.describe(error))
        }
    }
}

enum StreamReading {
    /// Reads one whole stream message, starting with `buffered`; throws when the peer closes first, sends more than
    /// `framing.maxSize` bytes, or sends bytes that are no stream message.
    static func read(
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, buffered: [UInt8],
        direction: StreamDirection, peer: String, framing: StreamFraming, step: PeerStep
    ) async throws -> StreamEnvelope {
        var received = buffered
        // A reply that opens with a TLS record: we spoke plain TCP to a TLS listener (which answers with an alert).
        let speaksTLS = { direction == .listener && framing.tls == nil && TLSRecord.starts(received) }
        while true {
            if !received.isEmpty {
                if speaksTLS() { throw MemberlistError.peerSpeaksTLS(peer: peer) }
                do throws(WireError) {
                    if let (envelope, _) = try StreamEnvelope.decodeIfComplete(
                        received, direction: direction, expectedLabel: framing.verifyLabel ? framing.clusterLabel : nil,
                        keyring: framing.keyring)
                    {
                        return envelope
                    }
                } catch {
                    if case .decryptionFailed(let keysTried) = error {
                        throw MemberlistError.keyringMismatch(peer: peer, keysTried: keysTried, keyFiles: framing.keyFiles)
                    }
                    throw MemberlistError.undecodableReply(peer: peer, underlying: error)
                }
            }
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator.next()
            } catch {
                // A peer that closes with our bytes unread resets the connection: for us it closed, as a dskit
                // node does on a label it does not accept.
                if SocketErrorText.isReset(error) {
                    throw MemberlistError.peerClosed(
                        peer: peer, step: step, received: received.count, transport: framing.transport,
                        label: framing.clusterLabel)
                }
                throw MemberlistError.io(peer: peer, step: step, reason: SocketErrorText.describe(error))
            }
            guard let chunk else {
                throw MemberlistError.peerClosed(
                    peer: peer, step: step, received: received.count, transport: framing.transport,
                    label: framing.clusterLabel)
            }
            received.append(contentsOf: chunk.readableBytesView)
            if received.count > framing.maxSize {
                throw MemberlistError.replyTooLarge(peer: peer, limit: framing.maxSize)
            }
        }
    }

    /// Reads until the peer closes (a dskit packet connection), at most `limit` bytes after `buffered`.
    static func readToEnd(
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, buffered: [UInt8], limit: Int,
        peer: String
    ) async throws -> [UInt8] {
        var received = buffered
        while let chunk = try await iterator.next() {
            received.append(contentsOf: chunk.readableBytesView)
            if received.count > limit {
                throw MemberlistError.replyTooLarge(peer: peer, limit: limit)
            }
        }
        return received
    }
}
