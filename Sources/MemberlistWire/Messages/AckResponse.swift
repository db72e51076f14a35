// hashicorp/memberlist net.go: type ackResp struct { SeqNo uint32; Payload []byte }
// Keys on the wire, sorted: Payload, SeqNo. A nil Payload is `c0`, an empty one `a0` (both occur).

/// `ackResp`: the answer to a ping or indirect ping.
public struct AckResponse: MsgpackCodable {
    /// The SeqNo of the ping being answered.
    public var seqNo: UInt32
    /// The ping delegate's payload; nil and empty are kept apart so encoding reproduces the sender's bytes.
    public var payload: [UInt8]?

    /// An ack.
    public init(seqNo: UInt32 = 0, payload: [UInt8]? = nil) {
        self.seqNo = seqNo
        self.payload = payload
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "ackResp")
        for _ in 0..<count {
            switch try reader.readKey(field: "ackResp key") {
            case "SeqNo": seqNo = try reader.readUnsigned(UInt32.self, field: "ackResp.SeqNo")
            case "Payload": payload = try reader.readBytes(field: "ackResp.Payload")
            case let key: try reader.skipValue(field: "ackResp.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(2)
        writer.writeKey("Payload")
        writer.writeBytes(payload)
        writer.writeKey("SeqNo")
        writer.writeUnsigned(UInt64(seqNo))
    }
}
