import MemberlistWire
import Testing

@Suite("Encryption")
struct EncryptionTests {
    static let key = Array("0123456789abcdef".utf8)
    static let ping = Fixture.hex("memberlist-0.2.2/ping")

    @Test(
        "memberlist 0.2.2's encrypted pings decrypt with the key",
        arguments: [
            ("encrypt-v1-ping", EncryptionVersion.unpadded), ("encrypt-v0-ping", EncryptionVersion.padded),
        ])
    func vectors(name: String, version: EncryptionVersion) throws {
        let bytes = Fixture.hex("memberlist-0.2.2/\(name)")
        let (plaintext, found) = try Encryption.open(bytes[...], keyring: Keyring(key: Self.key), additionalData: [])
        #expect(plaintext == Self.ping)
        #expect(found == version)
        #expect(bytes.count == Encryption.encryptedLength(version, plaintextCount: Self.ping.count))
    }

    @Test("sealing then opening round-trips for both versions and every key size", arguments: [16, 24, 32])
    func roundTrip(keySize: Int) throws {
        let key = [UInt8](repeating: 0x42, count: keySize)
        for version in [EncryptionVersion.padded, .unpadded] {
            for size in [0, 1, 15, 16, 17, 1000] {
                let plaintext = [UInt8](repeating: 0x17, count: size)
                let sealed = try Encryption.seal(plaintext, key: key, version: version, additionalData: [1, 2])
                #expect(sealed.count == Encryption.encryptedLength(version, plaintextCount: size))
                #expect(sealed.first == version.rawValue)
                let opened = try Encryption.open(sealed[...], keyring: Keyring(key: key), additionalData: [1, 2])
                #expect(opened.plaintext == plaintext)
            }
        }
    }

    @Test("a fixed nonce gives fixed bytes (nonce follows the version byte)")
    func fixedNonce() throws {
        let nonce = [UInt8](0..<12)
        let sealed = try Encryption.seal(Self.ping, key: Self.key, version: .unpadded, additionalData: [], nonce: nonce)
        #expect(Array(sealed[1..<13]) == nonce)
        #expect(
            try Encryption.seal(Self.ping, key: Self.key, version: .unpadded, additionalData: [], nonce: nonce)
                == sealed)
    }

    @Test("every key of the keyring is tried")
    func rotation() throws {
        let bytes = Fixture.hex("memberlist-0.2.2/encrypt-v1-ping")
        let keyring = try Keyring(keys: [[UInt8](repeating: 1, count: 32), Self.key])
        #expect(try Encryption.open(bytes[...], keyring: keyring, additionalData: []).plaintext == Self.ping)
    }

    @Test("a wrong key, wrong additional data, or a flipped bit fails authentication")
    func wrongKey() throws {
        let bytes = Fixture.hex("memberlist-0.2.2/encrypt-v1-ping")
        let wrong = try Keyring(key: [UInt8](repeating: 1, count: 16))
        #expect(throws: WireError.decryptionFailed(keysTried: 1)) {
            try Encryption.open(bytes[...], keyring: wrong, additionalData: [])
        }
        let right = try Keyring(key: Self.key)
        #expect(throws: WireError.decryptionFailed(keysTried: 1)) {
            try Encryption.open(bytes[...], keyring: right, additionalData: Array("label".utf8))
        }
        var flipped = bytes
        flipped[20] ^= 0x01
        #expect(throws: WireError.decryptionFailed(keysTried: 1)) {
            try Encryption.open(flipped[...], keyring: right, additionalData: [])
        }
    }

    @Test("unknown versions and short payloads are rejected before decrypting")
    func malformed() throws {
        let keyring = try Keyring(key: Self.key)
        #expect(throws: WireError.unsupportedEncryptionVersion(2)) {
            try Encryption.open([2] + [UInt8](repeating: 0, count: 40), keyring: keyring, additionalData: [])
        }
        let error = #expect(throws: WireError.self) {
            try Encryption.open([1] + [UInt8](repeating: 0, count: 27), keyring: keyring, additionalData: [])
        }
        #expect(error == .truncated(field: "encrypted payload", offset: 0, needed: 29, available: 28))
        #expect(throws: WireError.self) { try Encryption.open([], keyring: keyring, additionalData: []) }
    }

    @Test("bad PKCS7 padding in a version 0 payload is an error, not a crash")
    func badPadding() throws {
        // Seal a version-1 payload whose last byte is 0x20 (33 > 16), then relabel it as version 0.
        var sealed = try Encryption.seal(
            [UInt8](repeating: 0x20, count: 16), key: Self.key, version: .unpadded, additionalData: [])
        sealed[0] = 0
        #expect(throws: WireError.self) {
            try Encryption.open(sealed[...], keyring: Keyring(key: Self.key), additionalData: [])
        }
    }

    @Test("keys must be 16, 24 or 32 bytes")
    func keyLengths() {
        #expect(throws: WireError.invalidKeyLength(15)) { try Keyring(key: [UInt8](repeating: 0, count: 15)) }
        #expect(throws: WireError.invalidKeyLength(0)) { try Keyring(keys: []) }
        #expect((try? Keyring(keys: [[UInt8](repeating: 0, count: 24)]))?.primaryKey.count == 24)
    }
}
