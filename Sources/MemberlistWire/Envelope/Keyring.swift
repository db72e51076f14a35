// hashicorp/memberlist keyring.go: a list of AES keys (16, 24 or 32 bytes: AES-128/192/256); the first one
// (the primary key) encrypts, every key is tried to decrypt, so keys can be rotated without a flag day.

/// The AES keys of a memberlist cluster: the first encrypts, all are tried for decryption.
public struct Keyring: Hashable, Sendable {
    /// The keys, primary first.
    public let keys: [[UInt8]]

    /// A keyring of `keys` (primary first); throws if there is none or one is not 16, 24 or 32 bytes.
    public init(keys: [[UInt8]]) throws(WireError) {
        guard !keys.isEmpty else { throw .invalidKeyLength(0) }
        for key in keys where ![16, 24, 32].contains(key.count) {
            throw .invalidKeyLength(key.count)
        }
        self.keys = keys
    }

    /// A keyring with one key.
    public init(key: [UInt8]) throws(WireError) {
        try self.init(keys: [key])
    }

    /// The key that encrypts.
    public var primaryKey: [UInt8] { keys[0] }
}
