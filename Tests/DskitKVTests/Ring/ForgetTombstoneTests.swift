import Foundation
import Testing

@testable import DskitKV

/// The tombstone `ringctl forget` sends, against the spec's worked example (dskit-ring-operations.md, "Worked
/// example (forget)"), with the expected bytes written out by hand from ring.proto and kv.proto field numbers.
@Suite("ForgetTombstone: the LEFT entry and KV pair that forget an instance")
struct ForgetTombstoneTests {
    static let now = Date(timeIntervalSince1970: 1_767_226_500)
    static let registered: Int64 = 1_767_000_000

    /// ingester-zone-b-0: ACTIVE with 128 tokens, last heartbeat 1767225600 (15 minutes before `now`).
    static let crashed = InstanceDescription(
        id: "ingester-zone-b-0", address: "10.0.1.7:9095", heartbeatTimestamp: 1_767_225_600, state: .active,
        tokens: (0..<128).map { UInt32($0) * 33_554_432 + 7 }, zone: "zone-b", registeredTimestamp: registered)

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    static func field(_ number: UInt64, bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }
    static func field(_ number: UInt64, string: String) -> [UInt8] { field(number, bytes: Array(string.utf8)) }
    static func field(_ number: UInt64, varint value: UInt64) -> [UInt8] { varint(number << 3) + varint(value) }

    @Test("the worked example: LEFT, no tokens, timestamp now, every other field kept")
    func workedExample() {
        let tombstone = ForgetTombstone.tombstone(of: Self.crashed, now: Self.now)
        #expect(tombstone.state == .left)
        #expect(tombstone.tokens.isEmpty)
        #expect(tombstone.heartbeatTimestamp == 1_767_226_500)
        #expect(tombstone.address == "10.0.1.7:9095")
        #expect(tombstone.zone == "zone-b")
        #expect(tombstone.id == "ingester-zone-b-0")
        #expect(tombstone.registeredTimestamp == Self.registered)
    }

    @Test("the worked example's bytes: key with its prefix, codec ringDesc, not deleted, update time 0, the Desc")
    func workedExampleBytes() throws {
        let pair = ForgetTombstone(key: "collectors/ring", forgetting: [Self.crashed], now: Self.now).pair
        // InstanceDesc: addr 1, timestamp 2, state 3 (LEFT = 4), no tokens (6), zone 7, registered_timestamp 8, id 9.
        let instance = Self.field(1, string: "10.0.1.7:9095") + Self.field(2, varint: 1_767_226_500)
            + Self.field(3, varint: 4) + Self.field(7, string: "zone-b")
            + Self.field(8, varint: UInt64(Self.registered))
            + Self.field(9, string: "ingester-zone-b-0")
        // Desc: map<string, InstanceDesc> ingesters = 1, one entry {key 1, value 2}.
        let desc = Self.field(1, bytes: Self.field(1, string: "ingester-zone-b-0") + Self.field(2, bytes: instance))
        #expect(try SnappyBlock.uncompress(pair.value, limit: 1 << 20, field: "test") == desc)
        #expect(pair.key == "collectors/ring")
        #expect(pair.codec == .ringDesc)
        #expect(pair.deleted == false)
        #expect(pair.updateTimeMillis == 0)
        // KeyValuePair: key 1, value 2, codec 3; deleted (4) and update_time_millis (5) are defaults, left out.
        let expected = Self.field(1, string: "collectors/ring") + Self.field(2, bytes: pair.value)
            + Self.field(3, string: "ringDesc")
        #expect(pair.protobufBytes() == expected)
    }

    @Test("a clock behind the last heartbeat still stamps after it: max(now, heartbeat + 1)")
    func clockBehind() {
        var ahead = Self.crashed
        ahead.heartbeatTimestamp = 1_767_226_600
        #expect(ForgetTombstone.timestamp(forgetting: ahead, now: Self.now) == 1_767_226_601)
        var same = Self.crashed
        same.heartbeatTimestamp = 1_767_226_500
        #expect(ForgetTombstone.timestamp(forgetting: same, now: Self.now) == 1_767_226_501)
        // Sub-second now rounds down, as dskit's Unix seconds do.
        let later = Self.now.addingTimeInterval(0.9)
        #expect(ForgetTombstone.timestamp(forgetting: Self.crashed, now: later) == 1_767_226_500)
    }

    @Test("every receiver's merge takes the tombstone over the crashed entry, and a later heartbeat takes it back")
    func receiversMerge() {
        let ring = RingDescription(instances: [Self.crashed])
        let change = ForgetTombstone(key: "collectors/ring", forgetting: [Self.crashed], now: Self.now).change
        let stored = RingMerge.store(change, into: ring, localCAS: false, now: Self.now)
        #expect(stored.value?["ingester-zone-b-0"]?.state == .left)
        #expect(stored.broadcast?.instances.map(\.id) == ["ingester-zone-b-0"])
        #expect(ForgetTombstone.isForgotten("ingester-zone-b-0", in: stored.value))
        var back = Self.crashed
        back.heartbeatTimestamp = 1_767_226_505
        let again = RingMerge.store(
            RingDescription(instances: [back]), into: stored.value, localCAS: false, now: Self.now)
        #expect(again.value?["ingester-zone-b-0"]?.state == .active)
        #expect(!ForgetTombstone.isForgotten("ingester-zone-b-0", in: again.value))
    }

    @Test("reusing the old heartbeat as the timestamp would be swept at once: the fresh one is kept")
    func oldTimestampIsSwept() {
        var stale = ForgetTombstone.tombstone(of: Self.crashed, now: Self.now)
        stale.heartbeatTimestamp = Self.crashed.heartbeatTimestamp
        let ring = RingDescription(instances: [Self.crashed])
        let swept = RingMerge.store(RingDescription(instances: [stale]), into: ring, localCAS: false, now: Self.now)
        #expect(swept.broadcast == nil)
        let fresh = ForgetTombstone(key: "collectors/ring", forgetting: [Self.crashed], now: Self.now).change
        #expect(RingMerge.store(fresh, into: ring, localCAS: false, now: Self.now).broadcast != nil)
    }

    @Test("several instances of one key travel in one change, sorted by id")
    func several() {
        var other = Self.crashed
        other.id = "ingester-zone-a-3"
        let tombstone = ForgetTombstone(key: "collectors/ring", forgetting: [Self.crashed, other], now: Self.now)
        #expect(tombstone.tombstones.map(\.id) == ["ingester-zone-a-3", "ingester-zone-b-0"])
        #expect(tombstone.change.instances.allSatisfy { $0.state == .left && $0.tokens.isEmpty })
    }
}
