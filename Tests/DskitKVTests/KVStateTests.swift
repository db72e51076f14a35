import Testing

@testable import DskitKV

@Suite("KVState: dskit's push/pull full state")
struct KVStateTests {
    @Test("join push/pull from a real dskit node holds key ring with peer-0/1/2 in zones a/b/c")
    func joinCapture() throws {
        let bytes = try CaptureFixture.userState("pushpull-join-nolabel.c2s.bin", userStateLength: 2085)
        let state = try KVState(fullState: bytes)
        #expect(state.pairs.count == 1)
        let pair = try #require(state["ring"])
        #expect(pair.codec == .ringDesc)
        #expect(!pair.deleted)
        guard case .ring(let ring) = pair.decodedValue() else {
            Issue.record("ring value did not decode: \(pair.decodedValue())")
            return
        }
        #expect(ring.instances.map(\.id) == ["peer-0", "peer-1", "peer-2"])
        #expect(ring.instances.map(\.zone) == ["zone-a", "zone-b", "zone-c"])
        #expect(ring.instances.map(\.address) == ["127.0.0.1:18046", "127.0.0.1:18047", "127.0.0.1:18048"])
        #expect(ring.instances.allSatisfy { $0.tokens.count == 128 })
        #expect(ring.instances.allSatisfy { $0.state == .active })
        #expect(ring.instances.allSatisfy { $0.heartbeatTimestamp > 1_700_000_000 })
        #expect(ring.instances.allSatisfy { $0.registeredTimestamp > 1_700_000_000 })
        #expect(ring.instances.allSatisfy { $0.tokens == $0.tokens.sorted() })
    }

    @Test("every push/pull capture's user state decodes to a ring", arguments: CaptureFixture.pushPullStates)
    func everyCapture(file: String, userStateLength: Int) throws {
        let state = try KVState(fullState: try CaptureFixture.userState(file, userStateLength: userStateLength))
        let pair = try #require(state.pairs.first { $0.codec == .ringDesc })
        #expect(pair.key == "ring")
        guard case .ring(let ring) = pair.decodedValue() else {
            Issue.record("\(file): ring value did not decode")
            return
        }
        #expect(!ring.instances.isEmpty)
        #expect(Set(ring.instances.map(\.id)).isSubset(of: ["peer-0", "peer-1", "peer-2"]))
    }

    @Test("decode then encode gives back the captured bytes")
    func roundTrip() throws {
        let bytes = try CaptureFixture.userState("pushpull-join-nolabel.c2s.bin", userStateLength: 2085)
        let state = try KVState(fullState: bytes)
        #expect(state.fullStateBytes() == bytes)
        #expect(try KVState(fullState: state.fullStateBytes()) == state)
    }

    @Test("an empty full state is no keys, not an error")
    func empty() throws {
        #expect(try KVState(fullState: []).pairs.isEmpty)
    }

    @Test("every truncation of a real full state throws truncated, never crashes")
    func everyTruncation() throws {
        let bytes = try CaptureFixture.userState("pushpull-join-nolabel.c2s.bin", userStateLength: 2085)
        for cut in 1..<bytes.count {
            let error = #expect(throws: DskitKVError.self) { try KVState(fullState: Array(bytes.prefix(cut))) }
            guard case .truncated = error else {
                Issue.record("cut at \(cut): \(String(describing: error))")
                return
            }
        }
    }

    @Test("a length prefix larger than the bytes that follow is a truncation naming the pair")
    func lyingLength() throws {
        let error = #expect(throws: DskitKVError.self) { try KVState(fullState: [0, 0, 0, 10, 0x0a, 0x01, 0x41]) }
        #expect(error == .truncated(field: "KV pair 0", offset: 4, needed: 10, available: 3))
    }

    @Test("a length prefix over the 20 MiB cap is refused before anything is allocated")
    func hugeLength() throws {
        let error = #expect(throws: DskitKVError.self) { try KVState(fullState: [0xff, 0xff, 0xff, 0xff, 1, 2]) }
        #expect(error == .limitExceeded(field: "KV pair 0 length", value: 0xffff_ffff, limit: DskitKVLimits.maxPair))
    }

    @Test("garbage protobuf in a pair is a protobuf error")
    func garbagePair() throws {
        let error = #expect(throws: DskitKVError.self) { try KVState(fullState: [0, 0, 0, 3, 0xff, 0xff, 0xff]) }
        guard case .protobufInvalid(let message, let size, _) = error else {
            Issue.record("expected protobufInvalid, got \(String(describing: error))")
            return
        }
        #expect(message == "memberlist.KeyValuePair")
        #expect(size == 3)
    }

    @Test("decodePrefix keeps the pairs before a bad one, as dskit's MergeRemoteState does")
    func prefixKeepsGoodPairs() throws {
        let good = KeyValuePair(key: "a", value: [1, 2, 3], codec: CodecID("string"))
        var bytes = KVState(pairs: [good]).fullStateBytes()
        bytes += [0, 0, 1, 0, 0x0a]
        let (state, failure) = KVState.decodePrefix(bytes)
        #expect(state.pairs == [good])
        #expect(failure == .truncated(field: "KV pair 1", offset: bytes.count - 1, needed: 256, available: 1))
    }

    @Test("two keys with different codecs both survive when one value is unknown and one undecodable")
    func mixedKeys() throws {
        let unknown = KeyValuePair(key: "other", value: [9, 9], codec: CodecID("usageTrackerDesc"))
        let broken = KeyValuePair(key: "collectors/ring", value: [0xff, 0xff, 0xff], codec: .ringDesc)
        let state = try KVState(fullState: KVState(pairs: [unknown, broken]).fullStateBytes())
        #expect(state.pairs.map(\.key) == ["other", "collectors/ring"])
        #expect(state.decodedPairs().map(\.value.codec) == [CodecID("usageTrackerDesc"), .ringDesc])
        #expect(state.pairs[0].decodedValue() == .unknown(codec: CodecID("usageTrackerDesc"), size: 2, bytes: [9, 9]))
        guard case .undecodable(.ringDesc, 3, _) = state.pairs[1].decodedValue() else {
            Issue.record("expected undecodable ring, got \(state.pairs[1].decodedValue())")
            return
        }
    }
}
