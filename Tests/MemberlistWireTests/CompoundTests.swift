import MemberlistWire
import Testing

@Suite("Compound")
struct CompoundTests {
    @Test("a part length running past the packet is a truncation naming the part")
    func lyingPartLength() {
        // 2 parts: 3 bytes, then 0x0100 bytes, but only 3 + 2 follow.
        let bytes: [UInt8] = [0x07, 0x02, 0x00, 0x03, 0x01, 0x00, 0x08, 0x01, 0x02, 0x08, 0x03]
        let error = #expect(throws: WireError.self) { try Message(bytes: bytes) }
        #expect(error == .truncated(field: "compound part 2 of 2", offset: 9, needed: 256, available: 2))
    }

    @Test("a count larger than the length table is a truncation")
    func lyingCount() {
        let error = #expect(throws: WireError.self) { try Message(bytes: [0x07, 0xff, 0x00, 0x01]) }
        #expect(error == .truncated(field: "compound part lengths", offset: 2, needed: 510, available: 2))
    }

    @Test("bytes after the last part are rejected")
    func trailing() {
        #expect(throws: WireError.trailingBytes(context: "the last compound part", count: 1)) {
            try Message(bytes: [0x07, 0x01, 0x00, 0x01, 0x08, 0xaa])
        }
    }

    @Test("compounds nested deeper than the budget are rejected")
    func deepNesting() {
        var bytes: [UInt8] = [0x08]
        for _ in 0..<20 {
            bytes = [0x07, 0x01, UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)] + bytes
        }
        #expect(throws: WireError.nestingTooDeep(limit: WireLimits.maxMessageNesting)) { try Message(bytes: bytes) }
    }

    @Test("nesting within the budget decodes")
    func shallowNesting() throws {
        var message = Message.user([1])
        for _ in 0..<(WireLimits.maxMessageNesting - 1) {
            message = .compound([message])
        }
        #expect(try Message(bytes: message.encoded()) == message)
    }

    @Test("compressed messages count toward the nesting budget")
    func deepCompression() throws {
        var bytes: [UInt8] = [0x08]
        for _ in 0..<20 {
            bytes = try compressRaw(bytes)
        }
        #expect(throws: WireError.nestingTooDeep(limit: WireLimits.maxMessageNesting)) { try Message(bytes: bytes) }
    }

    private func compressRaw(_ bytes: [UInt8]) throws -> [UInt8] {
        [MessageType.compress.rawValue] + (try Compression.compress(bytes, algorithm: .lzw)).msgpackBytes
    }

    @Test("more than 255 parts or a part over 65,535 bytes cannot be encoded")
    func encodeLimits() {
        let many = Message.compound(Array(repeating: .user([]), count: 256))
        #expect(throws: WireError.limitExceeded(field: "compound part count", value: 256, limit: 255)) {
            try many.encoded()
        }
        let big = Message.compound([.user(Array(repeating: 0, count: 65_535))])
        #expect(throws: WireError.limitExceeded(field: "compound part 1 length", value: 65_536, limit: 65_535)) {
            try big.encoded()
        }
    }
}
