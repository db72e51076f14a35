import ArgumentParser
import Discovery
import Inspection

struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve memberlist join addresses exactly as dskit does (dns+, dnssrv+, dnssrvnoa+).",
        discussion: """
            Each ADDRESS is read the way Pyroscope, Mimir and Loki read -memberlist.join:
              dns+HOST:PORT      A and AAAA records of HOST, each with PORT (the port is required)
              dnssrv+NAME        SRV records of NAME, then A/AAAA of every target, with the SRV port
                                 (dnssrv+NAME:PORT uses PORT instead)
              dnssrvnoa+NAME     SRV records of NAME; targets used as HOST:PORT without A/AAAA lookup
              HOST:PORT          no prefix: used as given, not resolved
            All queries run at once through one c-ares channel. NXDOMAIN and empty answers are not errors \
            for dskit (it logs and joins whoever it found); ringctl shows them and exits 1. Timeouts, \
            SERVFAIL and refusals fail the address (exit 69). SRV answers are sorted by priority, then \
            weight (heaviest first), then name.

            Without --dns-server the system resolver configuration is used (/etc/resolv.conf: servers, \
            search domains, /etc/hosts), as inside a pod. With --dns-server only that server is asked, \
            for the name exactly as given (like dig @SERVER): no search domains, no /etc/hosts.

            Examples:
              ringctl resolve \\
                dnssrv+_memberlist._tcp.pyroscope-memberlist.pyroscope.svc.cluster.local
              ringctl resolve dns+pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl resolve --dns-server 10.96.0.10:53 -o plain \\
                dnssrvnoa+_memberlist._tcp.loki-memberlist
              ringctl resolve -o json dnssrv+_memberlist._tcp.mimir-gossip-ring | \\
                jq '.[].endpoints[]'

            Exit status: 0 every address gave at least one endpoint; 1 some address gave none (NXDOMAIN, \
            empty answer); 64 bad address or flag; 69 a DNS server timed out, refused or failed.
            """
    )

    @Argument(help: ArgumentHelp("Addresses to resolve, as given to -memberlist.join.", valueName: "address"))
    var addresses: [String]

    @Option(
        name: .customLong("dns-server"),
        help: ArgumentHelp(
            "DNS server to ask instead of /etc/resolv.conf's (repeatable; IP, IP:PORT or [IPv6]:PORT).",
            valueName: "host:port"
        )
    )
    var dnsServers: [String] = []

    @Option(help: ArgumentHelp(
        "How long to wait for an answer on the first try, e.g. 500ms, 2s (c-ares doubles it on each later round).",
        valueName: "duration"))
    var timeout = DurationArgument(.seconds(2), text: "2s")

    @Option(help: "How many times each query is sent before it counts as timed out.")
    var tries = 2

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table, plain (one host:port per line) or json.",
        completion: OutputFormat.completion(OutputFormat.addresses))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.addresses, command: "resolve")
        guard tries >= 1, tries <= 10 else { throw ValidationError("--tries must be from 1 to 10, not \(tries).") }
        guard timeout.duration > .zero, timeout.duration <= .seconds(60) else {
            throw ValidationError("--timeout must be more than 0 and at most 60s, not \(timeout).")
        }
    }

    func run() async throws {
        try await reportingErrors {
            var parsed: [DiscoveryAddress] = []
            var problems: [DiscoveryError] = []
            for text in addresses {
                do throws(DiscoveryError) {
                    parsed.append(try DiscoveryAddress(parsing: text))
                } catch {
                    problems.append(error)
                }
            }
            if !problems.isEmpty { throw Findings(errors: problems) }
            var servers: [String] = []
            for server in dnsServers { servers.append(try ResolverConfiguration.normalizeServer(server)) }
            let configuration = ResolverConfiguration(servers: servers, timeout: timeout.duration, tries: tries)

            let report = try await Resolver(configuration: configuration).resolve(parsed)
            switch output {
            case .plain: report.endpoints.forEach { print($0) }
            case .json: print(try JSONOutput.render(ResolveReport(report) { $0.problem.flatMap { Diagnosis(of: $0).hint } ?? "" }))
            default: print(ResolveRendering.table(report))
            }
            ResolveRendering.printNotes(report)
            let unusable = report.resolutions.compactMap(\.problem)
            if !unusable.isEmpty { throw Findings(errors: unusable) }
            return .ok
        }
    }
}

/// An address that gave no endpoint, and did not fail: NXDOMAIN or an empty answer, which dskit logs and skips
/// (it joins whoever else it found). `ringctl resolve` shows it and exits 1.
struct ResolvedToNothing: Error, CustomStringConvertible {
    /// The address as given.
    var input: String
    var mode: DiscoveryMode
    /// The first query made for it.
    var query: DNSQuery?
    /// What that query found instead (nil: the SRV answer named targets, and none had an address).
    var status: DNSStatus?

    /// The empty answer of an address that resolved to nothing.
    init(_ resolution: Resolution) {
        self.init(
            input: resolution.address.input, mode: resolution.address.mode, query: resolution.query,
            status: resolution.emptyStatus)
    }

    init(input: String, mode: DiscoveryMode, query: DNSQuery?, status: DNSStatus?) {
        self.input = input
        self.mode = mode
        self.query = query
        self.status = status
    }

    /// "SRV query for NAME found nothing: NXDOMAIN (...)", as resolve's JSON says it.
    var description: String {
        "\(query?.description ?? "lookup") found nothing: " + (status?.description ?? "no addresses for any target")
    }
}

extension Resolution {
    /// What keeps this address from giving endpoints, when something does: its error, or its empty answer.
    var problem: (any Error)? {
        if let error { return error }
        guard isEmpty else { return nil }
        return ResolvedToNothing(self)
    }
}
