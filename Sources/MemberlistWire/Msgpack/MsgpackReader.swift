// The subset of msgpack that hashicorp/go-msgpack (`codec.MsgpackHandle`) produces for memberlist: structs as
// maps keyed by Go field names, integers, bools, nil, strings and []byte, nothing else.
//
// Tolerant in what it accepts, as a Go decoder is: any integer width for any integer field (range-checked), str or
// bin or nil for []byte, nil for a struct or string (zero value), keys in any order, unknown keys skipped (any
// msgpack value, under `WireLimits.maxMsgpackDepth`). Floats, extensions and timestamps are skipped, never read.

/// Reads msgpack values from a `WireReader`; every read names the field it is for.
public struct MsgpackReader: Sendable {
    /// The byte cursor underneath; callers may read raw bytes that follow a msgpack value from it.
    public var reader: WireReader

    /// A msgpack reader over `reader`.
    public init(_ reader: WireReader) {
        self.reader = reader
    }

    /// A msgpack reader over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.reader = WireReader(bytes)
    }

    /// The offset of the next value.
    public var offset: Int { reader.offset }

    /// True if the next value is msgpack nil.
    public func nextIsNil(field: @autoclosure () -> String) throws(WireError) -> Bool {
        try reader.peekByte(field: field()) == 0xc0
    }

    /// Reads a map header and returns its entry count; nil counts as an empty map (Go's zero struct).
    public mutating func readMapHeader(field: @autoclosure () -> String) throws(WireError) -> Int {
        let start = reader.offset
        let byte = try reader.readByte(field: field())
        let count: Int
        switch byte {
        case 0x80...0x8f: count = Int(byte & 0x0f)
        case 0xde: count = Int(try reader.readUInt16(field: field()))
        case 0xdf: count = Int(try reader.readUInt32(field: field()))
        case 0xc0: return 0
        default: throw .unexpectedMsgpackType(field: field(), offset: start, found: byte, expected: "map")
        }
        // Each entry takes at least two bytes: a lying count fails here, before any loop runs.
        if count > reader.remaining / 2 {
            throw .truncated(field: field(), offset: start, needed: count * 2, available: reader.remaining)
        }
        return count
    }

    /// Reads an array header and returns its element count (each element needs at least one byte).
    public mutating func readArrayHeader(field: @autoclosure () -> String) throws(WireError) -> Int {
        let start = reader.offset
        let byte = try reader.readByte(field: field())
        let count: Int
        switch byte {
        case 0x90...0x9f: count = Int(byte & 0x0f)
        case 0xdc: count = Int(try reader.readUInt16(field: field()))
        case 0xdd: count = Int(try reader.readUInt32(field: field()))
        case 0xc0: return 0
        default: throw .unexpectedMsgpackType(field: field(), offset: start, found: byte, expected: "array")
        }
        if count > reader.remaining {
            throw .truncated(field: field(), offset: start, needed: count, available: reader.remaining)
        }
        return count
    }

    /// Reads a map key: a str (or bin) holding a Go field name.
    public mutating func readKey(field: @autoclosure () -> String) throws(WireError) -> String {
        try readString(field: field())
    }

    /// Reads a string from str or bin; nil reads as "" (Go's zero value). Invalid UTF-8 is an error.
    public mutating func readString(field: @autoclosure () -> String) throws(WireError) -> String {
        let start = reader.offset
        guard let range = try readRawRange(field: field()) else { return "" }
        guard let string = String(validating: reader.bytes[range], as: UTF8.self) else {
            throw .invalidValue(field: field(), offset: start, reason: "not valid UTF-8")
        }
        return string
    }

    /// Reads a Go `[]byte`: str (go-msgpack's old-spec "raw"), bin, nil, or an array of 0…255 integers.
    /// Returns nil for msgpack nil, so that encoding gives back the same bytes.
    public mutating func readBytes(field: @autoclosure () -> String) throws(WireError) -> [UInt8]? {
        let first = try reader.peekByte(field: field())
        if (0x90...0x9f).contains(first) || first == 0xdc || first == 0xdd {
            let count = try readArrayHeader(field: field())
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            for _ in 0..<count {
                bytes.append(try readUnsigned(UInt8.self, field: field()))
            }
            return bytes
        }
        guard let range = try readRawRange(field: field()) else { return nil }
        return Array(reader.bytes[range])
    }

    /// Reads the bytes of a str or bin value as an index range into `reader.bytes`; nil for msgpack nil.
    public mutating func readRawRange(field: @autoclosure () -> String) throws(WireError) -> Range<Int>? {
        let start = reader.offset
        let byte = try reader.readByte(field: field())
        let count: Int
        switch byte {
        case 0xa0...0xbf: count = Int(byte & 0x1f)
        case 0xd9, 0xc4: count = Int(try reader.readByte(field: field()))
        case 0xda, 0xc5: count = Int(try reader.readUInt16(field: field()))
        case 0xdb, 0xc6: count = Int(try reader.readUInt32(field: field()))
        case 0xc0: return nil
        default: throw .unexpectedMsgpackType(field: field(), offset: start, found: byte, expected: "str or bin")
        }
        return try reader.readRange(count: count, field: field())
    }

    /// Reads a bool; nil reads as false.
    public mutating func readBool(field: @autoclosure () -> String) throws(WireError) -> Bool {
        let start = reader.offset
        let byte = try reader.readByte(field: field())
        switch byte {
        case 0xc2, 0xc0: return false
        case 0xc3: return true
        default: throw .unexpectedMsgpackType(field: field(), offset: start, found: byte, expected: "bool")
        }
    }

    /// Reads any msgpack integer (or nil as 0) into `T`, failing if the value does not fit.
    public mutating func readInteger<T: FixedWidthInteger>(
        _ type: T.Type,
        field: @autoclosure () -> String
    ) throws(WireError) -> T {
        let start = reader.offset
        let byte = try reader.readByte(field: field())
        let converted: T?
        switch byte {
        case 0x00...0x7f: converted = T(exactly: byte)
        case 0xe0...0xff: converted = T(exactly: Int8(bitPattern: byte))
        case 0xcc: converted = T(exactly: try reader.readByte(field: field()))
        case 0xcd: converted = T(exactly: try reader.readUInt16(field: field()))
        case 0xce: converted = T(exactly: try reader.readUInt32(field: field()))
        case 0xcf: converted = T(exactly: try reader.readUInt64(field: field()))
        case 0xd0: converted = T(exactly: Int8(bitPattern: try reader.readByte(field: field())))
        case 0xd1: converted = T(exactly: Int16(bitPattern: try reader.readUInt16(field: field())))
        case 0xd2: converted = T(exactly: Int32(bitPattern: try reader.readUInt32(field: field())))
        case 0xd3: converted = T(exactly: Int64(bitPattern: try reader.readUInt64(field: field())))
        case 0xc0: converted = 0
        default: throw .unexpectedMsgpackType(field: field(), offset: start, found: byte, expected: "integer")
        }
        guard let value = converted else {
            throw .invalidValue(field: field(), offset: start, reason: "integer out of range for \(T.self)")
        }
        return value
    }

    /// Reads an unsigned Go integer field (uint8, uint16, uint32), from any msgpack integer width.
    public mutating func readUnsigned<T: FixedWidthInteger & UnsignedInteger>(
        _ type: T.Type,
        field: @autoclosure () -> String
    ) throws(WireError) -> T {
        try readInteger(type, field: field())
    }

    /// Skips one value of any kind, nested at most `WireLimits.maxMsgpackDepth` deep.
    public mutating func skipValue(field: @autoclosure () -> String) throws(WireError) {
        try skipValue(field: field(), depth: 0)
    }

    private mutating func skipValue(field: @autoclosure () -> String, depth: Int) throws(WireError) {
        if depth >= WireLimits.maxMsgpackDepth {
            throw .nestingTooDeep(limit: WireLimits.maxMsgpackDepth)
        }
        let start = reader.offset
        let byte = try reader.peekByte(field: field())
        switch byte {
        case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3:
            try reader.skip(1, field: field())
        case 0xcc, 0xd0: try reader.skip(2, field: field())
        case 0xcd, 0xd1, 0xd4: try reader.skip(3, field: field())
        case 0xd5: try reader.skip(4, field: field())
        case 0xce, 0xd2, 0xca: try reader.skip(5, field: field())
        case 0xd6: try reader.skip(6, field: field())
        case 0xcf, 0xd3, 0xcb: try reader.skip(9, field: field())
        case 0xd7: try reader.skip(10, field: field())
        case 0xd8: try reader.skip(18, field: field())
        case 0xa0...0xbf, 0xd9, 0xda, 0xdb, 0xc4, 0xc5, 0xc6:
            _ = try readRawRange(field: field())
        case 0xc7, 0xc8, 0xc9:
            try reader.skip(1, field: field())
            let length: Int
            switch byte {
            case 0xc7: length = Int(try reader.readByte(field: field()))
            case 0xc8: length = Int(try reader.readUInt16(field: field()))
            default: length = Int(try reader.readUInt32(field: field()))
            }
            try reader.skip(1 + length, field: field())  // type byte, then data
        case 0x90...0x9f, 0xdc, 0xdd:
            let count = try readArrayHeader(field: field())
            for _ in 0..<count {
                try skipValue(field: field(), depth: depth + 1)
            }
        case 0x80...0x8f, 0xde, 0xdf:
            let count = try readMapHeader(field: field())
            for _ in 0..<(count * 2) {
                try skipValue(field: field(), depth: depth + 1)
            }
        default:  // 0xc1, never used
            throw .unexpectedMsgpackType(field: field(), offset: start, found: byte, expected: "a msgpack value")
        }
    }
}
