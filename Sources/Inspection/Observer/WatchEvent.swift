import DskitKV
import Foundation
import Memberlist
import MemberlistWire

/// One line of `ringctl watch`: a member change or a KV key update, when the observer learnt it.
public struct WatchEvent: Codable, Hashable, Sendable {
    /// What happened.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// ringctl's own node joined the cluster (`observer` names it, `from` the seed).
        case observerJoined = "observer_joined"
        /// A member in the seed's list when ringctl joined.
        case present
        /// A KV key in the seed's state when ringctl joined.
        case kvPresent = "kv_present"
        case joined, updated, suspect, dead, left
        /// We were accused and announced a higher incarnation.
        case refuted
        /// A KV key's value arrived (full state or broadcast) and differed from what we had; `changes` says how.
        case kvUpdated = "kv_updated"
        /// Something arrived that could not be used (wrong label or key, undecodable).
        case problem
        /// ringctl's own node left (`detail` says whether the leave reached everyone).
        case observerLeft = "observer_left"
    }

    /// What changed in one ring instance: "heartbeat", "state JOINING → ACTIVE", "tokens 0 → 128", ...
    public struct InstanceChange: Codable, Hashable, Sendable {
        /// The instance id.
        public var instance: String
        /// Each change in words, in a fixed order.
        public var what: [String]

        /// A change.
        public init(instance: String, what: [String]) {
            self.instance = instance
            self.what = what
        }
    }

    /// When the observer saw it.
    public var time: Date
    public var kind: Kind
    /// The member, for member events.
    public var member: MembersReport.Member?
    /// The key, for KV events.
    public var key: KVKeysReport.Key?
    /// Who sent it ("ip:port"), when known.
    public var from: String?
    /// The problem, who accused us, or how the leave went.
    public var detail: String?
    /// For `kv_updated` of a ring: the instances that changed, sorted by id (nil for other values).
    public var changes: [InstanceChange]?
    /// ringctl's own node name, for `observer_joined` and `observer_left`.
    public var observer: String?

    /// An event.
    public init(
        time: Date = Date(), kind: Kind, member: MembersReport.Member? = nil, key: KVKeysReport.Key? = nil,
        from: String? = nil, detail: String? = nil, changes: [InstanceChange]? = nil, observer: String? = nil
    ) {
        self.time = time
        self.kind = kind
        self.member = member
        self.key = key
        self.from = from
        self.detail = detail
        self.changes = changes
        self.observer = observer
    }
}

/// Turns the session's events into watch events, keeping the KV view to report only keys that changed, and how.
///
/// The session reports the join in order: the member events of the seed's member list, then the seed's KV state
/// as `remoteState(join: true)` (ObserverSession.join). Until that state arrives, members that appear are the
/// ones the seed already knew (`present`, not `joined`): they are held and follow `observer_joined`, which names
/// the seed; the state's keys are `kv_present`.
public struct WatchTranslator: Sendable {
    /// The KV store as seen so far.
    public private(set) var kv = KVView()
    /// Whether the join's KV state has arrived (the seed's member list is behind us).
    public private(set) var joined = false
    /// The seed's members, held until the join's KV state says who the seed was, so `observer_joined` comes first.
    private var present: [WatchEvent] = []

    /// A translator with an empty view.
    public init() {}

    /// The watch events for one session event (none, one, or one per changed key).
    public mutating func translate(_ event: ObserverEvent, at time: Date = Date()) -> [WatchEvent] {
        switch event {
        case .member(let memberEvent):
            switch memberEvent {
            case .joined(let member):
                guard joined else {
                    present.append(Self.event(.present, member, time))
                    return []
                }
                return [Self.event(.joined, member, time)]
            case .updated(let member): return [Self.event(.updated, member, time)]
            case .suspect(let member): return [Self.event(.suspect, member, time)]
            case .dead(let member): return [Self.event(.dead, member, time)]
            case .left(let member): return [Self.event(.left, member, time)]
            case .refute(let alive, let accuser):
                let member = MembersReport.member(
                    PushNodeState(
                        name: alive.node, address: alive.address, port: alive.port, meta: alive.meta,
                        incarnation: alive.incarnation, state: .alive, vsn: alive.vsn))
                return [WatchEvent(time: time, kind: .refuted, member: member, detail: accuser)]
            }
        case .remoteState(let bytes, let join, let from):
            let previous = kv.pairs
            let changed = kv.merge(fullState: bytes)
            var events: [WatchEvent] = []
            if join && !joined {
                joined = true
                events.append(WatchEvent(time: time, kind: .observerJoined, from: from))
                events += present
                present = []
                return events + changed.map { Self.keyEvent(.kvPresent, $0, before: nil, from: from, time) }
            }
            return changed.map { Self.keyEvent(.kvUpdated, $0, before: previous[$0.key], from: from, time) }
        case .userMessage(let bytes, let from):
            guard let pair = try? KeyValuePair(protobuf: bytes) else {
                return [WatchEvent(
                    time: time, kind: .problem, from: from,
                    detail: "a \(bytes.count)-byte user message that is not a dskit KV pair")]
            }
            let before = kv.pairs[pair.key]
            return kv.merge(pair).map { [Self.keyEvent(.kvUpdated, $0, before: before, from: from, time)] } ?? []
        case .problem(let text):
            return [WatchEvent(time: time, kind: .problem, detail: text)]
        }
    }

    /// How two values of a ring key differ, instance by instance (nil when either is not a ring).
    public static func ringChanges(from before: KeyValuePair?, to after: KeyValuePair) -> [WatchEvent.InstanceChange]? {
        guard after.codec == .ringDesc, let new = try? RingDescription(pair: after) else { return nil }
        let old = before.flatMap { try? RingDescription(pair: $0) } ?? RingDescription(instances: [])
        let oldByID = Dictionary(old.instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newByID = Dictionary(new.instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [WatchEvent.InstanceChange] = []
        for id in Set(oldByID.keys).union(newByID.keys).sorted() {
            switch (oldByID[id], newByID[id]) {
            case (nil, let added?):
                changes.append(.init(
                    instance: id,
                    what: ["added (\(added.state), \(added.tokens.count) token\(added.tokens.count == 1 ? "" : "s"))"]))
            case (_?, nil):
                changes.append(.init(instance: id, what: ["removed"]))
            case (let a?, let b?):
                var what: [String] = []
                if a.state != b.state { what.append("state \(a.state) → \(b.state)") }
                if a.heartbeatTimestamp != b.heartbeatTimestamp { what.append("heartbeat") }
                if a.tokens != b.tokens {
                    what.append(a.tokens.count == b.tokens.count
                        ? "tokens" : "tokens \(a.tokens.count) → \(b.tokens.count)")
                }
                if a.registeredTimestamp != b.registeredTimestamp { what.append("registered") }
                if a.address != b.address { what.append("address \(a.address) → \(b.address)") }
                if a.zone != b.zone { what.append("zone \(a.zone) → \(b.zone)") }
                if a.readOnly != b.readOnly {
                    what.append(b.readOnly ? "read-only" : "writable")
                } else if a.readOnlyUpdatedTimestamp != b.readOnlyUpdatedTimestamp {
                    what.append("read-only updated")
                }
                if a.versions != b.versions { what.append("versions") }
                if !what.isEmpty { changes.append(.init(instance: id, what: what)) }
            case (nil, nil):
                continue
            }
        }
        return changes
    }

    private static func event(_ kind: WatchEvent.Kind, _ member: Member, _ time: Date) -> WatchEvent {
        WatchEvent(time: time, kind: kind, member: MembersReport.member(member.pushNodeState))
    }

    private static func keyEvent(
        _ kind: WatchEvent.Kind, _ pair: KeyValuePair, before: KeyValuePair?, from: String, _ time: Date
    ) -> WatchEvent {
        WatchEvent(
            time: time, kind: kind,
            key: KVKeysReport.Key(
                key: pair.key, codec: pair.codec.rawValue, valueBytes: pair.value.count, updated: pair.updateTime,
                deleted: pair.deleted),
            from: from, changes: kind == .kvUpdated ? ringChanges(from: before, to: pair) : nil)
    }
}
