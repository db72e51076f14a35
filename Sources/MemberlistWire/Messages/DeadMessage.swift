// hashicorp/memberlist net.go: type dead struct { Incarnation uint32; Node string; From string }
// Keys on the wire, sorted: From, Incarnation, Node. state.go: From == Node means the node left on purpose.

/// `dead`: `node` is declared dead by `from`, or left the cluster when `from == node`.
public struct DeadMessage: MsgpackCodable {
    /// The incarnation being declared dead.
    public var incarnation: UInt32
    /// The dead (or leaving) node.
    public var node: String
    /// The node that declares it.
    public var from: String

    /// A dead message.
    public init(incarnation: UInt32 = 0, node: String = "", from: String = "") {
        self.incarnation = incarnation
        self.node = node
        self.from = from
    }

    /// True for a graceful leave (the node announced its own death).
    public var isLeave: Bool { from == node }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        (incarnation, node, from) = try NodeAccusation.decode(&reader, message: "dead")
    }

    public func encode(to writer: inout MsgpackWriter) {
        NodeAccusation.encode(&writer, incarnation: incarnation, node: node, from: from)
    }
}
