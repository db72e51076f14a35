import MemberlistWire
import Testing

@Suite("MsgpackReader")
struct MsgpackReaderTests {
    /// A one-entry ping map with SeqNo written as `value`.
    static func pingMap(seqNo value: [UInt8]) -> [UInt8] {
        [0x81, 0xa5] + Array("SeqNo".utf8) + value
    }

    @Test(
        "every msgpack integer width reads into a uint32 field",
        arguments: [
            ([0x05], 5), ([0xcc, 0xff], 255), ([0xcd, 0x01, 0x00], 256),
            ([0xce, 0xff, 0xff, 0xff, 0xff], 4_294_967_295),
            ([0xcf, 0, 0, 0, 0, 0, 0, 0x01, 0x00], 256), ([0xd0, 0x7f], 127), ([0xd1, 0x08, 0x25], 2085),
            ([0xd2, 0x00, 0x01, 0x00, 0x00], 65_536), ([0xd3, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], 4_294_967_295),
            ([0xc0], 0),
        ] as [([UInt8], UInt32)])
    func integerWidths(encoded: [UInt8], value: UInt32) throws {
        let ping = try PingMessage(msgpackBytes: Self.pingMap(seqNo: encoded))
        #expect(ping.seqNo == value)
    }

    @Test(
        "integers that do not fit the Go field are rejected",
        arguments: [
            [0xff], [0xd0, 0x80], [0xcf, 0, 0, 0, 1, 0, 0, 0, 0],
            [0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ]
            as [[UInt8]])
    func integerOutOfRange(encoded: [UInt8]) {
        let error = #expect(throws: WireError.self) { try PingMessage(msgpackBytes: Self.pingMap(seqNo: encoded)) }
        #expect(error == .invalidValue(field: "ping.SeqNo", offset: 7, reason: "integer out of range for UInt32"))
    }

    @Test("a string where an integer belongs names the field and the byte found")
    func wrongType() {
        let error = #expect(throws: WireError.self) {
            try PingMessage(msgpackBytes: Self.pingMap(seqNo: [0xa1, 0x31]))
        }
        #expect(error == .unexpectedMsgpackType(field: "ping.SeqNo", offset: 7, found: 0xa1, expected: "integer"))
    }

    @Test("[]byte reads from str, str8, bin8, bin16, bin32, an array of bytes, and nil")
    func bytesForms() throws {
        let forms: [([UInt8], [UInt8]?)] = [
            ([0xa2, 1, 2], [1, 2]), ([0xd9, 0x02, 1, 2], [1, 2]), ([0xc4, 0x02, 1, 2], [1, 2]),
            ([0xc5, 0x00, 0x02, 1, 2], [1, 2]), ([0xc6, 0, 0, 0, 0x02, 1, 2], [1, 2]),
            ([0x92, 0x01, 0xcc, 0xff], [1, 255]),
            ([0xc0], nil), ([0xa0], []),
        ]
        for (encoded, expected) in forms {
            var reader = MsgpackReader(encoded)
            #expect(try reader.readBytes(field: "Meta") == expected, "\(encoded)")
            #expect(reader.reader.isAtEnd)
        }
    }

    @Test("keys in any order and unknown keys of any kind are accepted")
    func unknownKeysSkipped() throws {
        var writer = MsgpackWriter()
        writer.writeMapHeader(5)
        writer.writeKey("Future")
        writer.writeMapHeader(1)
        writer.writeKey("Nested")
        writer.writer.writeBytes([0x93, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0, 0xd6, 0xff, 0, 0, 0, 0, 0xc7, 0x01, 0x05, 0xaa])
        writer.writeKey("SeqNo")
        writer.writeUnsigned(9)
        writer.writeKey("Floaty")
        writer.writer.writeBytes([0xca, 0, 0, 0, 0])
        writer.writeKey("Node")
        writer.writeString("n")
        writer.writeKey("Bin")
        writer.writer.writeBytes([0xc5, 0x00, 0x01, 0x00])
        #expect(try PingMessage(msgpackBytes: writer.bytes) == PingMessage(seqNo: 9, node: "n"))
    }

    @Test("skipping stops at the depth cap")
    func depthCap() {
        let nested: [UInt8] = [0x81, 0xa1, 0x58] + [UInt8](repeating: 0x91, count: 40) + [0xc0]
        let error = #expect(throws: WireError.self) { try PingMessage(msgpackBytes: nested) }
        #expect(error == .nestingTooDeep(limit: WireLimits.maxMsgpackDepth))
    }

    @Test("a map count larger than the bytes left fails before looping")
    func lyingMapCount() {
        let error = #expect(throws: WireError.self) {
            try PingMessage(msgpackBytes: [0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1])
        }
        #expect(error?.isTruncation == true)
    }

    @Test("a str32 length larger than the bytes left is a truncation, not an allocation")
    func lyingStringLength() {
        let bytes: [UInt8] = [0x81, 0xa4] + Array("Node".utf8) + [0xdb, 0x7f, 0xff, 0xff, 0xff, 0x41]
        let error = #expect(throws: WireError.self) { try PingMessage(msgpackBytes: bytes) }
        #expect(error == .truncated(field: "ping.Node", offset: 11, needed: 0x7fff_ffff, available: 1))
    }

    @Test("invalid UTF-8 in a string is rejected")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x81, 0xa4] + Array("Node".utf8) + [0xa2, 0xc3, 0x28]
        let error = #expect(throws: WireError.self) { try PingMessage(msgpackBytes: bytes) }
        #expect(error == .invalidValue(field: "ping.Node", offset: 6, reason: "not valid UTF-8"))
    }

    @Test("nil reads as the Go zero value for maps, strings and bools")
    func nilZeroValues() throws {
        #expect(try PingMessage(msgpackBytes: [0xc0]) == PingMessage())
        let bytes: [UInt8] = [0x82, 0xa4] + Array("Nack".utf8) + [0xc0, 0xa4] + Array("Node".utf8) + [0xc0]
        #expect(try IndirectPingRequest(msgpackBytes: bytes) == IndirectPingRequest())
    }

    @Test("the reserved byte 0xc1 is not a value")
    func reservedByte() {
        let error = #expect(throws: WireError.self) { try PingMessage(msgpackBytes: [0x81, 0xa1, 0x58, 0xc1]) }
        #expect(error == .unexpectedMsgpackType(field: "ping.X", offset: 3, found: 0xc1, expected: "a msgpack value"))
    }
}
