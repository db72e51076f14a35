// hashicorp/memberlist net.go: type ping struct {
//     SeqNo uint32; Node string
//     SourceAddr []byte `codec:",omitempty"`; SourcePort uint16 `codec:",omitempty"`; SourceNode string `codec:",omitempty"`
// }
// Keys on the wire, sorted: Node, SeqNo, SourceAddr, SourceNode, SourcePort (Source* left out when empty).

/// `ping`: a direct probe; the target answers with an ack carrying the same SeqNo.
public struct PingMessage: MsgpackCodable {
    /// Sequence number the ack must echo.
    public var seqNo: UInt32
    /// The name of the node being probed (so a restarted node with a new name does not answer for the old one).
    public var node: String
    /// Where to send the ack, when not to the packet's source (omitted when nil).
    public var sourceAddress: NodeAddress?
    /// Port for the ack (omitted when 0).
    public var sourcePort: UInt16
    /// Name of the prober (omitted when empty).
    public var sourceNode: String

    /// A ping.
    public init(
        seqNo: UInt32 = 0, node: String = "", sourceAddress: NodeAddress? = nil, sourcePort: UInt16 = 0,
        sourceNode: String = ""
    ) {
        self.seqNo = seqNo
        self.node = node
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.sourceNode = sourceNode
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "ping")
        for _ in 0..<count {
            switch try reader.readKey(field: "ping key") {
            case "SeqNo": seqNo = try reader.readUnsigned(UInt32.self, field: "ping.SeqNo")
            case "Node": node = try reader.readString(field: "ping.Node")
            case "SourceAddr": sourceAddress = try reader.readOmittableAddress(field: "ping.SourceAddr")
            case "SourcePort": sourcePort = try reader.readUnsigned(UInt16.self, field: "ping.SourcePort")
            case "SourceNode": sourceNode = try reader.readString(field: "ping.SourceNode")
            case let key: try reader.skipValue(field: "ping.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(2 + MsgpackWriter.sourceFieldCount(address: sourceAddress, node: sourceNode, port: sourcePort))
        writer.writeKey("Node")
        writer.writeString(node)
        writer.writeKey("SeqNo")
        writer.writeUnsigned(UInt64(seqNo))
        writer.writeSourceFields(address: sourceAddress, node: sourceNode, port: sourcePort)
    }
}

extension MsgpackReader {
    /// Reads an omitempty `[]byte` address: nil or empty bytes read as nil (Go would not send them).
    mutating func readOmittableAddress(field: @autoclosure () -> String) throws(WireError) -> NodeAddress? {
        guard let bytes = try readBytes(field: field()), !bytes.isEmpty else { return nil }
        return NodeAddress(bytes: bytes)
    }

    /// Reads a `[]byte` address; nil reads as an empty address.
    mutating func readAddress(field: @autoclosure () -> String) throws(WireError) -> NodeAddress {
        NodeAddress(bytes: try readBytes(field: field()) ?? [])
    }
}

extension MsgpackWriter {
    /// How many of the omitempty SourceAddr/SourceNode/SourcePort fields (memberlist 0.2+) will be written.
    static func sourceFieldCount(address: NodeAddress?, node: String, port: UInt16) -> Int {
        (address?.bytes.isEmpty ?? true ? 0 : 1) + (node.isEmpty ? 0 : 1) + (port == 0 ? 0 : 1)
    }

    /// Writes the ping and indirect-ping source fields Go omits when empty, in Go's (sorted) key order.
    mutating func writeSourceFields(address: NodeAddress?, node: String, port: UInt16) {
        if let address, !address.bytes.isEmpty {
            writeKey("SourceAddr")
            writeBytes(address.bytes)
        }
        if !node.isEmpty {
            writeKey("SourceNode")
            writeString(node)
        }
        if port != 0 {
            writeKey("SourcePort")
            writeUnsigned(UInt64(port))
        }
    }
}
