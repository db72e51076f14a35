import DskitKV

/// Ages as people read them, in the same words as the ring report's warnings ("12s ago", "4m10s ago").
enum Age {
    static func format(seconds: Int64) -> String {
        UnixTime.age(seconds)
    }

    /// "12s ago", "in 3s" for a time ahead of the clock, or "never" when there is no time.
    static func ago(_ seconds: Int64?) -> String {
        guard let seconds else { return "never" }
        return seconds < 0 ? "in " + UnixTime.age(-seconds) : UnixTime.age(seconds) + " ago"
    }
}
