import DskitKV
import Foundation

/// Ages as people read them, in the same words as the ring report's warnings ("12s ago", "4m10s ago").
enum Age {
    static func format(seconds: Int64) -> String {
        UnixTime.age(seconds)
    }

    /// Whole seconds from `start` to `end`, rounded down; clamped where a corrupt timestamp would overflow.
    static func seconds(from start: Date, to end: Date) -> Int64 {
        let seconds = end.timeIntervalSince(start).rounded(.down)
        return Int64(exactly: seconds) ?? (seconds < 0 ? Int64.min + 1 : Int64.max)
    }

    /// "12s ago", "in 3s" for a time ahead of the clock, or "never" when there is no time.
    static func ago(_ seconds: Int64?) -> String {
        guard let seconds else { return "never" }
        return seconds < 0 ? "in " + UnixTime.age(-seconds) : UnixTime.age(seconds) + " ago"
    }
}
