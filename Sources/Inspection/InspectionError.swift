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

    public var description: String {
        switch self {
        case .noSeeds:
            return "no seed to ask: give at least one -j/--join address"
        case .noSeedAnswered(let failures):
            // Peer errors already start with the peer: don't say it twice.
            let lines = failures.map { "  " + ($0.reason.hasPrefix($0.seed) ? $0.reason : "\($0.seed): \($0.reason)") }
            return "no seed answered:\n" + lines.joined(separator: "\n")
        case .configFile(let path, let key, let line, let reason):
            let place = line.map { "\(path):\($0)" } ?? path
            return key.map { "config file \(place): \($0) \(reason)" } ?? "config file \(place) \(reason)"
        }
    }
}

/// One seed (as given, or an endpoint it resolved to) and why it gave no answer.
public struct SeedFailure: Sendable, CustomStringConvertible {
    /// The seed as given (`dns+…`), with the endpoint tried when it was resolved.
    public var seed: String
    /// The peer's error, or the discovery error when the seed resolved to nothing usable.
    public var error: any Error & Sendable

    /// A failure.
    public init(seed: String, error: any Error & Sendable) {
        self.seed = seed
        self.error = error
    }

    /// One sentence.
    public var reason: String { String(describing: error) }

    public var description: String { "\(seed): \(reason)" }
}
