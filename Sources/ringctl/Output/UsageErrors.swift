#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser

/// Usage errors in ringctl's shape: `ringctl: WHAT` and `  hint: WHAT TO DO`, exit 64, whether argument-parser
/// found them or ringctl did.
enum UsageErrors {
    /// One usage error (exit 64, through `Diagnosis` like every other error).
    struct Usage: Error, Equatable {
        var message: String
        var hint: String
    }

    /// The subcommands' names, in the order `ringctl --help` lists them.
    static var commandNames: [String] {
        Ringctl.configuration.subcommands.map { $0._commandName } + ["help"]
    }

    /// What argument-parser would answer with a help page and status 0, but is a usage error: no command at
    /// all, and `help` for a command that does not exist.
    static func beforeParsing(_ arguments: [String]) -> Usage? {
        if arguments.isEmpty {
            return Usage(
                message: "no command given",
                hint: "name one: \(commandNames.dropLast().joined(separator: ", ")); 'ringctl --help' explains each")
        }
        // The first word names the command; argument-parser would complain about the options after it instead.
        if let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) {
            return unknownCommand(first)
        }
        if arguments.first == "help", arguments.count > 1, !arguments[1].hasPrefix("-"),
            !commandNames.contains(arguments[1])
        {
            return unknownCommand(arguments[1])
        }
        return nil
    }

    /// Reshapes argument-parser's message for `arguments`.
    static func shape(_ parserMessage: String, arguments: [String]) -> Usage {
        var message = parserMessage.trimmingPrefix("Error: ")
        if let newline = message.firstIndex(of: "\n") { message = String(message[..<newline]) }
        let command = arguments.first { commandNames.contains($0) && $0 != "help" }
        let helpHint = "see 'ringctl \(command.map { "\($0) " } ?? "")--help'"

        // "Unexpected argument 'membrs'" before any command: a mistyped command.
        if command == nil, let word = quoted(message, after: "Unexpected argument "), !word.hasPrefix("-") {
            return unknownCommand(word)
        }
        // "The value '5' is invalid for '--timeout <duration>'": say what is wrong with the duration.
        if let value = quoted(message, after: "The value "), message.contains("<duration>"),
            let option = quoted(message, after: "is invalid for ")
        {
            let flag = option.split(separator: " ").first.map(String.init) ?? option
            return Usage(
                message: "\(flag) \(DurationArgument.problem(value))",
                hint: "durations take Go's units: ns, us, ms, s, m, h (500ms, 5s, 1m30s); \(helpHint)")
        }
        if let option = quoted(message, after: "Unknown option "), let command {
            let names = optionNames(of: command)
            if let near = nearest(option, among: names) {
                return Usage(message: "unknown option \(option) for '\(command)'", hint: "did you mean \(near)? \(helpHint)")
            }
            return Usage(message: "unknown option \(option) for '\(command)'", hint: helpHint)
        }
        var first = message
        if let letter = first.first, letter.isUppercase {
            first = letter.lowercased() + first.dropFirst()
        }
        return Usage(message: first, hint: helpHint)
    }

    /// Prints the error and exits 64.
    static func fail(_ usage: Usage) -> Never {
        ExitStatus.printDiagnostic(usage)
        exit(ExitStatus(of: usage).rawValue)
    }

    private static func unknownCommand(_ word: String) -> Usage {
        let commands = commandNames.dropLast()
        if let near = nearest(word, among: Array(commands)) {
            return Usage(message: "'\(word)' is not a ringctl command", hint: "did you mean '\(near)'? 'ringctl --help' lists them all")
        }
        return Usage(
            message: "'\(word)' is not a ringctl command",
            hint: "the commands are \(commands.joined(separator: ", ")); 'ringctl --help' explains each")
    }

    /// The long option names a subcommand accepts, with their dashes.
    private static func optionNames(of command: String) -> [String] {
        guard let type = Ringctl.configuration.subcommands.first(where: { $0._commandName == command }) else {
            return []
        }
        let usage = type.helpMessage(columns: 400)
        var names: [String] = []
        for word in usage.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "[" || $0 == "]" }) {
            if word.hasPrefix("-"), word.count > 2, !names.contains(String(word)) { names.append(String(word)) }
        }
        return names
    }

    /// The text between the quotes that follow `prefix`: `'membrs'` in "Unexpected argument 'membrs'".
    private static func quoted(_ text: String, after prefix: String) -> String? {
        guard let start = text.range(of: prefix + "'") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }

    /// The candidate closest to `word` by edit distance, when close enough to be a typo.
    static func nearest(_ word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = max(1, min(3, best.0.count / 3))
        return best.1 <= allowed ? best.0 : nil
    }

    /// Edit distance counting a swap of two neighbouring letters as one edit (the optimal-string-alignment
    /// variant of Damerau–Levenshtein): "rign" is one typo away from "ring".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
