// hashicorp/memberlist net.go: type pushPullHeader struct { Nodes int; UserStateLen int; Join bool }
// Keys on the wire, sorted: Join, Nodes, UserStateLen. Go `int` fields use the smallest *signed* msgpack form:
// UserStateLen 2085 is `d1 08 25`.

/// `pushPullHeader`: how many node states and user-state bytes follow in a push/pull.
public struct PushPullHeader: MsgpackCodable {
    /// Number of `PushNodeState` values that follow.
    public var nodes: Int
    /// Number of raw user-state bytes after the node states.
    public var userStateLength: Int
    /// True for the push/pull of a join, false for the periodic anti-entropy exchange.
    public var join: Bool

    /// A push/pull header.
    public init(nodes: Int = 0, userStateLength: Int = 0, join: Bool = false) {
        self.nodes = nodes
        self.userStateLength = userStateLength
        self.join = join
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "pushPullHeader")
        for _ in 0..<count {
            switch try reader.readKey(field: "pushPullHeader key") {
            case "Nodes": nodes = try reader.readInteger(Int.self, field: "pushPullHeader.Nodes")
            case "UserStateLen":
                userStateLength = try reader.readInteger(Int.self, field: "pushPullHeader.UserStateLen")
            case "Join": join = try reader.readBool(field: "pushPullHeader.Join")
            case let key: try reader.skipValue(field: "pushPullHeader.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(3)
        writer.writeKey("Join")
        writer.writeBool(join)
        writer.writeKey("Nodes")
        writer.writeSigned(Int64(nodes))
        writer.writeKey("UserStateLen")
        writer.writeSigned(Int64(userStateLength))
    }
}
