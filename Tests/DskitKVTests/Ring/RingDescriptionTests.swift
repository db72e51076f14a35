import Testing

@testable import DskitKV

@Suite("RingDescription: ring.Desc as dskit stores it (snappy + protobuf)")
struct RingDescriptionTests {
    static let sample = RingDescription(instances: [
        InstanceDescription(
            id: "ingester-1",
            address: "10.0.0.2:9095",
            heartbeatTimestamp: 1_767_225_590,
            state: .leaving,
            tokens: [3, 1, 2],
            zone: "zone-b",
            registeredTimestamp: 1_767_000_000,
            readOnly: true,
            readOnlyUpdatedTimestamp: 1_767_100_000,
            versions: [1: 7, 2: 3]
        ),
        InstanceDescription(
            id: "ingester-0",
            address: "10.0.0.1:9095",
            heartbeatTimestamp: 1_767_225_599,
            state: InstanceState(rawValue: 9),
            tokens: [UInt32.max, 0],
            zone: "zone-a"
        ),
    ])

    @Test("instances come out sorted by id")
    func sorted() {
        #expect(Self.sample.instances.map(\.id) == ["ingester-0", "ingester-1"])
    }

    @Test("every field survives snappy + protobuf, including an unknown state number")
    func roundTrip() throws {
        let decoded = try RingDescription(codecValue: Self.sample.codecValue())
        #expect(decoded == Self.sample)
        #expect(decoded["ingester-0"]?.state.name == "UNKNOWN(9)")
        #expect(decoded["ingester-1"]?.versions == [1: 7, 2: 3])
        #expect(decoded["ingester-1"]?.tokens == [3, 1, 2])
    }

    @Test("a ring.Desc built with the generated types decodes the same way")
    func fromGeneratedTypes() throws {
        var instance = Ring_InstanceDesc()
        instance.addr = "127.0.0.1:1"
        instance.timestamp = 42
        instance.state = .joining
        instance.tokens = [10, 20]
        instance.zone = "z"
        instance.id = "x"
        var desc = Ring_Desc()
        desc.ingesters["x"] = instance
        let ring = try RingDescription(codecValue: SnappyBlock.compress(try desc.serializedBytes()))
        #expect(
            ring.instances == [
                InstanceDescription(
                    id: "x",
                    address: "127.0.0.1:1",
                    heartbeatTimestamp: 42,
                    state: .joining,
                    tokens: [10, 20],
                    zone: "z"
                )
            ]
        )
    }

    @Test("tokens are written packed (field 6, wire type 2), as dskit writes them")
    func packedTokens() throws {
        let bytes = RingDescription(instances: [
            InstanceDescription(id: "i", address: "", heartbeatTimestamp: 0, state: .active, tokens: [1, 2, 3])
        ]).protobufBytes()
        // …InstanceDesc: 0x32 (field 6, LEN) 0x03 01 02 03
        #expect(bytes.windowContaining([0x32, 0x03, 0x01, 0x02, 0x03]))
    }

    @Test("the instance id is the map key even when field 9 disagrees or is empty")
    func idFromKey() throws {
        var instance = Ring_InstanceDesc()
        instance.id = "stale"
        var desc = Ring_Desc()
        desc.ingesters["key"] = instance
        let ring = try RingDescription(protobuf: try desc.serializedBytes())
        #expect(ring.instances.map(\.id) == ["key"])
    }

    @Test("plain protobuf handed over as a codec value is a snappy error that says what to check")
    func notSnappy() throws {
        let error = #expect(throws: DskitKVError.self) {
            try RingDescription(codecValue: Array("{\"ingesters\":{}}".utf8))
        }
        guard case .snappyInvalid = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("snappy") == true)
    }

    @Test("a KV pair decodes as a ring only when its codec is ringDesc")
    func fromPair() throws {
        let ring = RingDescription.synthetic(instances: 3, tokensPerInstance: 2)
        #expect(
            try RingDescription(pair: KeyValuePair(key: "collectors/ring", value: ring.codecValue(), codec: .ringDesc))
                == ring
        )
        let other = KeyValuePair(key: "ring", value: ring.codecValue(), codec: .propagationDelayTracker)
        #expect(throws: DskitKVError.codecMismatch(expected: .ringDesc, found: .propagationDelayTracker)) {
            try RingDescription(pair: other)
        }
    }

    @Test("empty input says so")
    func empty() {
        #expect(throws: DskitKVError.empty(what: "ringDesc value")) { try RingDescription(codecValue: []) }
    }

    @Test("valid snappy around garbage protobuf is a protobuf error for ring.Desc")
    func garbageProtobuf() {
        let error = #expect(throws: DskitKVError.self) {
            try RingDescription(codecValue: SnappyBlock.compress([0x0a, 0xff, 0x01]))
        }
        guard case .protobufInvalid("ring.Desc", 3, _) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
    }

    @Test("every truncation of a real ring value throws, never crashes")
    func truncations() throws {
        let bytes = try CaptureFixture.userState("pushpull-join-nolabel.c2s.bin", userStateLength: 2085)
        let value = try #require(KVState(fullState: bytes)["ring"]).value
        for cut in 0..<value.count {
            #expect(throws: DskitKVError.self) { try RingDescription(codecValue: Array(value.prefix(cut))) }
        }
    }

    @Test("random garbage never crashes the decoder")
    func garbage() {
        var random = SplitMix64(seed: 3)
        for length in 0..<400 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? RingDescription(codecValue: bytes)
            _ = try? RingDescription(protobuf: bytes)
            _ = try? KVState(fullState: bytes)
            _ = try? KeyValuePair(protobuf: bytes)
        }
        #expect(Bool(true), "reaching here means no trap")
    }
}

extension Array where Element == UInt8 {
    func windowContaining(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<$0 + needle.count]) == needle }
    }
}
