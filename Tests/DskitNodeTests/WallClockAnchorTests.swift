import DskitNode
import Foundation
import Testing

@Suite("WallClockAnchor")
struct WallClockAnchorTests {
    @Test("an instant maps to the anchor date plus the elapsed duration, before and after the anchor")
    func mapsInstants() {
        let start = ContinuousClock.Instant.now
        let anchor = WallClockAnchor(instant: start, date: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(anchor.date(at: start) == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(anchor.date(at: start.advanced(by: .milliseconds(5_250))).timeIntervalSince1970 == 1_800_000_005.25)
        #expect(anchor.date(at: start.advanced(by: .seconds(-90))).timeIntervalSince1970 == 1_799_999_910)
    }
}
