import DskitKV
import Foundation
import Memberlist
import MemberlistWire

/// One line of `ringctl watch`: a member change or a KV key update, when the observer learnt it.
public struct WatchEvent: Codable, Hashable, Sendable {
    /// What happened.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case joined, updated, suspect, dead, left
        /// We were accused and announced a higher incarnation.
        case refuted
        /// A KV key's value arrived (full state or broadcast) and differed from what we had.
        case kvUpdated = "kv_updated"
        /// Something arrived that could not be used (wrong label or key, undecodable).
        case problem
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
    /// The problem, or who accused us.
    public var detail: String?

    /// An event.
    public init(
        time: Date = Date(), kind: Kind, member: MembersReport.Member? = nil, key: KVKeysReport.Key? = nil,
        from: String? = nil, detail: String? = nil
    ) {
        self.time = time
        self.kind = kind
        self.member = member
        self.key = key
        self.from = from
        self.detail = detail
    }
}

/// Turns the session's events into watch events, keeping the KV view to report only keys that changed.
public struct WatchTranslator: Sendable {
    /// The KV store as seen so far.
    public private(set) var kv = KVView()

    /// A translator with an empty view.
    public init() {}

    /// The watch events for one session event (none, one, or one per changed key).
    public mutating func translate(_ event: ObserverEvent, at time: Date = Date()) -> [WatchEvent] {
        switch event {
        case .member(let memberEvent):
            switch memberEvent {
            case .joined(let member): return [Self.event(.joined, member, time)]
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
        case .remoteState(let bytes, _, let from):
            return kv.merge(fullState: bytes).map { Self.keyEvent($0, from: from, time) }
        case .userMessage(let bytes, let from):
            guard let pair = try? KeyValuePair(protobuf: bytes) else {
                return [WatchEvent(
                    time: time, kind: .problem, from: from,
                    detail: "a \(bytes.count)-byte user message that is not a dskit KV pair")]
            }
            return kv.merge(pair).map { [Self.keyEvent($0, from: from, time)] } ?? []
        case .problem(let text):
            return [WatchEvent(time: time, kind: .problem, detail: text)]
        }
    }

    private static func event(_ kind: WatchEvent.Kind, _ member: Member, _ time: Date) -> WatchEvent {
        WatchEvent(time: time, kind: kind, member: MembersReport.member(member.pushNodeState))
    }

    private static func keyEvent(_ pair: KeyValuePair, from: String, _ time: Date) -> WatchEvent {
        WatchEvent(
            time: time, kind: .kvUpdated,
            key: KVKeysReport.Key(
                key: pair.key, codec: pair.codec.rawValue, valueBytes: pair.value.count, updated: pair.updateTime,
                deleted: pair.deleted),
            from: from)
    }
}
