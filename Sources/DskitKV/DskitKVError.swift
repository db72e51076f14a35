/// Everything that can go wrong decoding dskit KV bytes; each description says what, where, and what to try.
public enum DskitKVError: Error, Hashable, CustomStringConvertible {
    /// The input ended inside `field`: `needed` bytes were announced at `offset`, only `available` remain.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// A length or count in `field` is larger than ringctl accepts (`limit`), checked before allocating.
    case limitExceeded(field: String, value: Int, limit: Int)
    /// A snappy block (dskit's value compression) is not valid snappy.
    case snappyInvalid(field: String, size: Int)
    /// Bytes that should hold protobuf `message` do not parse; `reason` comes from swift-protobuf.
    case protobufInvalid(message: String, size: Int, reason: String)
    /// The input was empty where `what` was expected.
    case empty(what: String)
    /// A value was handed to a decoder for another codec.
    case codecMismatch(expected: CodecID, found: CodecID)
    /// Node metadata (dskit kv/memberlist/node_meta.go) whose version byte ringctl does not know.
    case unsupportedNodeMetaVersion(UInt8)
    /// A zone name longer than dskit's `MaxZoneNameLength` cannot be put into node metadata.
    case zoneNameTooLong(zone: String, limit: Int)
    /// The heartbeat timeout is not positive (dskit's ring config rejects it the same way).
    case invalidHeartbeatTimeout(seconds: Double)
    /// A lag setting (`heartbeat` must be positive, `delta` not negative) is out of range.
    case invalidLagSetting(name: String, seconds: Double)

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "\(field) truncated at byte \(offset): needs \(needed) bytes, \(available) left;"
                + " the input was cut short (check the capture or download is complete)"
        case let .limitExceeded(field, value, limit):
            return "\(field) is \(value) bytes, over ringctl's limit of \(limit);"
                + " the input is corrupt or not what it claims to be"
        case let .snappyInvalid(field, size):
            return "\(field) (\(size) bytes) is not a valid snappy block;"
                + " dskit values are snappy-compressed protobuf, so check the file is the raw value and not text or JSON"
        case let .protobufInvalid(message, size, reason):
            return "\(size) bytes do not parse as protobuf \(message) (\(reason));"
                + " check the codec id and that the bytes were not altered"
        case let .empty(what):
            return "\(what) is empty; expected dskit KV bytes"
        case let .codecMismatch(expected, found):
            return "value has codec \"\(found)\", expected \"\(expected)\"; pick the key whose codec is \(expected)"
        case let .unsupportedNodeMetaVersion(version):
            return "node metadata version \(version) is unknown (dskit writes version 1);"
                + " the node runs a newer dskit, or Meta is not dskit node metadata"
        case let .zoneNameTooLong(zone, limit):
            return "zone \"\(zone)\" is \(zone.utf8.count) bytes, dskit node metadata allows at most \(limit)"
        case let .invalidHeartbeatTimeout(seconds):
            return "heartbeat timeout \(seconds)s must be greater than 0 (dskit rejects 0 too); use e.g. 1m"
        case let .invalidLagSetting(name, seconds):
            return name == "heartbeat"
                ? "heartbeat period \(seconds)s must be greater than 0; give the ring's, e.g. 15s"
                : "\(name) \(seconds)s must not be negative"
        }
    }
}
