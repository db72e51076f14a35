import MemberlistWire

// The observer's member list as a pure state machine, with hashicorp/memberlist's rules (state.go `aliveNode`,
// `suspectNode`, `deadNode`, `mergeState`, `refute`):
//
//   alive    a new name is added; a known one changes only at a higher incarnation (and not to a new address
//            unless it had left); about us: refute unless it matches what we announced
//   suspect  ignored below the known incarnation, for unknown names and for nodes not alive; about us: refute
//   dead     ignored below the known incarnation, for unknown names and for nodes already dead or left;
//            From == Node means the node left on purpose (state left), else it failed (state dead);
//            about us: refute, unless we are leaving
//   push/pull alive → alive; left → dead from the node itself; dead or suspect → suspect (memberlist prefers to
//            suspect rather than believe a remote death)
//
// Refuting raises our incarnation above the accusation and asks the session to announce it. We never probe, so
// there are no suspicion timers: a suspect node stays suspect until it refutes or somebody declares it dead.

/// A member as the observer knows it.
public struct Member: Hashable, Sendable {
    /// The node's name.
    public var name: String
    /// The node's IP.
    public var address: NodeAddress
    /// The node's memberlist port.
    public var port: UInt16
    /// Delegate metadata (dskit: role and zone).
    public var meta: [UInt8]?
    /// The latest incarnation heard.
    public var incarnation: UInt32
    /// Alive, suspect, dead or left.
    public var state: NodeState
    /// The raw version bytes.
    public var vsn: [UInt8]?

    /// A member.
    public init(
        name: String, address: NodeAddress, port: UInt16, meta: [UInt8]? = nil, incarnation: UInt32,
        state: NodeState = .alive, vsn: [UInt8]? = nil
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.meta = meta
        self.incarnation = incarnation
        self.state = state
        self.vsn = vsn
    }

    /// "ip:port" of the node's memberlist listener.
    public var hostPort: String { address.hostPort(port) }

    /// The member as a push/pull node state.
    public var pushNodeState: PushNodeState {
        PushNodeState(
            name: name, address: address, port: port, meta: meta, incarnation: incarnation, state: state, vsn: vsn)
    }

    /// The alive message announcing this member at its incarnation.
    public var aliveMessage: AliveMessage {
        AliveMessage(incarnation: incarnation, node: name, address: address, port: port, meta: meta, vsn: vsn)
    }

    /// Whether memberlist would still probe and gossip to it (alive or suspect).
    public var isLive: Bool { state == .alive || state == .suspect }
}

/// What a message or a push/pull told the table.
public enum MemberUpdate: Hashable, Sendable {
    case alive(AliveMessage)
    case suspect(SuspectMessage)
    case dead(DeadMessage)
    /// The node states of a push/pull, merged one by one.
    case pushPull([PushNodeState])
}

/// What changed, and what the session must do about it.
public enum MemberEvent: Hashable, Sendable {
    /// A node appeared, or came back after being dead or left.
    case joined(Member)
    /// A node's address, meta or versions changed, or it refuted a suspicion.
    case updated(Member)
    /// A node is suspected of having failed.
    case suspect(Member)
    /// A node was declared failed by another.
    case dead(Member)
    /// A node left on purpose.
    case left(Member)
    /// Somebody accused us (or announced us wrongly): announce this alive message, at our new incarnation, to
    /// every member.
    case refute(AliveMessage, accusedBy: String)

    /// The member the event is about (for a refutation: ourselves as announced).
    public var member: Member? {
        switch self {
        case .joined(let member), .updated(let member), .suspect(let member), .dead(let member),
            .left(let member):
            return member
        case .refute:
            return nil
        }
    }
}

/// The members the observer knows, itself included, and memberlist's rules for changing them.
public struct MemberTable: Hashable, Sendable {
    /// Every member by name, ourselves included; dead and left ones are kept.
    public private(set) var members: [String: Member]
    /// Our own node's name.
    public let localName: String
    /// Set once we announced our leave: accusations are no longer refuted, our own alive is ignored.
    public private(set) var isLeaving = false

    /// A table holding only ourselves.
    public init(local: Member) {
        localName = local.name
        members = [local.name: local]
    }

    /// Our own node as we announce it.
    public var local: Member {
        // The initializer put it there and nothing removes it.
        members[localName] ?? Member(name: localName, address: NodeAddress(bytes: []), port: 0, incarnation: 0)
    }

    /// Every member except ourselves, sorted by name.
    public var others: [Member] {
        members.values.filter { $0.name != localName }.sorted { $0.name < $1.name }
    }

    /// The node states to send in a push/pull: every member, ourselves included, as memberlist sends them.
    public var pushNodeStates: [PushNodeState] {
        members.values.sorted { $0.name < $1.name }.map(\.pushNodeState)
    }

    /// Whether an alive message about another node only repeats what the table holds (no higher incarnation, the
    /// node not left): `apply` would change nothing. Gossip delivers each alive message about a dozen times, so the
    /// node answers the repeats with one lookup and no copy of the member.
    public func isRepeat(_ alive: AliveMessage) -> Bool {
        guard alive.node != localName, let known = members[alive.node] else { return false }
        return known.state != .left && alive.incarnation <= known.incarnation
    }

    /// Applies one update; returns what changed (in order) and any refutation to announce.
    public mutating func apply(_ update: MemberUpdate) -> [MemberEvent] {
        switch update {
        case .alive(let alive): return applyAlive(alive)
        case .suspect(let suspect): return applySuspect(suspect)
        case .dead(let dead): return applyDead(dead)
        case .pushPull(let nodes):
            var events: [MemberEvent] = []
            for node in nodes {
                switch node.state {
                case .alive:
                    events += applyAlive(
                        AliveMessage(
                            incarnation: node.incarnation, node: node.name, address: node.address, port: node.port,
                            meta: node.meta, vsn: node.vsn))
                case .left:
                    events += applyDead(DeadMessage(incarnation: node.incarnation, node: node.name, from: node.name))
                case .dead, .suspect:
                    events += applySuspect(
                        SuspectMessage(incarnation: node.incarnation, node: node.name, from: localName))
                default:
                    continue  // an unknown state: memberlist ignores it too
                }
            }
            return events
        }
    }

    /// Forgets a member for good (memberlist drops dead and left nodes once gossip-to-the-dead has passed); never
    /// ourselves. Returns whether it was known.
    @discardableResult
    public mutating func forget(_ name: String) -> Bool {
        guard name != localName else { return false }
        return members.removeValue(forKey: name) != nil
    }

    /// Marks ourselves as leaving and returns the dead message that announces it (From == Node).
    public mutating func leave() -> DeadMessage {
        isLeaving = true
        var me = local
        me.state = .left
        members[localName] = me
        return DeadMessage(incarnation: me.incarnation, node: localName, from: localName)
    }

    private mutating func applyAlive(_ alive: AliveMessage) -> [MemberEvent] {
        if isLeaving && alive.node == localName { return [] }
        if let vsn = alive.vsn, vsn.count >= 3, vsn[0] == 0 || vsn[1] == 0 || vsn[0] > vsn[1] {
            return []  // memberlist ignores alive messages with impossible protocol versions
        }
        // The common case, a repeat of news we have: nothing to compare (a left node may come back at any
        // incarnation with a new address; our own name is checked below).
        guard var member = members[alive.node] else {
            let member = Member(
                name: alive.node, address: alive.address, port: alive.port, meta: alive.meta,
                incarnation: alive.incarnation, state: .alive, vsn: alive.vsn)
            members[alive.node] = member
            return [.joined(member)]
        }
        if member.state != .left, alive.incarnation <= member.incarnation, alive.node != localName { return [] }
        var replacesLeftNode = false
        if member.address != alive.address || member.port != alive.port {
            // A new address is only believed for a node that left (memberlist's DeadNodeReclaimTime is 0 by
            // default, so a failed node keeps its address); otherwise it is a name conflict, ignored.
            guard member.state == .left else { return [] }
            replacesLeftNode = true
        }
        let isLocal = alive.node == localName
        if isLocal {
            if alive.incarnation < member.incarnation { return [] }
            if alive.incarnation == member.incarnation && alive.meta == member.meta && alive.vsn == member.vsn {
                return []
            }
            return [refute(accusedIncarnation: alive.incarnation, by: "an alive message that misdescribes us")]
        }
        if alive.incarnation <= member.incarnation && !replacesLeftNode { return [] }
        let old = member
        member.incarnation = alive.incarnation
        member.address = alive.address
        member.port = alive.port
        member.meta = alive.meta
        if alive.vsn?.isEmpty == false { member.vsn = alive.vsn }
        member.state = .alive
        members[alive.node] = member
        if old.state == .dead || old.state == .left { return [.joined(member)] }
        if old.state == .suspect || old.meta != member.meta || old.vsn != member.vsn || replacesLeftNode {
            return [.updated(member)]
        }
        return []
    }

    private mutating func applySuspect(_ suspect: SuspectMessage) -> [MemberEvent] {
        guard var member = members[suspect.node], suspect.incarnation >= member.incarnation,
            member.state == .alive
        else { return [] }
        if suspect.node == localName {
            if isLeaving { return [] }
            return [refute(accusedIncarnation: suspect.incarnation, by: "a suspicion from \(suspect.from)")]
        }
        member.incarnation = suspect.incarnation
        member.state = .suspect
        members[suspect.node] = member
        return [.suspect(member)]
    }

    private mutating func applyDead(_ dead: DeadMessage) -> [MemberEvent] {
        guard var member = members[dead.node], dead.incarnation >= member.incarnation,
            member.state != .dead, member.state != .left
        else { return [] }
        if dead.node == localName {
            if isLeaving { return [] }
            return [refute(accusedIncarnation: dead.incarnation, by: "a death notice from \(dead.from)")]
        }
        member.incarnation = dead.incarnation
        member.state = dead.isLeave ? .left : .dead
        members[dead.node] = member
        return [dead.isLeave ? .left(member) : .dead(member)]
    }

    /// state.go `refute`: the next incarnation, or one past the accusation if that is higher.
    private mutating func refute(accusedIncarnation: UInt32, by accuser: String) -> MemberEvent {
        var me = local
        let next = me.incarnation &+ 1
        me.incarnation = accusedIncarnation >= next ? accusedIncarnation &+ 1 : next
        me.state = .alive
        members[localName] = me
        return .refute(me.aliveMessage, accusedBy: accuser)
    }
}
