import Testing

@testable import DskitKV

@Suite("NodeMeta: dskit's zone-aware routing metadata")
struct NodeMetaTests {
    @Test("version 1, role, zone length, zone — as node_meta.go lays it out")
    func layout() throws {
        #expect(try NodeMeta(role: .member, zone: "zone-a").bytes() == [1, 1, 6] + Array("zone-a".utf8))
        #expect(try NodeMeta(role: .bridge, zone: "").bytes() == [1, 2, 0])
    }

    @Test("decode is the mirror of encode, and unknown roles are kept")
    func roundTrip() throws {
        for meta in [
            NodeMeta(role: .member, zone: "eu-west-1a"), NodeMeta(role: .bridge, zone: ""),
            NodeMeta(role: NodeMeta.Role(rawValue: 9), zone: "z"),
        ] {
            #expect(try NodeMeta(bytes: meta.bytes()) == meta)
        }
        #expect(NodeMeta.Role(rawValue: 9).description == "unknown(9)")
        #expect(NodeMeta.Role.bridge.description == "bridge")
    }

    @Test("bytes after the zone are ignored, as dskit's reader ignores them")
    func trailing() throws {
        #expect(try NodeMeta(bytes: [1, 1, 1, 0x61, 0xff, 0xff]) == NodeMeta(role: .member, zone: "a"))
    }

    @Test("zones over 16 bytes cannot be encoded")
    func zoneTooLong() {
        let zone = String(repeating: "z", count: 17)
        #expect(throws: DskitKVError.zoneNameTooLong(zone: zone, limit: 16)) {
            try NodeMeta(role: .member, zone: zone).bytes()
        }
    }

    @Test("empty, short, lying and unknown-version metadata are clear errors")
    func bad() {
        #expect(throws: DskitKVError.empty(what: "node metadata")) { try NodeMeta(bytes: []) }
        #expect(throws: DskitKVError.truncated(field: "node metadata header", offset: 0, needed: 3, available: 2)) {
            try NodeMeta(bytes: [1, 1])
        }
        #expect(throws: DskitKVError.truncated(field: "node metadata zone", offset: 3, needed: 5, available: 2)) {
            try NodeMeta(bytes: [1, 1, 5, 0x61, 0x62])
        }
        #expect(throws: DskitKVError.unsupportedNodeMetaVersion(2)) { try NodeMeta(bytes: [2, 1, 0]) }
    }
}
