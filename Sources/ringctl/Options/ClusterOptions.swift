import ArgumentParser
import Discovery
import Inspection
import Memberlist

extension TransportKind: ExpressibleByArgument {}

/// How to reach the cluster: seeds, transport, label, deadline. Flags mirror dskit's, single-dash aliases included.
struct ClusterOptions: ParsableArguments {
    @Option(
        name: [.short, .customLong("join"), .customLong("memberlist.join", withSingleDash: true)],
        help: ArgumentHelp(
            "A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.",
            valueName: "address"))
    var join: [String] = []

    @Option(help: ArgumentHelp(
        "The cluster's TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).",
        valueName: "transport"))
    var transport: TransportKind = .dskit

    @Option(
        name: [.customLong("cluster-label"), .customLong("memberlist.cluster-label", withSingleDash: true)],
        help: ArgumentHelp("The cluster label to send (dskit's -memberlist.cluster-label); none by default.",
                           valueName: "label"))
    var clusterLabel = ""

    @Option(help: ArgumentHelp(
        "Deadline for each seed: connect, send and read the whole reply, e.g. 500ms, 5s.", valueName: "duration"))
    var timeout = DurationArgument(.seconds(5), text: "5s")

    @Option(
        name: .customLong("dns-server"),
        help: ArgumentHelp(
            "DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf's (repeatable; IP or IP:PORT).",
            valueName: "host:port"))
    var dnsServers: [String] = []

    func validate() throws {
        guard !join.isEmpty else {
            throw ValidationError("Give at least one seed with -j/--join HOST:PORT (repeatable).")
        }
        guard timeout.duration > .zero, timeout.duration <= .seconds(600) else {
            throw ValidationError("--timeout must be more than 0 and at most 10m, not \(timeout).")
        }
        guard clusterLabel.utf8.count <= 255 else {
            throw ValidationError("--cluster-label is at most 255 bytes long.")
        }
    }

    /// The seeds, resolved through `--dns-server` when given.
    func seeds() throws -> Seeds {
        var servers: [String] = []
        for server in dnsServers { servers.append(try ResolverConfiguration.normalizeServer(server)) }
        return Seeds(join, resolver: ResolverConfiguration(servers: servers))
    }

    var peekConfiguration: PeekConfiguration {
        PeekConfiguration(transport: transport, clusterLabel: clusterLabel, timeout: timeout.duration)
    }
}
