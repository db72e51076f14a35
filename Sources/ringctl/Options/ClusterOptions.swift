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

    @Flag(
        name: [
            .customLong("cluster-label-verification-disabled"),
            .customLong("memberlist.cluster-label-verification-disabled", withSingleDash: true),
        ],
        help: ArgumentHelp(
            "Accept streams without our cluster label (dskit's flag). A peek receives none: a reply carries no "
                + "label, so this only matters where ringctl listens."))
    var clusterLabelVerificationDisabled = false

    @Flag(
        name: [.customLong("tls"), .customLong("memberlist.tls-enabled", withSingleDash: true)],
        help: "Speak TLS to the seeds (dskit transport only).")
    var tls = false

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
        name: [
            .customLong("tls-insecure-skip-verify"),
            .customLong("memberlist.tls-insecure-skip-verify", withSingleDash: true),
        ],
        help: "Accept any certificate the seeds present (no CA, no name check).")
    var tlsInsecureSkipVerify = false

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

    // The checks run with the command, not in `validate()`: argument-parser answers a failed validate() with the
    // help page (exit 0) when any argument, split into single letters, holds an "h", and the single-dash
    // spellings -memberlist.tls-ca-path, -memberlist.tls-cert-path, -memberlist.tls-key-path all do ("path").
    /// Usage errors in the flags alone (the config file is checked in `resolved()`).
    func check(seedHint: String? = nil) throws {
        guard hasClusterSource else {
            throw ValidationError(
                "Give at least one seed with -j/--join HOST:PORT (repeatable), or a --config.file with join_members"
                    + (seedHint.map { ", \($0)." } ?? "."))
        }
        guard timeout.duration > .zero, timeout.duration <= .seconds(600) else {
            throw ValidationError("--timeout must be more than 0 and at most 10m, not \(timeout).")
        }
        try Self.validateLabel(clusterLabel ?? "", source: "--cluster-label")
        if tls && transport == .memberlist {
            throw Self.tlsOverStandardTransport(source: "--tls")
        }
        let tlsFlags = [
            ("--tls-cert-path", tlsCertPath), ("--tls-key-path", tlsKeyPath), ("--tls-ca-path", tlsCAPath),
            ("--tls-server-name", tlsServerName),
        ].filter { $0.1 != nil }.map(\.0) + (tlsInsecureSkipVerify ? ["--tls-insecure-skip-verify"] : [])
        if configExpandEnv && configFile == nil {
            throw ValidationError("--config.expand-env only applies to a --config.file.")
        }
        if !tls && configFile == nil, let first = tlsFlags.first {
            throw ValidationError("\(first) has no effect without --tls (-memberlist.tls-enabled).")
        }
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

    /// Flags over the config file over the defaults. `seedHint` adds another way out to the missing-seed error.
    func resolved(seedHint: String? = nil) throws -> ResolvedCluster {
        try check(seedHint: seedHint)
        let file = try clusterConfigFile()
        let seeds = join.isEmpty ? (file?.joinMembers ?? []) : join
        guard !seeds.isEmpty else {
            throw ValidationError(
                "No seed: \(configFile ?? "the config file") has no memberlist.join_members; give -j/--join HOST:PORT.")
        }
        let label = clusterLabel ?? file?.clusterLabel ?? ""
        if clusterLabel == nil { try Self.validateLabel(label, source: "memberlist.cluster_label") }

        var settings = file?.tlsSettings ?? TLSSettings()
        if tls { settings.enabled = true }
        if let tlsCertPath { settings.certPath = tlsCertPath }
        if let tlsKeyPath { settings.keyPath = tlsKeyPath }
        if let tlsCAPath { settings.caPath = tlsCAPath }
        if let tlsServerName { settings.serverName = tlsServerName }
        if tlsInsecureSkipVerify { settings.insecureSkipVerify = true }
        if settings.enabled && transport == .memberlist {
            throw Self.tlsOverStandardTransport(source: "memberlist.tls_enabled in \(configFile ?? "the config file")")
        }

        var servers: [String] = []
        for server in dnsServers { servers.append(try ResolverConfiguration.normalizeServer(server)) }
        let keyring = try KeyFiles.keyring(secretKeyFiles)
        let peek = PeekConfiguration(
            transport: transport, clusterLabel: label, timeout: timeout.duration, tls: try settings.makeClient(),
            keyring: keyring, keyFiles: secretKeyFiles)
        return ResolvedCluster(
            seeds: Seeds(seeds, resolver: ResolverConfiguration(servers: servers)), peek: peek, tls: settings,
            clusterLabelVerificationDisabled: clusterLabelVerificationDisabled
                || (file?.clusterLabelVerificationDisabled ?? false),
            configFile: file)
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
    /// The config file's memberlist block, when one was given (gossip tuning for `lag`'s advice).
    var configFile: ClusterConfigFile?
}
