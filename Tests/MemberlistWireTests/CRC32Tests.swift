import MemberlistWire
import Testing

@Suite("CRC32")
struct CRC32Tests {
    @Test("the IEEE check value")
    func checkValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test("the memberlist 0.2.2 hasCrc vector carries the CRC of the ping")
    func vector() {
        let bytes = Fixture.hex("memberlist-0.2.2/crc-ping")
        #expect(bytes[0] == MessageType.hasCRC.rawValue)
        #expect(Array(bytes[1..<5]) == [0x6d, 0x4c, 0x24, 0xf3])
        #expect(CRC32.checksum(bytes[5...]) == 0x6d4c_24f3)
    }
}

@Suite("CRC32 slicing-by-8")
struct CRC32SlicingTests {
    /// The plain bitwise definition, one bit at a time.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test("every length 0…300 and every alignment of a slice agree with the bitwise definition")
    func agreesWithReference() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length + 7).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for offset in 0..<8 {
                let slice = Array(bytes[offset..<(offset + length)])
                #expect(CRC32.checksum(slice) == Self.reference(slice), "length \(length), offset \(offset)")
                #expect(CRC32.checksum(bytes[offset..<(offset + length)]) == Self.reference(slice))
            }
        }
        // A sequence without contiguous storage takes the same path.
        #expect(CRC32.checksum("123456789".utf8.lazy.map { $0 }) == 0xCBF4_3926)
    }
}
