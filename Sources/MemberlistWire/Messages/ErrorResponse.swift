// hashicorp/memberlist net.go: type errResp struct { Error string }
// Sent on a stream instead of the expected reply (e.g. too many concurrent push/pulls).

/// `errResp`: an error relayed by the remote end of a stream.
public struct ErrorResponse: MsgpackCodable {
    /// The remote error text.
    public var error: String

    /// An error response.
    public init(error: String = "") {
        self.error = error
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "errResp")
        for _ in 0..<count {
            switch try reader.readKey(field: "errResp key") {
            case "Error": error = try reader.readString(field: "errResp.Error")
            case let key: try reader.skipValue(field: "errResp.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(1)
        writer.writeKey("Error")
        writer.writeString(error)
    }
}
