import DskitKV
import Foundation
import MemberlistWire

// `ringctl decode`'s report: the tree of what captured bytes hold, built from the wire and KV value types, shown as
// indented lines or as JSON. The capture is read (which form it is, in what order they are tried) by the CLI's
// CaptureDecoder, whose error and hint belong with the other errors.

/// One field of a decoded item: how the text tree shows it, and the JSON value it is (a number, a bool, null, a
/// string without the quotes the text adds), so `decode -o json` carries values, not strings holding them.
public struct DecodedField: Encodable, Sendable {
    /// A JSON value.
    public enum Value: Encodable, Sendable {
        case string(String)
        case integer(Int64)
        case unsigned(UInt64)
        case bool(Bool)
        case integers([Int64])
        case null

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .integer(let number): try container.encode(number)
            case .unsigned(let number): try container.encode(number)
            case .bool(let flag): try container.encode(flag)
            case .integers(let numbers): try container.encode(numbers)
            case .null: try container.encodeNil()
            }
        }
    }

    /// How the text tree shows it.
    public var text: String
    /// What JSON holds.
    public var value: Value

    /// A field shown as `text`, encoded as `value`.
    public init(text: String, value: Value) {
        self.text = text
        self.value = value
    }

    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }

    /// Shown bare, a JSON string.
    public static func string(_ text: String) -> DecodedField { DecodedField(text: text, value: .string(text)) }
    /// Shown in quotes (names, keys, labels), a JSON string without them.
    public static func quoted(_ text: String) -> DecodedField { DecodedField(text: "\"\(text)\"", value: .string(text)) }
    public static func int<T: BinaryInteger>(_ number: T) -> DecodedField {
        if let signed = Int64(exactly: number) { return DecodedField(text: String(signed), value: .integer(signed)) }
        let unsigned = UInt64(truncatingIfNeeded: number)
        return DecodedField(text: String(unsigned), value: .unsigned(unsigned))
    }
    public static func bool(_ flag: Bool) -> DecodedField { DecodedField(text: String(flag), value: .bool(flag)) }
    /// Absent: shown as `word` ("none", "never"), JSON null.
    public static func none(_ word: String = "none") -> DecodedField { DecodedField(text: word, value: .null) }
    /// Numbers shown joined by commas, a JSON array.
    public static func integers(_ numbers: [Int64]) -> DecodedField {
        DecodedField(text: numbers.map(String.init).joined(separator: ","), value: .integers(numbers))
    }
}

/// One thing found in captured bytes (a frame, an envelope layer, a message, a KV pair), with its fields and
/// what it contains: a tree that renders as indented lines or as JSON.
public struct DecodedItem: Encodable, Sendable {
    /// What it is: "dskit packet", "alive", "kv-pair", ...
    public var kind: String
    /// Its fields, in the order the text shows them.
    public var fields: [(String, DecodedField)] = []
    /// What it contains.
    public var children: [DecodedItem] = []
    /// For a ring value decoded on its own: the ring report `ringctl ring --from-file` prints (JSON only).
    public var report: RingReport?
    /// For a partition ring value decoded on its own: its report (JSON only, under "report" too).
    public var partitionRingReport: PartitionRingReport?

    /// An item of `kind` with its fields and children.
    public init(_ kind: String, _ fields: [(String, DecodedField)] = [], children: [DecodedItem] = []) {
        self.kind = kind
        self.fields = fields
        self.children = children
    }

    enum CodingKeys: String, CodingKey { case kind, fields, children, report }

    // Written out because `fields` keeps the text's order as an array of pairs and is an object in JSON; `report`
    // is absent unless the item is a ring value on its own (README: `{kind, fields, children}`).

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(Dictionary(fields, uniquingKeysWith: { first, _ in first }), forKey: .fields)
        try container.encode(children, forKey: .children)
        if let partitionRingReport {
            try container.encode(partitionRingReport, forKey: .report)
        } else {
            try container.encodeIfPresent(report, forKey: .report)
        }
    }

    /// The item and its children as indented lines, two spaces a level.
    public func lines(indent: Int = 0) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        let text = fields.isEmpty ? kind : kind + " " + fields.map { "\($0.0)=\($0.1.text)" }.joined(separator: " ")
        return [pad + text] + children.flatMap { $0.lines(indent: indent + 1) }
    }
}

/// Builds `DecodedItem` trees from the wire and KV value types.
public enum DecodedItems {
    /// A memberlist packet: its layers, then its message.
    public static func packet(_ envelope: PacketEnvelope) -> [DecodedItem] {
        var layers: [(String, DecodedField)] = [("label", envelope.label.map { .quoted($0) } ?? .none())]
        layers.append(("encryption", envelope.encryption.map(encryption) ?? .none()))
        layers.append(("crc32", envelope.hasChecksum ? .string("ok") : .none()))
        return [DecodedItem("packet", layers, children: [message(envelope.message)])]
    }

    /// A stream: its layers, then its message.
    public static func stream(_ envelope: StreamEnvelope) -> DecodedItem {
        var layers: [(String, DecodedField)] = [("label", envelope.label.map { .quoted($0) } ?? .none())]
        layers.append(("encryption", envelope.encryption.map(encryption) ?? .none()))
        layers.append(("compression", envelope.compression.map { .string("\($0)") } ?? .none()))
        let child: DecodedItem
        switch envelope.message {
        case .pushPull(let pushPull):
            var children = pushPull.nodes.map { node in
                DecodedItem("node", [
                    ("name", .quoted(node.name)), ("address", .string(node.address.hostPort(node.port))),
                    ("state", .string(node.state.description)), ("incarnation", .int(node.incarnation)),
                    ("vsn", node.vsn.map(vsn) ?? .none()), ("meta", meta(node.meta)),
                ])
            }
            children.append(kvState(pushPull.userState))
            child = DecodedItem("push-pull", [
                ("join", .bool(pushPull.join)), ("nodes", .int(pushPull.nodes.count)),
                ("user-state-bytes", .int(pushPull.userState.count)),
            ], children: children)
        case .user(let payload): child = userMessage(payload)
        case .ping(let ping): child = message(.ping(ping))
        case .ack(let ack): child = message(.ack(ack))
        case .error(let error): child = message(.error(error))
        }
        return DecodedItem("stream", layers, children: [child])
    }

    /// One memberlist message, a compound one with its parts.
    public static func message(_ message: Message) -> DecodedItem {
        switch message {
        case .ping(let ping):
            return DecodedItem("ping", [("seq", .int(ping.seqNo)), ("node", .quoted(ping.node))]
                + (ping.sourceAddress.map {
                    [("source", .string($0.hostPort(ping.sourcePort))), ("source-node", .quoted(ping.sourceNode))]
                } ?? []))
        case .indirectPing(let request):
            return DecodedItem("indirect-ping", [
                ("seq", .int(request.seqNo)), ("target", .string(request.target.hostPort(request.port))),
                ("node", .quoted(request.node)), ("nack", .bool(request.nack)),
            ])
        case .ack(let ack):
            return DecodedItem("ack", [("seq", .int(ack.seqNo)), ("payload-bytes", ack.payload.map { .int($0.count) } ?? .none("nil"))])
        case .nack(let nack):
            return DecodedItem("nack", [("seq", .int(nack.seqNo))])
        case .suspect(let suspect):
            return DecodedItem("suspect", [
                ("node", .quoted(suspect.node)), ("incarnation", .int(suspect.incarnation)), ("from", .quoted(suspect.from)),
            ])
        case .alive(let alive):
            return DecodedItem("alive", [
                ("node", .quoted(alive.node)), ("address", .string(alive.address.hostPort(alive.port))),
                ("incarnation", .int(alive.incarnation)), ("vsn", alive.vsn.map(vsn) ?? .none()),
                ("meta", meta(alive.meta)),
            ])
        case .dead(let dead):
            return DecodedItem(dead.isLeave ? "dead (left on purpose)" : "dead", [
                ("node", .quoted(dead.node)), ("incarnation", .int(dead.incarnation)), ("from", .quoted(dead.from)),
            ])
        case .compound(let parts):
            return DecodedItem("compound", [("parts", .int(parts.count))], children: parts.map(Self.message))
        case .user(let payload):
            return userMessage(payload)
        case .compressed(let algorithm, let inner):
            return DecodedItem("compressed", [("algorithm", .string("\(algorithm)"))], children: [Self.message(inner)])
        case .error(let error):
            return DecodedItem("error", [("message", .quoted(error.error))])
        case .unknown(let type, let body):
            return DecodedItem("unknown", [("type", .string("\(type)")), ("bytes", .int(body.count))])
        }
    }

    /// A user message: for dskit, one marshalled KeyValuePair (a KV broadcast).
    public static func userMessage(_ payload: [UInt8]) -> DecodedItem {
        guard let pair = try? KeyValuePair(protobuf: payload) else {
            return DecodedItem("user-message", [("bytes", .int(payload.count)), ("kv", .string("not a dskit KeyValuePair"))])
        }
        return DecodedItem("user-message (KV broadcast)", [], children: [kvPair(pair)])
    }

    /// A KV full state, pair by pair (the pairs before a bad one, and the error).
    public static func kvState(_ bytes: [UInt8]) -> DecodedItem {
        guard !bytes.isEmpty else { return DecodedItem("user-state", [("bytes", .int(0))]) }
        let (state, failure) = KVState.decodePrefix(bytes)
        var fields: [(String, DecodedField)] = [("keys", .int(state.pairs.count)), ("bytes", .int(bytes.count))]
        if let failure { fields.append(("error", .quoted(failure.description))) }
        return DecodedItem("kv-full-state", fields, children: state.pairs.map(kvPair))
    }

    /// One KV pair with its decoded value.
    public static func kvPair(_ pair: KeyValuePair) -> DecodedItem {
        var fields: [(String, DecodedField)] = [
            ("key", .quoted(pair.key)), ("codec", .string(pair.codec.rawValue)), ("value-bytes", .int(pair.value.count)),
            ("deleted", .bool(pair.deleted)),
        ]
        if let updated = pair.updateTime { fields.append(("updated", .string(rfc3339(updated)))) }
        let (value, children) = kvValue(pair.decodedValue())
        fields.append(("value", value))
        return DecodedItem("kv-pair", fields, children: children)
    }

    /// A decoded KV value: the `value=` summary and one child per ring instance or beacon.
    public static func kvValue(_ value: KVValue) -> (DecodedField, [DecodedItem]) {
        switch value {
        case .ring(let ring):
            let children = ring.instances.map { instance in
                DecodedItem("instance", [
                    ("id", .quoted(instance.id)), ("state", .string("\(instance.state)")),
                    ("address", .string(instance.address)),
                    ("zone", instance.zone.isEmpty ? .none("-") : .string(instance.zone)),
                    ("tokens", .int(instance.tokens.count)),
                    ("heartbeat", instance.heartbeatTimestamp == 0 ? .none("never")
                        : .string(rfc3339(Date(timeIntervalSince1970: Double(instance.heartbeatTimestamp))))),
                    ("read-only", .bool(instance.readOnly)),
                ])
            }
            return (.string("ring of " + Plural.count(ring.instances.count, "instance")), children)
        case .propagationBeacons(let beacons):
            let children = beacons.beacons.map { beacon in
                DecodedItem("beacon", [
                    ("id", .int(beacon.id)), ("published-by", .quoted(beacon.publishedBy)),
                    ("published", .string(rfc3339(Date(timeIntervalSince1970: Double(beacon.publishedAtMillis) / 1000)))),
                    ("deleted", .bool(beacon.isDeleted)),
                ])
            }
            return (.string(Plural.count(beacons.beacons.count, "propagation beacon")), children)
        case .partitionRing(let ring):
            let partitions = ring.partitions.map { partition in
                DecodedItem("partition", [
                    ("id", .int(partition.id)), ("state", .string(partition.state.name)),
                    ("state-changed", partition.stateTimestamp == 0 ? .none("never")
                        : .string(rfc3339(Date(timeIntervalSince1970: Double(partition.stateTimestamp))))),
                    ("locked", .bool(partition.stateChangeLocked)), ("tokens", .int(partition.tokens.count)),
                ])
            }
            let owners = ring.owners.map { owner in
                DecodedItem("owner", [
                    ("id", .quoted(owner.id)), ("partition", .int(owner.partition)), ("state", .string(owner.state.name)),
                    ("updated", owner.updatedTimestamp == 0 ? .none("never")
                        : .string(rfc3339(Date(timeIntervalSince1970: Double(owner.updatedTimestamp))))),
                ])
            }
            let summary = "partition ring of " + Plural.count(ring.partitions.count, "partition") + ", "
                + Plural.count(ring.owners.count, "owner")
            return (.string(summary), partitions + owners)
        case .unknown:
            return (.string("unknown codec, kept raw"), [])
        case .undecodable(_, _, let error):
            return (.string("undecodable: \(error)"), [])
        }
    }

    private static func encryption(_ version: EncryptionVersion) -> DecodedField {
        DecodedField(text: "version \(version)", value: .integer(Int64(version.rawValue)))
    }

    private static func vsn(_ bytes: [UInt8]) -> DecodedField { .integers(bytes.map(Int64.init)) }

    private static func meta(_ bytes: [UInt8]?) -> DecodedField {
        guard let bytes, !bytes.isEmpty else { return .none() }
        if let meta = try? NodeMeta(bytes: bytes) { return .string("dskit(\(meta))") }
        return DecodedField(text: Plural.count(bytes.count, "byte"), value: .integer(Int64(bytes.count)))
    }

    static func rfc3339(_ date: Date) -> String {
        ReportJSON.rfc3339(date)
    }
}
