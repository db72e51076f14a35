import Testing

@testable import DskitKV

@Suite("PropagationBeacons: the propagation delay tracker's value")
struct PropagationBeaconsTests {
    @Test("beacons survive snappy + protobuf and come out sorted by publication time")
    func roundTrip() throws {
        let beacons = PropagationBeacons(beacons: [
            .init(id: 7, publishedBy: "node-b", publishedAtMillis: 2_000, deletedAtMillis: 5_000),
            .init(id: 3, publishedBy: "node-a", publishedAtMillis: 1_000),
        ])
        #expect(beacons.beacons.map(\.id) == [3, 7])
        let decoded = try PropagationBeacons(codecValue: beacons.codecValue())
        #expect(decoded == beacons)
        #expect(decoded.beacons.map(\.isDeleted) == [false, true])
    }

    @Test("field numbers follow propagation_tracker.proto (published_by is field 3)")
    func fieldNumbers() throws {
        var beacon = Memberlist_BeaconDesc()
        beacon.publishedAt = 1
        beacon.deletedAt = 2
        beacon.publishedBy = "n"
        #expect(try beacon.serializedBytes() == [0x08, 1, 0x10, 2, 0x1a, 1, 0x6e] as [UInt8])
    }

    @Test("a propagationDelayTracker KV value decodes through KVValue")
    func viaKVValue() {
        let beacons = PropagationBeacons(beacons: [.init(id: 1, publishedBy: "x", publishedAtMillis: 5)])
        #expect(KVValue(codec: .propagationDelayTracker, value: beacons.codecValue()) == .propagationBeacons(beacons))
    }
}
