// hashicorp/memberlist net.go: type userMsgHeader struct { UserMsgLen int }
// Only on streams: [8][userMsgHeader][UserMsgLen raw bytes]. In packets a user message is [8][payload], no header.

/// `userMsgHeader`: the length of the user message that follows on a stream.
public struct UserMessageHeader: MsgpackCodable {
    /// Number of payload bytes that follow.
    public var userMessageLength: Int

    /// A user message header.
    public init(userMessageLength: Int = 0) {
        self.userMessageLength = userMessageLength
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "userMsgHeader")
        for _ in 0..<count {
            switch try reader.readKey(field: "userMsgHeader key") {
            case "UserMsgLen": userMessageLength = try reader.readInteger(Int.self, field: "userMsgHeader.UserMsgLen")
            case let key: try reader.skipValue(field: "userMsgHeader.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(1)
        writer.writeKey("UserMsgLen")
        writer.writeSigned(Int64(userMessageLength))
    }
}
