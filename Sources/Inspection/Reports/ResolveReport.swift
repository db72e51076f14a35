import Discovery

/// `ringctl resolve -o json`: one entry per address given, with what was asked, what came back and why an
/// address yielded nothing. README's shape; every key always there (`@NullEncoded`: null when it does not apply).
public struct ResolveReport: Encodable, Sendable {
    /// How an address went.
    public enum Status: String, Encodable, Sendable {
        /// At least one endpoint.
        case ok
        /// Nothing, and not an error for dskit (NXDOMAIN, no records): `error.dns_status` says which.
        case empty
        /// A query failed (timeout, SERVFAIL, REFUSED, ...): dskit fails the address too.
        case error
        /// No prefix: used as given.
        case notResolved = "not_resolved"
    }

    /// One address given.
    public struct Address: Encodable, Sendable {
        public var input: String
        /// dns, dnssrv, dnssrvnoa or literal.
        public var mode: String
        /// The first query asked; nil for an address without a prefix.
        @NullEncoded public var query: Query?
        /// The DNS servers asked (none for an address without a prefix).
        public var servers: [String]
        public var status: Status
        public var answers: [Answer]
        public var endpoints: [String]
        /// Why the address yielded nothing, for `empty` and `error`.
        @NullEncoded public var error: Problem?
    }

    /// A DNS question.
    public struct Query: Encodable, Sendable {
        /// "SRV", "A" or "AAAA".
        public var type: String
        public var name: String
    }

    /// One SRV target (or, for dns+, the host), with its addresses.
    public struct Answer: Encodable, Sendable {
        public var target: String
        public var port: Int
        /// The SRV record's; nil for dns+.
        @NullEncoded public var priority: Int?
        @NullEncoded public var weight: Int?
        /// The target's A/AAAA answers; nil for dnssrvnoa+, which asks none.
        @NullEncoded public var addresses: [String]?
        public var endpoints: [String]
        /// The status of the target's own lookup when it gave no address.
        @NullEncoded public var dnsStatus: String?

        enum CodingKeys: String, CodingKey {
            case target, port, priority, weight, addresses, endpoints
            case dnsStatus = "dns_status"
        }
    }

    /// What went wrong with an address, in words, with what to try.
    public struct Problem: Encodable, Sendable {
        /// NXDOMAIN, NODATA, TIMEOUT, SERVFAIL, ...; nil when no DNS status applies.
        @NullEncoded public var dnsStatus: String?
        public var message: String
        public var hint: String

        enum CodingKeys: String, CodingKey {
            case message, hint
            case dnsStatus = "dns_status"
        }
    }

    /// The addresses, in the order given.
    public var addresses: [Address]

    /// The report for `report`; `hint` says what to try for an address that failed or found nothing (the CLI's
    /// error map words it, as it does on stderr).
    public init(_ report: ResolutionReport, hint: (Resolution) -> String) {
        addresses = report.resolutions.map { resolution in
            let status: Status
            var problem: Problem?
            if let failure = resolution.error {
                status = .error
                problem = Problem(
                    dnsStatus: Self.failureStatus(resolution)?.code, message: failure.description, hint: hint(resolution))
            } else if resolution.address.mode == .literal {
                status = .notResolved
            } else if resolution.endpoints.isEmpty {
                status = .empty
                problem = Problem(
                    dnsStatus: resolution.emptyStatus?.code, message: Self.emptyMessage(resolution),
                    hint: hint(resolution))
            } else {
                status = .ok
            }
            return Address(
                input: resolution.address.input, mode: resolution.address.mode.rawValue,
                query: resolution.query.map { Query(type: $0.kind.rawValue, name: $0.name) },
                servers: resolution.address.mode == .literal ? [] : report.servers, status: status,
                answers: resolution.targets.map { target in
                    Answer(
                        target: target.host, port: Int(target.port),
                        priority: target.srv.map { Int($0.priority) }, weight: target.srv.map { Int($0.weight) },
                        addresses: resolution.address.mode == .dnssrvnoa ? nil : target.addresses.map(\.description),
                        endpoints: target.endpoints, dnsStatus: target.status?.code)
                },
                endpoints: resolution.endpoints, error: problem)
        }
    }

    // README's shape is the array of addresses itself.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(addresses)
    }

    /// The DNS status of a failed address, when the failure was a query's.
    public static func failureStatus(_ resolution: Resolution) -> DNSStatus? {
        if case .queryFailed(_, _, _, let status) = resolution.error { return status }
        return nil
    }

    /// "SRV query for NAME found nothing: NXDOMAIN (...)", for an address that yielded no endpoint.
    public static func emptyMessage(_ resolution: Resolution) -> String {
        "\(resolution.query?.description ?? "lookup") found nothing: "
            + (resolution.emptyStatus?.description ?? "no addresses for any target")
    }
}
