import Crypto
import Foundation

// hashicorp/memberlist security.go: an encrypted payload is
//
//   [version: 1 byte][nonce: 12 bytes][AES-GCM ciphertext][tag: 16 bytes]
//
// version 0: the plaintext is PKCS7-padded to the AES block size (16) before sealing (1…16 padding bytes);
// version 1: no padding (memberlist uses it from protocol version 2 on, i.e. always in practice).
// Additional data: for packets the cluster label (none without a label); for streams
// [10][encrypted length: uint32 big-endian][label] (net.go `encryptLocalState`).

/// The encryption version byte.
public enum EncryptionVersion: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// AES-GCM over a PKCS7-padded plaintext (protocol version 1).
    case padded = 0
    /// AES-GCM without padding (protocol version 2 and later).
    case unpadded = 1

    /// "0 (padded)" or "1".
    public var description: String { self == .padded ? "0 (padded)" : "1" }
}

/// memberlist's AES-GCM payload encryption.
public enum Encryption {
    private static let nonceSize = 12
    private static let tagSize = 16
    private static let blockSize = 16

    /// The size of the encrypted payload for `plaintextCount` bytes (security.go `encryptedLength`).
    public static func encryptedLength(_ version: EncryptionVersion, plaintextCount: Int) -> Int {
        let padding = version == .padded ? blockSize - plaintextCount % blockSize : 0
        return 1 + nonceSize + plaintextCount + padding + tagSize
    }

    /// Encrypts `plaintext` with `key`; `nonce` (12 bytes) is random unless given (tests only).
    public static func seal(
        _ plaintext: [UInt8],
        key: [UInt8],
        version: EncryptionVersion,
        additionalData: [UInt8],
        nonce: [UInt8]? = nil
    ) throws(WireError) -> [UInt8] {
        var message = plaintext
        if version == .padded {
            let padding = blockSize - plaintext.count % blockSize
            message.append(contentsOf: repeatElement(UInt8(padding), count: padding))
        }
        do {
            let gcmNonce = try nonce.map { try AES.GCM.Nonce(data: $0) } ?? AES.GCM.Nonce()
            let box = try AES.GCM.seal(
                message, using: SymmetricKey(data: key), nonce: gcmNonce, authenticating: additionalData)
            var output: [UInt8] = [version.rawValue]
            output.reserveCapacity(encryptedLength(version, plaintextCount: plaintext.count))
            output.append(contentsOf: gcmNonce)
            output.append(contentsOf: box.ciphertext)
            output.append(contentsOf: box.tag)
            return output
        } catch {
            if ![16, 24, 32].contains(key.count) { throw .invalidKeyLength(key.count) }
            throw .invalidValue(field: "encryption nonce", offset: 0, reason: "a nonce is 12 bytes")
        }
    }

    /// Decrypts a payload with the first key of `keyring` that authenticates it.
    public static func open(
        _ payload: ArraySlice<UInt8>,
        keyring: Keyring,
        additionalData: [UInt8]
    ) throws(WireError) -> (plaintext: [UInt8], version: EncryptionVersion) {
        guard let first = payload.first else {
            throw .truncated(field: "encryption version", offset: payload.startIndex, needed: 1, available: 0)
        }
        guard let version = EncryptionVersion(rawValue: first) else {
            throw .unsupportedEncryptionVersion(first)
        }
        let minimum = encryptedLength(version, plaintextCount: 0)
        if payload.count < minimum {
            throw .truncated(
                field: "encrypted payload", offset: payload.startIndex, needed: minimum, available: payload.count)
        }
        let nonceStart = payload.startIndex + 1
        let cipherStart = nonceStart + nonceSize
        let tagStart = payload.endIndex - tagSize
        for key in keyring.keys {
            guard
                let box = try? AES.GCM.SealedBox(
                    nonce: AES.GCM.Nonce(data: payload[nonceStart..<cipherStart]),
                    ciphertext: payload[cipherStart..<tagStart],
                    tag: payload[tagStart...]),
                let opened = try? AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: additionalData)
            else { continue }
            var plaintext = [UInt8](opened)
            if version == .padded {
                // security.go `pkcs7decode` trusts the last byte; a padding that is not 1…16 of the same value
                // can only come from a sender bug, so say so instead of slicing garbage.
                guard let padding = plaintext.last, (1...UInt8(blockSize)).contains(padding),
                    Int(padding) <= plaintext.count,
                    plaintext.suffix(Int(padding)).allSatisfy({ $0 == padding })
                else {
                    throw .invalidValue(
                        field: "PKCS7 padding", offset: payload.startIndex, reason: "the decrypted padding is malformed"
                    )
                }
                plaintext.removeLast(Int(padding))
            }
            return (plaintext, version)
        }
        throw .decryptionFailed(keysTried: keyring.keys.count)
    }
}
