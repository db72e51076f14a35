/// Ages as people read them: "12s", "4m10s", "3h2m", "5d4h"; "in 3s" for times ahead of the clock.
enum Age {
    static func format(seconds: Int64) -> String {
        if seconds < 0 { return "in " + format(seconds: -seconds) }
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m\(seconds % 60 == 0 ? "" : "\(seconds % 60)s")"
        case ..<86400: return "\(seconds / 3600)h\(seconds % 3600 / 60 == 0 ? "" : "\(seconds % 3600 / 60)m")"
        default: return "\(seconds / 86400)d\(seconds % 86400 / 3600 == 0 ? "" : "\(seconds % 86400 / 3600)h")"
        }
    }

    /// "12s ago", or "never" when there is no time.
    static func ago(_ seconds: Int64?) -> String {
        guard let seconds else { return "never" }
        return seconds < 0 ? format(seconds: seconds) : format(seconds: seconds) + " ago"
    }
}
