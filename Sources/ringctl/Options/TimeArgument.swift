import ArgumentParser
import DskitKV
import Foundation

/// A point in time: RFC 3339 (`2026-11-25T03:12:00Z`) or Unix seconds (`1795000000`).
struct TimeArgument: ExpressibleByArgument {
    let date: Date

    init?(argument: String) {
        if let seconds = Double(argument), seconds.isFinite {
            date = Date(timeIntervalSince1970: seconds)
            return
        }
        guard let seconds = UnixTime.parseRFC3339(argument) else { return nil }
        date = Date(timeIntervalSince1970: seconds)
    }
}
