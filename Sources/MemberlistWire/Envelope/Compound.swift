// hashicorp/memberlist util.go `makeCompoundMessage` / `decodeCompoundMessage`:
//
//   [7][count: 1 byte][count × length: uint16 big-endian][part 0][part 1]…
//
// Each part is a whole message (type byte first). memberlist packs up to 255 parts into one UDP-sized packet;
// dskit's packets carry alive messages and KV user messages this way. memberlist quietly drops parts whose
// length runs past the packet ("truncated messages"); ringctl reports that as `.truncated` instead, since a
// complete capture never has them.

/// The compound layout: several messages in one packet.
public enum Compound {
    /// Reads the count, lengths and parts that follow a compound type byte; the parts fill the reader exactly.
    static func decodeParts(_ reader: inout WireReader, depth: Int) throws(WireError) -> [Message] {
        if depth + 1 > WireLimits.maxMessageNesting {
            throw .nestingTooDeep(limit: WireLimits.maxMessageNesting)
        }
        let count = Int(try reader.readByte(field: "compound part count"))
        try reader.require(2 * count, field: "compound part lengths")
        var lengths: [Int] = []
        lengths.reserveCapacity(count)
        for index in 0..<count {
            lengths.append(Int(try reader.readUInt16(field: "compound part \(index + 1) length")))
        }
        var parts: [Message] = []
        parts.reserveCapacity(count)
        for (index, length) in lengths.enumerated() {
            let field = "compound part \(index + 1) of \(count)"
            var part = try reader.readReader(count: length, field: field)
            parts.append(try Message(reader: &part, depth: depth + 1))
            try part.finish(context: field)
        }
        try reader.finish(context: "the last compound part")
        return parts
    }

    /// Writes count, lengths and parts (after the type byte, which the caller wrote).
    static func encodeParts(_ parts: [Message], to writer: inout WireWriter) throws(WireError) {
        if parts.count > WireLimits.maxCompoundParts {
            throw .limitExceeded(field: "compound part count", value: parts.count, limit: WireLimits.maxCompoundParts)
        }
        var encodedParts: [[UInt8]] = []
        encodedParts.reserveCapacity(parts.count)
        for (index, part) in parts.enumerated() {
            let bytes = try part.encoded()
            if bytes.count > WireLimits.maxCompoundPart {
                throw .limitExceeded(
                    field: "compound part \(index + 1) length", value: bytes.count, limit: WireLimits.maxCompoundPart)
            }
            encodedParts.append(bytes)
        }
        writer.writeByte(UInt8(parts.count))
        for bytes in encodedParts {
            writer.writeUInt16(UInt16(bytes.count))
        }
        for bytes in encodedParts {
            writer.writeBytes(bytes)
        }
    }
}
