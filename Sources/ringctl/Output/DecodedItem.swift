import DskitKV
import Foundation
import MemberlistWire

/// One thing found in captured bytes (a frame, an envelope layer, a message, a KV pair), with its fields and
/// what it contains: a tree that renders as indented lines or as JSON.
struct DecodedItem: Encodable {
    var kind: String
    var fields: [(String, String)] = []
    var children: [DecodedItem] = []

    init(_ kind: String, _ fields: [(String, String)] = [], children: [DecodedItem] = []) {
        self.kind = kind
        self.fields = fields
        self.children = children
    }

    enum CodingKeys: String, CodingKey { case kind, fields, children }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(Dictionary(fields, uniquingKeysWith: { first, _ in first }), forKey: .fields)
        try container.encode(children, forKey: .children)
    }

    func lines(indent: Int = 0) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        let text = fields.isEmpty ? kind : kind + " " + fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        return [pad + text] + children.flatMap { $0.lines(indent: indent + 1) }
    }
}

/// Builds `DecodedItem` trees from the wire and KV value types.
enum DecodedItems {
    static func packet(_ envelope: PacketEnvelope) -> [DecodedItem] {
        var layers: [(String, String)] = [("label", envelope.label.map { quoted($0) } ?? "none")]
        layers.append(("encryption", envelope.encryption.map { "version \($0)" } ?? "none"))
        layers.append(("crc32", envelope.hasChecksum ? "ok" : "none"))
        return [DecodedItem("packet", layers, children: [message(envelope.message)])]
    }

    static func stream(_ envelope: StreamEnvelope) -> DecodedItem {
        var layers: [(String, String)] = [("label", envelope.label.map { quoted($0) } ?? "none")]
        layers.append(("encryption", envelope.encryption.map { "version \($0)" } ?? "none"))
        layers.append(("compression", envelope.compression.map { "\($0)" } ?? "none"))
        let child: DecodedItem
        switch envelope.message {
        case .pushPull(let pushPull):
            var children = pushPull.nodes.map { node in
                DecodedItem("node", [
                    ("name", quoted(node.name)), ("address", node.address.hostPort(node.port)),
                    ("state", node.state.description), ("incarnation", String(node.incarnation)),
                    ("vsn", node.vsn.map(vsn) ?? "none"), ("meta", meta(node.meta)),
                ])
            }
            children.append(kvState(pushPull.userState))
            child = DecodedItem("push-pull", [
                ("join", String(pushPull.join)), ("nodes", String(pushPull.nodes.count)),
                ("user-state-bytes", String(pushPull.userState.count)),
            ], children: children)
        case .user(let payload): child = userMessage(payload)
        case .ping(let ping): child = message(.ping(ping))
        case .ack(let ack): child = message(.ack(ack))
        case .error(let error): child = message(.error(error))
        }
        return DecodedItem("stream", layers, children: [child])
    }

    static func message(_ message: Message) -> DecodedItem {
        switch message {
        case .ping(let ping):
            return DecodedItem("ping", [("seq", String(ping.seqNo)), ("node", quoted(ping.node))]
                + (ping.sourceAddress.map { [("source", $0.hostPort(ping.sourcePort)), ("source-node", quoted(ping.sourceNode))] } ?? []))
        case .indirectPing(let request):
            return DecodedItem("indirect-ping", [
                ("seq", String(request.seqNo)), ("target", request.target.hostPort(request.port)),
                ("node", quoted(request.node)), ("nack", String(request.nack)),
            ])
        case .ack(let ack):
            return DecodedItem("ack", [("seq", String(ack.seqNo)), ("payload-bytes", ack.payload.map { String($0.count) } ?? "nil")])
        case .nack(let nack):
            return DecodedItem("nack", [("seq", String(nack.seqNo))])
        case .suspect(let suspect):
            return DecodedItem("suspect", [
                ("node", quoted(suspect.node)), ("incarnation", String(suspect.incarnation)), ("from", quoted(suspect.from)),
            ])
        case .alive(let alive):
            return DecodedItem("alive", [
                ("node", quoted(alive.node)), ("address", alive.address.hostPort(alive.port)),
                ("incarnation", String(alive.incarnation)), ("vsn", alive.vsn.map(vsn) ?? "none"),
                ("meta", meta(alive.meta)),
            ])
        case .dead(let dead):
            return DecodedItem(dead.isLeave ? "dead (left on purpose)" : "dead", [
                ("node", quoted(dead.node)), ("incarnation", String(dead.incarnation)), ("from", quoted(dead.from)),
            ])
        case .compound(let parts):
            return DecodedItem("compound", [("parts", String(parts.count))], children: parts.map(Self.message))
        case .user(let payload):
            return userMessage(payload)
        case .compressed(let algorithm, let inner):
            return DecodedItem("compressed", [("algorithm", "\(algorithm)")], children: [Self.message(inner)])
        case .error(let error):
            return DecodedItem("error", [("message", quoted(error.error))])
        case .unknown(let type, let body):
            return DecodedItem("unknown", [("type", "\(type)"), ("bytes", String(body.count))])
        }
    }

    /// A user message: for dskit, one marshalled KeyValuePair (a KV broadcast).
    static func userMessage(_ payload: [UInt8]) -> DecodedItem {
        guard let pair = try? KeyValuePair(protobuf: payload) else {
            return DecodedItem("user-message", [("bytes", String(payload.count)), ("kv", "not a dskit KeyValuePair")])
        }
        return DecodedItem("user-message (KV broadcast)", [], children: [kvPair(pair)])
    }

    static func kvState(_ bytes: [UInt8]) -> DecodedItem {
        guard !bytes.isEmpty else { return DecodedItem("user-state", [("bytes", "0")]) }
        let (state, failure) = KVState.decodePrefix(bytes)
        var fields = [("keys", String(state.pairs.count)), ("bytes", String(bytes.count))]
        if let failure { fields.append(("error", quoted(failure.description))) }
        return DecodedItem("kv-full-state", fields, children: state.pairs.map(kvPair))
    }

    static func kvPair(_ pair: KeyValuePair) -> DecodedItem {
        var fields: [(String, String)] = [
            ("key", quoted(pair.key)), ("codec", pair.codec.rawValue), ("value-bytes", String(pair.value.count)),
            ("deleted", String(pair.deleted)),
        ]
        if let updated = pair.updateTime { fields.append(("updated", rfc3339(updated))) }
        var children: [DecodedItem] = []
        switch pair.decodedValue() {
        case .ring(let ring):
            children = ring.instances.map { instance in
                DecodedItem("instance", [
                    ("id", quoted(instance.id)), ("state", "\(instance.state)"), ("address", instance.address),
                    ("zone", instance.zone.isEmpty ? "-" : instance.zone), ("tokens", String(instance.tokens.count)),
                    ("heartbeat", instance.heartbeatTimestamp == 0 ? "never"
                        : rfc3339(Date(timeIntervalSince1970: Double(instance.heartbeatTimestamp)))),
                    ("read-only", String(instance.readOnly)),
                ])
            }
            fields.append(("value", "ring of " + Plural.count(ring.instances.count, "instance")))
        case .propagationBeacons(let beacons):
            children = beacons.beacons.map { beacon in
                DecodedItem("beacon", [
                    ("id", String(beacon.id)), ("published-by", quoted(beacon.publishedBy)),
                    ("published", rfc3339(Date(timeIntervalSince1970: Double(beacon.publishedAtMillis) / 1000))),
                    ("deleted", String(beacon.isDeleted)),
                ])
            }
            fields.append(("value", Plural.count(beacons.beacons.count, "propagation beacon")))
        case .unknown:
            fields.append(("value", "unknown codec, kept raw"))
        case .undecodable(_, _, let error):
            fields.append(("value", "undecodable: \(error)"))
        }
        return DecodedItem("kv-pair", fields, children: children)
    }

    private static func vsn(_ bytes: [UInt8]) -> String { bytes.map(String.init).joined(separator: ",") }

    private static func meta(_ bytes: [UInt8]?) -> String {
        guard let bytes, !bytes.isEmpty else { return "none" }
        if let meta = try? NodeMeta(bytes: bytes) { return "dskit(\(meta))" }
        return Plural.count(bytes.count, "byte")
    }

    static func quoted(_ text: String) -> String { "\"\(text)\"" }

    static func rfc3339(_ date: Date) -> String {
        UnixTime.rfc3339(Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}
