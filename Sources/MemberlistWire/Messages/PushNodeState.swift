// hashicorp/memberlist net.go: type pushNodeState struct {
//     Name string; Addr []byte; Port uint16; Meta []byte; Incarnation uint32
//     State NodeStateType   // Go int: alive 0, suspect 1, dead 2, left 3 (state.go)
//     Vsn []uint8
// }
// Keys on the wire, sorted: Addr, Incarnation, Meta, Name, Port, State, Vsn.

/// A node's state as a Go `NodeStateType`; an open set so unknown values are kept.
public struct NodeState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Go int value.
    public let rawValue: Int

    /// A state from its Go value.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// StateAlive (0).
    public static let alive = NodeState(rawValue: 0)
    /// StateSuspect (1).
    public static let suspect = NodeState(rawValue: 1)
    /// StateDead (2).
    public static let dead = NodeState(rawValue: 2)
    /// StateLeft (3).
    public static let left = NodeState(rawValue: 3)

    /// "alive", "suspect", "dead", "left", or the number.
    public var description: String {
        switch rawValue {
        case 0: return "alive"
        case 1: return "suspect"
        case 2: return "dead"
        case 3: return "left"
        default: return "state(\(rawValue))"
        }
    }
}

/// `pushNodeState`: one node of the member list sent in a push/pull.
public struct PushNodeState: MsgpackCodable {
    /// The node's name.
    public var name: String
    /// The node's IP.
    public var address: NodeAddress
    /// The node's memberlist port.
    public var port: UInt16
    /// Delegate metadata; nil and empty are kept apart.
    public var meta: [UInt8]?
    /// The node's incarnation.
    public var incarnation: UInt32
    /// Alive, suspect, dead or left.
    public var state: NodeState
    /// The raw Vsn bytes; see `versions`.
    public var vsn: [UInt8]?

    /// A node state.
    public init(
        name: String = "", address: NodeAddress = NodeAddress(bytes: []), port: UInt16 = 0, meta: [UInt8]? = nil,
        incarnation: UInt32 = 0, state: NodeState = .alive, vsn: [UInt8]? = nil
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.meta = meta
        self.incarnation = incarnation
        self.state = state
        self.vsn = vsn
    }

    /// The versions in Vsn, if it holds all six.
    public var versions: ProtocolVersions? { ProtocolVersions(vsn: vsn) }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "pushNodeState")
        for _ in 0..<count {
            switch try reader.readKey(field: "pushNodeState key") {
            case "Name": name = try reader.readString(field: "pushNodeState.Name")
            case "Addr": address = try reader.readAddress(field: "pushNodeState.Addr")
            case "Port": port = try reader.readUnsigned(UInt16.self, field: "pushNodeState.Port")
            case "Meta": meta = try reader.readBytes(field: "pushNodeState.Meta")
            case "Incarnation": incarnation = try reader.readUnsigned(UInt32.self, field: "pushNodeState.Incarnation")
            case "State": state = NodeState(rawValue: try reader.readInteger(Int.self, field: "pushNodeState.State"))
            case "Vsn": vsn = try reader.readBytes(field: "pushNodeState.Vsn")
            case let key: try reader.skipValue(field: "pushNodeState.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(7)
        writer.writeKey("Addr")
        writer.writeBytes(address.bytes)
        writer.writeKey("Incarnation")
        writer.writeUnsigned(UInt64(incarnation))
        writer.writeKey("Meta")
        writer.writeBytes(meta)
        writer.writeKey("Name")
        writer.writeString(name)
        writer.writeKey("Port")
        writer.writeUnsigned(UInt64(port))
        writer.writeKey("State")
        writer.writeSigned(Int64(state.rawValue))
        writer.writeKey("Vsn")
        writer.writeBytes(vsn)
    }
}
