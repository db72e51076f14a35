import DskitKV
import Foundation

/// The JSON form of every report: keys sorted, slashes unescaped, times as RFC 3339 in UTC to the whole second.
public enum ReportJSON {
    /// An encoder for reports: pretty-printed for a whole report, one line for a watch event (JSON Lines).
    ///
    /// Times are whole seconds, rounded down, as Go's RFC 3339 marshalling of dskit's whole-second timestamps
    /// reads, and proleptic Gregorian for every year (Foundation's ISO 8601 formatter switches to the Julian
    /// calendar before 1582, so Go's zero time would come out as 0001-01-03).
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(rfc3339(date))
        }
        return encoder
    }

    /// `date` as report JSON and tables show it: "2026-11-25T03:12:09Z".
    public static func rfc3339(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Beyond Int64 only a corrupt timestamp gets; clamp rather than trap.
        return UnixTime.rfc3339(Int64(exactly: seconds) ?? (seconds < 0 ? Int64.min / 2 : Int64.max / 2))
    }
}
