import Discovery
import Memberlist

/// The -memberlist.join list: resolved with dskit's semantics, then tried in order until one peer answers.
public struct Seeds: Sendable {
    /// The addresses as given (`HOST:PORT`, `dns+…`, `dnssrv+…`, `dnssrvnoa+…`).
    public var addresses: [String]
    /// How to resolve the prefixed ones.
    public var resolver: ResolverConfiguration

    /// A seed list.
    public init(_ addresses: [String], resolver: ResolverConfiguration = ResolverConfiguration()) {
        self.addresses = addresses
        self.resolver = resolver
    }

    /// Peeks at the first seed endpoint that answers; throws `.noSeedAnswered` listing every failure.
    /// A bad address (`DiscoveryError.invalidAddress`) is thrown as itself: it is a usage error.
    public func peek(_ configuration: PeekConfiguration) async throws -> PeekResult {
        try await firstAnswer { endpoint in try await Peek.run(peer: endpoint, configuration: configuration) }
    }

    /// Resolves the seeds in order and runs `attempt` on each endpoint until one succeeds; throws
    /// `.noSeedAnswered` listing every failure (resolution or attempt), or a bad address as itself.
    public func firstAnswer<Answer>(_ attempt: (String) async throws -> Answer) async throws -> Answer {
        guard !addresses.isEmpty else { throw InspectionError.noSeeds }
        var parsed: [DiscoveryAddress] = []
        for text in addresses { parsed.append(try DiscoveryAddress(parsing: text)) }
        var failures: [SeedFailure] = []
        for address in parsed {
            let endpoints: [String]
            if address.mode == .literal {
                endpoints = [address.input]
            } else {
                let report = try await Resolver(configuration: resolver).resolve([address])
                let resolution = report.resolutions.first
                if let error = resolution?.error {
                    failures.append(SeedFailure(seed: address.input, error: error))
                    continue
                }
                endpoints = resolution?.endpoints ?? []
                if endpoints.isEmpty {
                    failures.append(SeedFailure(seed: address.input, error: SeedResolvedToNothing()))
                    continue
                }
            }
            for endpoint in endpoints {
                do {
                    return try await attempt(endpoint)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    let resolved = address.mode == .literal ? nil : endpoint
                    failures.append(SeedFailure(seed: address.input, endpoint: resolved, error: error))
                }
            }
        }
        throw InspectionError.noSeedAnswered(failures)
    }
}

/// A discovery address that gave no endpoint (NXDOMAIN or an empty answer; dskit skips such seeds too).
public struct SeedResolvedToNothing: Error, Sendable, CustomStringConvertible {
    public var description: String { "resolved to no address (NXDOMAIN or an empty answer)" }
}
