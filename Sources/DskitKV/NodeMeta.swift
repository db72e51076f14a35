// grafana/dskit kv/memberlist/node_meta.go (zone-aware routing), carried in memberlist's alive Meta:
//     [version: 1 byte = 1][role: 1 byte, 1 member / 2 bridge][zone length: 1 byte, ≤ 16][zone: UTF-8]
// dskit itself reads anything invalid as (member, ""); ringctl says what was wrong instead, and ignores
// bytes after the zone, which a later version 1 writer could add without breaking dskit's reader either.

/// dskit node metadata: the role and zone a memberlist node advertises for zone-aware routing.
public struct NodeMeta: Hashable, Sendable, Codable {
    /// A node's role in zone-aware routing (kv/memberlist/node_zone_aware_routing.go); an open set.
    public struct Role: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// An ordinary member: gossips within its zone.
        public static let member = Role(rawValue: 1)
        /// A bridge: gossips across zones.
        public static let bridge = Role(rawValue: 2)
        /// dskit's spelling: "member", "bridge", or "unknown(n)".
        public var description: String {
            switch rawValue {
            case 1: return "member"
            case 2: return "bridge"
            default: return "unknown(\(rawValue))"
            }
        }
    }

    /// The only version dskit writes.
    public static let version: UInt8 = 1
    /// dskit's `MaxZoneNameLength`.
    public static let maxZoneLength = 16

    /// The node's role.
    public var role: Role
    /// The node's zone ("" when none).
    public var zone: String

    /// Metadata from its fields.
    public init(role: Role, zone: String) {
        self.role = role
        self.zone = zone
    }

    /// Decodes Meta bytes of an alive message or push/pull node state.
    public init(bytes: [UInt8]) throws(DskitKVError) {
        guard bytes.count >= 3 else {
            if bytes.isEmpty { throw .empty(what: "node metadata") }
            throw .truncated(field: "node metadata header", offset: 0, needed: 3, available: bytes.count)
        }
        guard bytes[0] == Self.version else { throw .unsupportedNodeMetaVersion(bytes[0]) }
        let zoneLength = Int(bytes[2])
        guard zoneLength <= bytes.count - 3 else {
            throw .truncated(field: "node metadata zone", offset: 3, needed: zoneLength, available: bytes.count - 3)
        }
        self.role = Role(rawValue: bytes[1])
        // Go strings may hold any bytes; show invalid UTF-8 with replacement characters rather than failing.
        self.zone = String(decoding: bytes[3..<3 + zoneLength], as: UTF8.self)
    }

    /// Encodes as dskit's `EncodeNodeMetadata`; zones over 16 bytes are rejected as dskit rejects them.
    public func bytes() throws(DskitKVError) -> [UInt8] {
        let zoneBytes = Array(zone.utf8)
        guard zoneBytes.count <= Self.maxZoneLength else {
            throw .zoneNameTooLong(zone: zone, limit: Self.maxZoneLength)
        }
        return [Self.version, role.rawValue, UInt8(truncatingIfNeeded: zoneBytes.count)] + zoneBytes
    }
}
