import DskitKV
import Memberlist

/// What `ringctl demo` starts: how many nodes, their ring, their transport and tuning, and the failures to stage.
public struct DemoPlan: Hashable, Sendable {
    /// How many nodes (1…200).
    public var nodes: Int
    /// How many zones the instances are spread over in turn (zone-a, zone-b, …).
    public var zones: Int
    /// Tokens per ring instance.
    public var tokens: Int
    /// How often each lifecycler heartbeats.
    public var heartbeat: Duration
    /// The cluster label ("" for none).
    public var clusterLabel: String
    /// dskit's TCP transport or memberlist's UDP+TCP one.
    public var transport: TransportKind
    /// The first node's port; the others follow. 0: free ports.
    public var basePort: Int
    /// The KV key of the ring.
    public var ringKey: String
    /// Node names are PREFIX-0 … PREFIX-(N-1).
    public var namePrefix: String
    /// Gossip tuning (dskit's four flags).
    public var gossip: GossipSettings
    /// Probing and suspicion (dskit's by default).
    public var failureDetection: FailureDetectionSettings
    /// The failures to stage, in any order.
    public var events: [DemoEvent]
    /// The address every node listens on.
    public var host: String

    /// A plan with the demo's defaults.
    public init(
        nodes: Int = 5, zones: Int = 3, tokens: Int = 128, heartbeat: Duration = .seconds(5),
        clusterLabel: String = "", transport: TransportKind = .dskit, basePort: Int = 0,
        ringKey: String = "collectors/ring", namePrefix: String = "ingester", gossip: GossipSettings = .dskit,
        failureDetection: FailureDetectionSettings = .dskit, events: [DemoEvent] = [], host: String = "127.0.0.1"
    ) {
        self.failureDetection = failureDetection
        self.nodes = nodes
        self.zones = zones
        self.tokens = tokens
        self.heartbeat = heartbeat
        self.clusterLabel = clusterLabel
        self.transport = transport
        self.basePort = basePort
        self.ringKey = ringKey
        self.namePrefix = namePrefix
        self.gossip = gossip
        self.events = events
        self.host = host
    }

    /// The name of node `index`.
    public func name(_ index: Int) -> String { "\(namePrefix)-\(index)" }

    /// The zone of node `index`: zone-a, zone-b, … in turn (zone-aa after zone-z).
    public func zone(_ index: Int) -> String {
        var number = index % max(1, zones)
        var letters = ""
        repeat {
            letters = String(UnicodeScalar(UInt8(97 + number % 26))) + letters
            number = number / 26 - 1
        } while number >= 0
        return "zone-\(letters)"
    }

    /// The index of the node `reference` names: its full name, or its number.
    public func index(of reference: String) -> Int? {
        if let number = Int(reference), (0..<nodes).contains(number) { return number }
        return (0..<nodes).first { name($0) == reference }
    }

    /// Checks the plan: every count in range, every event naming one of our nodes. Throws a sentence saying what
    /// is wrong and what would be right.
    public func validate() throws(DemoPlanError) {
        guard (1...200).contains(nodes) else { throw .invalid("--nodes must be 1…200, not \(nodes).") }
        guard (1...26).contains(zones) else { throw .invalid("--zones must be 1…26, not \(zones).") }
        guard (1...512).contains(tokens) else { throw .invalid("--tokens must be 1…512, not \(tokens).") }
        guard heartbeat > .zero else { throw .invalid("--heartbeat must be more than 0.") }
        guard basePort == 0 || (1...(65536 - nodes)).contains(basePort) else {
            throw .invalid("--base-port must leave room for \(nodes) ports below 65536, not \(basePort).")
        }
        guard !ringKey.isEmpty else { throw .invalid("--ring-key must not be empty.") }
        guard !namePrefix.isEmpty else { throw .invalid("--name-prefix must not be empty.") }
        guard gossip.interval > .zero else { throw .invalid("-memberlist.gossip-interval must be more than 0.") }
        guard gossip.nodes >= 1 else { throw .invalid("-memberlist.gossip-nodes must be at least 1.") }
        guard gossip.retransmitMultiplier >= 1 else {
            throw .invalid("-memberlist.retransmit-factor must be at least 1.")
        }
        for event in events where index(of: event.node) == nil {
            throw .invalid(
                "\(event.flag) \(event.text): no node \"\(event.node)\"; the nodes are \(name(0))…\(name(nodes - 1)) "
                    + "(or 0…\(nodes - 1)).")
        }
    }
}

/// A failure the demo stages on one node after a delay.
public struct DemoEvent: Hashable, Sendable {
    /// What happens.
    public enum Kind: Hashable, Sendable {
        /// Heartbeats stop; the node keeps gossiping.
        case freeze
        /// The node stops answering at all, without a leave.
        case crash
        /// The node leaves cleanly (ring: LEAVING, then gone; memberlist: left).
        case leave
        /// The node's ring instance changes state.
        case state(InstanceState)
        /// The node gossips ten times less often.
        case slowGossip
    }

    /// What happens.
    public var kind: Kind
    /// The node, by name or number.
    public var node: String
    /// How long after the cluster converged.
    public var after: Duration
    /// The flag and value as given, for messages.
    public var flag: String
    public var text: String

    /// An event.
    public init(kind: Kind, node: String, after: Duration, flag: String, text: String) {
        self.kind = kind
        self.node = node
        self.after = after
        self.flag = flag
        self.text = text
    }

    /// Parses `NODE@AFTER` (or, for `--state`, `NODE=STATE@AFTER`); `parseDuration` reads AFTER (Go syntax).
    public static func parse(
        _ text: String, flag: String, stateful: Bool = false, kind: Kind, parseDuration: (String) -> Duration?
    ) throws(DemoPlanError) -> DemoEvent {
        let shape = stateful ? "NODE=LEAVING|JOINING|ACTIVE@AFTER (e.g. ingester-1=LEAVING@20s)" : "NODE@AFTER (e.g. ingester-1@20s)"
        guard let at = text.lastIndex(of: "@") else {
            throw .invalid("\(flag) \(text): expected \(shape).")
        }
        var node = String(text[..<at])
        let afterText = String(text[text.index(after: at)...])
        guard let after = parseDuration(afterText), after >= .zero else {
            throw .invalid("\(flag) \(text): \"\(afterText)\" is not a duration like 20s, 1m30s or 500ms.")
        }
        var kind = kind
        if stateful {
            guard let equals = node.firstIndex(of: "=") else { throw .invalid("\(flag) \(text): expected \(shape).") }
            let stateText = node[node.index(after: equals)...].uppercased()
            node = String(node[..<equals])
            let states: [String: InstanceState] = ["LEAVING": .leaving, "JOINING": .joining, "ACTIVE": .active, "PENDING": .pending]
            guard let state = states[stateText] else {
                throw .invalid("\(flag) \(text): state \"\(stateText)\" is not one of LEAVING, JOINING, ACTIVE, PENDING.")
            }
            kind = .state(state)
        }
        guard !node.isEmpty else { throw .invalid("\(flag) \(text): expected \(shape).") }
        return DemoEvent(kind: kind, node: node, after: after, flag: flag, text: text)
    }
}

/// A demo plan that cannot run.
public enum DemoPlanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A flag's value is out of range or malformed: the sentence says which and what would do.
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let text): text
        }
    }
}
