import Foundation
import MemberlistWire

// mlpeer writes, next to every recorded payload, what Go reads in it: the envelope layers and each message's
// fields as go-msgpack decodes them into structs with memberlist's field names ([]byte as hex, nil as null).
// These types read that sidecar, and `described` puts a Swift-decoded message into the same shape, so the two
// decoders can be compared field by field.

/// A sidecar JSON value as canonical text: null, true/false, a decimal integer, or the string itself.
struct CanonicalValue: Decodable, Hashable, CustomStringConvertible {
    let text: String

    init(_ text: String) { self.text = text }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            text = "null"
        } else if let bool = try? container.decode(Bool.self) {
            text = bool ? "true" : "false"
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else {
            text = try container.decode(String.self)
        }
    }

    var description: String { text }
}

/// One message in Go's flattened, depth-first account of a packet.
struct DescribedMessage: Decodable, Hashable, CustomStringConvertible {
    let type: String
    let fields: [String: CanonicalValue]?
    let payloadHex: String?

    enum CodingKeys: String, CodingKey {
        case type, fields
        case payloadHex = "payload_hex"
    }

    init(type: String, fields: [String: CanonicalValue]? = nil, payloadHex: String? = nil) {
        self.type = type
        self.fields = fields.flatMap { $0.isEmpty ? nil : $0 }
        self.payloadHex = payloadHex
    }

    var description: String {
        "\(type)\(fields.map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } } ?? [])"
            + (payloadHex.map { " payload=\($0)" } ?? "")
    }
}

/// Go's account of one direction of a stream.
struct DescribedStream: Decodable, Hashable {
    let type: String
    let fields: [String: CanonicalValue]?
    let nodes: [[String: CanonicalValue]]?
    let userHex: String?

    enum CodingKeys: String, CodingKey {
        case type, fields, nodes
        case userHex = "user_hex"
    }

    init(type: String, fields: [String: CanonicalValue]?, nodes: [[String: CanonicalValue]]? = nil, userHex: String? = nil) {
        self.type = type
        self.fields = fields
        self.nodes = nodes
        self.userHex = userHex
    }
}

/// The envelope layers Go peeled.
struct DescribedLayers: Decodable, Hashable {
    let encryptionVersion: Int
    let nonceHex: String?
    let crc: Bool
    let compressed: Bool

    enum CodingKeys: String, CodingKey {
        case encryptionVersion = "encryption_version"
        case nonceHex = "nonce_hex"
        case crc, compressed
    }
}

/// A vector's .json sidecar.
struct VectorSidecar: Decodable {
    let file: String
    let source: String
    let variant: String
    let transport: String
    let direction: String?
    let from: String?
    let to: String?
    let keyHex: String?
    let `protocol`: Int
    let compressionEnabled: Bool
    let layers: DescribedLayers
    let messages: [DescribedMessage]?
    let stream: DescribedStream?
    let note: String?

    enum CodingKeys: String, CodingKey {
        case file, source, variant, transport, direction, from, to, layers, messages, stream, note
        case keyHex = "key_hex"
        case `protocol`
        case compressionEnabled = "compression_enabled"
    }

    /// The keyring the variant's nodes used, if any.
    func keyring() throws -> Keyring? {
        guard let keyHex, !keyHex.isEmpty else { return nil }
        return try Keyring(key: Hex.bytes(keyHex))
    }
}

enum Hex {
    static func string(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A Go `[]byte` field as Go's account shows it: go-msgpack 0.5.5 decodes an empty raw (`a0`) into a nil
    /// slice, so empty and nil both read "null" there (Swift keeps them apart; the byte-for-byte re-encoding
    /// checks that).
    static func string(orNull bytes: [UInt8]?) -> String {
        guard let bytes, !bytes.isEmpty else { return "null" }
        return string(bytes)
    }

    static func bytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
            out.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }
}

private func fields(_ pairs: KeyValuePairs<String, String>) -> [String: CanonicalValue] {
    Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, CanonicalValue($0.value)) })
}

extension Message {
    /// This message and everything nested in it, depth first, in the shape of Go's account.
    var described: [DescribedMessage] {
        flattened.map(\.describedAlone)
    }

    private var describedAlone: DescribedMessage {
        switch self {
        case .ping(let ping):
            return DescribedMessage(type: "ping", fields: ping.goFields)
        case .indirectPing(let request):
            return DescribedMessage(
                type: "indirectPing",
                fields: fields([
                    "SeqNo": "\(request.seqNo)", "Target": Hex.string(request.target.bytes), "Port": "\(request.port)",
                    "Node": request.node, "Nack": "\(request.nack)",
                    "SourceAddr": Hex.string(orNull: request.sourceAddress?.bytes),
                    "SourcePort": "\(request.sourcePort)", "SourceNode": request.sourceNode,
                ]))
        case .ack(let ack):
            return DescribedMessage(type: "ack", fields: ack.goFields)
        case .suspect(let suspect):
            return DescribedMessage(
                type: "suspect",
                fields: fields(["Incarnation": "\(suspect.incarnation)", "Node": suspect.node, "From": suspect.from]))
        case .alive(let alive):
            return DescribedMessage(
                type: "alive",
                fields: fields([
                    "Incarnation": "\(alive.incarnation)", "Node": alive.node, "Addr": Hex.string(alive.address.bytes),
                    "Port": "\(alive.port)", "Meta": Hex.string(orNull: alive.meta), "Vsn": Hex.string(orNull: alive.vsn),
                ]))
        case .dead(let dead):
            return DescribedMessage(
                type: "dead", fields: fields(["Incarnation": "\(dead.incarnation)", "Node": dead.node, "From": dead.from]))
        case .compound:
            return DescribedMessage(type: "compound")
        case .user(let payload):
            return DescribedMessage(type: "user", payloadHex: Hex.string(payload))
        case .compressed(let algorithm, _):
            return DescribedMessage(type: "compress", fields: fields(["Algo": "\(algorithm.rawValue)"]))
        case .nack(let nack):
            return DescribedMessage(type: "nack", fields: fields(["SeqNo": "\(nack.seqNo)"]))
        case .error(let error):
            return DescribedMessage(type: "err", fields: error.goFields)
        case .unknown(let type, _):
            return DescribedMessage(type: "unknown(\(type.rawValue))")
        }
    }
}

extension PingMessage {
    var goFields: [String: CanonicalValue] {
        fields([
            "SeqNo": "\(seqNo)", "Node": node, "SourceAddr": Hex.string(orNull: sourceAddress?.bytes),
            "SourcePort": "\(sourcePort)", "SourceNode": sourceNode,
        ])
    }
}

extension AckResponse {
    var goFields: [String: CanonicalValue] {
        fields(["SeqNo": "\(seqNo)", "Payload": Hex.string(orNull: payload)])
    }
}

extension ErrorResponse {
    var goFields: [String: CanonicalValue] { fields(["Error": error]) }
}

extension StreamMessage {
    /// The message in the shape of Go's account of a stream.
    var described: DescribedStream {
        switch self {
        case .pushPull(let pushPull):
            let header = pushPull.header
            return DescribedStream(
                type: "pushPull",
                fields: fields([
                    "Join": "\(header.join)", "Nodes": "\(header.nodes)", "UserStateLen": "\(header.userStateLength)",
                ]),
                nodes: pushPull.nodes.map { node in
                    fields([
                        "Name": node.name, "Addr": Hex.string(node.address.bytes), "Port": "\(node.port)",
                        "Meta": Hex.string(orNull: node.meta), "Incarnation": "\(node.incarnation)",
                        "State": "\(node.state.rawValue)", "Vsn": Hex.string(orNull: node.vsn),
                    ])
                },
                userHex: Hex.string(pushPull.userState))
        case .user(let payload):
            return DescribedStream(
                type: "user", fields: fields(["UserMsgLen": "\(payload.count)"]), userHex: Hex.string(payload))
        case .ping(let ping):
            return DescribedStream(type: "ping", fields: ping.goFields)
        case .ack(let ack):
            return DescribedStream(type: "ack", fields: ack.goFields)
        case .error(let error):
            return DescribedStream(type: "err", fields: error.goFields)
        }
    }
}
