// Cassandra's "Owns (effective)" for a dskit ring: the share of the key space whose replica set holds an instance,
// for a replication factor and zone awareness. Each range of the ring (ReplicationRing.keyRanges) is walked as
// dskit's Write operation walks it (ring/ring.go findInstancesForKey), by state only: heartbeats do not change
// which instances a key belongs to, only which of them answer. An instance's share is the sum of the ranges whose
// walk chose it; a zone's, the sum of the ranges whose walk chose any of its instances. Shares are of 2^32 keys.

/// The share of keys whose replica set holds each instance and each zone.
public struct EffectiveOwnership: Hashable, Sendable {
    /// Keys (of 2^32) whose replica set holds each instance, in `RingDescription.instances` order.
    public var ownedKeys: [UInt64]
    /// Keys whose replica set holds an instance of each zone, by zone name ("" for no zone).
    public var zoneKeys: [String: UInt64]
    /// The settings walked with.
    public var settings: ReplicationSettings
    /// The operation walked (Write unless asked otherwise).
    public var operation: RingOperation

    /// Walks every range of `ring` once.
    public init(ring: ReplicationRing, settings: ReplicationSettings, operation: RingOperation = .write) {
        var owned = [UInt64](repeating: 0, count: ring.instances.count)
        var zones = [UInt64](repeating: 0, count: ring.zones.count)
        let extends = ring.instances.map { operation.extends(on: $0.state) }
        var walker = ReplicaWalker(
            ring: ring, replicationFactor: settings.replicationFactor, zoneAware: settings.zoneAwareness)
        walker.precomputeNearest()
        let (_, counts) = ring.keyRanges()
        var seenZone = [Int](repeating: -1, count: ring.zones.count)
        for position in counts.indices where counts[position] > 0 {
            walker.walk(from: position, extends: extends)
            for holder in walker.chosen {
                owned[Int(holder)] += counts[position]
                let zone = Int(ring.zoneOfInstance[Int(holder)])
                if seenZone[zone] != position {
                    seenZone[zone] = position
                    zones[zone] += counts[position]
                }
            }
        }
        ownedKeys = owned
        zoneKeys = Dictionary(uniqueKeysWithValues: zip(ring.zones, zones))
        self.settings = settings
        self.operation = operation
    }

    /// Instance `index`'s share, percent of the 2^32 keys.
    public func percent(at index: Int) -> Double {
        Self.percent(ownedKeys[index])
    }

    /// A number of keys as a percentage of the 2^32 keys.
    public static func percent(_ keys: UInt64) -> Double {
        Double(keys) / 4_294_967_296 * 100
    }
}
