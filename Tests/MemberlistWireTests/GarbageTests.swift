import MemberlistWire
import Testing

/// Random and mutated inputs: every decoder must throw a WireError or decode, never crash; what decodes must
/// encode again.
@Suite("Garbage input")
struct GarbageTests {
    static let seeds: [[UInt8]] = [
        Fixture.hex("memberlist-0.2.2/alive-meta"), Fixture.hex("memberlist-0.2.2/compound-ping-alive"),
        Fixture.hex("memberlist-0.2.2/lzw-alive"), Fixture.hex("memberlist-0.2.2/crc-ping"),
        Fixture.bytes("dskit-captures/packet-ack.c2s.bin"),
        Array(Fixture.bytes("dskit-captures/pushpull-periodic-label.c2s.bin").prefix(400)),
    ]

    private func exercise(_ bytes: [UInt8]) {
        if let message = try? Message(bytes: bytes) {
            #expect(throws: Never.self) { _ = try message.encoded() }
        }
        if let envelope = try? PacketEnvelope.decode(bytes) {
            #expect(throws: Never.self) { _ = try envelope.encoded() }
        }
        if let envelope = try? StreamEnvelope.decode(bytes, direction: .listener) {
            #expect(throws: Never.self) { _ = try envelope.encoded(direction: .listener) }
        }
        if let frame = try? DskitFrame.decode(bytes, verifyDigest: false) {
            #expect(throws: Never.self) { _ = try frame.encoded() }
        }
        _ = try? LZW.decompress(bytes, limit: 1 << 20)
        _ = try? Snappy.decompress(bytes, limit: 1 << 20)
    }

    @Test("random bytes")
    func random() {
        var generator = SeededGenerator(seed: 2024)
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...64, using: &generator)
            var bytes = generator.bytes(count)
            // Steer a third of the inputs at the interesting first bytes.
            if !bytes.isEmpty && Bool.random(using: &generator) {
                bytes[0] = [0x01, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x0c, 0xf4].randomElement(using: &generator)!
            }
            exercise(bytes)
        }
    }

    @Test("mutated real messages")
    func mutated() {
        var generator = SeededGenerator(seed: 7946)
        for seed in Self.seeds {
            for _ in 0..<300 {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                exercise(bytes)
            }
        }
    }
}
