// A realistic random ring for benchmarks, demos and tests: what a healthy dskit cluster gossips, made
// reproducible by a seed. Tokens are random and unique across the ring, as dskit's random token generator
// picks them (ring/token_generator.go), and sorted per instance, as the lifecycler stores them.

extension RingDescription {
    /// A ring of `instances` ACTIVE instances spread round-robin over `zones` zones ("zone-a", ...; 0 = no zone),
    /// each with `tokensPerInstance` unique random tokens, heartbeats up to 15 s before `now` (Unix seconds).
    public static func synthetic(
        instances: Int,
        tokensPerInstance: Int,
        zones: Int = 3,
        seed: UInt64 = 1,
        now: Int64 = 1_767_225_600
    ) -> RingDescription {
        var random = SplitMix64(seed: seed)
        let instanceCount = max(0, instances)
        let tokenCount = max(0, min(tokensPerInstance, Int(UInt32.max) / max(1, instanceCount)))
        var taken = Set<UInt32>(minimumCapacity: instanceCount * tokenCount)
        let zoneNames = (0..<max(0, zones)).map { Self.syntheticZoneName($0) }
        var result: [InstanceDescription] = []
        result.reserveCapacity(instanceCount)
        for index in 0..<instanceCount {
            var tokens: [UInt32] = []
            tokens.reserveCapacity(tokenCount)
            while tokens.count < tokenCount {
                let token = UInt32(truncatingIfNeeded: random.next())
                if taken.insert(token).inserted { tokens.append(token) }
            }
            tokens.sort()
            let zone = zoneNames.isEmpty ? "" : zoneNames[index % zoneNames.count]
            let id = zone.isEmpty ? "ingester-\(index)" : "ingester-\(zone)-\(index)"
            let address = "10.\(index / 65_536 % 256).\(index / 256 % 256).\(index % 256):9095"
            result.append(
                InstanceDescription(
                    id: id,
                    address: address,
                    heartbeatTimestamp: now - Int64(random.next() % 16),
                    state: .active,
                    tokens: tokens,
                    zone: zone,
                    registeredTimestamp: now - 86_400 - Int64(random.next() % (30 * 86_400))
                )
            )
        }
        return RingDescription(instances: result)
    }

    private static func syntheticZoneName(_ index: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return index < letters.count ? "zone-\(letters[index])" : "zone-\(index)"
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough for test data; not for secrets.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
