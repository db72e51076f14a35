import ArgumentParser
import Foundation

@main
struct Ringctl: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ringctl",
        abstract: "Inspect and debug memberlist gossip clusters and dskit hash rings; nothing changes unless you ask.",
        discussion: """
            ringctl answers the 3 a.m. questions about a Grafana Pyroscope, Mimir, Loki, Tempo or Cortex \
            cluster (a dskit hash ring in a memberlist KV store) or a plain hashicorp/memberlist cluster: who is \
            in it, what the ring holds, whether discovery finds anybody.

            Examples:
              ringctl members -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl watch -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl kv -memberlist.join dnssrv+_memberlist._tcp.loki-memberlist \\
                -memberlist.cluster-label loki
              ringctl ring -j pyroscope-memberlist:7946 --check
              ringctl lag --heartbeat 15s -j pyroscope-memberlist:7946
              ringctl quorum -j pyroscope-memberlist:7946 --replication-factor 3 \\
                --zone-awareness --down pyroscope-ingester-zone-a-0
              ringctl resolve \\
                dnssrv+_memberlist._tcp.pyroscope-memberlist.pyroscope.svc.cluster.local
              ringctl resolve --dns-server 10.96.0.10 -o plain \\
                dns+pyroscope-memberlist:7946
              ringctl ring --from-file ring.bin    # from /memberlist?downloadKey=KEY
              ringctl decode capture.bin           # a captured dskit packet or stream
              ringctl demo --nodes 3               # a cluster of our own to try it all on
              ringctl forget -j pyroscope-memberlist:7946 ingester-2   # asks first

            Exit status (the same for every command):
              0   ok, and the answer is healthy
              1   the command worked, but the answer is not healthy (e.g. a name
                  resolved to nothing, heartbeat lag over the threshold, no such KV key)
              64  usage: bad flags or arguments
              69  unavailable: no DNS server or cluster member answered
              70  software: an internal error ringctl did not expect (a bug: please
                  report it with the command you ran)
              76  protocol: a peer spoke something undecodable, or the label/keyring
                  did not match
              78  configuration: bad TLS, key or config files
              130 interrupted (Ctrl-C, SIGTERM) before there was an answer
            """,
        version: version,
        subcommands: [
            Members.self, Watch.self, KV.self, Resolve.self, Ring.self, Lookup.self, Quorum.self, Lag.self, Decode.self,
            Demo.self, Forget.self,
        ]
    )

    /// argument-parser's main, with ringctl's own shape for usage errors (`ringctl: …` + `hint:`, exit 64) and
    /// SIGINT/SIGTERM handled from the first instruction on (see `SignalCancellation`).
    static func main() async {
        SignalCancellation.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let usage = UsageErrors.beforeParsing(arguments) { UsageErrors.fail(usage) }
        do {
            // dskit's flags in Go's syntax (-memberlist.tls-enabled=false, unused flags) become ringctl's spellings.
            var command = try parseAsRoot(GoFlags.normalize(arguments).arguments)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // The command printed its own diagnostic already (ExitStatus.printDiagnostic).
            Foundation.exit(code.rawValue)
        } catch {
            guard exitCode(for: error) != .success else {
                // --help, --version: argument-parser's text, on stdout, status 0.
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            UsageErrors.fail(UsageErrors.shape(message(for: error), arguments: arguments))
        }
        Foundation.exit(0)
    }
}
