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
