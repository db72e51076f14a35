// hashicorp/memberlist net.go: `type messageType uint8`, the first byte of every message (and of every nested
// message inside compound, compressed and encrypted ones). Values are part of the protocol: only appended to.

/// The first byte of a memberlist message; an open set, so unknown bytes are kept and shown as numbers.
public struct MessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The byte on the wire.
    public let rawValue: UInt8

    /// A message type from its wire byte.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `ping` (0): a direct probe.
    public static let ping = MessageType(rawValue: 0)
    /// `indirectPing` (1): a probe on another node's behalf.
    public static let indirectPing = MessageType(rawValue: 1)
    /// `ackResp` (2): the answer to a ping.
    public static let ackResponse = MessageType(rawValue: 2)
    /// `suspect` (3).
    public static let suspect = MessageType(rawValue: 3)
    /// `alive` (4).
    public static let alive = MessageType(rawValue: 4)
    /// `dead` (5); a leave when From equals Node.
    public static let dead = MessageType(rawValue: 5)
    /// `pushPull` (6): a state exchange over a stream.
    public static let pushPull = MessageType(rawValue: 6)
    /// `compound` (7): several messages in one packet.
    public static let compound = MessageType(rawValue: 7)
    /// `user` (8): a delegate's payload (dskit: one KV pair).
    public static let user = MessageType(rawValue: 8)
    /// `compress` (9): a compressed message.
    public static let compress = MessageType(rawValue: 9)
    /// `encrypt` (10): an encrypted stream message.
    public static let encrypt = MessageType(rawValue: 10)
    /// `nackResp` (11): an indirect probe that got no answer.
    public static let nackResponse = MessageType(rawValue: 11)
    /// `hasCrc` (12): a CRC-32 header.
    public static let hasCRC = MessageType(rawValue: 12)
    /// `err` (13): an error relayed over a stream.
    public static let error = MessageType(rawValue: 13)
    /// `hasLabel` (244): a cluster label header; high so it cannot be confused with an encryption version byte.
    public static let hasLabel = MessageType(rawValue: 244)

    /// The Go name of the type, or its number if unknown.
    public var description: String {
        switch rawValue {
        case 0: return "ping"
        case 1: return "indirectPing"
        case 2: return "ackResp"
        case 3: return "suspect"
        case 4: return "alive"
        case 5: return "dead"
        case 6: return "pushPull"
        case 7: return "compound"
        case 8: return "user"
        case 9: return "compress"
        case 10: return "encrypt"
        case 11: return "nackResp"
        case 12: return "hasCrc"
        case 13: return "err"
        case 244: return "hasLabel"
        default: return "unknown(\(rawValue))"
        }
    }

    /// True for the types memberlist defines (0…13 and 244).
    public var isKnown: Bool { rawValue <= 13 || rawValue == 244 }
}
