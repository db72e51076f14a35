import ArgumentParser

/// `-o/--output`, the one output option of every command: the formats any command prints, and for each command
/// the ones it does (argument-parser parses the name; the command's `validate` refuses a format it lacks, exit 64).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns for people (`watch`: one line per event).
    case table
    /// The table with more columns (`members`, `kv`, `ring`, `lag`).
    case wide
    /// One item per line, nothing else, for shell pipelines (like `dig +short`; `resolve`).
    case plain
    /// The indented tree of layers and fields (`decode`).
    case text
    /// Stable JSON for scripts and alerting (`watch`: JSON Lines).
    case json

    /// What `members`, `kv`, `ring` and `lag` print.
    static let reports: [OutputFormat] = [.table, .wide, .json]
    /// What `watch` prints.
    static let events: [OutputFormat] = [.table, .json]
    /// What `resolve` prints.
    static let addresses: [OutputFormat] = [.table, .plain, .json]
    /// What `lookup` and `quorum` print.
    static let analyses: [OutputFormat] = [.table, .json]
    /// What `decode` prints.
    static let layers: [OutputFormat] = [.text, .json]

    /// Completion offers only what the command prints.
    static func completion(_ supported: [OutputFormat]) -> CompletionKind {
        .list(supported.map(\.rawValue))
    }

    /// Refuses a format `command` does not print: "members does not print 'plain'; use table, wide or json".
    func check(_ supported: [OutputFormat], command: String) throws {
        guard !supported.contains(self) else { return }
        let names = supported.map(\.rawValue)
        let choices = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
            : names.joined()
        throw ValidationError("\(command) does not print '\(rawValue)'; use \(choices)")
    }
}
