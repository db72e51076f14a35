// hashicorp/memberlist label.go: a cluster label (dskit `-memberlist.cluster-label`) goes in front of every
// packet and at the start of every dialed stream:
//
//   [244][length: 1 byte, 1…255][label bytes]
//
// No header at all means "no label"; a header with length 0 is invalid. The receiver drops anything whose label
// differs from its own. On streams only the dialing side writes the header: the reply on the same connection
// starts directly with the message (though the label still enters the encryption's additional data).

/// Cluster label headers.
public enum Label {
    /// Reads a label header if the next byte is `hasLabel`; nil when there is none.
    public static func read(_ reader: inout WireReader) throws(WireError) -> String? {
        guard !reader.isAtEnd, try reader.peekByte(field: "label header") == MessageType.hasLabel.rawValue else {
            return nil
        }
        try reader.skip(1, field: "label header")
        let lengthOffset = reader.offset
        let length = Int(try reader.readByte(field: "label length"))
        if length == 0 {
            throw .invalidValue(field: "label length", offset: lengthOffset, reason: "a label header cannot be empty")
        }
        let labelOffset = reader.offset
        let range = try reader.readRange(count: length, field: "label")
        guard let label = String(validating: reader.bytes[range], as: UTF8.self) else {
            throw .invalidValue(field: "label", offset: labelOffset, reason: "not valid UTF-8")
        }
        return label
    }

    /// Checks a received label (nil: no header) against the expected one; `expected` nil accepts any.
    public static func verify(received: String?, expected: String?) throws(WireError) {
        guard let expected else { return }
        if (received ?? "") != expected {
            throw .labelMismatch(expected: expected, received: received ?? "")
        }
    }

    /// Writes a label header; nothing for nil or "" (memberlist's "no label").
    public static func write(_ label: String?, to writer: inout WireWriter) throws(WireError) {
        guard let label, !label.isEmpty else { return }
        let count = label.utf8.count
        if count > WireLimits.maxLabel {
            throw .limitExceeded(field: "label length", value: count, limit: WireLimits.maxLabel)
        }
        writer.writeByte(MessageType.hasLabel.rawValue)
        writer.writeByte(UInt8(count))
        writer.writeBytes(label.utf8)
    }
}
