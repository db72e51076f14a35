import ArgumentParser

/// A Go-style duration as dskit flags take them: `1.5s`, `500ms`, `2m`, `1h30m`, `250us`.
struct DurationArgument: ExpressibleByArgument, Hashable, CustomStringConvertible {
    let duration: Duration
    let text: String

    init(_ duration: Duration, text: String) {
        self.duration = duration
        self.text = text
    }

    init?(argument: String) {
        guard let duration = Self.parse(argument) else { return nil }
        self.init(duration, text: argument)
    }

    var description: String { text }
    var defaultValueDescription: String { text }

    /// Parses a sequence of number+unit pairs; nil for anything else (a bare number has no unit, as in Go).
    static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return .zero }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) })
            else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        guard total.isFinite, total < 1e9 else { return nil }
        return .nanoseconds(Int64(total * 1e9))
    }

    /// Why `text` is not a duration, as the rest of "--timeout …".
    static func problem(_ text: String) -> String {
        if text.isEmpty { return "needs a duration, e.g. 5s" }
        if Double(text) != nil { return "\(text): add a unit, e.g. \(text)s" }
        if text.hasPrefix("-") { return "\(text): a duration here cannot be negative" }
        return "\(text) is not a duration"
    }
}
