import Discovery
import Memberlist

/// Why a use case could not produce its report.
public enum InspectionError: Error, Sendable, CustomStringConvertible {
    /// No seed was given.
    case noSeeds
    /// Every seed failed; each with why, in the order tried.
    case noSeedAnswered([SeedFailure])
    /// A `--config.file` that cannot be used: missing, not YAML, or a key of the wrong type.
    case configFile(path: String, key: String?, line: Int?, reason: String)
    /// A config value holding an environment reference (`${VAR}`) the service expands with -config.expand-env.
    case unexpandedReference(path: String, key: String, value: String)

    public var description: String {
        switch self {
        case .noSeeds:
            return "no seed to ask: the seed list is empty"
        case .noSeedAnswered(let failures):
            return "no seed answered:\n" + Self.lines(failures).joined(separator: "\n")
        case .configFile(let path, let key, let line, let reason):
            let place = line.map { "\(path):\($0)" } ?? path
            return key.map { "config file \(place): \($0) \(reason)" } ?? "config file \(place) \(reason)"
        case .unexpandedReference(let path, let key, let value):
            return "config file \(path): \(key) holds \"\(value)\", an environment reference the service expands "
                + "(-config.expand-env)"
        }
    }

    /// One line per failure, each naming its seed and endpoint once: a seed resolved to several endpoints heads
    /// their lines ("dnssrv+… → 3 endpoints:", then "127.0.0.1:7946 refused the connection …" indented under it).
    static func lines(_ failures: [SeedFailure]) -> [String] {
        var lines: [String] = []
        var index = failures.startIndex
        while index < failures.endIndex {
            let seed = failures[index].seed
            let group = failures[index...].prefix { $0.seed == seed && $0.endpoint != nil }
            guard group.count > 1 else {
                lines.append("  " + failures[index].description)
                index += 1
                continue
            }
            lines.append("  \(seed) → \(group.count) endpoints:")
            lines += group.map { "    " + $0.endpointReason }
            index += group.count
        }
        return lines
    }
}

/// One seed (as given), the endpoint it resolved to if it was resolved, and why it gave no answer.
public struct SeedFailure: Sendable, CustomStringConvertible {
    /// The seed as given (`HOST:PORT`, `dns+…`).
    public var seed: String
    /// The endpoint tried, when the seed was resolved to it (nil for a `HOST:PORT` seed, or one that resolved to
    /// nothing).
    public var endpoint: String?
    /// The peer's error, or the discovery error when the seed resolved to nothing usable.
    public var error: any Error & Sendable

    /// A failure.
    public init(seed: String, endpoint: String? = nil, error: any Error & Sendable) {
        self.seed = seed
        self.endpoint = endpoint
        self.error = error
    }

    /// One sentence.
    public var reason: String { String(describing: error) }

    /// The reason, led by the endpoint (or the literal seed) unless the peer's error names it already.
    var endpointReason: String {
        let peer = endpoint ?? seed
        return reason.contains(peer) ? reason : "\(peer): \(reason)"
    }

    /// One line: the seed (and the endpoint it resolved to) named once, then why.
    public var description: String {
        guard let endpoint else { return endpointReason }
        if reason.hasPrefix(endpoint) { return "\(seed) → \(reason)" }  // "dns+… → 10.0.0.3:7946 refused …"
        if reason.contains(endpoint) { return "\(seed): \(reason)" }  // "dns+…: connecting to 10.0.0.3:7946 failed …"
        return "\(seed) → \(endpoint): \(reason)"
    }
}
