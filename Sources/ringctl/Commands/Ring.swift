import ArgumentParser
import DskitKV
import Foundation
import Inspection

struct Ring: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a dskit hash ring: instances, states, zones, heartbeat ages, tokens and ownership.",
        discussion: """
            Reads every ring a dskit cluster keeps in its memberlist KV store (every key whose codec is \
            ringDesc: "ring" or "collectors/ring" for ingesters, "distributor", "compactor", "store-gateway", \
            ...), with one push/pull with the first seed that answers, as `ringctl members` does (no node of \
            our own is sent, so the cluster never learns of us). --key KEY (repeatable) shows only those keys.

            With --from-file, reads a ring value saved from a dskit service's /memberlist page instead (the \
            "download" link next to a ring key: snappy-compressed protobuf ring.Desc), with no cluster at all; \
            --key then only names the key in the report (default "ring").

            Columns: INSTANCE, STATE, ADDRESS, ZONE, HEARTBEAT (age), REGISTERED (age), TOKENS, OWNERSHIP \
            (dskit's figure: each zone is its own token circle, as on the /ring page), READ-ONLY, HEALTH \
            (dskit's rule: ACTIVE and a heartbeat within --heartbeat-timeout). Then a summary per zone, and \
            warnings: token conflicts, instances stuck LEAVING/JOINING/PENDING, LEFT tombstones. Live, one such \
            report per ring key, sorted by key.

            JSON: with --from-file, the ring report object {key, at, heartbeat_timeout_seconds, health_rule, \
            instances, zones, warnings}; live, {"seed": "HOST:PORT", "rings": [<one such object per key>]}.

            Ages are measured against now, or against --at for a file saved earlier.

            Examples:
              ringctl ring -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl ring -j 10.0.0.3:7946 --key collectors/ring --tokens -o json | jq '.rings[0].instances'
              ringctl ring -j dnssrv+_memberlist._tcp.mimir-gossip-ring --check || echo "unhealthy instances"
              ringctl ring --from-file ring.bin --at 2026-11-25T03:12:00Z --heartbeat-timeout 2m
              ringctl kv get collectors/ring --raw -j 10.0.0.3:7946 | ringctl ring --from-file - --key collectors/ring
              curl -s 'http://pyroscope:4040/memberlist?downloadKey=collectors/ring' | \\
                ringctl ring --from-file - --key collectors/ring

            Exit status: 0 ok; 1 with --check when an instance of any ring shown is unhealthy, or when the \
            cluster holds no ring (the keys present are listed) or not the --key asked for; 64 usage; 69 no \
            seed answered; 76 a ring value (or the file) does not decode, or a seed replied with something \
            undecodable or closed without replying (most likely a cluster label mismatch), or TLS or the gossip \
            key did not match; 78 a TLS, key or config file is unusable; 130 interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(name: .customLong("from-file"), help: ArgumentHelp(
        "Read a ring value saved from /memberlist (snappy + protobuf ring.Desc) instead of the cluster; - reads standard input.",
        valueName: "file"))
    var fromFile: String?

    @Option(help: ArgumentHelp(
        "Live: show only this ring key (repeatable; default every key with codec ringDesc). With --from-file: the key the value came from (default ring).",
        valueName: "key"))
    var key: [String] = []

    @Option(name: .customLong("heartbeat-timeout"), help: ArgumentHelp(
        "An instance whose heartbeat is older than this is unhealthy (dskit's -ring.heartbeat-timeout).",
        valueName: "duration"))
    var heartbeatTimeout = DurationArgument(.seconds(60), text: "1m")

    @Option(help: ArgumentHelp(
        "Judge ages at this time instead of now (RFC 3339 or Unix seconds), for old files.", valueName: "time"))
    var at: TimeArgument?

    @Flag(help: "Also list every token with its owner, sorted (JSON: token_list per instance).")
    var tokens = false

    @Flag(help: "Exit 1 when any instance is unhealthy (for scripts and alerts).")
    var check = false

    @Option(name: [.short, .customLong("output")], help: "Output format: table, wide or json.")
    var output: ReportFormat = .table

    func validate() throws {
        guard heartbeatTimeout.duration > .zero else { throw ValidationError("--heartbeat-timeout must be positive.") }
        try cluster.checkFileSource(fromFile, keys: key)
    }

    func run() async throws {
        try await reportingErrors {
            let options = RingReport.Options(heartbeatTimeout: heartbeatTimeout.duration, includeTokens: tokens)
            let now = at?.date ?? Date()
            guard let path = fromFile else {
                let resolved = try cluster.resolved(seedHint: "or --from-file FILE for a saved ring value")
                let peek = try await resolved.seeds.peek(resolved.peek)
                let report = try ClusterRingsReport(KVSnapshot(peek), keys: key, now: now, options: options)
                switch output {
                case .json: print(try JSONOutput.render(report))
                case .table, .wide: print(RingRendering.render(report, wide: output == .wide, tokens: tokens))
                }
                return check && report.hasUnhealthyInstance ? .unhealthy : .ok
            }
            let bytes = try InputFile.read(path)
            let ring = try RingFile.decode(bytes, path: path)
            let report = try RingReport(key: key.first ?? "ring", ring: ring, now: now, options: options)
            switch output {
            case .json: print(try JSONOutput.render(report))
            case .table, .wide: print(RingRendering.render(report, wide: output == .wide, tokens: tokens))
            }
            if check && report.instances.contains(where: { !$0.healthy }) { return .unhealthy }
            return .ok
        }
    }
}

/// `-o` for report commands.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case wide
    case json
}

/// Turns the bytes of a saved ring value into a ring, accepting what users actually send.
enum RingFile {
    static func decode(_ bytes: [UInt8], path: String) throws -> RingDescription {
        do {
            return try RingDescription(codecValue: bytes)
        } catch let snappyError {
            // Some tools save the protobuf without the codec's snappy layer: accept that too.
            if let ring = try? RingDescription(protobuf: bytes), !ring.instances.isEmpty { return ring }
            throw RingFileError(path: path, size: bytes.count, underlying: snappyError)
        }
    }
}

/// A file that is not a ring value.
struct RingFileError: Error, CustomStringConvertible {
    let path: String
    let size: Int
    let underlying: DskitKVError

    var description: String {
        "\(path == "-" ? "standard input" : path) (\(size) bytes) is not a dskit ring value: \(underlying)"
    }

    var hint: String {
        "save the value with the /memberlist page's download link for a key whose codec is ringDesc; "
            + "for a captured packet or stream use: ringctl decode FILE"
    }
}
