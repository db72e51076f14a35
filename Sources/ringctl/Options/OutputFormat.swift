import ArgumentParser

/// `-o/--output`: how a command prints its answer.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns for people.
    case table
    /// One item per line, nothing else, for shell pipelines (like `dig +short`).
    case plain
    /// Stable JSON for scripts and alerting.
    case json
}
