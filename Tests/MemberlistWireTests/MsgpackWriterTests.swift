import MemberlistWire
import Testing

@Suite("MsgpackWriter")
struct MsgpackWriterTests {
    private func signed(_ value: Int64) -> [UInt8] {
        var writer = MsgpackWriter()
        writer.writeSigned(value)
        return writer.bytes
    }

    private func unsigned(_ value: UInt64) -> [UInt8] {
        var writer = MsgpackWriter()
        writer.writeUnsigned(value)
        return writer.bytes
    }

    @Test("Go int uses the smallest signed form, as go-msgpack writes it")
    func signedForms() {
        #expect(signed(0) == [0x00])
        #expect(signed(127) == [0x7f])
        #expect(signed(128) == [0xd1, 0x00, 0x80])
        #expect(signed(2085) == [0xd1, 0x08, 0x25])
        #expect(signed(32767) == [0xd1, 0x7f, 0xff])
        #expect(signed(32768) == [0xd2, 0x00, 0x00, 0x80, 0x00])
        #expect(signed(Int64(Int32.max) + 1) == [0xd3, 0, 0, 0, 0, 0x80, 0, 0, 0])
        #expect(signed(-1) == [0xff])
        #expect(signed(-32) == [0xe0])
        #expect(signed(-33) == [0xd0, 0xdf])
        #expect(signed(-129) == [0xd1, 0xff, 0x7f])
        #expect(signed(-32769) == [0xd2, 0xff, 0xff, 0x7f, 0xff])
        #expect(signed(Int64.min) == [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("unsigned Go integers use the smallest unsigned form")
    func unsignedForms() {
        #expect(unsigned(127) == [0x7f])
        #expect(unsigned(128) == [0xcc, 0x80])
        #expect(unsigned(7946) == [0xcd, 0x1f, 0x0a])
        #expect(unsigned(65536) == [0xce, 0x00, 0x01, 0x00, 0x00])
        #expect(unsigned(1 << 32) == [0xcf, 0, 0, 0, 1, 0, 0, 0, 0])
    }

    @Test("[]byte and strings are old-spec raw: fixstr, then str16, never str8 or bin")
    func rawForms() {
        var writer = MsgpackWriter()
        writer.writeBytes(Array(repeating: 1, count: 31))
        #expect(writer.bytes.first == 0xbf)
        writer = MsgpackWriter()
        writer.writeBytes(Array(repeating: 1, count: 32))
        #expect(Array(writer.bytes.prefix(3)) == [0xda, 0x00, 0x20])
        writer = MsgpackWriter()
        writer.writeString(String(repeating: "x", count: 65_536))
        #expect(Array(writer.bytes.prefix(5)) == [0xdb, 0x00, 0x01, 0x00, 0x00])
        writer = MsgpackWriter()
        writer.writeBytes(nil)
        writer.writeBytes([])
        #expect(writer.bytes == [0xc0, 0xa0])
    }

    @Test("map headers: fixmap up to 15, then map16")
    func mapHeaders() {
        var writer = MsgpackWriter()
        writer.writeMapHeader(15)
        writer.writeMapHeader(16)
        #expect(writer.bytes == [0x8f, 0xde, 0x00, 0x10])
    }

    @Test("written values read back")
    func readBack() throws {
        var writer = MsgpackWriter()
        for value: Int64 in [0, 1, 127, 128, 255, 256, 32767, 32768, -1, -32, -33, -128, -129, Int64.max, Int64.min] {
            writer.writeSigned(value)
        }
        var reader = MsgpackReader(writer.bytes)
        for value: Int64 in [0, 1, 127, 128, 255, 256, 32767, 32768, -1, -32, -33, -128, -129, Int64.max, Int64.min] {
            #expect(try reader.readInteger(Int64.self, field: "x") == value)
        }
        #expect(reader.reader.isAtEnd)
    }
}
