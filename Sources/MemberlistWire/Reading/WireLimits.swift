/// Every size cap the decoders check before they allocate, each with the upstream limit it mirrors.
///
/// Lengths read off the wire are compared with these caps (and with the bytes actually left) before any
/// buffer is sized from them, so a lying length prefix costs an error, never memory.
public enum WireLimits {
    /// Node metadata, hashicorp/memberlist net.go `MetaMaxSize`.
    ///
    /// memberlist enforces it only when a node sets its own meta (state.go); receivers accept longer values, so
    /// the decoders here keep whatever a peer sent. For callers building an observer's own alive message.
    public static let maxMeta = 512

    /// The user state of one push/pull, and an encrypted stream message, hashicorp/memberlist net.go `maxPushStateBytes`.
    public static let maxPushState = 20 * 1024 * 1024

    /// The node count a push/pull header may claim, hashicorp/memberlist net.go `maxPushStateNodes`.
    public static let maxPushPullNodes = 1_048_576

    /// One user message read from a stream, hashicorp/memberlist net.go `maxUserMsgBytes`.
    public static let maxUserMessage = 20 * 1024 * 1024

    /// The output of one decompression, hashicorp/memberlist net.go `maxDecompressedBytes` (user state plus an
    /// equal budget for node states). Also what stops an LZW or snappy "zip bomb".
    public static let maxDecompressed = 2 * maxPushState

    /// Cluster label bytes, hashicorp/memberlist label.go `LabelMaxSize`: the length travels in one byte.
    public static let maxLabel = 255

    /// Parts of one compound message, hashicorp/memberlist util.go: the count travels in one byte.
    public static let maxCompoundParts = 255

    /// Bytes of one compound part: each length travels as a big-endian uint16.
    public static let maxCompoundPart = Int(UInt16.max)

    /// How deep compound and compressed messages may nest inside one another.
    ///
    /// memberlist recurses without a limit; real senders nest at most compress(compound(…)), so 8 leaves room
    /// while keeping a crafted packet from recursing without end.
    public static let maxMessageNesting = 8

    /// How deep msgpack arrays and maps may nest inside a skipped (unknown) field.
    public static let maxMsgpackDepth = 32

    /// The sender address of a dskit TCP packet, grafana/dskit tcp_transport.go: its length travels in one byte.
    public static let maxDskitAddress = 255

    /// One dskit TCP packet (payload plus MD5 trailer).
    ///
    /// dskit reads a packet to EOF without any limit (tcp_transport.go `handleConnection`); ringctl caps it at the
    /// largest user message plus 1 MiB for the envelope around it (label, encryption, CRC, compound headers).
    public static let maxDskitPacket = maxUserMessage + 1024 * 1024
}
