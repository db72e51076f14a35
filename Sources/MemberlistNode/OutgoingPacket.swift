import MemberlistWire

/// A packet the instance wants sent: the message, its destination, and how to frame it for that receiver.
public struct OutgoingPacket: Hashable, Sendable {
    /// The message (compound and compression are the codec's business).
    public var message: Message
    /// "ip:port".
    public var peer: String
    /// Whether to add the CRC header: memberlist adds it for receivers that speak protocol 5.
    public var checksum: Bool

    /// A packet.
    public init(_ message: Message, to peer: String, checksum: Bool) {
        self.message = message
        self.peer = peer
        self.checksum = checksum
    }
}

/// The answer to an incoming stream.
public struct StreamReply: Hashable, Sendable {
    /// The message to write back.
    public var message: StreamMessage
    /// Compressed as the request was (memberlist answers in the request's compression).
    public var compression: CompressionAlgorithm?

    /// A reply.
    public init(_ message: StreamMessage, compression: CompressionAlgorithm? = nil) {
        self.message = message
        self.compression = compression
    }
}
