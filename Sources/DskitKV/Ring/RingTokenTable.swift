// Every token of a ring with its holder, sorted once (radix sort, O(tokens)) and shared by what needs the sorted
// circle: dskit's ownership (RingOwnership) and dskit's replica-set walk (ReplicationRing).

/// The ring's tokens sorted, each packed with the index of its holder in `RingDescription.instances`.
public struct RingTokenTable: Hashable, Sendable {
    /// `token << 32 | instance index`, sorted by token; among equal tokens, by instance index (id order).
    public let keys: [UInt64]
    /// How many instances the ring has.
    public let instanceCount: Int

    /// Sorts the tokens of `ring`.
    public init(ring: RingDescription) {
        let instances = ring.instances
        let total = instances.reduce(0) { $0 + $1.tokens.count }
        var keys = [UInt64](unsafeUninitializedCapacity: total) { buffer, initialized in
            var position = 0
            for (index, instance) in instances.enumerated() {
                let low = UInt64(truncatingIfNeeded: index)
                instance.tokens.withUnsafeBufferPointer { tokens in
                    for token in tokens {
                        buffer[position] = UInt64(token) << 32 | low
                        position += 1
                    }
                }
            }
            initialized = position
        }
        RingOwnership.sortByToken(&keys)
        self.keys = keys
        self.instanceCount = instances.count
    }

    /// The token of a key.
    @inline(__always)
    public static func token(_ key: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: key >> 32) }

    /// The holder (index into `RingDescription.instances`) of a key.
    @inline(__always)
    public static func holder(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key & 0xFFFF_FFFF) }
}
