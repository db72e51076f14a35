// hashicorp/memberlist net.go: type nackResp struct { SeqNo uint32 }

/// `nackResp`: an indirect probe whose target did not answer in time.
public struct NackResponse: MsgpackCodable {
    /// The SeqNo of the indirect ping request.
    public var seqNo: UInt32

    /// A nack.
    public init(seqNo: UInt32 = 0) {
        self.seqNo = seqNo
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "nackResp")
        for _ in 0..<count {
            switch try reader.readKey(field: "nackResp key") {
            case "SeqNo": seqNo = try reader.readUnsigned(UInt32.self, field: "nackResp.SeqNo")
            case let key: try reader.skipValue(field: "nackResp.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(1)
        writer.writeKey("SeqNo")
        writer.writeUnsigned(UInt64(seqNo))
    }
}
