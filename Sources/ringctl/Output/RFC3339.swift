import DskitKV
import Foundation

/// RFC 3339 times as the reports write them, back to seconds since 1970.
enum RFC3339 {
    static func parse(_ text: String) -> Double? {
        // The reports' own form ("2026-11-25T03:12:09Z") without a formatter: creating an ISO8601DateFormatter
        // loads ICU data, and the ring table parses two times per instance (1,000 rows: ~200 ms in formatters).
        if let seconds = wholeSecondsUTC(text) { return Double(seconds) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    /// "YYYY-MM-DDTHH:MM:SSZ" exactly, as `UnixTime.rfc3339` writes it; nil for anything else.
    private static func wholeSecondsUTC(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              bytes[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        // Days from 1970-01-01 to a proleptic Gregorian date (the era-based civil calendar algorithm).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        // A day the month does not have (2026-02-30) rolls over: leave such text to the formatter, which refuses it.
        return UnixTime.rfc3339(seconds) == text ? seconds : nil
    }
}
