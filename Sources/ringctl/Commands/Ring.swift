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

            Columns: INSTANCE, STATE (dskit's lifecycle state), ADDRESS, ZONE, HEARTBEAT (age), REGISTERED \
            (age), TOKENS, OWNERSHIP (dskit's figure: each zone is its own token circle, as on the /ring page), \
            READ-ONLY, HEALTH (dskit's heartbeat health, IsHeartbeatHealthy: the last heartbeat is within \
            --heartbeat-timeout, whatever the state; the /ring page's UNHEALTHY label). Then a summary per \
            zone, and warnings: an instance with a stale heartbeat (a dead process) with the fix, every \
            heartbeat stale (an old file: use --at), a heartbeat in the future (clock skew), instances stuck \
            LEAVING/JOINING/PENDING, token conflicts, LEFT tombstones. Live, one such report per ring key, \
            sorted by key.

            Partition rings (codec partitionRingDesc: Mimir's ingest storage keeps one under \
            "collectors/ingester-partitions") are shown too, after the rings: PARTITION, STATE (PENDING, \
            ACTIVE, INACTIVE, DELETED), SINCE (age of the state), LOCKED (state changes locked), TOKENS, \
            OWNERSHIP (dskit's figure: every partition on one circle), OWNERS (the ACTIVE ones); then every \
            owner with its partition, state and last update. --check fails on a partition (not DELETED) with no \
            ACTIVE owner, an INACTIVE partition, a PENDING one whose state is older than --stuck-after, an owner \
            neither ACTIVE nor DELETED or of a partition the ring lacks, a token held twice, a corrupt id; \
            DELETED partitions and owners are tombstones, warned about only. --from-file reads a partition \
            ring value, its /memberlist?viewKey=KEY&format=json JSON or `kv get` output alike.

            --check exits 1 when an instance of any ring shown (1) has a heartbeat older than \
            --heartbeat-timeout, in any state but LEFT (a LEFT tombstone stops heartbeating by design and is \
            dropped after -memberlist.left-ingesters-timeout), or (2) is JOINING or PENDING and registered \
            longer ago than --stuck-after (default 3 x --heartbeat-timeout; dskit keeps no time of a state \
            change, and both lifecyclers enter these states right after registering, so registered_timestamp \
            is what the ring holds; 0 turns this off). A LEAVING instance fails only by (1): the ring holds \
            no time for it, and dskit keeps heartbeating while it leaves. A fresh JOINING or LEAVING instance \
            during a rollout passes; a heartbeat in the future is healthy, as in dskit, and only warned about.

            --from-file reads a ring value (snappy protobuf ring.Desc, or the protobuf alone) or the JSON \
            pasted into tickets: dskit's /ring page JSON (curl -H 'Accept: application/json' .../ring) or \
            /memberlist?viewKey=KEY&format=json; what such a page does not carry is said in a warning.

            JSON: with --from-file, the ring report object {key, at, heartbeat_timeout_seconds, health_rule, \
            stuck_after_seconds, check_passed, instances, zones, warnings}, each instance with state, healthy \
            (heartbeat), stuck, in_state_since and fails_check; for a partition ring {key, type: \
            "partition_ring", at, stuck_after_seconds, check_passed, states, partitions, owners, warnings}; \
            live, {"seed": "HOST:PORT", "rings": [<one such object per ring key>], "partition_rings": [...]}.

            Ages are measured against now, or against --at for a file saved earlier.

            Effective ownership: with --replication-factor N and/or --[no-]zone-awareness (or a --config.file \
            whose block for the ring sets replication_factor or zone_awareness_enabled: \
            ingester.lifecycler.ring or ingester.ring for "ring", store_gateway.sharding_ring, \
            compactor.sharding_ring, distributor.ring), an EFFECTIVE column beside OWNERSHIP: the share of \
            all 2^32 keys whose replica set holds the instance (zone: any instance of the zone), walking every \
            token range as dskit's Write operation does (by state; heartbeats do not move keys). Cassandra's \
            "Owns (effective)": with RF 3 the instances sum to about 300%. JSON: effective_ownership_percent \
            per instance and zone, and "replication": {replication_factor, zone_awareness, operation}.

            Examples:
              ringctl ring -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl ring -j 10.0.0.3:7946 --key collectors/ring --tokens -o json | \\
                jq '.rings[0].instances'
              ringctl ring -j dnssrv+_memberlist._tcp.mimir-gossip-ring --check || \\
                echo "unhealthy instances"
              ringctl ring -j 10.0.0.3:7946 --key collectors/ingester-partitions --check
              ringctl ring --from-file ring.bin --at 2026-11-25T03:12:00Z \\
                --heartbeat-timeout 2m
              ringctl kv get collectors/ring --raw -j 10.0.0.3:7946 | \\
                ringctl ring --from-file - --key collectors/ring
              curl -s 'http://pyroscope:4040/memberlist?downloadKey=collectors/ring' | \\
                ringctl ring --from-file - --key collectors/ring

            Exit status: 0 ok; 1 with --check when an instance or a partition ring fails it (above), or when the \
            cluster holds no ring (the keys present are listed) or not the --key asked for; 64 usage; 69 no \
            seed answered; 76 a ring value (or the file) does not decode, or a seed replied with something \
            undecodable or closed without replying (most likely a cluster label mismatch), or TLS or the gossip \
            key did not match; 78 a TLS, key or config file is unusable; 130 interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(name: .customLong("from-file"), help: ArgumentHelp(
        "Read a ring saved from /memberlist (the download: snappy + protobuf ring.Desc; or viewKey JSON) or /ring JSON instead of the cluster; - reads standard input.",
        valueName: "file"))
    var fromFile: String?

    @Option(help: ArgumentHelp(
        "Live: show only this ring key (repeatable; default every key with codec ringDesc or partitionRingDesc). With --from-file: the key the value came from (default ring, or ingester-partitions for a partition ring).",
        valueName: "key"))
    var key: [String] = []

    @Option(name: .customLong("heartbeat-timeout"), help: ArgumentHelp(
        "An instance whose heartbeat is older than this is unhealthy (dskit's -ring.heartbeat-timeout).",
        valueName: "duration"))
    var heartbeatTimeout = DurationArgument(.seconds(60), text: "1m")

    @Option(name: .customLong("stuck-after"), help: ArgumentHelp(
        "A JOINING or PENDING instance registered longer ago than this, or a partition PENDING for longer, is stuck and fails --check (default 3 x --heartbeat-timeout; 0 = never).",
        valueName: "duration"))
    var stuckAfter: DurationArgument?

    @Option(help: ArgumentHelp(
        "Judge ages at this time instead of now (RFC 3339 or Unix seconds), for old files.", valueName: "time"))
    var at: TimeArgument?

    @OptionGroup var replication: ReplicationOptions

    @Flag(help: "Also list every token with its owner, sorted (JSON: token_list per instance).")
    var tokens = false

    @Flag(help: "Exit 1 when an instance has a stale heartbeat (LEFT aside) or is stuck JOINING/PENDING, or a partition ring has a finding that fails (for scripts and alerts).")
    var check = false

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table, wide or json.",
        completion: OutputFormat.completion(OutputFormat.reports))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.reports, command: "ring")
        guard heartbeatTimeout.duration > .zero else { throw ValidationError("--heartbeat-timeout must be positive.") }
        if let stuckAfter, stuckAfter.duration < .zero { throw ValidationError("--stuck-after must not be negative.") }
        try cluster.checkFileSource(fromFile, keys: key)
    }

    func run() async throws {
        try await reportingErrors {
            let options = RingReport.Options(
                heartbeatTimeout: heartbeatTimeout.duration, stuckAfter: stuckAfter?.duration, includeTokens: tokens)
            let now = at?.date ?? Date()
            guard let path = fromFile else {
                let resolved = try cluster.resolved(seedHint: "or --from-file FILE for a saved ring value")
                let peek = try await resolved.seeds.peek(resolved.peek)
                let file = resolved.configFile
                var report = try ClusterRingsReport(KVSnapshot(peek), keys: key, now: now, options: options) { key in
                    replication.given || ReplicationOptions.configured(key: key, file: file)
                        ? replication.settings(forKey: key, file: file) : nil
                }
                for index in report.rings.indices { report.rings[index].suggestAt() }
                switch output {
                case .json: print(try JSONOutput.render(report))
                default: print(RingRendering.render(report, wide: output == .wide, tokens: tokens))
                }
                return check && !report.checkPassed ? .unhealthy : .ok
            }
            let bytes = try InputFile.read(path)
            let contents = try RingFile.read(bytes, path: path)
            if let partitionRing = contents.partitionRing {
                let report = PartitionRingReport(
                    key: key.first ?? contents.json?.key ?? "ingester-partitions", ring: partitionRing, now: now,
                    options: options)
                switch output {
                case .json: print(try JSONOutput.render(report))
                default: print(PartitionRingRendering.render(report, wide: output == .wide, tokens: tokens))
                }
                return check && !report.checkPassed ? .unhealthy : .ok
            }
            let ringKey = key.first ?? contents.json?.key ?? "ring"
            var fileOptions = options
            fileOptions.replication = replication.given ? replication.settings(forKey: ringKey, file: nil) : nil
            var report = try RingReport(key: ringKey, ring: contents.ring, now: now, options: fileOptions)
            report.suggestAt()
            report.note(contents.json)
            switch output {
            case .json: print(try JSONOutput.render(report))
            default: print(RingRendering.render(report, wide: output == .wide, tokens: tokens))
            }
            if check && !report.checkPassed { return .unhealthy }
            return .ok
        }
    }
}

extension RingReport {
    /// Ends the every-heartbeat-stale warning with the flag that judges the ring when it was saved.
    mutating func suggestAt() {
        for index in warnings.indices where warnings[index].kind == .allHeartbeatsStale {
            if let newest = warnings[index].newestHeartbeat {
                warnings[index].message += " (add --at \(ReportJSON.rfc3339(newest)))"
            }
        }
    }
}

/// Turns the bytes of a saved ring value into a ring, accepting what users actually send.
enum RingFile {
    /// A ring read from a file, and how: `json` is set when it was one of the JSON pages; `partitionRing` is set
    /// (and `ring` empty) when the file held a partition ring value instead.
    struct Contents {
        var ring: RingDescription
        var json: RingJSON?
        var partitionRing: PartitionRingDescription?
    }

    /// A ring (not a partition ring, which has no heartbeats), for `lag`.
    static func decode(_ bytes: [UInt8], path: String) throws -> RingDescription {
        try readInstanceRing(bytes, path: path, lacking: "heartbeats").ring
    }

    /// An instance ring's contents; a partition ring is refused, naming what it has not (`lacking`) for the
    /// command that asked.
    static func readInstanceRing(_ bytes: [UInt8], path: String, lacking: String) throws -> Contents {
        let contents = try read(bytes, path: path)
        if contents.partitionRing != nil {
            throw RingFileError(
                path: path, size: bytes.count,
                reason: "is a dskit partition ring value (partitionRingDesc), which has no \(lacking):"
                    + " ringctl ring --from-file shows it")
        }
        return contents
    }

    static func read(_ bytes: [UInt8], path: String) throws -> Contents {
        if RingJSON.looksLikeJSON(bytes) {
            do {
                let json = try RingJSON(bytes)
                return Contents(ring: json.ring, json: json, partitionRing: json.partitionRing)
            } catch {
                throw RingFileError(path: path, size: bytes.count, reason: error.description)
            }
        }
        // A value does not carry its codec: a ring with instances, else a partition ring with anything in it, else
        // an empty ring (the two share protobuf field 1 with other wire types, so one's bytes fail as the other).
        let ring: Result<RingDescription, DskitKVError> = Result { () throws(DskitKVError) in
            try RingDescription(codecValue: bytes)
        }
        if case .success(let ring) = ring, !ring.instances.isEmpty { return Contents(ring: ring, json: nil) }
        if let partitionRing = try? PartitionRingDescription(codecValue: bytes), !partitionRing.isEmpty {
            return Contents(ring: RingDescription(instances: []), json: nil, partitionRing: partitionRing)
        }
        switch ring {
        case .success(let ring):
            return Contents(ring: ring, json: nil)
        case .failure(let snappyError):
            // Some tools save the protobuf without the codec's snappy layer: accept that too.
            if let ring = try? RingDescription(protobuf: bytes), !ring.instances.isEmpty {
                return Contents(ring: ring, json: nil)
            }
            if let partitionRing = try? PartitionRingDescription(protobuf: bytes), !partitionRing.isEmpty {
                return Contents(ring: RingDescription(instances: []), json: nil, partitionRing: partitionRing)
            }
            throw RingFileError(path: path, size: bytes.count, reason: "is not a dskit ring value: \(snappyError)")
        }
    }
}

extension RingReport {
    /// The report's note on the JSON page the ring came from, with the flag that judges the page when it was served.
    mutating func note(_ json: RingJSON?) {
        guard let json else { return }
        let saved = json.savedAt.map { UnixTime.rfc3339(Int64($0.rounded(.down))) }
        note(json, saved.map { ["the page was served at \($0): add --at \($0) to judge it then"] } ?? [])
    }
}

/// A file that is not a ring value.
struct RingFileError: Error, CustomStringConvertible {
    let path: String
    let size: Int
    let reason: String

    var description: String {
        "\(path == "-" ? "standard input" : path) (\(size) bytes) \(reason)"
    }
}
