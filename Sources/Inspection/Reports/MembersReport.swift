import DskitKV
import Memberlist
import MemberlistWire

/// `ringctl members`: every node the answering seed knows, sorted by name.
public struct MembersReport: Codable, Hashable, Sendable {
    /// A member's state as memberlist names it.
    public enum State: String, Codable, Hashable, Sendable, CaseIterable {
        case alive, suspect, dead, left, unknown
    }

    /// Min, max and current version of a protocol.
    public struct Versions: Codable, Hashable, Sendable {
        public var min: UInt8
        public var max: UInt8
        public var current: UInt8
    }

    /// One member.
    public struct Member: Codable, Hashable, Sendable {
        public var name: String
        /// "ip:port" of its memberlist listener.
        public var address: String
        public var state: State
        public var incarnation: UInt32
        /// memberlist protocol versions, when the Vsn holds all six.
        @NullEncoded public var protocolVersions: Versions? = nil
        /// Delegate protocol versions, when the Vsn holds all six.
        @NullEncoded public var delegateVersions: Versions? = nil
        /// dskit zone-aware routing role, when the meta decodes as dskit node metadata.
        @NullEncoded public var role: String? = nil
        /// dskit zone ("" for none), when the meta decodes as dskit node metadata.
        @NullEncoded public var zone: String? = nil
        /// The raw meta length in bytes.
        public var metaBytes: Int

        enum CodingKeys: String, CodingKey {
            case name, address, state, incarnation, role, zone
            case protocolVersions = "protocol_versions"
            case delegateVersions = "delegate_versions"
            case metaBytes = "meta_bytes"
        }
    }

    /// The peer that answered.
    public var seed: String
    /// The framing used.
    public var transport: TransportKind
    /// The members, sorted by name, then address.
    public var members: [Member]
    /// The node name ringctl joined as, when the report comes from a transient join (`--observe`); absent from
    /// a peek's JSON, as README documents (`{seed, transport, members}`).
    public var observer: String?
    /// The incarnation ringctl's node had at the end of the join (1 unless it refuted a suspicion). Not in JSON,
    /// whose shape stays {seed, transport, members, observer}.
    public var observerIncarnation: UInt32? = nil

    enum CodingKeys: String, CodingKey {
        case seed, transport, members, observer
    }

    /// How many members are in each state (states with none are left out).
    public var counts: [State: Int] {
        members.reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }
    /// The report for a peek.
    public init(_ peek: PeekResult, transport: TransportKind) {
        self.seed = peek.peer
        self.transport = transport
        self.members = peek.nodes.map(Self.member).sorted { ($0.name, $0.address) < ($1.name, $1.address) }
    }

    /// Only members in `states` (all when empty).
    public func filtered(states: Set<State>) -> MembersReport {
        guard !states.isEmpty else { return self }
        var report = self
        report.members = members.filter { states.contains($0.state) }
        return report
    }

    static func member(_ node: PushNodeState) -> Member {
        let state: State =
            switch node.state {
            case .alive: .alive
            case .suspect: .suspect
            case .dead: .dead
            case .left: .left
            default: .unknown
            }
        let versions = node.versions
        let meta = node.meta.flatMap { try? NodeMeta(bytes: $0) }
        return Member(
            name: node.name,
            address: node.address.hostPort(node.port),
            state: state,
            incarnation: node.incarnation,
            protocolVersions: versions.map {
                Versions(min: $0.protocolMin, max: $0.protocolMax, current: $0.protocolCurrent)
            },
            delegateVersions: versions.map {
                Versions(min: $0.delegateMin, max: $0.delegateMax, current: $0.delegateCurrent)
            },
            role: meta.map { $0.role.description },
            zone: meta.map(\.zone),
            metaBytes: node.meta?.count ?? 0
        )
    }
}

extension MembersReport {
    /// The report from an observer's member table (the observer itself left out), naming the node we joined as.
    public init(observed snapshot: ObserverSnapshot, transport: TransportKind) {
        self.seed = snapshot.seed ?? ""
        self.transport = transport
        self.observer = snapshot.local?.name
        self.observerIncarnation = snapshot.local?.incarnation
        self.members = snapshot.members.map { Self.member($0.pushNodeState) }
            .sorted { ($0.name, $0.address) < ($1.name, $1.address) }
    }
}
