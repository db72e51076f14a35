// hashicorp/memberlist net.go: type compress struct { Algo compressionType; Buf []byte }
// Keys on the wire, sorted: Algo, Buf. compressionType is a uint8: 0 = LZW (hashicorp), 1 = snappy (the
// grafana/memberlist fork that dskit services ship, `-memberlist.compression-algorithm=snappy`).

/// A compression algorithm number; an open set so an unknown algorithm is reported by number.
public struct CompressionAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Algo value.
    public let rawValue: UInt8

    /// An algorithm from its Algo value.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Go compress/lzw, LSB order, literal width 8.
    public static let lzw = CompressionAlgorithm(rawValue: 0)
    /// Snappy block format.
    public static let snappy = CompressionAlgorithm(rawValue: 1)

    /// "lzw", "snappy", or the number.
    public var description: String {
        switch rawValue {
        case 0: return "lzw"
        case 1: return "snappy"
        default: return "algorithm(\(rawValue))"
        }
    }
}

/// `compress`: the body of a compressed message (the compressed bytes of a whole message, type byte included).
public struct CompressedMessage: MsgpackCodable {
    /// How `buffer` is compressed.
    public var algorithm: CompressionAlgorithm
    /// The compressed bytes.
    public var buffer: [UInt8]

    /// A compress body.
    public init(algorithm: CompressionAlgorithm = .lzw, buffer: [UInt8] = []) {
        self.algorithm = algorithm
        self.buffer = buffer
    }

    public init(msgpack reader: inout MsgpackReader) throws(WireError) {
        self.init()
        let count = try reader.readMapHeader(field: "compress")
        for _ in 0..<count {
            switch try reader.readKey(field: "compress key") {
            case "Algo":
                algorithm = CompressionAlgorithm(rawValue: try reader.readUnsigned(UInt8.self, field: "compress.Algo"))
            case "Buf": buffer = try reader.readBytes(field: "compress.Buf") ?? []
            case let key: try reader.skipValue(field: "compress.\(key)")
            }
        }
    }

    public func encode(to writer: inout MsgpackWriter) {
        writer.writeMapHeader(2)
        writer.writeKey("Algo")
        writer.writeUnsigned(UInt64(algorithm.rawValue))
        writer.writeKey("Buf")
        writer.writeBytes(buffer)
    }
}
