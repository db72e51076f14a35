import ArgumentParser

/// ClusterOptions for commands that can read a saved ring value instead of asking the cluster (`ring`, `lag`).
///
/// The flags are ClusterOptions' own (help, completions and parsing come from it), but its checks, which demand a
/// seed, must not fire for `--from-file`. `@OptionGroup` validates while decoding, so this group decodes the
/// options itself, unvalidated, and the command calls `live()` only when it asks the cluster.
struct ClusterOrFileOptions: ParsableArguments {
    /// Declares the flags; its value is never read (see `parsed`).
    @OptionGroup var cluster: ClusterOptions

    /// The flags as parsed, before ClusterOptions' checks.
    private var parsed: ClusterOptions?

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        parsed = try container.decode(Unvalidated.self, forKey: .cluster).options
    }

    /// The cluster options, checked as every live command checks them (a seed is required, ...).
    func live() throws -> ClusterOptions {
        guard let parsed, !parsed.join.isEmpty else {
            throw ValidationError(
                "Give -j/--join HOST:PORT (repeatable) to read the cluster, or --from-file FILE for a saved ring value.")
        }
        try parsed.validate()
        return parsed
    }

    /// Whether any cluster flag was given (they make no sense with --from-file).
    var hasSeeds: Bool { !(parsed?.join.isEmpty ?? true) }

    enum CodingKeys: String, CodingKey {
        case cluster
    }

    /// ClusterOptions decoded as `@OptionGroup` decodes it, minus the `validate()` call.
    private struct Unvalidated: Decodable {
        let options: ClusterOptions
        init(from decoder: any Decoder) throws { options = try ClusterOptions(from: decoder) }
    }
}
