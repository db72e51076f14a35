// Writes msgpack exactly as hashicorp/go-msgpack's `MsgpackHandle` does for memberlist, so that Swift's bytes
// equal a Go peer's bytes:
// - []byte and string as old-spec "raw" str: fixstr, then str16 (`da`), then str32 (`db`); never str8 (`d9`)
//   or bin, which old decoders cannot read;
// - unsigned Go integers in the smallest unsigned form (`cc`/`cd`/`ce`/`cf` above 127);
// - signed Go integers (Go `int`) in the smallest *signed* form: 128…32767 is int16 (`d1`), never uint8;
// - nil []byte as `c0`, empty []byte as `a0` (Go tells them apart).
// Struct fields are written in the order of their sorted Go names (what the vectors and captures show);
// each message type lists its keys in that order.

/// Writes msgpack values in go-msgpack's encoding.
public struct MsgpackWriter: Sendable {
    /// The byte writer underneath; raw bytes that follow a msgpack value (user state) are written to it.
    public var writer: WireWriter

    /// An empty writer.
    public init(capacity: Int = 64) {
        writer = WireWriter(capacity: capacity)
    }

    /// A msgpack writer appending to `writer`.
    public init(_ writer: WireWriter) {
        self.writer = writer
    }

    /// Everything written so far.
    public var bytes: [UInt8] { writer.bytes }

    /// Writes a map header for `count` entries.
    public mutating func writeMapHeader(_ count: Int) {
        if count <= 15 {
            writer.writeByte(0x80 | UInt8(count))
        } else if count <= Int(UInt16.max) {
            writer.writeByte(0xde)
            writer.writeUInt16(UInt16(count))
        } else {
            writer.writeByte(0xdf)
            writer.writeUInt32(UInt32(truncatingIfNeeded: count))
        }
    }

    /// Writes a map key (a Go field name).
    public mutating func writeKey(_ key: String) {
        writeString(key)
    }

    /// Writes a string as raw str.
    public mutating func writeString(_ string: String) {
        writeRawHeader(string.utf8.count)
        writer.writeBytes(string.utf8)
    }

    /// Writes a Go []byte: nil as msgpack nil, otherwise raw str.
    public mutating func writeBytes(_ bytes: [UInt8]?) {
        guard let bytes else {
            writeNil()
            return
        }
        writeRawHeader(bytes.count)
        writer.writeBytes(bytes)
    }

    private mutating func writeRawHeader(_ count: Int) {
        if count <= 31 {
            writer.writeByte(0xa0 | UInt8(count))
        } else if count <= Int(UInt16.max) {
            writer.writeByte(0xda)
            writer.writeUInt16(UInt16(count))
        } else {
            writer.writeByte(0xdb)
            writer.writeUInt32(UInt32(truncatingIfNeeded: count))
        }
    }

    /// Writes nil.
    public mutating func writeNil() {
        writer.writeByte(0xc0)
    }

    /// Writes a bool.
    public mutating func writeBool(_ value: Bool) {
        writer.writeByte(value ? 0xc3 : 0xc2)
    }

    /// Writes an unsigned Go integer (uint8/16/32/64) in its smallest unsigned form.
    public mutating func writeUnsigned(_ value: UInt64) {
        switch value {
        case 0...0x7f:
            writer.writeByte(UInt8(value))
        case 0x80...0xff:
            writer.writeByte(0xcc)
            writer.writeByte(UInt8(value))
        case 0x100...0xffff:
            writer.writeByte(0xcd)
            writer.writeUInt16(UInt16(value))
        case 0x1_0000...0xffff_ffff:
            writer.writeByte(0xce)
            writer.writeUInt32(UInt32(value))
        default:
            writer.writeByte(0xcf)
            writer.writeUInt64(value)
        }
    }

    /// Writes a signed Go integer (`int`, `int64`) in its smallest signed form, as go-msgpack does.
    public mutating func writeSigned(_ value: Int64) {
        if value > Int64(Int8.max) {
            if value <= Int64(Int16.max) {
                writer.writeByte(0xd1)
                writer.writeUInt16(UInt16(value))
            } else if value <= Int64(Int32.max) {
                writer.writeByte(0xd2)
                writer.writeUInt32(UInt32(value))
            } else {
                writer.writeByte(0xd3)
                writer.writeUInt64(UInt64(bitPattern: value))
            }
        } else if value >= -32 {
            writer.writeByte(UInt8(bitPattern: Int8(value)))
        } else if value >= Int64(Int8.min) {
            writer.writeByte(0xd0)
            writer.writeByte(UInt8(bitPattern: Int8(value)))
        } else if value >= Int64(Int16.min) {
            writer.writeByte(0xd1)
            writer.writeUInt16(UInt16(bitPattern: Int16(value)))
        } else if value >= Int64(Int32.min) {
            writer.writeByte(0xd2)
            writer.writeUInt32(UInt32(bitPattern: Int32(value)))
        } else {
            writer.writeByte(0xd3)
            writer.writeUInt64(UInt64(bitPattern: value))
        }
    }
}
