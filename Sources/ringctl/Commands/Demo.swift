import ArgumentParser
import Foundation
import Inspection
import Memberlist

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a small dskit-shaped cluster on 127.0.0.1 to try ringctl on (and to stage failures).",
        discussion: """
            Starts N real memberlist nodes in this one process, each with its own port on 127.0.0.1 and one \
            instance in the dskit ring kept in the gossiped KV store (key --ring-key, codec ringDesc), exactly \
            as a Pyroscope, Mimir or Loki ingester keeps it: it registers with random tokens, heartbeats every \
            --heartbeat, and on stop goes LEAVING and then unregisters. Nodes are named PREFIX-0 … PREFIX-(N-1); \
            their instances carry the same names and are spread over zone-a, zone-b, … in turn. Any memberlist \
            or dskit peer can join them.

            Once every node lists every other alive and holds every instance, ringctl prints one line per node \
            (name, address, zone) and the join flag, then runs until Ctrl-C or SIGTERM (or --for), when every \
            node leaves cleanly: peers see them left, and their instances become LEFT tombstones.

            Stage failures, each announced on stderr when it happens (AFTER counts from convergence; NODE is a \
            name or a number):
              --freeze NODE@AFTER       heartbeats stop, gossip goes on (lag: LAGGING)
              --crash NODE@AFTER        stops answering, no leave: suspect, then dead;
                                        its instance turns UNHEALTHY in the ring
              --leave NODE@AFTER        a clean leave: LEAVING, then gone
              --state NODE=STATE@AFTER  the instance turns LEAVING, JOINING, ACTIVE
                                        or PENDING
              --slow-gossip NODE@AFTER  the node gossips ten times less often

            The failure detector runs at dskit's settings (probe every 5s, timeout 2s), so a crashed node is \
            suspected within seconds and declared dead about 20s later; --probe-interval shortens that.

            Examples:
              ringctl demo
              ringctl demo --nodes 3 --cluster-label pyroscope-demo --heartbeat 1s
              ringctl demo --freeze ingester-2@30s --crash 4@60s
              ringctl demo --transport memberlist -memberlist.gossip-interval 100ms
              ringctl demo -o json --for 1m | jq -r '.nodes[].address'

            Exit status: 0 ran and every node left; 64 usage; 78 a port could not be bound (try another \
            --base-port, or 0); 130 interrupted before the cluster converged.
            """
    )

    @Option(help: "How many nodes (1…200).") var nodes = 5
    @Option(help: "How many zones the instances are spread over (zone-a, zone-b, …).") var zones = 3
    @Option(help: "Tokens per ring instance.") var tokens = 128
    @Option(help: ArgumentHelp("How often each node heartbeats its instance.", valueName: "duration"))
    var heartbeat = DurationArgument(.seconds(5), text: "5s")
    @Option(help: ArgumentHelp("The cluster label every node sends and requires (dskit -memberlist.cluster-label).",
                               valueName: "label"))
    var clusterLabel = ""
    @Option(help: "dskit (TCP only, dskit's default) or memberlist (UDP packets, TCP streams).")
    var transport: TransportKind = .dskit
    @Option(help: ArgumentHelp("The first node's port; the others follow (0: free ports).", valueName: "port"))
    var basePort = 0
    @Option(help: ArgumentHelp("The KV key of the ring.", valueName: "key")) var ringKey = "collectors/ring"
    @Option(help: ArgumentHelp("Nodes are named PREFIX-0 … PREFIX-(N-1).", valueName: "prefix"))
    var namePrefix = "ingester"

    @Option(name: .customLong("memberlist.gossip-interval", withSingleDash: true),
            help: ArgumentHelp("How often each node gossips (dskit's flag).", valueName: "duration"))
    var gossipInterval = DurationArgument(.milliseconds(200), text: "200ms")
    @Option(name: .customLong("memberlist.gossip-nodes", withSingleDash: true),
            help: ArgumentHelp("How many members each gossip round goes to (dskit's flag).", valueName: "n"))
    var gossipNodes = 3
    @Option(name: .customLong("memberlist.pullpush-interval", withSingleDash: true),
            help: ArgumentHelp("How often a full state exchange runs; 0 turns it off (dskit's flag).",
                               valueName: "duration"))
    var pullPushInterval = DurationArgument(.seconds(30), text: "30s")
    @Option(name: .customLong("memberlist.retransmit-factor", withSingleDash: true),
            help: ArgumentHelp("Each broadcast goes out factor × ceil(log10(N+1)) times (dskit's flag).",
                               valueName: "n"))
    var retransmitFactor = 4

    @Option(help: ArgumentHelp("Probe one member this often (dskit: 5s; not a dskit flag).", valueName: "duration"))
    var probeInterval = DurationArgument(.seconds(5), text: "5s")
    @Option(help: ArgumentHelp("Wait this long for a probe's ack (dskit: 2s; not a dskit flag).",
                               valueName: "duration"))
    var probeTimeout = DurationArgument(.seconds(2), text: "2s")

    @Option(help: ArgumentHelp("Stop a node's heartbeats after AFTER.", valueName: "node@after")) var freeze: [String] = []
    @Option(help: ArgumentHelp("Crash a node (no leave) after AFTER.", valueName: "node@after")) var crash: [String] = []
    @Option(help: ArgumentHelp("Make a node leave cleanly after AFTER.", valueName: "node@after")) var leave: [String] = []
    @Option(help: ArgumentHelp("Change a node's ring state after AFTER.", valueName: "node=state@after"))
    var state: [String] = []
    @Option(help: ArgumentHelp("Make a node gossip ten times less often after AFTER.", valueName: "node@after"))
    var slowGossip: [String] = []

    @Option(name: .customLong("for"), help: ArgumentHelp("Stop after this long (default: until Ctrl-C or SIGTERM).",
                                                         valueName: "duration"))
    var duration: DurationArgument?

    @Option(
        name: [.short, .customLong("output")],
        help: "Output format: table (a line per node) or json (the node list as one JSON object).",
        completion: OutputFormat.completion(OutputFormat.events))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.events, command: "demo")
        do {
            try plan().validate()
        } catch {
            throw ValidationError(error.description)
        }
        if let duration, duration.duration <= .zero { throw ValidationError("--for must be more than 0, not \(duration).") }
        if probeTimeout.duration <= .zero || probeTimeout.duration > probeInterval.duration {
            throw ValidationError("--probe-timeout must be more than 0 and at most --probe-interval.")
        }
    }

    /// The flags as a plan.
    func plan() throws(DemoPlanError) -> DemoPlan {
        var events: [DemoEvent] = []
        let parse: (String) -> Duration? = { DurationArgument.parse($0) }
        for text in freeze {
            events.append(try DemoEvent.parse(text, flag: "--freeze", kind: .freeze, parseDuration: parse))
        }
        for text in crash {
            events.append(try DemoEvent.parse(text, flag: "--crash", kind: .crash, parseDuration: parse))
        }
        for text in leave {
            events.append(try DemoEvent.parse(text, flag: "--leave", kind: .leave, parseDuration: parse))
        }
        for text in state {
            events.append(
                try DemoEvent.parse(text, flag: "--state", stateful: true, kind: .freeze, parseDuration: parse))
        }
        for text in slowGossip {
            events.append(try DemoEvent.parse(text, flag: "--slow-gossip", kind: .slowGossip, parseDuration: parse))
        }
        var gossip = GossipSettings.dskit
        gossip.interval = gossipInterval.duration
        gossip.nodes = gossipNodes
        gossip.pushPullInterval = pullPushInterval.duration == .zero ? nil : pullPushInterval.duration
        gossip.retransmitMultiplier = retransmitFactor
        var failureDetection = FailureDetectionSettings.dskit
        failureDetection.probeInterval = probeInterval.duration
        failureDetection.probeTimeout = probeTimeout.duration
        return DemoPlan(
            nodes: nodes, zones: zones, tokens: tokens, heartbeat: heartbeat.duration, clusterLabel: clusterLabel,
            transport: transport, basePort: basePort, ringKey: ringKey, namePrefix: namePrefix, gossip: gossip,
            failureDetection: failureDetection, events: events)
    }

    func run() async throws {
        let plan = try plan()
        let output = self.output
        let duration = self.duration?.duration
        try await reportingErrors {
            try await DemoCluster.run(
                plan, for: duration,
                onReady: { ready in
                    // Written at once (unbuffered): a script waits for these lines while the demo keeps running.
                    switch output {
                    case .json:
                        WatchRendering.emit((try? JSONOutput.line(ready)) ?? "{}")
                    default:
                        let width = ready.nodes.map(\.name.count).max() ?? 0
                        for node in ready.nodes {
                            let padded = node.name.padding(toLength: width, withPad: " ", startingAt: 0)
                            WatchRendering.emit("\(padded)  \(node.address)  \(node.zone)")
                        }
                        WatchRendering.emit("join with: -memberlist.join=\(ready.join)")
                    }
                },
                onNote: { note in
                    FileHandle.standardError.write(Data("demo: \(note)\n".utf8))
                })
            return .ok
        }
    }
}
