/// What a DNS server (or c-ares on its way to one) answered, in words an operator knows from dig.
public enum DNSStatus: Error, Hashable, Sendable, CustomStringConvertible {
    /// NXDOMAIN: the name does not exist. dskit treats it as an empty answer, not an error.
    case nxdomain
    /// NOERROR with no records of the asked type. Also an empty answer for dskit.
    case noData
    /// SERVFAIL: the server could not answer (often: its upstream failed).
    case serverFailure
    /// REFUSED: the server will not answer this name (not authoritative, no recursion for us).
    case refused
    /// No answer within timeout × tries.
    case timeout(tries: Int)
    /// Nothing listens on the server's port (ICMP port unreachable, or TCP refused); with the system's
    /// servers c-ares also reports a REFUSED answer this way.
    case connectionRefused
    /// The answer could not be parsed (FORMERR, truncated or malformed response).
    case badResponse
    /// Any other c-ares status, with its number and c-ares' own text.
    case other(code: Int32, message: String)

    /// A short, stable token for scripts (JSON `dns_status`).
    public var code: String {
        switch self {
        case .nxdomain: "NXDOMAIN"
        case .noData: "NODATA"
        case .serverFailure: "SERVFAIL"
        case .refused: "REFUSED"
        case .timeout: "TIMEOUT"
        case .connectionRefused: "CONNREFUSED"
        case .badResponse: "BADRESPONSE"
        case .other: "ERROR"
        }
    }

    /// True when the name simply has nothing: dskit logs it and goes on with an empty result.
    public var isEmptyAnswer: Bool { self == .nxdomain || self == .noData }

    public var description: String {
        switch self {
        case .nxdomain: "NXDOMAIN (the name does not exist)"
        case .noData: "no records of that type (NOERROR, empty answer)"
        case .serverFailure: "SERVFAIL (the server failed to answer)"
        case .refused: "REFUSED (the server will not answer this query)"
        case .timeout(let tries): "timeout after \(tries) \(tries == 1 ? "try" : "tries")"
        case .connectionRefused: "connection refused (no DNS server on that port, or every server answered REFUSED)"
        case .badResponse: "malformed response"
        case .other(let code, let message): "\(message) (c-ares status \(code))"
        }
    }
}

/// Why an address was rejected before any query was sent.
public enum AddressProblem: Hashable, Sendable, CustomStringConvertible {
    case empty
    case whitespace
    case unknownPrefix(String)
    case nothingAfterPrefix(DiscoveryMode)
    case repeatedSchemeSeparator
    case missingPort
    case badPort(String)
    case ipForSRV(String)
    case nonASCII(String)
    case nameTooLong(Int)
    case labelTooLong(String)
    case emptyLabel
    case badCharacter(String)

    public var description: String {
        switch self {
        case .empty: "the address is empty"
        case .whitespace: "the address contains whitespace"
        case .unknownPrefix(let prefix):
            "unknown lookup prefix \"\(prefix)+\" (dskit knows dns+, dnssrv+ and dnssrvnoa+)"
        case .nothingAfterPrefix(let mode): "nothing follows \"\(mode.prefix)\""
        case .repeatedSchemeSeparator: "\"//\" appears more than once"
        case .missingPort: "dns+ needs a port (dskit: \"missing port in address given for dns lookup\")"
        case .badPort(let port): "port \"\(port)\" is not a number from 1 to 65535"
        case .ipForSRV(let ip): "\(ip) is an IP address, and SRV records are looked up by name"
        case .nonASCII(let scalar): "\"\(scalar)\" is not ASCII: DNS names must be ASCII (IDNA/punycode: xn--...)"
        case .nameTooLong(let length): "the name is \(length) bytes long; DNS allows 253"
        case .labelTooLong(let label): "the label \"\(label.prefix(20))...\" is \(label.utf8.count) bytes; DNS allows 63"
        case .emptyLabel: "the name has an empty label (\"..\", a leading dot, or nothing but a dot)"
        case .badCharacter(let character): "\"\(character)\" is not allowed in a DNS name (letters, digits, - and _)"
        }
    }
}

/// Everything that can go wrong in discovery, with the input, the query and the server named.
public enum DiscoveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The address cannot be parsed, or dskit would reject it.
    case invalidAddress(input: String, reason: AddressProblem)
    /// A query failed in a way dskit reports as an error (not NXDOMAIN or an empty answer).
    case queryFailed(input: String, query: DNSQuery, servers: [String], status: DNSStatus)
    /// A DNS server address c-ares cannot use (as given, e.g. from `--dns-server`).
    case invalidServer(server: String, reason: String)
    /// c-ares could not be set up (unreadable resolv.conf, out of memory).
    case channelSetup(detail: String)

    public var description: String {
        switch self {
        case .invalidAddress(let input, let reason):
            "\(input.isEmpty ? "\"\"" : input): \(reason)"
        case .queryFailed(let input, let query, let servers, let status):
            "\(input): \(query) to \(Self.serverList(servers)): \(status)"
        case .invalidServer(let server, let reason):
            "DNS server \(server): \(reason)"
        case .channelSetup(let detail):
            "cannot set up the DNS resolver: \(detail)"
        }
    }

    /// "10.0.0.10:53, 10.0.0.11:53", or "the system resolver" when no server was named.
    public static func serverList(_ servers: [String]) -> String {
        servers.isEmpty ? "the system resolver" : servers.joined(separator: ", ")
    }
}

/// One DNS question, for messages and JSON.
public struct DNSQuery: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, Codable {
        case srv = "SRV"
        case address = "A/AAAA"
    }
    public let kind: Kind
    public let name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue) query for \(name)" }
}
