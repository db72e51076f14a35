// hashicorp/memberlist net.go `sendLocalState` / `readRemoteState`: the body of a push/pull stream message is
//
//   [6][pushPullHeader][Nodes × pushNodeState][UserStateLen raw bytes of delegate state]
//
// (all msgpack except the user state). dskit's user state is its KV full state: [u32 length][KeyValuePair]…

/// A push/pull: one side's member list and delegate (user) state.
public struct PushPull: Hashable, Sendable {
    /// True for a join, false for the periodic anti-entropy exchange.
    public var join: Bool
    /// Every node the sender knows, with its state.
    public var nodes: [PushNodeState]
    /// The delegate's state, opaque here (dskit: the KV full state, decoded by DskitKV).
    public var userState: [UInt8]

    /// A push/pull.
    public init(join: Bool, nodes: [PushNodeState], userState: [UInt8]) {
        self.join = join
        self.nodes = nodes
        self.userState = userState
    }

    /// The header that precedes the node states.
    public var header: PushPullHeader {
        PushPullHeader(nodes: nodes.count, userStateLength: userState.count, join: join)
    }

    /// Reads header, node states and user state (after the type byte), checking counts before allocating.
    init(reader: inout WireReader) throws(WireError) {
        var msgpack = MsgpackReader(reader)
        let headerOffset = msgpack.offset
        let header = try PushPullHeader(msgpack: &msgpack)
        if header.nodes < 0 {
            throw .invalidValue(field: "pushPullHeader.Nodes", offset: headerOffset, reason: "negative count")
        }
        if header.nodes > WireLimits.maxPushPullNodes {
            throw .limitExceeded(field: "pushPullHeader.Nodes", value: header.nodes, limit: WireLimits.maxPushPullNodes)
        }
        if header.userStateLength > WireLimits.maxPushState {
            throw .limitExceeded(
                field: "pushPullHeader.UserStateLen", value: header.userStateLength, limit: WireLimits.maxPushState)
        }
        var nodes: [PushNodeState] = []
        // A node state takes at least one byte: never reserve more than the bytes left could hold.
        nodes.reserveCapacity(min(header.nodes, msgpack.reader.remaining))
        for _ in 0..<header.nodes {
            nodes.append(try PushNodeState(msgpack: &msgpack))
        }
        reader = msgpack.reader
        let userState = try reader.readBytes(
            count: header.userStateLength, limit: WireLimits.maxPushState, field: "push/pull user state")
        self.init(join: header.join, nodes: nodes, userState: userState)
    }

    /// Writes header, node states and user state (after the type byte).
    func encode(to writer: inout WireWriter) throws(WireError) {
        if nodes.count > WireLimits.maxPushPullNodes {
            throw .limitExceeded(field: "push/pull nodes", value: nodes.count, limit: WireLimits.maxPushPullNodes)
        }
        if userState.count > WireLimits.maxPushState {
            throw .limitExceeded(field: "push/pull user state", value: userState.count, limit: WireLimits.maxPushState)
        }
        var msgpack = MsgpackWriter(writer)
        writer = WireWriter()
        header.encode(to: &msgpack)
        for node in nodes {
            node.encode(to: &msgpack)
        }
        writer = msgpack.writer
        writer.writeBytes(userState)
    }
}
