/// A deterministic random number generator (xoshiro256**, Blackman and Vigna 2018), seeded through SplitMix64 so
/// that any 64-bit seed, zero included, gives a well-mixed state. The node draws every random choice memberlist
/// makes (probe order, insert positions, indirect and gossip targets) from one of these, so a run replays from its
/// seed. Not for secrets.
///
/// DskitKV has its own SplitMix64 for synthetic rings; Memberlist may not import DskitKV (it knows nothing of
/// rings), hence a generator of its own here.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence follows from `seed`.
    public init(seed: UInt64) {
        // SplitMix64 expands the seed: xoshiro must not start from an all-zero state, and nearby seeds should
        // not give nearby states.
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, by count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
