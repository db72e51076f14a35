/// A bounds-checked cursor over bytes: every read names its field and throws `WireError`, never traps.
///
/// The reader shares its storage with sub-readers (`readReader`), so nested formats (compound parts, msgpack
/// bodies) are parsed without copying. Offsets in errors are indices into `bytes`.
public struct WireReader: Sendable {
    /// The whole buffer; only `offset..<endIndex` is readable.
    public let bytes: [UInt8]
    /// The index of the next byte to read.
    public private(set) var offset: Int
    /// One past the last readable index.
    public let endIndex: Int

    /// A reader over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.endIndex = bytes.count
    }

    /// A reader over the bytes of `slice` (copied once if the slice is not a whole array).
    public init(_ slice: ArraySlice<UInt8>) {
        self.init(Array(slice))
    }

    /// A reader over `range` of `bytes`; the caller guarantees the range is inside the buffer.
    init(bytes: [UInt8], range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "reader range outside its buffer")
        self.bytes = bytes
        self.offset = range.lowerBound
        self.endIndex = range.upperBound
    }

    /// Bytes left to read.
    public var remaining: Int { endIndex - offset }

    /// True when every byte has been read.
    public var isAtEnd: Bool { offset >= endIndex }

    /// Throws `.truncated` unless `count` more bytes are readable.
    public func require(_ count: Int, field: @autoclosure () -> String) throws(WireError) {
        if count > endIndex - offset {
            throw .truncated(field: field(), offset: offset, needed: count, available: endIndex - offset)
        }
    }

    /// The next byte, not consumed.
    public func peekByte(field: @autoclosure () -> String) throws(WireError) -> UInt8 {
        try require(1, field: field())
        return bytes[offset]
    }

    /// Reads one byte.
    public mutating func readByte(field: @autoclosure () -> String) throws(WireError) -> UInt8 {
        try require(1, field: field())
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads a big-endian UInt16.
    public mutating func readUInt16(field: @autoclosure () -> String) throws(WireError) -> UInt16 {
        try UInt16(truncatingIfNeeded: readBigEndian(width: 2, field: field()))
    }

    /// Reads a big-endian UInt32.
    public mutating func readUInt32(field: @autoclosure () -> String) throws(WireError) -> UInt32 {
        try UInt32(truncatingIfNeeded: readBigEndian(width: 4, field: field()))
    }

    /// Reads a big-endian UInt64.
    public mutating func readUInt64(field: @autoclosure () -> String) throws(WireError) -> UInt64 {
        try readBigEndian(width: 8, field: field())
    }

    private mutating func readBigEndian(width: Int, field: @autoclosure () -> String) throws(WireError) -> UInt64 {
        try require(width, field: field())
        var value: UInt64 = 0
        for index in offset..<(offset + width) {
            value = value << 8 | UInt64(bytes[index])
        }
        offset += width
        return value
    }

    /// Reads `count` bytes into a new array, checking `count` against `limit` and the bytes left first.
    public mutating func readBytes(
        count: Int,
        limit: Int = .max,
        field: @autoclosure () -> String
    ) throws(WireError) -> [UInt8] {
        let range = try readRange(count: count, limit: limit, field: field())
        return Array(bytes[range])
    }

    /// Reads `count` bytes as a reader of their own (no copy), checking `count` against `limit` first.
    public mutating func readReader(
        count: Int,
        limit: Int = .max,
        field: @autoclosure () -> String
    ) throws(WireError) -> WireReader {
        let range = try readRange(count: count, limit: limit, field: field())
        return WireReader(bytes: bytes, range: range)
    }

    /// Consumes `count` bytes and returns their index range in `bytes`.
    public mutating func readRange(
        count: Int,
        limit: Int = .max,
        field: @autoclosure () -> String
    ) throws(WireError) -> Range<Int> {
        if count < 0 {
            throw .invalidValue(field: field(), offset: offset, reason: "negative length \(count)")
        }
        if count > limit {
            throw .limitExceeded(field: field(), value: count, limit: limit)
        }
        try require(count, field: field())
        defer { offset += count }
        return offset..<(offset + count)
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int, field: @autoclosure () -> String) throws(WireError) {
        _ = try readRange(count: count, field: field())
    }

    /// Reads every byte left.
    public mutating func readRemainingBytes() -> [UInt8] {
        defer { offset = endIndex }
        return Array(bytes[offset..<endIndex])
    }

    /// The readable bytes that remain, as a reader of their own; this reader is left at its end.
    public mutating func readRemainingReader() -> WireReader {
        defer { offset = endIndex }
        return WireReader(bytes: bytes, range: offset..<endIndex)
    }

    /// Throws `.trailingBytes` unless every byte has been read.
    public func finish(context: @autoclosure () -> String) throws(WireError) {
        if offset < endIndex {
            throw .trailingBytes(context: context(), count: endIndex - offset)
        }
    }

    /// The bytes still to read, as a slice of `bytes`.
    public var remainingBytes: ArraySlice<UInt8> { bytes[offset..<endIndex] }
}
