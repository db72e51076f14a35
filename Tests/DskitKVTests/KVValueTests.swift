import Testing

@testable import DskitKV

@Suite("KVValue: values decoded by codec id")
struct KVValueTests {
    @Test("ringDesc decodes to a ring")
    func ring() {
        let ring = RingDescription.synthetic(instances: 2, tokensPerInstance: 4)
        #expect(KVValue(codec: .ringDesc, value: ring.codecValue()) == .ring(ring))
    }

    @Test("an unknown codec is kept raw with its id and size")
    func unknown() {
        let value = KVValue(codec: CodecID("usageTrackerDesc"), value: [1, 2, 3])
        #expect(value == .unknown(codec: CodecID("usageTrackerDesc"), size: 3, bytes: [1, 2, 3]))
        #expect(value.codec == CodecID("usageTrackerDesc"))
    }

    @Test("a known codec with bad bytes is undecodable with the reason, not thrown")
    func undecodable() {
        let value = KVValue(codec: .ringDesc, value: [0x01])
        #expect(
            value == .undecodable(codec: .ringDesc, size: 1, error: .snappyInvalid(field: "ringDesc value", size: 1))
        )
        #expect(value.codec == .ringDesc)
    }
}
