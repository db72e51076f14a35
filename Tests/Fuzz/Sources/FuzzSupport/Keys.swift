import MemberlistWire

/// The fuzz targets' keyring: the key of the encrypt-v*-ping vectors (AES-128, so those seeds decrypt), then the
/// 32-byte key the targets seal with, so their own ciphertexts also exercise key rotation (first key fails).
public let fuzzSealingKey: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }
public let fuzzKeyring: Keyring = {
    do {
        return try Keyring(keys: [Array("0123456789abcdef".utf8), fuzzSealingKey])
    } catch {
        fatalError("fuzz keyring: \(error)")
    }
}()
/// A keyring whose primary key is the sealing key (what a sender's `encoded(keyring:)` uses).
public let fuzzSendingKeyring: Keyring = {
    do {
        return try Keyring(key: fuzzSealingKey)
    } catch {
        fatalError("fuzz keyring: \(error)")
    }
}()
