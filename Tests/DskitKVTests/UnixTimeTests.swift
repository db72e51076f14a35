import Foundation
import Testing

@testable import DskitKV

@Suite("UnixTime: RFC 3339 and ages without DateFormatter")
struct UnixTimeTests {
    @Test(
        "known instants",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00Z"), (1_767_225_600, "2026-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"), (4_102_444_799, "2099-12-31T23:59:59Z"),
        ]
    )
    func known(seconds: Int64, text: String) {
        #expect(UnixTime.rfc3339(seconds) == text)
    }

    @Test("agrees with Foundation's ISO 8601 formatter over many instants")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        var random = SplitMix64(seed: 5)
        for _ in 0..<2000 {
            let seconds = Int64(random.next() % 8_000_000_000) - 1_000_000_000
            #expect(UnixTime.rfc3339(seconds) == formatter.string(from: Date(timeIntervalSince1970: Double(seconds))))
        }
    }

    @Test("ages read like 45s, 5m12s, 3h4m, 2d3h")
    func ages() {
        #expect(UnixTime.age(45) == "45s")
        #expect(UnixTime.age(312) == "5m12s")
        #expect(UnixTime.age(3 * 3600 + 4 * 60 + 9) == "3h4m")
        #expect(UnixTime.age(2 * 86_400 + 3 * 3600) == "2d3h")
        #expect(UnixTime.age(-5) == "-5s")
    }

    @Test("extreme values do not trap")
    func extremes() {
        #expect(!UnixTime.rfc3339(.max).isEmpty)
        #expect(!UnixTime.rfc3339(.min).isEmpty)
        #expect(!UnixTime.age(.min).isEmpty)
    }
}
