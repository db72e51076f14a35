/// A memberlist message body: a Go struct encoded by go-msgpack as a map keyed by its field names.
public protocol MsgpackCodable: Hashable, Sendable {
    /// Decodes the body from the next msgpack value.
    init(msgpack: inout MsgpackReader) throws(WireError)
    /// Encodes the body as one msgpack map, exactly as a Go peer would.
    func encode(to writer: inout MsgpackWriter)
}

extension MsgpackCodable {
    /// Decodes a body that must fill `bytes` exactly.
    public init(msgpackBytes bytes: [UInt8]) throws(WireError) {
        var reader = MsgpackReader(bytes)
        self = try Self(msgpack: &reader)
        try reader.reader.finish(context: "\(Self.self)")
    }

    /// The msgpack encoding of the body alone.
    public var msgpackBytes: [UInt8] {
        var writer = MsgpackWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
