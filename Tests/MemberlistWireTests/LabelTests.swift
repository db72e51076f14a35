import MemberlistWire
import Testing

@Suite("Label")
struct LabelTests {
    @Test("a label header reads and writes back")
    func roundTrip() throws {
        var writer = WireWriter()
        try Label.write("realcluster", to: &writer)
        #expect(writer.bytes == [0xf4, 0x0b] + Array("realcluster".utf8))
        var reader = WireReader(writer.bytes + [0x06])
        #expect(try Label.read(&reader) == "realcluster")
        #expect(reader.offset == 13)
    }

    @Test("no header means no label; an empty label writes nothing")
    func none() throws {
        var reader = WireReader([0x06, 0x80])
        #expect(try Label.read(&reader) == nil)
        #expect(reader.offset == 0)
        var writer = WireWriter()
        try Label.write("", to: &writer)
        try Label.write(nil, to: &writer)
        #expect(writer.bytes.isEmpty)
    }

    @Test("an empty label header is invalid, as in memberlist")
    func emptyHeader() {
        var reader = WireReader([0xf4, 0x00, 0x06])
        #expect(
            throws: WireError.invalidValue(field: "label length", offset: 1, reason: "a label header cannot be empty")
        ) {
            try Label.read(&reader)
        }
    }

    @Test("a cut label header is a truncation")
    func truncated() {
        for bytes: [UInt8] in [[0xf4], [0xf4, 0x05, 0x61]] {
            var reader = WireReader(bytes)
            let error = #expect(throws: WireError.self) { try Label.read(&reader) }
            #expect(error?.isTruncation == true)
        }
    }

    @Test("labels over 255 bytes cannot be written")
    func tooLong() {
        var writer = WireWriter()
        #expect(throws: WireError.limitExceeded(field: "label length", value: 256, limit: 255)) {
            try Label.write(String(repeating: "a", count: 256), to: &writer)
        }
    }

    @Test("verification: the expected label must match, \"\" expects none, nil accepts any")
    func verify() throws {
        try Label.verify(received: "a", expected: "a")
        try Label.verify(received: nil, expected: "")
        try Label.verify(received: "anything", expected: nil)
        #expect(throws: WireError.labelMismatch(expected: "a", received: "b")) {
            try Label.verify(received: "b", expected: "a")
        }
        #expect(throws: WireError.labelMismatch(expected: "a", received: "")) {
            try Label.verify(received: nil, expected: "a")
        }
        #expect(throws: WireError.labelMismatch(expected: "", received: "b")) {
            try Label.verify(received: "b", expected: "")
        }
        #expect(WireError.labelMismatch(expected: "", received: "b").description.contains("no label"))
    }
}
