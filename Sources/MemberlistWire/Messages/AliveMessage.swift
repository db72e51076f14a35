// hashicorp/memberlist net.go: type alive struct {
//     Incarnation uint32; Node string; Addr []byte; Port uint16; Meta []byte
//     Vsn []uint8   // pmin, pmax, pcur, dmin, dmax, dcur
// }
// Keys on the wire, sorted: Addr, Incarnation, Meta, Node, Port, Vsn. go-msgpack writes []uint8 as raw str too.
// dskit nodes send Addr IPv4-mapped (16 bytes) and Meta nil (`c0`) unless zone-aware routing is on.

/// `alive`: a node announces (or refutes suspicion of) itself at `incarnation`.
public struct AliveMessage: MsgpackCodable {
    /// Incremented by the node to refute suspicion.
    public var incarnation: UInt32
    /// The node's name.
    public var node: String
    /// The node's IP.
    public var address: NodeAddress
    /// The node's memberlist port.
    public var port: UInt16
    /// Delegate metadata (dskit: node role and zone); nil and empty are kept apart.
    public var meta: [UInt8]?
    /// The raw Vsn bytes; see `versions`.
    public var vsn: [UInt8]?

    /// An alive message.
    public init(
        incarnation: UInt32 = 0, node: String = "", address: NodeAddress = NodeAddress(bytes: []), port: UInt16 = 0,
        meta: [UInt8]? = nil, vsn: [UInt8]? = nil
    ) {
        self.incarnation = incarnation
        self.node = node
        self.address = address
        self.port = port
        self.meta = meta
        self.vsn = vsn
    }

    /// The versions in Vsn, if it holds all six.
    public var versions: ProtocolVersions? { ProtocolVersions(vsn: vsn) }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "alive")
        for _ in 0..<count {
            switch try reader.readKey(field: "alive key") {
            case "Incarnation": incarnation = try reader.readUnsigned(UInt32.self, field: "alive.Incarnation")
            case "Node": node = try reader.readString(field: "alive.Node")
            case "Addr": address = try reader.readAddress(field: "alive.Addr")
            case "Port": port = try reader.readUnsigned(UInt16.self, field: "alive.Port")
            case "Meta": meta = try reader.readBytes(field: "alive.Meta")
            case "Vsn": vsn = try reader.readBytes(field: "alive.Vsn")
            case let key: try reader.skipValue(field: "alive.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(6)
        writer.writeKey("Addr")
        writer.writeBytes(address.bytes)
        writer.writeKey("Incarnation")
        writer.writeUnsigned(UInt64(incarnation))
        writer.writeKey("Meta")
        writer.writeBytes(meta)
        writer.writeKey("Node")
        writer.writeString(node)
        writer.writeKey("Port")
        writer.writeUnsigned(UInt64(port))
        writer.writeKey("Vsn")
        writer.writeBytes(vsn)
    }
}
