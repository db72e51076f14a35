import ArgumentParser
import DskitKV
import Foundation

struct Ring: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a dskit hash ring: instances, states, zones, heartbeat ages, tokens and ownership.",
        discussion: """
            Reads a ring value saved from a dskit service's /memberlist page (the "download" link next to \
            a ring key such as "ring" or "collectors/ring": snappy-compressed protobuf ring.Desc) and prints \
            the ring report, with no cluster at all. (Reading the ring from a live cluster comes with the \
            observer; for now, --from-file is required.)

            Columns: INSTANCE, STATE, ADDRESS, ZONE, HEARTBEAT (age), REGISTERED (age), TOKENS, OWNERSHIP \
            (dskit's figure: each zone is its own token circle, as on the /ring page), READ-ONLY, HEALTH \
            (dskit's rule: ACTIVE and a heartbeat within --heartbeat-timeout). Then a summary per zone, and \
            warnings: token conflicts, instances stuck LEAVING/JOINING/PENDING, LEFT tombstones.

            Ages are measured against now, or against --at for a file saved earlier.

            Examples:
              ringctl ring --from-file ring.bin
              ringctl ring --from-file ring.bin --at 2026-11-25T03:12:00Z --heartbeat-timeout 2m
              ringctl ring --from-file ring.bin --tokens -o json | jq '.instances[] | {id, ownership_percent}'
              curl -s 'http://pyroscope:4040/memberlist?downloadKey=collectors/ring' | \\
                ringctl ring --from-file - --key collectors/ring
              ringctl ring --from-file ring.bin --check || echo "unhealthy instances"

            Exit status: 0 ok; 1 with --check when an instance is unhealthy; 64 usage; 76 the file is not a \
            ring value (wrong codec, not snappy/protobuf).
            """
    )

    @Option(name: .customLong("from-file"), help: ArgumentHelp(
        "Ring value saved from /memberlist (snappy + protobuf ring.Desc); - reads standard input.",
        valueName: "file"))
    var fromFile: String?

    @Option(help: ArgumentHelp("The KV key the value came from, shown in the report.", valueName: "key"))
    var key = "ring"

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
        guard fromFile != nil else {
            throw ValidationError(
                "Reading the ring from a live cluster is not available yet: give --from-file FILE (a ring value "
                    + "saved from the /memberlist page, or - for standard input)."
            )
        }
        guard heartbeatTimeout.duration > .zero else { throw ValidationError("--heartbeat-timeout must be positive.") }
    }

    func run() async throws {
        try await reportingErrors {
            let path = fromFile ?? "-"
            let bytes = try InputFile.read(path)
            let ring = try RingFile.decode(bytes, path: path)
            let report = try RingReport(
                key: key, ring: ring, now: at?.date ?? Date(),
                options: .init(heartbeatTimeout: heartbeatTimeout.duration, includeTokens: tokens)
            )
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
