import ArgumentParser
import Inspection

struct KV: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "List the keys of a dskit cluster's memberlist KV store, without joining it.",
        discussion: """
            Exchanges one push/pull with the first seed that answers, as `ringctl members` does (no node \
            of our own is sent, so the cluster never learns of us), and lists the KV full state that came \
            with it: every key with its codec, value size, last update time and deleted flag, sorted by key. \
            A plain memberlist cluster has no KV store: the list is empty.

            Examples:
              ringctl kv -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl kv -memberlist.join dnssrv+_memberlist._tcp.mimir-gossip-ring -o json | jq '.keys[].key'

            Exit status: 0 a seed answered; 64 usage; 69 no seed answered; 76 a seed replied with something \
            undecodable (including a KV state that stops decoding), or a dskit seed closed without replying \
            (most likely a cluster label mismatch), or TLS or the gossip key did not match; 78 a TLS, key or \
            config file is unusable.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table, wide or json.")
    var output: ReportFormat = .table

    func run() async throws {
        try await reportingErrors {
            let resolved = try cluster.resolved()
            let peek = try await resolved.seeds.peek(resolved.peek)
            let report = KVKeysReport(peek)
            switch output {
            case .json: print(try JSONOutput.render(report))
            case .table, .wide: print(MembersRendering.kvTable(report))
            }
            if let problem = report.decodeError {
                Terminal.printError("ringctl: \(peek.peer)'s KV state stops decoding: \(problem)")
                return .protocolMismatch
            }
            return .ok
        }
    }
}
