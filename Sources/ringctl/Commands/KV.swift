import ArgumentParser
import DskitKV
import Foundation
import Inspection

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct KV: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "Read a dskit cluster's memberlist KV store, without joining it: list the keys, or get one.",
        discussion: """
            `ringctl kv` (the same as `ringctl kv list`) lists every key; `ringctl kv get KEY` prints one \
            value, decoded, or its exact bytes with --raw.

            Examples:
              ringctl kv -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl kv get collectors/ring -j 10.0.0.3:7946 | \\
                jq '.value.ingesters | keys'
              ringctl kv get collectors/ring --raw -j 10.0.0.3:7946 > ring.bin
            """,
        subcommands: [KVList.self, KVGet.self],
        defaultSubcommand: KVList.self
    )
}

struct KVList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the keys of a dskit cluster's memberlist KV store (the default of `ringctl kv`).",
        discussion: """
            Exchanges one push/pull with the first seed that answers, as `ringctl members` does (no node \
            of our own is sent, so the cluster never learns of us), and lists the KV full state that came \
            with it: every key with its codec, value size, last update time and deleted flag, sorted by key. \
            A plain memberlist cluster has no KV store: the list is empty.

            UPDATED is "-" (null in JSON) when the pair carries no update time: dskit leaves it unset in full \
            state transfers (it records one only when a key is deleted), so live keys show "-".

            JSON: {seed, keys: [{key, codec, value_bytes, updated, deleted}], decode_error}, every key always \
            there (decode_error is null unless the KV state stopped decoding part way).

            Examples:
              ringctl kv -j pyroscope-memberlist.pyroscope.svc.cluster.local:7946
              ringctl kv -memberlist.join dnssrv+_memberlist._tcp.mimir-gossip-ring \\
                -o json | jq '.keys[].key'

            Exit status: 0 a seed answered; 64 usage; 69 no seed answered; 76 a seed replied with something \
            undecodable (including a KV state that stops decoding), or a dskit seed closed without replying \
            (most likely a cluster label mismatch), or TLS or the gossip key did not match; 78 a TLS, key or \
            config file is unusable.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table, wide or json.",
        completion: OutputFormat.completion(OutputFormat.reports))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.reports, command: "kv list")
    }

    func run() async throws {
        try await reportingErrors {
            let resolved = try cluster.resolved()
            let peek = try await resolved.seeds.peek(resolved.peek)
            let report = KVKeysReport(peek)
            switch output {
            case .json: print(try JSONOutput.render(report))
            default: print(MembersRendering.kvTable(report))
            }
            // The keys before the damage are listed above; the damage is the error that decides the status.
            if let failure = report.failure {
                throw KVLookupError.stateUndecodable(seed: peek.peer, underlying: failure)
            }
            return .ok
        }
    }
}

struct KVGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print one KV value: decoded as JSON, or its exact stored bytes with --raw.",
        discussion: """
            Reads the KV store with one push/pull, as `ringctl kv` does, and prints the pair under KEY as JSON: \
            {seed, key, codec, deleted, updated (RFC 3339 or null), update_time_millis, value_bytes, value, \
            value_base64, decode_error}. The value is decoded by codec:
              ringDesc                 {"ingesters": {ID: {addr, timestamp, state, tokens, zone,
                                        registered_timestamp, id, read_only_updated_timestamp, read_only,
                                        versions}}}   (ring.proto's field names; times in Unix seconds)
              propagationDelayTracker  {"beacons": [{id, published_by, published_at, deleted_at}]}  (ms)
              partitionRingDesc        {"partitions": {ID: {id, tokens, state, stateTimestamp,
                                        stateChangeLocked, stateChangeLockedTimestamp}}, "owners": {OWNER:
                                        {ownedPartition, state, updatedTimestamp}}}   (partition_ring_desc.proto's
                                        names; states ACTIVE, PENDING, INACTIVE, DELETED, UNKNOWN; Unix seconds)
            Any other codec, or a value that does not decode, gives "value": null and the bytes in \
            value_base64 (and decode_error says why).

            --raw writes the stored bytes unchanged (for a ring: snappy-compressed protobuf ring.Desc, what the \
            /memberlist page's download link returns), so `ringctl ring --from-file -` reads them. It refuses \
            to write binary to a terminal unless --force is given.

            Examples:
              ringctl kv get collectors/ring -j 10.0.0.3:7946 | \\
                jq '.value.ingesters[] | {addr, state}'
              ringctl kv get collectors/ring --raw -j 10.0.0.3:7946 | \\
                ringctl ring --from-file - --key collectors/ring
              ringctl kv get memberlist-propagation-delay-tracker -j 10.0.0.3:7946

            Exit status: 0 ok; 1 no such key (the keys present are listed); 64 usage (or --raw to a terminal); \
            69 no seed answered; 76 the value (or the KV state) does not decode, or a seed replied with \
            something undecodable, or TLS, the label or the gossip key did not match; 78 a TLS, key or config \
            file is unusable; 130 interrupted.
            """
    )

    @Argument(help: ArgumentHelp("The KV key, with its kvstore prefix (e.g. collectors/ring).", valueName: "key"))
    var key: String

    @OptionGroup var cluster: ClusterOptions

    @Flag(help: "Write the value's exact stored bytes to standard output instead of JSON.")
    var raw = false

    @Flag(help: "With --raw, write binary even when standard output is a terminal.")
    var force = false

    func validate() throws {
        if force && !raw { throw ValidationError("--force only goes with --raw.") }
        if raw && !force && isatty(STDOUT_FILENO) == 1 {
            throw ValidationError(
                "--raw writes binary: redirect standard output to a file or a pipe, or add --force.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let resolved = try cluster.resolved()
            let peek = try await resolved.seeds.peek(resolved.peek)
            let pair = try KVSnapshot(peek).pair(key)
            if raw {
                FileHandle.standardOutput.write(Data(pair.value))
                return .ok
            }
            let report = KVValueReport(seed: peek.peer, pair: pair)
            print(try JSONOutput.render(report))
            // The value is printed raw (value_base64) above; why it does not decode is the error.
            if let (codec, failure) = report.failure {
                throw KVLookupError.valueUndecodable(key: key, codec: codec, seed: peek.peer, underlying: failure)
            }
            return .ok
        }
    }
}
