import Foundation
import Memberlist
import Yams

// The `memberlist:` block of a Pyroscope / Mimir / Loki / Tempo YAML configuration (dskit's memberlist KV
// config, kv/memberlist/memberlist_client.go `KVConfig`, YAML names as in its struct tags):
//
//   memberlist:
//     join_members: [dns+pyroscope-memberlist.pyroscope.svc.cluster.local:7946]
//     bind_port: 7946
//     cluster_label: pyroscope-prod
//     tls_enabled: true
//     tls_ca_path: /etc/pyroscope/tls/ca.crt
//     gossip_interval: 200ms
//
// Only the keys ringctl uses are read; every other key of the block is ignored and listed in `ignoredKeys` (the
// service's node keys node_name, bind_addr, bind_port, advertise_addr, advertise_port included: they name the
// service, not ringctl), and every other top-level block is not looked at.

/// What a service's YAML configuration says about its memberlist cluster. Absent keys are nil.
public struct ClusterConfigFile: Hashable, Sendable {
    /// The file it was read from.
    public var path: String
    /// `join_members`: the seeds.
    public var joinMembers: [String]?
    /// `cluster_label`.
    public var clusterLabel: String?
    /// `cluster_label_verification_disabled`.
    public var clusterLabelVerificationDisabled: Bool?
    /// `tls_enabled`, `tls_cert_path`, `tls_key_path`, `tls_ca_path`, `tls_server_name`,
    /// `tls_insecure_skip_verify`; only the keys present are set.
    public var tlsEnabled: Bool?
    public var tlsCertPath: String?
    public var tlsKeyPath: String?
    public var tlsCAPath: String?
    public var tlsServerName: String?
    public var tlsInsecureSkipVerify: Bool?
    /// The gossip tuning, as written (Go durations such as "200ms"): what `lag` advises changing.
    public var gossipInterval: String?
    /// `gossip_nodes`.
    public var gossipNodes: Int?
    /// `pull_push_interval` (a Go duration, as written; the flag is -memberlist.pullpush-interval).
    public var pullPushInterval: String?
    /// `retransmit_factor`.
    public var retransmitFactor: Int?
    /// The keys of the `memberlist:` block that ringctl does not read, in the file's order.
    public var ignoredKeys: [String] = []
    /// What the file says of each ring's client (replication factor, zone awareness, heartbeat timeout), by ring
    /// name ("ring", "store-gateway", ...); only rings with at least one of the keys set.
    public var ringClients: [String: RingClientSettings] = [:]

    /// The keys of the `memberlist:` block that ringctl reads.
    public static let readKeys: Set<String> = [
        "join_members", "cluster_label", "cluster_label_verification_disabled", "tls_enabled", "tls_cert_path",
        "tls_key_path", "tls_ca_path", "tls_server_name", "tls_insecure_skip_verify", "gossip_interval",
        "gossip_nodes", "pull_push_interval", "retransmit_factor",
    ]

    /// The gossip tuning the file sets, keyed by dskit's flag spelling ("-memberlist.gossip-interval" → "200ms").
    public var gossipTuning: [String: String] {
        var values: [String: String] = [:]
        values["-memberlist.gossip-interval"] = gossipInterval
        values["-memberlist.gossip-nodes"] = gossipNodes.map(String.init)
        values["-memberlist.pullpush-interval"] = pullPushInterval
        values["-memberlist.retransmit-factor"] = retransmitFactor.map(String.init)
        return values
    }

    /// An empty configuration (every key absent).
    public init(path: String) {
        self.path = path
    }

    /// Reads and parses the file at `path`. With `environment`, `${VAR}`, `${VAR:default}`, `${VAR:-default}` and
    /// `$VAR` are first replaced from it, as the services do with -config.expand-env (unset and no default: "").
    /// Without it, a `${` left in the memberlist block is an error: sending a literal `${CLUSTER_LABEL}` as the
    /// label would only look like a label mismatch.
    public init(contentsOf path: String, environment: [String: String]? = nil) throws(InspectionError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw .configFile(
                path: path, key: nil, line: nil,
                reason: exists ? "cannot be read (permissions? a directory?)" : "does not exist")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .configFile(path: path, key: nil, line: nil, reason: "is not UTF-8 text")
        }
        if let environment {
            try self.init(yaml: Self.expand(text, environment: environment), path: path)
        } else {
            try self.init(yaml: text, path: path)
            try checkNoPlaceholders()
        }
    }

    /// `text` with environment references replaced (see `init(contentsOf:environment:)`).
    public static func expand(_ text: String, environment: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.first == "{", let close = after.firstIndex(of: "}") {
                let inner = after[after.index(after: after.startIndex)..<close]
                let (name, fallback): (Substring, Substring?) =
                    if let colon = inner.firstIndex(of: ":") {
                        (inner[..<colon], inner[inner.index(after: colon)...].drop { $0 == "-" })
                    } else {
                        (inner, nil)
                    }
                let value = environment[String(name)].flatMap { $0.isEmpty ? nil : $0 }
                result += value ?? fallback.map(String.init) ?? ""
                rest = after[after.index(after: close)...]
            } else if let first = after.first, first == "_" || first.isLetter {
                let name = after.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
                result += environment[String(name)] ?? ""
                rest = after[name.endIndex...]
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }

    private func checkNoPlaceholders() throws(InspectionError) {
        let values: [(String, String?)] =
            [("cluster_label", clusterLabel), ("tls_cert_path", tlsCertPath), ("tls_key_path", tlsKeyPath),
             ("tls_ca_path", tlsCAPath), ("tls_server_name", tlsServerName)]
            + (joinMembers ?? []).map { ("join_members", $0) }
        for case (let key, let value?) in values where value.contains("${") {
            throw .unexpandedReference(path: path, key: "memberlist.\(key)", value: value)
        }
    }

    /// Parses YAML text; `path` names it in errors.
    public init(yaml: String, path: String) throws(InspectionError) {
        self.init(path: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw .configFile(path: path, key: nil, line: Self.line(of: error), reason: "is not valid YAML: "
                + Self.firstLine(of: error))
        } catch {
            throw .configFile(path: path, key: nil, line: nil, reason: "is not valid YAML: \(error)")
        }
        guard let root else { return }  // an empty file configures nothing
        guard let top = root.mapping else {
            throw .configFile(
                path: path, key: nil, line: root.mark?.line, reason: "is not a YAML mapping of configuration blocks")
        }
        ringClients = try RingClientSettings.read(top, path: path)
        guard let block = top["memberlist"] else { return }
        if block.null != nil { return }
        guard let memberlist = block.mapping else {
            throw Self.wrongType(path: path, key: "memberlist", node: block, expected: "a mapping")
        }
        let reader = BlockReader(path: path, prefix: "memberlist", mapping: memberlist)
        joinMembers = try reader.strings("join_members")
        clusterLabel = try reader.string("cluster_label")
        clusterLabelVerificationDisabled = try reader.bool("cluster_label_verification_disabled")
        tlsEnabled = try reader.bool("tls_enabled")
        tlsCertPath = try reader.string("tls_cert_path")
        tlsKeyPath = try reader.string("tls_key_path")
        tlsCAPath = try reader.string("tls_ca_path")
        tlsServerName = try reader.string("tls_server_name")
        tlsInsecureSkipVerify = try reader.bool("tls_insecure_skip_verify")
        gossipInterval = try reader.string("gossip_interval")
        gossipNodes = try reader.int("gossip_nodes")
        // dskit's YAML key is pull_push_interval (KVConfig.PushPullInterval), unlike its flag.
        pullPushInterval = try reader.string("pull_push_interval")
        retransmitFactor = try reader.int("retransmit_factor")
        ignoredKeys = memberlist.keys.compactMap { $0.scalar?.string }.filter { !Self.readKeys.contains($0) }
    }

    /// The TLS settings the file gives (absent keys off or empty).
    public var tlsSettings: TLSSettings {
        TLSSettings(
            enabled: tlsEnabled ?? false, certPath: tlsCertPath ?? "", keyPath: tlsKeyPath ?? "",
            caPath: tlsCAPath ?? "", serverName: tlsServerName ?? "",
            insecureSkipVerify: tlsInsecureSkipVerify ?? false)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    /// Yams' description without the source snippet it appends (the line number says where).
    private static func firstLine(of error: YamlError) -> String {
        let text = String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        // "3:5: error: parser: did not find expected key" → "did not find expected key"
        if let range = text.range(of: "error: ") {
            return String(text[range.upperBound...])
        }
        return text
    }

    fileprivate static func wrongType(path: String, key: String, node: Node, expected: String) -> InspectionError {
        let found: String
        switch node {
        case .scalar(let scalar): found = "\"\(scalar.string)\""
        case .mapping: found = "a mapping"
        case .sequence: found = "a list"
        case .alias: found = "an alias"
        }
        return .configFile(path: path, key: key, line: node.mark?.line, reason: "must be \(expected), not \(found)")
    }
}

/// Reads typed values out of the `memberlist:` mapping; each error names the key and its line.
private struct BlockReader {
    let path: String
    /// The block's dotted path, naming keys in errors ("memberlist").
    let prefix: String
    let mapping: Node.Mapping

    private func node(_ key: String) -> Node? {
        guard let node = mapping[key] else { return nil }
        // `key:` with nothing after it, or `key: null`, is the same as leaving it out (Go leaves the default).
        if case .scalar(let scalar) = node, scalar.style == .plain, node.null != nil { return nil }
        return node
    }

    func string(_ key: String) throws(InspectionError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else {
            throw ClusterConfigFile.wrongType(
                path: path, key: "\(prefix).\(key)", node: node,
                expected: "a string")
        }
        return scalar.string
    }

    func strings(_ key: String) throws(InspectionError) -> [String]? {
        guard let node = node(key) else { return nil }
        switch node {
        case .scalar(let scalar):
            // dskit's join_members (flagext.StringSliceCSVMulti) also takes one comma-separated string.
            return scalar.string.split(separator: ",").map(String.init)
        case .sequence(let sequence):
            var values: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    throw ClusterConfigFile.wrongType(
                        path: path, key: "\(prefix).\(key)", node: item, expected: "a list of strings")
                }
                values.append(scalar.string)
            }
            return values
        default:
            throw ClusterConfigFile.wrongType(
                path: path, key: "\(prefix).\(key)", node: node, expected: "a list of strings")
        }
    }

    func int(_ key: String) throws(InspectionError) -> Int? {
        guard let node = node(key) else { return nil }
        guard let value = node.int else {
            throw ClusterConfigFile.wrongType(path: path, key: "\(prefix).\(key)", node: node, expected: "an integer")
        }
        return value
    }

    func bool(_ key: String) throws(InspectionError) -> Bool? {
        guard let node = node(key) else { return nil }
        guard let value = node.bool else {
            throw ClusterConfigFile.wrongType(
                path: path, key: "\(prefix).\(key)", node: node, expected: "true or false")
        }
        return value
    }
}

// The ring client blocks of the services' YAML (dskit ring/ring.go `Config`: replication_factor,
// zone_awareness_enabled, heartbeat_timeout), found where Pyroscope, Mimir, Loki and Cortex put them for each ring:
// the ingester ring under ingester.lifecycler.ring (Pyroscope, Loki, Cortex) or ingester.ring (Mimir), the
// store-gateway's and compactor's under <component>.sharding_ring, the distributors' under distributor.ring.

/// What a configuration file says of one ring's client; absent keys are nil.
public struct RingClientSettings: Hashable, Sendable {
    /// `replication_factor`.
    public var replicationFactor: Int?
    /// `zone_awareness_enabled`.
    public var zoneAwarenessEnabled: Bool?
    /// `heartbeat_timeout`, as written (a Go duration such as "1m").
    public var heartbeatTimeout: String?
    /// The dotted path of the block the values came from ("ingester.lifecycler.ring").
    public var block: String

    /// Settings from their fields.
    public init(replicationFactor: Int?, zoneAwarenessEnabled: Bool?, heartbeatTimeout: String?, block: String) {
        self.replicationFactor = replicationFactor
        self.zoneAwarenessEnabled = zoneAwarenessEnabled
        self.heartbeatTimeout = heartbeatTimeout
        self.block = block
    }

    /// The blocks looked at per ring name (the KV key without its prefix), first found wins.
    public static let blocks: [String: [[String]]] = [
        "ring": [["ingester", "lifecycler", "ring"], ["ingester", "ring"]],
        "store-gateway": [["store_gateway", "sharding_ring"]],
        "compactor": [["compactor", "sharding_ring"]],
        "distributor": [["distributor", "ring"]],
    ]

    /// The ring name of a KV key: the part after the last "/" ("collectors/ring" → "ring").
    public static func ringName(ofKey key: String) -> String {
        key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key
    }

    static func read(_ top: Node.Mapping, path: String) throws(InspectionError) -> [String: RingClientSettings] {
        var result: [String: RingClientSettings] = [:]
        for (name, candidates) in blocks {
            for components in candidates {
                var node: Node? = Node.mapping(top)
                for component in components { node = node?.mapping?[component] }
                guard let mapping = node?.mapping else { continue }
                let block = components.joined(separator: ".")
                let reader = BlockReader(path: path, prefix: block, mapping: mapping)
                let replicationFactor = try reader.int("replication_factor")
                if let replicationFactor, !(1...1000).contains(replicationFactor) {
                    throw .configFile(
                        path: path, key: "\(block).replication_factor", line: nil,
                        reason: "is \(replicationFactor); a replication factor is 1 or more (dskit's default is 3), "
                            + "and at most 1000")
                }
                let settings = RingClientSettings(
                    replicationFactor: replicationFactor,
                    zoneAwarenessEnabled: try reader.bool("zone_awareness_enabled"),
                    heartbeatTimeout: try reader.string("heartbeat_timeout"),
                    block: block)
                if settings.replicationFactor != nil || settings.zoneAwarenessEnabled != nil
                    || settings.heartbeatTimeout != nil
                {
                    result[name] = settings
                    break
                }
            }
        }
        return result
    }
}
