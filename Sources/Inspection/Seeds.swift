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
    /// `configuration.timeout` bounds the whole search, not each seed: each try gets what is left of it.
    public func peek(_ configuration: PeekConfiguration) async throws -> PeekResult {
        let deadline = ContinuousClock.now.advanced(by: configuration.timeout)
        return try await firstAnswer(within: configuration.timeout) { endpoint, _ in
            var configuration = configuration
            configuration.deadline = deadline
            return try await Peek.run(peer: endpoint, configuration: configuration)
        }
    }

    /// Resolves the seeds in order and runs `attempt` on each endpoint until one succeeds; throws
    /// `.noSeedAnswered` listing every failure (resolution or attempt), or a bad address as itself.
    public func firstAnswer<Answer>(_ attempt: (String) async throws -> Answer) async throws -> Answer {
        try await firstAnswer(within: nil) { endpoint, _ in try await attempt(endpoint) }
    }

    /// `firstAnswer` under one overall `budget` (nil: none): each attempt is given the time left; endpoints
    /// reached after the budget ran out are listed as not tried (`SeedNotTried`).
    public func firstAnswer<Answer>(
        within budget: Duration?, _ attempt: (String, Duration) async throws -> Answer
    ) async throws -> Answer {
        let deadline = budget.map { ContinuousClock.now.advanced(by: $0) }
        func remaining() -> Duration {
            guard let deadline else { return .seconds(86_400) }
            return ContinuousClock.now.duration(to: deadline)
        }
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
                try Task.checkCancellation()
                let resolved = address.mode == .literal ? nil : endpoint
                let left = remaining()
                if let budget, left <= .milliseconds(1) {
                    failures.append(SeedFailure(seed: address.input, endpoint: resolved, error: SeedNotTried(budget: budget)))
                    continue
                }
                do {
                    return try await attempt(endpoint, left)
                } catch {
                    // Interrupted (Ctrl-C): not this seed's failure, and no reason to try the next one.
                    if error is CancellationError || Task.isCancelled { throw CancellationError() }
                    failures.append(SeedFailure(seed: address.input, endpoint: resolved, error: error))
                }
            }
        }
        throw InspectionError.noSeedAnswered(failures)
    }
}

/// An endpoint never tried because the command's overall --timeout had run out on the ones before it.
public struct SeedNotTried: Error, Sendable, CustomStringConvertible {
    /// The overall budget that ran out.
    public var budget: Duration
    public var description: String {
        "not tried: the \(MemberlistError.format(budget)) --timeout ran out on the seeds before it"
    }
}

/// A discovery address that gave no endpoint (NXDOMAIN or an empty answer; dskit skips such seeds too).
public struct SeedResolvedToNothing: Error, Sendable, CustomStringConvertible {
    public var description: String { "resolved to no address (NXDOMAIN or an empty answer)" }
}
