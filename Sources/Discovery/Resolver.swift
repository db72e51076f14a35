// dskit's resolution semantics (grafana/dskit dns/resolver.go, with the Go resolver Pyroscope, Mimir and Loki
// give it), over one c-ares channel with every query of a call in flight at once:
// - NXDOMAIN and empty answers are not errors: the address yields nothing (dskit logs and goes on).
// - Any other failure (timeout, SERVFAIL, refused) fails that address, including an SRV target's A/AAAA lookup.
// - The SRV record's port is used unless the address carries one; IPv6 results are bracketed.
// - The same address given twice is resolved once (dskit keys results by address).
// Where ringctl goes further it is for reading: results are sorted and duplicate endpoints within one
// address are shown once (dskit would hand memberlist the duplicates; memberlist joins each once anyway).

/// One SRV target (or, for `dns+`, the host itself) and what it resolved to.
public struct ResolvedTarget: Hashable, Sendable {
    /// The SRV record this came from; nil for `dns+`.
    public let srv: SRVRecord?
    /// The name that was looked up (SRV target with its trailing dot, or the `dns+` host).
    public let host: String
    /// The port every endpoint of this target uses.
    public let port: UInt16
    /// A/AAAA results, sorted; empty for `dnssrvnoa+` (no lookup) or when the lookup found nothing.
    public let addresses: [IPAddress]
    /// `host:port` strings as dskit would produce them.
    public let endpoints: [String]
    /// Why `addresses` is empty when a lookup was made (NXDOMAIN, no records, or the failure).
    public let status: DNSStatus?
}

/// The outcome for one input address.
public struct Resolution: Hashable, Sendable {
    public let address: DiscoveryAddress
    /// The first query made for this address; nil for literal addresses, which are not resolved.
    public let query: DNSQuery?
    public let targets: [ResolvedTarget]
    /// Every endpoint, deduplicated, in target order.
    public let endpoints: [String]
    /// Endpoints that appeared more than once (e.g. two SRV records naming the same host).
    public let duplicatesRemoved: Int
    /// Why the first query found nothing (NXDOMAIN, no records), when it did.
    public let emptyStatus: DNSStatus?
    /// The failure, when dskit would report one for this address.
    public let error: DiscoveryError?

    /// True when the address produced no endpoint (and did not fail outright).
    public var isEmpty: Bool { error == nil && endpoints.isEmpty }
}

/// The result of resolving a list of addresses.
public struct ResolutionReport: Hashable, Sendable {
    /// The DNS servers that were asked, as `IP:PORT`.
    public let servers: [String]
    public let resolutions: [Resolution]

    /// Every endpoint of every address, in input order, without duplicates: what a join would try.
    public var endpoints: [String] {
        var seen = Set<String>()
        return resolutions.flatMap(\.endpoints).filter { seen.insert($0).inserted }
    }
}

/// Resolves discovery addresses with dskit's semantics through c-ares.
public struct Resolver: Sendable {
    public let configuration: ResolverConfiguration

    public init(configuration: ResolverConfiguration = ResolverConfiguration()) {
        self.configuration = configuration
    }

    /// Resolves every address concurrently through one channel; per-address failures are in the report.
    /// Throws only when the resolver itself cannot be set up.
    public func resolve(_ addresses: [DiscoveryAddress]) async throws -> ResolutionReport {
        var seen = Set<String>()
        let unique = addresses.filter { seen.insert($0.input).inserted }
        return try await CAresChannel.withChannel(configuration) { channel in
            let resolutions = await withTaskGroup(of: (Int, Resolution).self) { group in
                for (index, address) in unique.enumerated() {
                    group.addTask { (index, await Self.resolve(address, on: channel)) }
                }
                var results = [Resolution?](repeating: nil, count: unique.count)
                for await (index, resolution) in group { results[index] = resolution }
                return results.compactMap { $0 }
            }
            return ResolutionReport(servers: channel.servers, resolutions: resolutions)
        }
    }

    private static func resolve(_ address: DiscoveryAddress, on channel: CAresChannel) async -> Resolution {
        switch address.mode {
        case .literal:
            return Resolution(
                address: address, query: nil, targets: [], endpoints: [address.input], duplicatesRemoved: 0,
                emptyStatus: nil, error: nil
            )
        case .dns:
            let port = address.port ?? 0  // parsing guarantees a port for dns+
            let query = DNSQuery(.address, address.host)
            let target = await lookupTarget(
                host: address.host, port: port, srv: nil, address: address, on: channel
            )
            return assemble(address, query: query, targets: [target], emptyStatus: target.status, on: channel)
        case .dnssrv, .dnssrvnoa:
            let query = DNSQuery(.srv, address.host)
            let records: [SRVRecord]
            switch await channel.querySRV(address.host) {
            case .success(let found):
                records = found.sorted(by: SRVRecord.precedes)
            case .failure(let status) where status.isEmptyAnswer:
                return assemble(address, query: query, targets: [], emptyStatus: status, on: channel)
            case .failure(let status):
                return Resolution(
                    address: address, query: query, targets: [], endpoints: [], duplicatesRemoved: 0,
                    emptyStatus: nil,
                    error: .queryFailed(input: address.input, query: query, servers: channel.servers, status: status)
                )
            }
            if address.mode == .dnssrvnoa {
                let targets = records.map { record in
                    let port = address.port ?? record.port
                    return ResolvedTarget(
                        srv: record, host: record.target, port: port, addresses: [],
                        endpoints: [address.endpoint(host: record.target, port: port)], status: nil
                    )
                }
                return assemble(address, query: query, targets: targets, emptyStatus: nil, on: channel)
            }
            let targets = await withTaskGroup(of: (Int, ResolvedTarget).self) { group in
                for (index, record) in records.enumerated() {
                    group.addTask {
                        let target = await lookupTarget(
                            host: record.target, port: address.port ?? record.port, srv: record,
                            address: address, on: channel
                        )
                        return (index, target)
                    }
                }
                var results = [ResolvedTarget?](repeating: nil, count: records.count)
                for await (index, target) in group { results[index] = target }
                return results.compactMap { $0 }
            }
            return assemble(address, query: query, targets: targets, emptyStatus: nil, on: channel)
        }
    }

    private static func lookupTarget(
        host: String, port: UInt16, srv: SRVRecord?, address: DiscoveryAddress, on channel: CAresChannel
    ) async -> ResolvedTarget {
        let result: Result<[IPAddress], DNSStatus>
        if let literal = IPAddress(parsing: host) {
            result = .success([literal])  // Go's resolver answers IP literals without a query
        } else {
            result = await channel.lookupAddresses(host)
        }
        switch result {
        case .success(let found):
            let addresses = found.sorted()
            return ResolvedTarget(
                srv: srv, host: host, port: port, addresses: addresses,
                endpoints: addresses.map { address.endpoint(host: $0.description, port: port) }, status: nil
            )
        case .failure(let status):
            return ResolvedTarget(srv: srv, host: host, port: port, addresses: [], endpoints: [], status: status)
        }
    }

    private static func assemble(
        _ address: DiscoveryAddress, query: DNSQuery, targets: [ResolvedTarget], emptyStatus: DNSStatus?,
        on channel: CAresChannel
    ) -> Resolution {
        var seen = Set<String>()
        let all = targets.flatMap(\.endpoints)
        let endpoints = all.filter { seen.insert($0).inserted }
        // A failed target lookup fails the address, as in dskit ("lookup IP addresses ...").
        let failure = targets.first { $0.status.map { !$0.isEmptyAnswer } ?? false }
        let error = failure.flatMap { target in
            target.status.map {
                DiscoveryError.queryFailed(
                    input: address.input, query: DNSQuery(.address, target.host), servers: channel.servers, status: $0
                )
            }
        }
        return Resolution(
            address: address, query: query, targets: targets, endpoints: endpoints,
            duplicatesRemoved: all.count - endpoints.count, emptyStatus: endpoints.isEmpty ? emptyStatus : nil,
            error: error
        )
    }
}
