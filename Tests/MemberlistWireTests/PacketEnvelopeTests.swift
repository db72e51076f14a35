import MemberlistWire
import Testing

@Suite("PacketEnvelope")
struct PacketEnvelopeTests {
    static let key = Array("0123456789abcdef".utf8)

    @Test("the hasCrc vector decodes to a checksummed ping and encodes back exactly")
    func crcVector() throws {
        let bytes = Fixture.hex("memberlist-0.2.2/crc-ping")
        let envelope = try PacketEnvelope.decode(bytes)
        #expect(envelope == PacketEnvelope(message: .ping(MessageVector.ping), hasChecksum: true))
        #expect(try envelope.encoded() == bytes)
    }

    @Test("a wrong CRC is rejected with both values")
    func wrongCRC() {
        var bytes = Fixture.hex("memberlist-0.2.2/crc-ping")
        bytes[4] ^= 0xff
        #expect(throws: WireError.checksumMismatch(expected: 0x6d4c_240c, computed: 0x6d4c_24f3)) {
            try PacketEnvelope.decode(bytes)
        }
    }

    @Test("every truncation of the hasCrc vector throws")
    func crcTruncations() {
        let bytes = Fixture.hex("memberlist-0.2.2/crc-ping")
        for length in 0..<bytes.count {
            #expect(throws: WireError.self, "prefix of \(length)") {
                try PacketEnvelope.decode(Array(bytes[..<length]))
            }
        }
    }

    @Test(
        "memberlist 0.2.2's encrypted packets decode with the keyring",
        arguments: [
            ("encrypt-v1-ping", EncryptionVersion.unpadded), ("encrypt-v0-ping", EncryptionVersion.padded),
        ])
    func encryptedVectors(name: String, version: EncryptionVersion) throws {
        let envelope = try PacketEnvelope.decode(
            Fixture.hex("memberlist-0.2.2/\(name)"), keyring: Keyring(key: Self.key))
        #expect(envelope == PacketEnvelope(message: .ping(MessageVector.ping), encryption: version))
    }

    @Test(
        "every layer round-trips: label, encryption, CRC, compression, compound",
        arguments: [
            EncryptionVersion.padded, .unpadded,
        ])
    func allLayers(version: EncryptionVersion) throws {
        let message = Message.compressed(.lzw, .compound([.alive(MessageVector.alive), .user([1, 2, 3])]))
        let envelope = PacketEnvelope(message: message, label: "realcluster", hasChecksum: true, encryption: version)
        let keyring = try Keyring(key: Self.key)
        let bytes = try envelope.encoded(keyring: keyring)
        #expect(Array(bytes.prefix(13)) == [0xf4, 0x0b] + Array("realcluster".utf8))
        #expect(bytes[13] == version.rawValue)
        #expect(try PacketEnvelope.decode(bytes, expectedLabel: "realcluster", keyring: keyring) == envelope)
    }

    @Test("the label authenticates encrypted packets: a relabelled packet fails to decrypt")
    func labelIsAdditionalData() throws {
        let keyring = try Keyring(key: Self.key)
        let envelope = PacketEnvelope(message: .ping(MessageVector.ping), label: "aaaa", encryption: .unpadded)
        var bytes = try envelope.encoded(keyring: keyring)
        bytes[2] = UInt8(ascii: "b")
        #expect(throws: WireError.decryptionFailed(keysTried: 1)) { try PacketEnvelope.decode(bytes, keyring: keyring) }
    }

    @Test("a label other than the expected one is rejected before anything else")
    func wrongLabel() throws {
        let bytes = try PacketEnvelope(message: .ping(MessageVector.ping), label: "cluster-a").encoded()
        #expect(throws: WireError.labelMismatch(expected: "cluster-b", received: "cluster-a")) {
            try PacketEnvelope.decode(bytes, expectedLabel: "cluster-b")
        }
        #expect(throws: WireError.labelMismatch(expected: "", received: "cluster-a")) {
            try PacketEnvelope.decode(bytes, expectedLabel: "")
        }
        #expect(try PacketEnvelope.decode(bytes).label == "cluster-a")
        let unlabelled = try PacketEnvelope(message: .ping(MessageVector.ping)).encoded()
        #expect(throws: WireError.labelMismatch(expected: "cluster-a", received: "")) {
            try PacketEnvelope.decode(unlabelled, expectedLabel: "cluster-a")
        }
    }

    @Test("encrypting without a keyring is refused")
    func keyringRequired() {
        let envelope = PacketEnvelope(message: .ping(PingMessage()), encryption: .unpadded)
        #expect(throws: WireError.keyringRequired(context: "encrypting a packet")) { try envelope.encoded() }
    }

    @Test("a compressed packet whose payload is damaged reports the layer, not a short read")
    func damagedCompressedPayload() throws {
        // Compress a cut alive message: the outer packet is complete, its contents are not.
        let cut = Array(Fixture.hex("memberlist-0.2.2/alive-meta").prefix(20))
        let bytes = [MessageType.compress.rawValue] + (try Compression.compress(cut, algorithm: .snappy)).msgpackBytes
        let error = #expect(throws: WireError.self) { try PacketEnvelope.decode(bytes) }
        guard case .payloadTruncated(let layer, let field, _, _, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(layer == "snappy-decompressed message")
        #expect(field == "alive key")
        #expect(error?.isTruncation == false)
    }

    @Test("an LZW bomb inside a packet is stopped at the 40 MiB cap")
    func bombInPacket() throws {
        let compressed = CompressedMessage(algorithm: .lzw, buffer: LZWBomb.zeros(cycles: 8))
        let bytes = [MessageType.compress.rawValue] + compressed.msgpackBytes
        let error = #expect(throws: WireError.self) { try PacketEnvelope.decode(bytes) }
        guard case .limitExceeded(_, _, let limit) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(limit == WireLimits.maxDecompressed)
    }

    @Test("an unknown compression algorithm is reported by number")
    func unknownAlgorithm() {
        let bytes =
            [MessageType.compress.rawValue]
            + CompressedMessage(algorithm: CompressionAlgorithm(rawValue: 7), buffer: [1]).msgpackBytes
        #expect(throws: WireError.unsupportedCompression(CompressionAlgorithm(rawValue: 7))) {
            try PacketEnvelope.decode(bytes)
        }
    }
}
