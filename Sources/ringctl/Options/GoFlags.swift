// A Pyroscope, Mimir or Loki command line pasted after a ringctl command: dskit registers its memberlist flags
// with Go's `flag` package (kv/memberlist/memberlist_client.go `KVConfig.RegisterFlagsWithPrefix`,
// tcp_transport.go `TCPTransportConfig`, crypto/tls/tls.go `ClientConfig` with the prefix "memberlist"), and
// Go's rules differ from argument-parser's:
//
//   -name and --name are the same flag
//   -name=value or -name value          for every flag that takes a value (the next argument, whatever it is)
//   -name, -name=true, -name=false      for a boolean (1, t, T, TRUE, true, True and their false forms);
//                                       `-name false` is NOT a value: the boolean is true and "false" is an argument
//
// `normalize` rewrites each dskit flag into the one spelling ringctl's parser declares, so argument-parser never
// sees Go syntax: the flags ringctl uses become its own options (`--join=…`, `--tls` / `--no-tls`), the
// service's own node and gossip settings become private `--memberlist.…` options the commands decide about, and
// every other dskit flag becomes a private `--ignored-dskit-flag=…` that the command names in its one note.

/// dskit's flags as Go parses them, turned into the arguments ringctl's parser takes.
enum GoFlags {
    /// What ringctl does with one dskit flag.
    enum Use: Hashable {
        /// ringctl's own option takes the value (`--join`).
        case option(String)
        /// ringctl's own `Bool?` flag with a `--no-` inversion takes the boolean (`--tls` / `--no-tls`).
        case flag(String)
        /// A plain flag that can only switch on (`--config.expand-env`); false is its default, so nothing is passed.
        case switchOn(String)
        /// Not used: named in the command's note.
        case ignored
    }

    /// One flag as dskit registers it.
    struct Definition: Hashable {
        /// Without the dash: "memberlist.join".
        var name: String
        /// Whether Go parses it as a boolean (no value needed).
        var isBool: Bool
        var use: Use
    }

    /// The private option that carries an ignored flag to the command (its value is the flag as normalized).
    static let ignoredOption = "--ignored-dskit-flag"
    /// The private option that carries a dskit flag Go would reject: a boolean with a value that is not one
    /// (`-name=value`), or the last argument needing a value it lacks (`-name`).
    static let invalidOption = "--invalid-dskit-flag"

    /// The commands that take the cluster options; other commands' arguments are left alone.
    static let clusterCommands: Set<String> = ["members", "watch", "kv", "ring", "lag"]

    /// Every `-memberlist.*` flag grafana/dskit defines (HEAD of 2026-08-21, 55 flags), and the service's
    /// `-config.file` / `-config.expand-env`.
    static let definitions: [String: Definition] = {
        func value(_ name: String, _ use: Use = .ignored) -> Definition { Definition(name: name, isBool: false, use: use) }
        func bool(_ name: String, _ use: Use = .ignored) -> Definition { Definition(name: name, isBool: true, use: use) }
        let all: [Definition] = [
            // What ringctl uses to reach the cluster.
            value("memberlist.join", .option("--join")),
            value("memberlist.cluster-label", .option("--cluster-label")),
            bool("memberlist.cluster-label-verification-disabled", .flag("--cluster-label-verification-disabled")),
            bool("memberlist.tls-enabled", .flag("--tls")),
            value("memberlist.tls-cert-path", .option("--tls-cert-path")),
            value("memberlist.tls-key-path", .option("--tls-key-path")),
            value("memberlist.tls-ca-path", .option("--tls-ca-path")),
            value("memberlist.tls-server-name", .option("--tls-server-name")),
            bool("memberlist.tls-insecure-skip-verify", .flag("--tls-insecure-skip-verify")),
            value("config.file", .option("--config.file")),
            bool("config.expand-env", .switchOn("--config.expand-env")),
            // The service's own node: used by --observe and watch, noted as ignored by a peek.
            value("memberlist.nodename", .option("--memberlist.nodename")),
            value("memberlist.bind-addr", .option("--memberlist.bind-addr")),
            value("memberlist.bind-port", .option("--memberlist.bind-port")),
            value("memberlist.advertise-addr", .option("--memberlist.advertise-addr")),
            value("memberlist.advertise-port", .option("--memberlist.advertise-port")),
            // The service's gossip tuning: what `lag` shows beside its advice.
            value("memberlist.gossip-interval", .option("--memberlist.gossip-interval")),
            value("memberlist.gossip-nodes", .option("--memberlist.gossip-nodes")),
            value("memberlist.pullpush-interval", .option("--memberlist.pullpush-interval")),
            value("memberlist.retransmit-factor", .option("--memberlist.retransmit-factor")),
            // KVConfig, not used by ringctl.
            bool("memberlist.randomize-node-name"),
            value("memberlist.stream-timeout"),
            value("memberlist.min-join-backoff"),
            value("memberlist.max-join-backoff"),
            value("memberlist.max-join-retries"),
            bool("memberlist.abort-if-fast-join-fails"),
            value("memberlist.abort-if-fast-join-fails-min-nodes"),
            bool("memberlist.abort-if-join-fails"),
            value("memberlist.rejoin-interval"),
            value("memberlist.rejoin-seed-nodes"),
            value("memberlist.left-ingesters-timeout"),
            value("memberlist.obsolete-entries-timeout"),
            value("memberlist.leave-timeout"),
            value("memberlist.gossip-to-dead-nodes-time"),
            value("memberlist.dead-node-reclaim-time"),
            value("memberlist.message-history-buffer-bytes"),
            bool("memberlist.compression-enabled"),
            value("memberlist.compression-algorithm"),
            value("memberlist.notify-interval"),
            value("memberlist.received-messages-queue-size"),
            value("memberlist.processed-messages-queue-size"),
            value("memberlist.broadcast-timeout-for-local-updates-on-shutdown"),
            value("memberlist.watch-prefix-buffer-size"),
            bool("memberlist.zone-aware-routing.enabled"),
            value("memberlist.zone-aware-routing.instance-availability-zone"),
            value("memberlist.zone-aware-routing.role"),
            bool("memberlist.propagation-delay-tracker.enabled"),
            value("memberlist.propagation-delay-tracker.beacon-interval"),
            value("memberlist.propagation-delay-tracker.beacon-lifetime"),
            value("memberlist.propagation-delay-tracker.log-beacons-latency-longer-than"),
            // TCPTransportConfig and its TLS client config, not used by ringctl.
            value("memberlist.packet-dial-timeout"),
            value("memberlist.packet-write-timeout"),
            value("memberlist.max-concurrent-writes"),
            value("memberlist.acquire-writer-timeout"),
            bool("memberlist.transport-debug"),
            value("memberlist.tls-cipher-suites"),
            value("memberlist.tls-min-version"),
        ]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()

    /// Go's `strconv.ParseBool`.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    /// Rewrites the dskit flags in a cluster command's arguments (the subcommand first, as after the program
    /// name) into ringctl's spellings; `ignored` lists the dskit flags ringctl does not use, as `-name=value`
    /// (`-name` for a boolean that is true). The arguments carry them too (`--ignored-dskit-flag`), so the command
    /// names them in one note once it runs: print `ignored` only where no command runs.
    static func normalize(_ arguments: [String]) -> (arguments: [String], ignored: [String]) {
        guard let command = arguments.first, clusterCommands.contains(command) else { return (arguments, []) }
        var result: [String] = []
        var ignored: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result += arguments[(index - 1)...]
                break
            }
            guard argument.hasPrefix("-"), let (definition, inlineValue) = match(argument) else {
                result.append(argument)
                continue
            }
            let value: String
            if definition.isBool {
                guard let text = inlineValue else {
                    emit(definition, "true", into: &result, ignored: &ignored)
                    continue
                }
                guard let bool = parseBool(text) else {
                    result.append("\(invalidOption)=-\(definition.name)=\(text)")
                    continue
                }
                value = bool ? "true" : "false"
            } else if let inlineValue {
                value = inlineValue
            } else if index < arguments.count {
                value = arguments[index]  // Go takes the next argument as the value, whatever it looks like
                index += 1
            } else {
                result.append("\(invalidOption)=-\(definition.name)")  // no value: the command says so
                continue
            }
            emit(definition, value, into: &result, ignored: &ignored)
        }
        return (result, ignored)
    }

    /// The definition `argument` names ("-name", "--name", either with "=value"), and the inline value.
    private static func match(_ argument: String) -> (Definition, String?)? {
        var body = Substring(argument).dropFirst()
        if body.hasPrefix("-") { body = body.dropFirst() }
        let name: Substring
        let value: String?
        if let equals = body.firstIndex(of: "=") {
            name = body[..<equals]
            value = String(body[body.index(after: equals)...])
        } else {
            name = body
            value = nil
        }
        guard let definition = definitions[String(name)] else { return nil }
        return (definition, value)
    }

    private static func emit(
        _ definition: Definition, _ value: String, into result: inout [String], ignored: inout [String]
    ) {
        switch definition.use {
        case .option(let option):
            result.append("\(option)=\(value)")
        case .flag(let flag):
            result.append(value == "true" ? flag : "--no-" + flag.dropFirst(2))
        case .switchOn(let flag):
            if value == "true" { result.append(flag) }
        case .ignored:
            let shown = definition.isBool && value == "true" ? "-\(definition.name)" : "-\(definition.name)=\(value)"
            ignored.append(shown)
            result.append("\(ignoredOption)=\(shown)")
        }
    }
}
