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
