// hashicorp/memberlist net.go: type suspect struct { Incarnation uint32; Node string; From string }
// Keys on the wire, sorted: From, Incarnation, Node.

/// `suspect`: `from` suspects `node` (at `incarnation`) has failed.
public struct SuspectMessage: MsgpackCodable {
    /// The incarnation of the suspected node that is in doubt.
    public var incarnation: UInt32
    /// The suspected node.
    public var node: String
    /// The node that raises the suspicion.
    public var from: String

    /// A suspect message.
    public init(incarnation: UInt32 = 0, node: String = "", from: String = "") {
        self.incarnation = incarnation
        self.node = node
        self.from = from
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        (incarnation, node, from) = try NodeAccusation.decode(&reader, message: "suspect")
    }

    public func encode(to writer: inout MsgpackWriter) {
        NodeAccusation.encode(&writer, incarnation: incarnation, node: node, from: from)
    }
}

/// The body suspect and dead share (net.go: `Incarnation`, `Node`, `From`), decoded and encoded in one place.
enum NodeAccusation {
    static func decode(
        _ reader: inout MsgpackReader, message: String
    ) throws(WireError) -> (incarnation: UInt32, node: String, from: String) {
        var incarnation: UInt32 = 0
        var node = ""
        var from = ""
        let count = try reader.readMapHeader(field: message)
        for _ in 0..<count {
            switch try reader.readKey(field: "\(message) key") {
            case "Incarnation": incarnation = try reader.readUnsigned(UInt32.self, field: "\(message).Incarnation")
            case "Node": node = try reader.readString(field: "\(message).Node")
            case "From": from = try reader.readString(field: "\(message).From")
            case let key: try reader.skipValue(field: "\(message).\(key)")
            }
        }
        return (incarnation, node, from)
    }

    /// Keys in the order Go writes them (sorted): From, Incarnation, Node.
    static func encode(_ writer: inout MsgpackWriter, incarnation: UInt32, node: String, from: String) {
        writer.writeMapHeader(3)
        writer.writeKey("From")
        writer.writeString(from)
        writer.writeKey("Incarnation")
        writer.writeUnsigned(UInt64(incarnation))
        writer.writeKey("Node")
        writer.writeString(node)
    }
}
