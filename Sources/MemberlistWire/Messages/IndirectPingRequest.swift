// hashicorp/memberlist net.go: type indirectPingReq struct {
//     SeqNo uint32; Target []byte; Port uint16; Node string; Nack bool
//     SourceAddr []byte `codec:",omitempty"`; SourcePort uint16 `codec:",omitempty"`; SourceNode string `codec:",omitempty"`
// }
// Keys on the wire, sorted: Nack, Node, Port, SeqNo, SourceAddr, SourceNode, SourcePort, Target.

/// `indirectPingReq`: asks a node to probe `target` on the sender's behalf.
public struct IndirectPingRequest: MsgpackCodable {
    /// Sequence number the ack (or nack) must echo.
    public var seqNo: UInt32
    /// The IP of the node to probe.
    public var target: NodeAddress
    /// The port of the node to probe.
    public var port: UInt16
    /// The name of the node to probe.
    public var node: String
    /// Whether a nack is wanted when the target does not answer (protocol 4+).
    public var nack: Bool
    /// Where to send the answer (omitted when nil).
    public var sourceAddress: NodeAddress?
    /// Port for the answer (omitted when 0).
    public var sourcePort: UInt16
    /// Name of the requester (omitted when empty).
    public var sourceNode: String

    /// An indirect ping request.
    public init(
        seqNo: UInt32 = 0, target: NodeAddress = NodeAddress(bytes: []), port: UInt16 = 0, node: String = "",
        nack: Bool = false, sourceAddress: NodeAddress? = nil, sourcePort: UInt16 = 0, sourceNode: String = ""
    ) {
        self.seqNo = seqNo
        self.target = target
        self.port = port
        self.node = node
        self.nack = nack
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.sourceNode = sourceNode
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "indirectPingReq")
        for _ in 0..<count {
            switch try reader.readKey(field: "indirectPingReq key") {
            case "SeqNo": seqNo = try reader.readUnsigned(UInt32.self, field: "indirectPingReq.SeqNo")
            case "Target": target = try reader.readAddress(field: "indirectPingReq.Target")
            case "Port": port = try reader.readUnsigned(UInt16.self, field: "indirectPingReq.Port")
            case "Node": node = try reader.readString(field: "indirectPingReq.Node")
            case "Nack": nack = try reader.readBool(field: "indirectPingReq.Nack")
            case "SourceAddr": sourceAddress = try reader.readOmittableAddress(field: "indirectPingReq.SourceAddr")
            case "SourcePort": sourcePort = try reader.readUnsigned(UInt16.self, field: "indirectPingReq.SourcePort")
            case "SourceNode": sourceNode = try reader.readString(field: "indirectPingReq.SourceNode")
            case let key: try reader.skipValue(field: "indirectPingReq.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(5 + MsgpackWriter.sourceFieldCount(address: sourceAddress, node: sourceNode, port: sourcePort))
        writer.writeKey("Nack")
        writer.writeBool(nack)
        writer.writeKey("Node")
        writer.writeString(node)
        writer.writeKey("Port")
        writer.writeUnsigned(UInt64(port))
        writer.writeKey("SeqNo")
        writer.writeUnsigned(UInt64(seqNo))
        writer.writeSourceFields(address: sourceAddress, node: sourceNode, port: sourcePort)
        writer.writeKey("Target")
        writer.writeBytes(target.bytes)
    }
}
