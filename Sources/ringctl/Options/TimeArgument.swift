import ArgumentParser
import Foundation

/// A point in time: RFC 3339 (`2026-11-25T03:12:00Z`) or Unix seconds (`1795000000`).
struct TimeArgument: ExpressibleByArgument {
    let date: Date

    init?(argument: String) {
        if let seconds = Double(argument), seconds.isFinite {
            date = Date(timeIntervalSince1970: seconds)
            return
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let parsed = formatter.date(from: argument) {
            date = parsed
            return
        }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let parsed = formatter.date(from: argument) else { return nil }
        date = parsed
    }
}
