import ArgumentParser
import Inspection
import Memberlist

/// Who ringctl is while it takes part in the cluster (the transient join of `members --observe` and `watch`):
/// its node name, where it listens, what it advertises, the gossip keys. Flags mirror dskit's.
struct ObserverNodeOptions: ParsableArguments {
    // dskit's single-dash spellings (-memberlist.nodename, -memberlist.bind-addr, ...) are the service's own
    // flags: GoFlags.normalize hands them to ClusterOptions, and they apply here unless these flags say otherwise.
    @Option(
        name: .customLong("node-name"),
        help: ArgumentHelp(
            "Our node name while joined (default: ringctl-<host>-<random>; or a pasted -memberlist.nodename).",
            valueName: "name"))
    var nodeName: String?

    @Option(
        name: .customLong("bind-addr"),
        help: ArgumentHelp(
            "Address to listen on for the cluster's probes and gossip (default: 0.0.0.0; or a pasted "
                + "-memberlist.bind-addr).", valueName: "ip"))
    var bindAddress: String?

    @Option(
        name: .customLong("bind-port"),
        help: ArgumentHelp(
            "Port to listen on (TCP, and UDP for --transport memberlist); 0 picks a free one (the default; or a "
                + "pasted -memberlist.bind-port).", valueName: "port"))
    var bindPort: Int?

    @Option(
        name: .customLong("advertise-addr"),
        help: ArgumentHelp(
            "Address the cluster should reach us at (default: the bind address, or the one used to reach the seed; "
                + "or a pasted -memberlist.advertise-addr).",
            valueName: "ip"))
    var advertiseAddress: String?

    @Option(
        name: .customLong("advertise-port"),
        help: ArgumentHelp(
            "Port the cluster should reach us at (default: the bound port; or a pasted -memberlist.advertise-port).",
            valueName: "port"))
    var advertisePort: Int?

    func validate() throws {
        if let bindPort, !(0...65535).contains(bindPort) {
            throw ValidationError("--bind-port must be 0…65535, not \(bindPort).")
        }
        if let advertisePort, !(1...65535).contains(advertisePort) {
            throw ValidationError("--advertise-port must be 1…65535, not \(advertisePort).")
        }
        if let nodeName, nodeName.isEmpty || nodeName.utf8.count > 255 {
            throw ValidationError("--node-name must be 1 to 255 bytes long.")
        }
    }

    /// True when any of ringctl's own node flags was given (not the pasted dskit ones).
    var isCustomized: Bool {
        nodeName != nil || bindAddress != nil || bindPort != nil || advertiseAddress != nil || advertisePort != nil
    }

    /// The observer configuration for the cluster's transport, label, keys, TLS and deadline (flags over the
    /// config file). Our flags win over the service's pasted node flags; the config file's node keys are the
    /// service's own and never used.
    func configuration(_ cluster: ResolvedCluster) throws -> ObserverConfiguration {
        let service = cluster.serviceNode
        let port = bindPort ?? service.bindPort ?? 0
        let advertised = advertisePort ?? service.advertisePort
        guard (0...65535).contains(port) else {
            throw ValidationError("-memberlist.bind-port must be 0…65535, not \(port).")
        }
        if let advertised, !(1...65535).contains(advertised) {
            throw ValidationError("-memberlist.advertise-port must be 1…65535, not \(advertised).")
        }
        let name = nodeName ?? service.name
        if let name, name.isEmpty || name.utf8.count > 255 {
            throw ValidationError("-memberlist.nodename must be 1 to 255 bytes long.")
        }
        return ObserverConfiguration(
            transport: cluster.peek.transport, clusterLabel: cluster.peek.clusterLabel,
            verifyLabel: !cluster.clusterLabelVerificationDisabled, keyring: cluster.peek.keyring,
            tls: cluster.peek.tls, tlsServer: try cluster.tls.makeServer(),
            nodeName: name ?? ObserverConfiguration.defaultNodeName(),
            bindHost: bindAddress ?? service.bindAddress ?? "0.0.0.0", bindPort: port,
            advertiseHost: advertiseAddress ?? service.advertiseAddress, advertisePort: advertised,
            timeout: cluster.peek.timeout)
    }
}

/// `members --observe DURATION`: a transient join instead of a peek.
struct ObserveOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Join the cluster for this long (e.g. 10s) and report what ringctl saw as a member, instead of a "
                + "one-shot peek; leaves gracefully at the end or on Ctrl-C/SIGTERM.",
            valueName: "duration"))
    var observe: DurationArgument?

    @OptionGroup var node: ObserverNodeOptions

    func validate() throws {
        if let observe, observe.duration <= .zero || observe.duration > .seconds(86_400) {
            throw ValidationError("--observe must be more than 0 and at most 24h, not \(observe).")
        }
        if observe == nil && node.isCustomized {
            throw ValidationError(
                "--node-name, --bind-addr, --bind-port, --advertise-addr and --advertise-port "
                    + "only apply with --observe (a peek sends no node of its own); add --observe DURATION, or "
                    + "drop them.")
        }
    }
}
