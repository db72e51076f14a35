import ArgumentParser
import Foundation
import Inspection
import Memberlist

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the cluster as a transient member and print every membership change and KV update.",
        discussion: """
            ringctl joins through the first seed that answers (a push/pull announcing a node of its own, \
            named ringctl-<host>-<random>), answers the cluster's probes so it is never suspected, and prints \
            one line per event: a member joined, updated, became suspect, dead (failed) or left, or a KV key \
            changed (dskit clusters; for a ring, what changed in which instance: heartbeat, state A → B, \
            tokens, registered, added, removed). The first line names the node ringctl joined as and the \
            seed (observer_joined); then the members and keys the seed knew (present, kv_present); the last \
            line says that ringctl left and whether the leave reached every member (observer_left).

            ringctl never writes to the KV store and sends no gossip of its own. On Ctrl-C, SIGTERM or when \
            --for ends it leaves gracefully: every member gets a leave message, so the cluster shows ringctl \
            as left, never as failed (members drop that entry when memberlist forgets dead and left nodes; \
            dskit: -memberlist.gossip-to-dead-nodes-time, 30s by default), and the seed is asked whether it \
            lists ringctl as left (the leave is sent again while it does not). Interrupted before the join was \
            written, nothing was announced and ringctl says so. A second Ctrl-C exits at once.

            Examples:
              ringctl watch -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl watch --transport memberlist -j 127.0.0.1:7946 \\
                --bind-addr 127.0.0.1 --for 1m
              ringctl watch -memberlist.join dnssrv+_memberlist._tcp.loki-memberlist \\
                -o json | jq .kind

            Exit status: 0 watched and left; 64 usage; 69 no seed answered; 76 a seed replied with something \
            undecodable (label, key or transport mismatch); 78 cannot listen, or a bad key file.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @OptionGroup var node: ObserverNodeOptions

    @Option(name: .customLong("for"), help: ArgumentHelp("Stop after this long (default: until Ctrl-C or SIGTERM).",
                                                         valueName: "duration"))
    var duration: DurationArgument?

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table (one line per event) or json (JSON Lines).",
        completion: OutputFormat.completion(OutputFormat.events))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.events, command: "watch")
        if let duration, duration.duration <= .zero {
            throw ValidationError("--for must be more than 0, not \(duration).")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let resolved = try cluster.resolved(observing: true)
            let request = ObserveRequest(seeds: resolved.seeds, configuration: try node.configuration(resolved))
            let output = self.output
            let duration = self.duration?.duration
            let nodeName = request.configuration.nodeName
            let print: @Sendable (WatchEvent) -> Void = { event in
                var event = event
                // The session's events do not carry our own name; the configuration does.
                if event.kind == .observerJoined { event.observer = nodeName }
                switch output {
                case .json: WatchRendering.emit((try? WatchRendering.jsonLine(event)) ?? "{}")
                default: WatchRendering.emit(WatchRendering.line(event))
                }
            }
            let leave = try await SignalCancellation.run {
                try await Observation.watch(request, for: duration, onEvent: print)
            }
            print(WatchRendering.leftEvent(leave, node: nodeName))
            LeaveReporting.printWarnings(leave)
            return .ok
        }
    }
}
