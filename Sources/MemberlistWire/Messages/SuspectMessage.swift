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
        self.init()
        let count = try reader.readMapHeader(field: "suspect")
        for _ in 0..<count {
            switch try reader.readKey(field: "suspect key") {
            case "Incarnation": incarnation = try reader.readUnsigned(UInt32.self, field: "suspect.Incarnation")
            case "Node": node = try reader.readString(field: "suspect.Node")
            case "From": from = try reader.readString(field: "suspect.From")
            case let key: try reader.skipValue(field: "suspect.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(3)
        writer.writeKey("From")
        writer.writeString(from)
        writer.writeKey("Incarnation")
        writer.writeUnsigned(UInt64(incarnation))
        writer.writeKey("Node")
        writer.writeString(node)
    }
}
