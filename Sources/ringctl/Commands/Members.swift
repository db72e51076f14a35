import ArgumentParser
import Inspection
import Memberlist

struct Members: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the members of a memberlist cluster, as a seed sees them, without joining it.",
        discussion: """
            Opens one TCP connection to the first seed that answers and exchanges a push/pull with it, \
            sending no node of our own (join: false, an empty member list, an empty KV state), so the \
            cluster never learns ringctl was there. The seed replies with every member it knows, in every \
            state.

            Columns: NAME, ADDRESS, STATE (alive, suspect, dead, left), INCARNATION, VERSIONS (memberlist \
            protocol min/max/current, then delegate), ROLE and ZONE (dskit zone-aware routing metadata, when \
            the node carries it). Sorted by name; then a summary that counts the live members first, as \
            dskit's /memberlist page counts Members ("3 alive, 1 left (4 members)"). --state keeps only the \
            members in the states given. -o json: {seed, transport, members: [{name, address, state, \
            incarnation, protocol_versions, delegate_versions, role, zone, meta_bytes}]}, every key always \
            there (null when a member carries no such data).

            With --observe DURATION, ringctl instead joins the cluster as a transient member (node \
            ringctl-<host>-<random>, see `ringctl watch`), answers its probes, collects gossip for that long, \
            prints the members as its own member table holds them (its own node left out of the table and the \
            counts; a line under them names it, and JSON has it as "observer"), and leaves gracefully (also on \
            Ctrl-C or SIGTERM), so the cluster shows it as left, never as failed. That `left` entry stays in \
            every member's list until memberlist forgets dead and left nodes (dskit: \
            -memberlist.gossip-to-dead-nodes-time, 30s by default; memberlist releases before the 2022 fix of \
            hashicorp/memberlist#253 keep left nodes for good). Without --observe nothing is left behind.

            Seeds are tried in order; dns+, dnssrv+ and dnssrvnoa+ seeds are resolved as dskit resolves \
            them (see `ringctl resolve`) and each address is tried. A seed that has not answered within its \
            head start (a third of --timeout, at most 1s) no longer holds back the next, which is dialled \
            beside it; the first answer wins, and stderr names the seed that was overtaken. When none answers, \
            every seed is listed with why; one that closed without a word is asked once more the other way, so \
            the error can name the --transport or --cluster-label to change.

            Interrupted during --observe, ringctl either never announced itself or leaves, and says which on \
            stderr; a --node-name that a live member holds is refused (64), and no leave is ever sent in it.

            Examples:
              ringctl members -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl members -memberlist.join dnssrv+_memberlist._tcp.loki-memberlist \\
                -o wide
              ringctl members -j 10.0.0.3:7946 -memberlist.cluster-label pyroscope \\
                --state suspect --state dead
              ringctl members --transport memberlist -j 127.0.0.1:7946 -o json | \\
                jq '.members[].name'
              ringctl members -config.file /etc/pyroscope/config.yaml --tls-ca-path ca.crt
              ringctl members --transport memberlist -j 10.0.0.3:7946 \\
                --secret-key-file gossip.key
              ringctl members -j 10.0.0.3:7946 --observe 10s --bind-addr 10.0.0.99

            Exit status: 0 a seed answered; 64 usage (also a --node-name a live member holds); 69 no seed \
            answered (refused, timed out, closed mid-reply); 76 a seed replied with something undecodable, or \
            closed without replying (a cluster label, gossip key or transport mismatch), or TLS or the gossip \
            key did not match; 78 a TLS, key or config file is unusable, or the listen port is taken; 130 \
            interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @OptionGroup var observation: ObserveOptions

    @Option(help: ArgumentHelp("Show only members in this state (repeatable): alive, suspect, dead or left.",
                               valueName: "state"))
    var state: [MembersReport.State] = []

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table, wide or json.",
        completion: OutputFormat.completion(OutputFormat.reports))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.reports, command: "members")
    }

    func run() async throws {
        try await reportingErrors {
            let resolved = try cluster.resolved(observing: observation.observe != nil)
            let report: MembersReport
            var leave: LeaveOutcome?
            if let duration = observation.observe?.duration {
                let request = ObserveRequest(
                    seeds: resolved.seeds, configuration: try observation.node.configuration(resolved))
                let observed = try await SignalCancellation.run {
                    try await Observation.members(request, for: duration)
                }
                LeaveReporting.printWarnings(observed.leave)
                leave = observed.leave
                report = observed.report.filtered(states: Set(state))
            } else {
                let peek = try await resolved.seeds.peek(resolved.peek)
                report = MembersReport(peek, transport: cluster.transport).filtered(states: Set(state))
            }
            switch output {
            case .json: print(try JSONOutput.render(report))
            case .table: print(MembersRendering.table(report, wide: false, leave: leave))
            default: print(MembersRendering.table(report, wide: true, leave: leave))
            }
            return .ok
        }
    }
}

extension MembersReport.State: ExpressibleByArgument {}
