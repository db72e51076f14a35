import Foundation
import Testing

@testable import DskitKV

@Suite("PartitionRingDescription: dskit's PartitionRingDesc (codec partitionRingDesc), decoded bounds-checked")
struct PartitionRingDescriptionTests {
    /// The hand-written vector in Fixtures/partition-ring (its comment derives every byte from the field numbers).
    static func vector() throws -> [UInt8] {
        let url = try #require(
            Bundle.module.url(
                forResource: "one-partition-one-owner.hex", withExtension: nil, subdirectory: "Fixtures/partition-ring"))
        let text = try String(contentsOf: url, encoding: .utf8)
        let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined().filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        return bytes
    }

    static let vectorRing = PartitionRingDescription(
        partitions: [PartitionDescription(id: 1, tokens: [10, 300], state: .active, stateTimestamp: 1_700_000_000)],
        owners: [PartitionOwner(id: "a", partition: 1, state: .active, updatedTimestamp: 1_700_000_000)])

    /// A ring with every field set, negative ids and unknown states included.
    static let full = PartitionRingDescription(
        partitions: [
            PartitionDescription(
                id: 2, tokens: [7, 1 << 31, UInt32.max], state: .inactive, stateTimestamp: 1_767_000_000,
                stateChangeLocked: true, stateChangeLockedTimestamp: 1_767_000_100),
            PartitionDescription(id: -3, tokens: [], state: PartitionState(rawValue: 9), stateTimestamp: 5),
            PartitionDescription(id: 0, tokens: [1], state: .pending, stateTimestamp: 1, recordedID: 4),
        ],
        owners: [
            PartitionOwner(id: "ingester-zone-b-2", partition: 2, state: .deleted, updatedTimestamp: 1_767_000_200),
            PartitionOwner(id: "ingester-zone-a-2", partition: 2, state: OwnerState(rawValue: 7), updatedTimestamp: -1),
        ])

    @Test("the hand-written vector decodes to the partition and owner its comment describes, and encodes back")
    func handWrittenVector() throws {
        let bytes = try Self.vector()
        let ring = try PartitionRingDescription(protobuf: bytes)
        #expect(ring == Self.vectorRing)
        #expect(ring.protobufBytes() == bytes)
        #expect(try PartitionRingDescription(codecValue: SnappyBlock.compress(bytes)) == Self.vectorRing)
    }

    @Test("every field, negative ids and unknown states survive the codec value round trip; sorted by id")
    func roundTrip() throws {
        let again = try PartitionRingDescription(codecValue: Self.full.codecValue())
        #expect(again == Self.full)
        #expect(again.partitions.map(\.id) == [-3, 0, 2])
        #expect(again.owners.map(\.id) == ["ingester-zone-a-2", "ingester-zone-b-2"])
        #expect(again[partition: 0]?.recordedID == 4)
        #expect(again[partition: -3]?.state.name == "UNKNOWN(9)")
        #expect(again[owner: "ingester-zone-a-2"]?.state.name == "UNKNOWN(7)")
    }

    @Test("KVValue decodes codec partitionRingDesc; the same bytes under an unknown codec stay raw")
    func kvValue() {
        let value = Self.full.codecValue()
        #expect(KVValue(codec: .partitionRingDesc, value: value) == .partitionRing(Self.full))
        #expect(KVValue(codec: .partitionRingDesc, value: value).codec == .partitionRingDesc)
        #expect(KVValue(codec: CodecID("somethingNew"), value: value)
            == .unknown(codec: CodecID("somethingNew"), size: value.count, bytes: value))
        guard case .undecodable(.partitionRingDesc, 3, _) = KVValue(codec: .partitionRingDesc, value: [1, 2, 3]) else {
            Issue.record("garbage under partitionRingDesc should be undecodable")
            return
        }
    }

    @Test("an empty value and a value for another codec are refused with what to do")
    func refusals() throws {
        #expect(throws: DskitKVError.empty(what: "partitionRingDesc value")) {
            try PartitionRingDescription(codecValue: [])
        }
        let pair = KeyValuePair(key: "ring", value: Self.full.codecValue(), codec: .ringDesc)
        #expect(throws: DskitKVError.codecMismatch(expected: .partitionRingDesc, found: .ringDesc)) {
            try PartitionRingDescription(pair: pair)
        }
    }

    @Test("a snappy header announcing more than the limit is refused before anything is allocated")
    func snappyLimit() {
        // Snappy's preamble is the uncompressed length as a varint: 2^40 here.
        let huge: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00]
        #expect(throws: DskitKVError.self) { try PartitionRingDescription(codecValue: huge) }
    }

    @Test("every truncation and every single-byte change of the vector throws or decodes, never traps")
    func malformed() throws {
        let bytes = try Self.vector()
        for length in 0..<bytes.count {
            // A cut inside a length-delimited field must throw; a cut between fields may decode to less.
            if let ring = try? PartitionRingDescription(protobuf: Array(bytes.prefix(length))) {
                #expect(ring != Self.vectorRing, "prefix of \(length) bytes decoded to the whole ring")
            }
        }
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices {
            for _ in 0..<8 {
                var changed = bytes
                changed[index] = UInt8.random(in: 0...255, using: &generator)
                if let ring = try? PartitionRingDescription(protobuf: changed) {
                    // Whatever decodes re-encodes and decodes to the same value.
                    #expect(try PartitionRingDescription(protobuf: ring.protobufBytes()) == ring)
                }
            }
        }
    }

    @Test("a ring.Desc with instances is not a partition ring with content, nor the other way round")
    func notConfusedWithRingDesc() throws {
        let ring = RingDescription(instances: [
            InstanceDescription(id: "ingester-0", address: "10.0.0.1:9095", heartbeatTimestamp: 1, state: .active, tokens: [1, 2]),
        ])
        let asPartitions = try? PartitionRingDescription(codecValue: ring.codecValue())
        #expect(asPartitions == nil || asPartitions?.isEmpty == true)
        let asRing = try? RingDescription(codecValue: Self.full.codecValue())
        #expect(asRing == nil || asRing?.instances.isEmpty == true)
    }
}
