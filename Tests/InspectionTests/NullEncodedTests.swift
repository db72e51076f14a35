import Foundation
import Testing

@testable import Inspection

/// `@NullEncoded`: the key is always written (null without a value), and reads back as the optional it wraps.
@Suite("NullEncoded")
struct NullEncodedTests {
    struct Row: Codable, Equatable {
        var name: String
        @NullEncoded var zone: String? = nil
        @NullEncoded var seen: Date? = nil
        /// A plain optional stays what synthesized Codable makes it: absent when nil.
        var note: String?
    }

    static func object(_ row: Row) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: ReportJSON.encoder().encode(row)) as? [String: Any])
    }

    @Test("nil is written as null, a value as the value (a Date through the report encoder's RFC 3339)")
    func encode() throws {
        let empty = try Self.object(Row(name: "a"))
        #expect(Set(empty.keys) == ["name", "zone", "seen"])
        #expect(empty["zone"] is NSNull && empty["seen"] is NSNull)
        let full = try Self.object(Row(name: "a", zone: "z", seen: Date(timeIntervalSince1970: 1_767_225_600.9), note: "n"))
        #expect(Set(full.keys) == ["name", "zone", "seen", "note"])
        #expect(full["zone"] as? String == "z")
        #expect(full["seen"] as? String == "2026-01-01T00:00:00Z")
    }

    @Test("decoding: null and a missing key are both nil; a value round-trips")
    func decode() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(Row.self, from: Data(#"{"name":"a","zone":null}"#.utf8)) == Row(name: "a"))
        let row = Row(name: "a", zone: "z", seen: Date(timeIntervalSince1970: 1_767_225_600))
        #expect(try decoder.decode(Row.self, from: ReportJSON.encoder().encode(row)) == row)
    }
}
