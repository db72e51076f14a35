import ArgumentParser
import Foundation
import Discovery
import Inspection
import Memberlist
import MemberlistWire

extension TransportKind: ExpressibleByArgument {}

/// How to reach the cluster: seeds, transport, label, TLS, keys, deadline. Flags mirror dskit's, single-dash
/// aliases included; `--config.file` supplies what the flags leave out.
struct ClusterOptions: ParsableArguments {
    @Option(
        name: [.short, .customLong("join"), .customLong("memberlist.join", withSingleDash: true)],
        help: ArgumentHelp(
            "A seed to ask (repeatable; HOST:PORT, dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME), tried in order.",
            valueName: "address"))
    var join: [String] = []

    @Option(
        name: [.customLong("config.file"), .customLong("config.file", withSingleDash: true)],
        help: ArgumentHelp(
            "A Pyroscope/Mimir/Loki YAML config: its memberlist: block gives join_members, cluster_label and "
                + "the tls_* settings that no flag gives.",
            valueName: "file"))
    var configFile: String?

    @Flag(
        name: [.customLong("config.expand-env"), .customLong("config.expand-env", withSingleDash: true)],
        help: ArgumentHelp(
            "Expand ${VAR}, ${VAR:default} and $VAR in the --config.file from ringctl's environment, as the "
                + "service's -config.expand-env does."))
    var configExpandEnv = false

    @Option(help: ArgumentHelp(
        "The cluster's TCP framing: dskit (Pyroscope, Mimir, Loki, Tempo) or memberlist (the standard transport).",
        valueName: "transport"))
    var transport: TransportKind = .dskit

    @Option(
        name: [.customLong("cluster-label"), .customLong("memberlist.cluster-label", withSingleDash: true)],
        help: ArgumentHelp("The cluster label to send (dskit's -memberlist.cluster-label); none by default.",
                           valueName: "label"))
    var clusterLabel: String?

    // The booleans take dskit's single-dash spellings through GoFlags.normalize (Go's -flag=false included),
    // not as aliases here: argument-parser would derive a "-no-memberlist.…" inversion from them.
    @Flag(
        name: .customLong("cluster-label-verification-disabled"), inversion: .prefixedNo, exclusivity: .chooseLast,
        help: ArgumentHelp(
            "Accept streams without our cluster label (dskit's -memberlist.cluster-label-verification-disabled). "
                + "A peek receives none: a reply carries no label, so this only matters where ringctl listens."))
    var clusterLabelVerificationDisabled: Bool?

    @Flag(
        name: .customLong("tls"), inversion: .prefixedNo, exclusivity: .chooseLast,
        help: ArgumentHelp(
            "Speak TLS to the seeds (dskit transport only; dskit's -memberlist.tls-enabled, =false is --no-tls); "
                + "--no-tls overrides tls_enabled in --config.file."))
    var tls: Bool?

    @Option(
        name: [.customLong("tls-cert-path"), .customLong("memberlist.tls-cert-path", withSingleDash: true)],
        help: ArgumentHelp("Client certificate (PEM), for servers that require one; needs --tls-key-path.",
                           valueName: "file"))
    var tlsCertPath: String?

    @Option(
        name: [.customLong("tls-key-path"), .customLong("memberlist.tls-key-path", withSingleDash: true)],
        help: ArgumentHelp("The client certificate's private key (PEM).", valueName: "file"))
    var tlsKeyPath: String?

    @Option(
        name: [.customLong("tls-ca-path"), .customLong("memberlist.tls-ca-path", withSingleDash: true)],
        help: ArgumentHelp("CA bundle (PEM) to verify the seeds' certificates; the system roots by default.",
                           valueName: "file"))
    var tlsCAPath: String?

    @Option(
        name: [.customLong("tls-server-name"), .customLong("memberlist.tls-server-name", withSingleDash: true)],
        help: ArgumentHelp("The name the seeds' certificates must carry; the seed's host by default.",
                           valueName: "name"))
    var tlsServerName: String?

    @Flag(
        name: .customLong("tls-insecure-skip-verify"), inversion: .prefixedNo, exclusivity: .chooseLast,
        help: "Accept any certificate the seeds present (no CA, no name check; -memberlist.tls-insecure-skip-verify).")
    var tlsInsecureSkipVerify: Bool?

    @Option(
        name: .customLong("secret-key-file"),
        help: ArgumentHelp(
            "A file holding the cluster's gossip key (16, 24 or 32 raw bytes, or base64), to encrypt and decrypt; "
                + "repeatable for a keyring, the first one encrypts.",
            valueName: "file"))
    var secretKeyFiles: [String] = []

    @Option(help: ArgumentHelp(
        "Deadline for reaching the cluster: every seed tried shares it (connect, TLS, send, the whole reply), "
            + "e.g. 500ms, 5s; with --observe, for each step.", valueName: "duration"))
    var timeout = DurationArgument(.seconds(5), text: "5s")

    @Option(
        name: .customLong("dns-server"),
        help: ArgumentHelp(
            "DNS server for dns+/dnssrv+ seeds instead of /etc/resolv.conf's (repeatable; IP or IP:PORT).",
            valueName: "host:port"))
    var dnsServers: [String] = []

    // The service's own dskit flags, pasted with the rest of its command line and rewritten by GoFlags.normalize
    // (never typed: private). The node flags are the service's identity: --observe and watch use them unless
    // ringctl's --node-name, --bind-addr... say otherwise; a peek has no node and names them in its note.
    @Option(name: .customLong("memberlist.nodename"), help: .private) var serviceNodeName: String?
    @Option(name: .customLong("memberlist.bind-addr"), help: .private) var serviceBindAddresses: [String] = []
    @Option(name: .customLong("memberlist.bind-port"), help: .private) var serviceBindPort: Int?
    @Option(name: .customLong("memberlist.advertise-addr"), help: .private) var serviceAdvertiseAddress: String?
    @Option(name: .customLong("memberlist.advertise-port"), help: .private) var serviceAdvertisePort: Int?
    // The service's gossip tuning, as written: `lag` shows it beside its advice, as it does the config file's.
    @Option(name: .customLong("memberlist.gossip-interval"), help: .private) var serviceGossipInterval: String?
    @Option(name: .customLong("memberlist.gossip-nodes"), help: .private) var serviceGossipNodes: Int?
    @Option(name: .customLong("memberlist.pullpush-interval"), help: .private) var servicePullPushInterval: String?
    @Option(name: .customLong("memberlist.retransmit-factor"), help: .private) var serviceRetransmitFactor: Int?
    /// dskit flags ringctl does not use, as `-name=value`.
    @Option(name: .customLong("ignored-dskit-flag"), help: .private) var ignoredDskitFlags: [String] = []
    /// dskit flags Go rejects: a boolean's bad value (`-memberlist.tls-enabled=yes`), a missing value (`-name`).
    @Option(name: .customLong("invalid-dskit-flag"), help: .private) var invalidDskitFlags: [String] = []

    // The checks run with the command, not in `validate()`: argument-parser answers a failed validate() with the
    // help page (exit 0) when any argument, split into single letters, holds an "h", and the single-dash
    // spellings -memberlist.tls-ca-path, -memberlist.tls-cert-path, -memberlist.tls-key-path all do ("path").
    /// Usage errors in the flags alone (the config file is checked in `resolved()`).
    func check(seedHint: String? = nil) throws {
        if let invalid = invalidDskitFlags.first {
            guard let equals = invalid.firstIndex(of: "=") else {
                throw ValidationError("\(invalid) needs a value, as in Go: \(invalid)=VALUE or \(invalid) VALUE.")
            }
            let name = invalid[..<equals]
            throw ValidationError(
                "\(invalid): a boolean flag takes true or false, as in Go: \(name), \(name)=true or \(name)=false.")
        }
        guard hasClusterSource else {
            throw ValidationError(
                "Give at least one seed with -j/--join HOST:PORT (repeatable), or a --config.file with join_members"
                    + (seedHint.map { ", \($0)." } ?? "."))
        }
        guard timeout.duration > .zero, timeout.duration <= .seconds(600) else {
            throw ValidationError("--timeout must be more than 0 and at most 10m, not \(timeout).")
        }
        try Self.validateLabel(clusterLabel ?? "", source: "--cluster-label")
        if tls == true && transport == .memberlist {
            throw Self.tlsOverStandardTransport(source: "--tls")
        }
        if configExpandEnv && configFile == nil {
            throw ValidationError("--config.expand-env only applies to a --config.file.")
        }
        // TLS settings without --tls are a mistake to point out, unless TLS is off on purpose (a pasted
        // -memberlist.tls-enabled=false beside the service's TLS paths: those are noted as ignored).
        if tls == nil && configFile == nil, let first = tlsFlags.first {
            throw ValidationError("\(first) has no effect without --tls (-memberlist.tls-enabled).")
        }
    }

    /// The TLS settings given as flags.
    private var tlsFlags: [String] {
        [
            ("--tls-cert-path", tlsCertPath), ("--tls-key-path", tlsKeyPath), ("--tls-ca-path", tlsCAPath),
            ("--tls-server-name", tlsServerName),
        ].filter { $0.1 != nil }.map(\.0) + (tlsInsecureSkipVerify == true ? ["--tls-insecure-skip-verify"] : [])
    }

    /// The `--config.file`, read once per call; nil without one.
    func clusterConfigFile() throws -> ClusterConfigFile? {
        try configFile.map {
            try ClusterConfigFile(
                contentsOf: $0, environment: configExpandEnv ? ProcessInfo.processInfo.environment : nil)
        }
    }

    /// Whether seeds or a config file were given (commands that can also read a file refuse both).
    var hasClusterSource: Bool { !join.isEmpty || configFile != nil }

    /// For commands that read one saved ring instead of the cluster (`--from-file`): not both, and one key.
    func checkFileSource(_ fromFile: String?, keys: [String]) throws {
        guard fromFile != nil else { return }
        guard !hasClusterSource else {
            throw ValidationError("Give either --from-file or the cluster (-j/--join, --config.file), not both.")
        }
        guard keys.count <= 1 else { throw ValidationError("--from-file reads one ring: give --key at most once.") }
    }

    /// Flags over the config file over the defaults. `seedHint` adds another way out to the missing-seed error;
    /// `observing` says whether the command joins (--observe, watch), which decides about the service's node
    /// flags. Prints the one note naming what of the service's flags and config was ignored.
    func resolved(seedHint: String? = nil, observing: Bool = false) throws -> ResolvedCluster {
        try check(seedHint: seedHint)
        var file = try clusterConfigFile()
        // dskit's -memberlist.join takes a comma-separated list too (flagext.StringSliceCSVMulti); so does -j.
        let joinFlags = join.flatMap { $0.split(separator: ",").map(String.init) }
        let seeds = joinFlags.isEmpty ? (file?.joinMembers ?? []) : joinFlags
        guard !seeds.isEmpty else {
            throw ValidationError(
                "No seed: \(configFile ?? "the config file") has no memberlist.join_members; give -j/--join HOST:PORT.")
        }
        let label = clusterLabel ?? file?.clusterLabel ?? ""
        if clusterLabel == nil { try Self.validateLabel(label, source: "memberlist.cluster_label") }

        var settings = file?.tlsSettings ?? TLSSettings()
        if let tls { settings.enabled = tls }
        if let tlsCertPath { settings.certPath = tlsCertPath }
        if let tlsKeyPath { settings.keyPath = tlsKeyPath }
        if let tlsCAPath { settings.caPath = tlsCAPath }
        if let tlsServerName { settings.serverName = tlsServerName }
        if let tlsInsecureSkipVerify { settings.insecureSkipVerify = tlsInsecureSkipVerify }
        if settings.enabled && transport == .memberlist {
            throw Self.tlsOverStandardTransport(source: "memberlist.tls_enabled in \(configFile ?? "the config file")")
        }

        // The pasted gossip tuning overrides the file's, as the service's flags override its YAML.
        if serviceGossipInterval != nil || serviceGossipNodes != nil || servicePullPushInterval != nil
            || serviceRetransmitFactor != nil
        {
            var tuning = file ?? ClusterConfigFile(path: "the command line")
            if let serviceGossipInterval { tuning.gossipInterval = serviceGossipInterval }
            if let serviceGossipNodes { tuning.gossipNodes = serviceGossipNodes }
            if let servicePullPushInterval { tuning.pullPushInterval = servicePullPushInterval }
            if let serviceRetransmitFactor { tuning.retransmitFactor = serviceRetransmitFactor }
            file = tuning
        }

        var servers: [String] = []
        for server in dnsServers { servers.append(try ResolverConfiguration.normalizeServer(server)) }
        let keyring = try KeyFiles.keyring(secretKeyFiles)
        let peek = PeekConfiguration(
            transport: transport, clusterLabel: label, timeout: timeout.duration, tls: try settings.makeClient(),
            keyring: keyring, keyFiles: secretKeyFiles)
        printIgnoredNote(observing: observing, tlsEnabled: settings.enabled, file: file)
        return ResolvedCluster(
            seeds: Seeds(seeds, resolver: ResolverConfiguration(servers: servers), onOvertaken: SeedNotes.overtaken),
            peek: peek, tls: settings,
            clusterLabelVerificationDisabled: clusterLabelVerificationDisabled
                ?? (file?.clusterLabelVerificationDisabled ?? false),
            configFile: file,
            serviceNode: ServiceNode(
                name: serviceNodeName, bindAddress: serviceBindAddresses.first, bindPort: serviceBindPort,
                advertiseAddress: serviceAdvertiseAddress, advertisePort: serviceAdvertisePort))
    }

    /// What of the service's flags and config ringctl leaves unused, each as written.
    func ignoredSettings(observing: Bool, tlsEnabled: Bool, file: ClusterConfigFile?) -> [String] {
        var flags = ignoredDskitFlags
        if observing {
            // ringctl listens on one address: the first.
            flags += serviceBindAddresses.dropFirst().map { "-memberlist.bind-addr=\($0) (ringctl listens on one)" }
        } else {
            let node: [(String, String?)] =
                [("-memberlist.nodename", serviceNodeName)] + serviceBindAddresses.map { ("-memberlist.bind-addr", $0) }
                + [
                    ("-memberlist.bind-port", serviceBindPort.map(String.init)),
                    ("-memberlist.advertise-addr", serviceAdvertiseAddress),
                    ("-memberlist.advertise-port", serviceAdvertisePort.map(String.init)),
                ]
            flags += node.compactMap { name, value in value.map { "\(name)=\($0) (only with --observe or watch)" } }
        }
        if !tlsEnabled {
            flags += tlsFlags.map { "\($0) (TLS is off)" }
        }
        var notes = flags
        if let file, !file.ignoredKeys.isEmpty {
            notes.append("from \(file.path): " + file.ignoredKeys.map { "memberlist.\($0)" }.joined(separator: ", "))
        }
        return notes
    }

    private func printIgnoredNote(observing: Bool, tlsEnabled: Bool, file: ClusterConfigFile?) {
        let ignored = ignoredSettings(observing: observing, tlsEnabled: tlsEnabled, file: file)
        guard !ignored.isEmpty else { return }
        Terminal.printError(
            "ringctl: note: ignored what ringctl does not use: " + ignored.joined(separator: ", "))
    }

    private static func validateLabel(_ label: String, source: String) throws {
        guard label.utf8.count <= 255 else {
            throw ValidationError("\(source) is at most 255 bytes long.")
        }
    }

    private static func tlsOverStandardTransport(source: String) -> ValidationError {
        ValidationError(
            "\(source) needs --transport dskit: hashicorp/memberlist's standard transport has no TLS (use "
                + "--secret-key-file for its encryption).")
    }
}

/// The cluster options after merging the config file: what a command needs to reach the cluster.
struct ResolvedCluster {
    /// The seeds, tried in order.
    var seeds: Seeds
    /// The peek's configuration, TLS context built and keys loaded.
    var peek: PeekConfiguration
    /// The TLS settings in effect.
    var tls: TLSSettings
    /// Whether inbound label checks are off (flag or file); no peek receives a label.
    var clusterLabelVerificationDisabled: Bool
    /// The config file's memberlist block, when one was given, with the pasted gossip tuning flags over it
    /// (`lag`'s advice shows them); only pasted flags: a block of those alone.
    var configFile: ClusterConfigFile?
    /// The service's node flags pasted with its command line (--observe and watch use them).
    var serviceNode = ServiceNode()
}

/// The service's `-memberlist.nodename`, `-memberlist.bind-addr` (the first), `-memberlist.bind-port`,
/// `-memberlist.advertise-addr` and `-memberlist.advertise-port`, when pasted.
struct ServiceNode: Hashable {
    var name: String?
    var bindAddress: String?
    var bindPort: Int?
    var advertiseAddress: String?
    var advertisePort: Int?
}
