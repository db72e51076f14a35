import MemberlistWire

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

/// One packet ready to go: encoded by the codec, sent by `run` in the background. Both sessions send their
/// instance's packets this way; a failure is one sentence for the instance's problems.
struct PreparedPacket: Sendable {
    let run: @Sendable () async -> String?

    /// Encodes `packet`; throws the problem sentence when it cannot be.
    init(
        _ packet: OutgoingPacket, codec: PacketCodec, transport: any MemberlistTransport, sender: String
    ) throws(PacketProblem) {
        let message = packet.message
        let peer = packet.peer
        let bytes: [UInt8]
        do {
            bytes = try codec.encode(packet)
        } catch {
            throw PacketProblem(text: "encoding a \(message.type) for \(peer) failed: \(error)")
        }
        run = {
            do {
                try await transport.sendPacket(bytes, to: peer, sender: sender, by: nil)
                return nil
            } catch {
                return "sending a \(message.type) to \(peer) failed: \(error)"
            }
        }
    }
}

/// A packet that could not be encoded, in one sentence.
struct PacketProblem: Error {
    let text: String
}
