import MemberlistWire
import Testing

@Suite("WireReader")
struct WireReaderTests {
    @Test("big-endian integers read in order")
    func integers() throws {
        var reader = WireReader([
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
        ])
        #expect(try reader.readByte(field: "a") == 0x01)
        #expect(try reader.readUInt16(field: "b") == 0x0203)
        #expect(try reader.readUInt32(field: "c") == 0x0405_0607)
        #expect(try reader.readUInt64(field: "d") == 0x0809_0a0b_0c0d_0e0f)
        #expect(reader.isAtEnd)
    }

    @Test("a read past the end throws a truncation naming field, offset and counts")
    func truncation() {
        var reader = WireReader([0x01, 0x02, 0x03])
        _ = try? reader.readByte(field: "first")
        let error = #expect(throws: WireError.self) { try reader.readUInt32(field: "length") }
        #expect(error == .truncated(field: "length", offset: 1, needed: 4, available: 2))
        #expect(reader.offset == 1, "a failed read consumes nothing")
    }

    @Test("lengths are checked against the limit before the bytes left")
    func limitFirst() {
        var reader = WireReader([0x01])
        #expect(throws: WireError.limitExceeded(field: "state", value: 100, limit: 10)) {
            try reader.readBytes(count: 100, limit: 10, field: "state")
        }
        #expect(throws: WireError.invalidValue(field: "state", offset: 0, reason: "negative length -1")) {
            try reader.readBytes(count: -1, field: "state")
        }
    }

    @Test("sub-readers keep absolute offsets")
    func subReader() throws {
        var reader = WireReader([0, 1, 2, 3, 4, 5])
        try reader.skip(2, field: "head")
        var part = try reader.readReader(count: 3, field: "part")
        #expect(part.offset == 2)
        #expect(part.remaining == 3)
        _ = try part.readUInt16(field: "x")
        let error = #expect(throws: WireError.self) { try part.readUInt16(field: "y") }
        #expect(error == .truncated(field: "y", offset: 4, needed: 2, available: 1))
        #expect(throws: WireError.trailingBytes(context: "part", count: 1)) { try part.finish(context: "part") }
        #expect(reader.readRemainingBytes() == [5])
    }

    @Test("the writer mirrors the reader")
    func writer() throws {
        var writer = WireWriter()
        writer.writeByte(1)
        writer.writeUInt16(0x0203)
        writer.writeUInt32(0x0405_0607)
        writer.writeUInt64(0x0809_0a0b_0c0d_0e0f)
        #expect(writer.bytes == Array(1...15))
        writer.setUInt32(0xdead_beef, at: 3)
        #expect(Array(writer.bytes[3..<7]) == [0xde, 0xad, 0xbe, 0xef])
    }

    @Test("error descriptions say what to do")
    func descriptions() {
        #expect(WireError.unknownFrameKind(0x16).description.contains("0x16"))
        #expect(WireError.decryptionFailed(keysTried: 2).description.contains("2 tried"))
        #expect(WireError.checksumMismatch(expected: 1, computed: 2).description.contains("0x00000001"))
        #expect(WireError.digestMismatch(expected: [0xab], computed: [0x01]).description.contains("ab"))
    }
}
