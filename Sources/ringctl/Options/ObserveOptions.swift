import ArgumentParser
import Inspection
import Memberlist

/// Who ringctl is while it takes part in the cluster (the transient join of `members --observe` and `watch`):
/// its node name, where it listens, what it advertises, the gossip keys. Flags mirror dskit's.
struct ObserverNodeOptions: ParsableArguments {
    @Option(
        name: [.customLong("node-name"), .customLong("memberlist.nodename", withSingleDash: true)],
        help: ArgumentHelp("Our node name while joined (default: ringctl-<host>-<random>).", valueName: "name"))
    var nodeName: String?

    @Option(
        name: [.customLong("bind-addr"), .customLong("memberlist.bind-addr", withSingleDash: true)],
        help: ArgumentHelp("Address to listen on for the cluster's probes and gossip.", valueName: "ip"))
    var bindAddress = "0.0.0.0"

    @Option(
        name: [.customLong("bind-port"), .customLong("memberlist.bind-port", withSingleDash: true)],
        help: ArgumentHelp("Port to listen on (TCP, and UDP for --transport memberlist); 0 picks a free one.",
                           valueName: "port"))
    var bindPort = 0

    @Option(
        name: [.customLong("advertise-addr"), .customLong("memberlist.advertise-addr", withSingleDash: true)],
        help: ArgumentHelp(
            "Address the cluster should reach us at (default: the bind address, or the one used to reach the seed).",
            valueName: "ip"))
    var advertiseAddress: String?

    @Option(
        name: [.customLong("advertise-port"), .customLong("memberlist.advertise-port", withSingleDash: true)],
        help: ArgumentHelp("Port the cluster should reach us at (default: the bound port).", valueName: "port"))
    var advertisePort: Int?

    func validate() throws {
        guard (0...65535).contains(bindPort) else {
            throw ValidationError("--bind-port must be 0…65535, not \(bindPort).")
        }
        if let advertisePort, !(1...65535).contains(advertisePort) {
            throw ValidationError("--advertise-port must be 1…65535, not \(advertisePort).")
        }
        if let nodeName, nodeName.isEmpty || nodeName.utf8.count > 255 {
            throw ValidationError("--node-name must be 1 to 255 bytes long.")
        }
    }

    /// True when any flag here was given.
    var isCustomized: Bool {
        nodeName != nil || bindAddress != "0.0.0.0" || bindPort != 0 || advertiseAddress != nil
            || advertisePort != nil
    }

    /// The observer configuration for the cluster's transport, label, keys, TLS and deadline (flags over the
    /// config file). The file's bind and advertise settings are the service's own, not ours: they are not used.
    func configuration(_ cluster: ResolvedCluster) throws -> ObserverConfiguration {
        ObserverConfiguration(
            transport: cluster.peek.transport, clusterLabel: cluster.peek.clusterLabel,
            verifyLabel: !cluster.clusterLabelVerificationDisabled, keyring: cluster.peek.keyring,
            tls: cluster.peek.tls, tlsServer: try cluster.tls.makeServer(),
            nodeName: nodeName ?? ObserverConfiguration.defaultNodeName(), bindHost: bindAddress, bindPort: bindPort,
            advertiseHost: advertiseAddress, advertisePort: advertisePort, timeout: cluster.peek.timeout)
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
                    + "only apply with --observe (a peek sends no node of its own).")
        }
    }
}
