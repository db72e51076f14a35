import MemberlistWire

// What every member answers, whatever else it does (memberlist net.go `handlePing`, `handleIndirectPing` and the
// ack and nack handlers of a relayed ping): shared by the observer, which only answers, and the node, which also
// probes. The responder decides what goes where; each instance turns its answers into its own directives.
//
//   ping           an ack to the ping's source address (or where the packet came from); a ping for another
//                  node's name is not answered (the sender has an old address for somebody else)
//   indirect ping  our own ping to the target under a fresh sequence number; the target's ack goes back to the
//                  requester under its number, or a nack after a probe timeout when the requester asked for one;
//                  at most `maxRelays` wait at once (a flood of requests must not grow memory)

/// Answers pings and relays indirect pings.
public struct ProbeResponder: Hashable, Sendable {
    /// How many relayed pings may wait at once.
    public static var maxRelays: Int { 1024 }

    /// One thing to do about what arrived.
    public enum Answer: Hashable, Sendable {
        /// Send `message` to `peer` ("ip:port"), to the member named `node` if we know who it is.
        case send(Message, to: String, node: String?)
        /// Call `relayTimedOut(seqNo:)` after the probe timeout.
        case relayTimeout(seqNo: UInt32)
        /// Nothing was sent: one sentence why.
        case problem(String)
    }

    /// An indirect ping we forward: who asked, under which sequence number, and whether they want a nack.
    private struct Relay: Hashable, Sendable {
        var requester: String
        var requesterName: String
        var seqNo: UInt32
        var wantsNack: Bool
    }

    private var relays: [UInt32: Relay] = [:]

    /// A responder with nothing relayed.
    public init() {}

    /// Indirect pings relayed and still waiting for the target's ack.
    public var pendingRelays: Int { relays.count }

    /// The answer to a ping from `from` for the node named `ping.node` (we are `localName`).
    public func answer(_ ping: PingMessage, from: String, localName: String) -> Answer {
        guard ping.node.isEmpty || ping.node == localName else {
            return .problem("ping from \(from) for another node, \"\(ping.node)\": not answered")
        }
        let to = Self.replyAddress(ping.sourceAddress, ping.sourcePort, otherwise: from)
        return .send(.ack(AckResponse(seqNo: ping.seqNo)), to: to, node: ping.sourceNode)
    }

    /// Relays an indirect ping from `from`: our ping to the target, numbered `seqNo`, and its timeout.
    public mutating func relay(_ request: IndirectPingRequest, from: String, seqNo: UInt32, me: Member) -> [Answer] {
        guard relays.count < Self.maxRelays else {
            return [.problem("indirect ping from \(from) dropped: \(Self.maxRelays) relays already waiting")]
        }
        let requester = Self.replyAddress(request.sourceAddress, request.sourcePort, otherwise: from)
        relays[seqNo] = Relay(
            requester: requester, requesterName: request.sourceNode, seqNo: request.seqNo, wantsNack: request.nack)
        let ping = PingMessage(
            seqNo: seqNo, node: request.node, sourceAddress: me.address, sourcePort: me.port, sourceNode: me.name)
        let port = request.port == 0 ? me.port : request.port
        return [.send(.ping(ping), to: request.target.hostPort(port), node: request.node), .relayTimeout(seqNo: seqNo)]
    }

    /// An ack numbered `seqNo` arrived: the requester's ack if it answers a relayed ping, else nil.
    public mutating func relayedAck(seqNo: UInt32) -> Answer? {
        guard let relay = relays.removeValue(forKey: seqNo) else { return nil }
        return .send(.ack(AckResponse(seqNo: relay.seqNo)), to: relay.requester, node: relay.requesterName)
    }

    /// A relayed ping waited its probe timeout: the requester's nack if it asked for one.
    public mutating func relayTimedOut(seqNo: UInt32) -> Answer? {
        guard let relay = relays.removeValue(forKey: seqNo), relay.wantsNack else { return nil }
        return .send(.nack(NackResponse(seqNo: relay.seqNo)), to: relay.requester, node: relay.requesterName)
    }

    /// The ping's or request's SourceAddr:SourcePort when both are set, else where the packet came from.
    public static func replyAddress(_ address: NodeAddress?, _ port: UInt16, otherwise from: String) -> String {
        guard let address, !address.bytes.isEmpty, port > 0 else { return from }
        return address.hostPort(port)
    }
}
