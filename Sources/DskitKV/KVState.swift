// grafana/dskit kv/memberlist/memberlist_client.go LocalState / MergeRemoteState: the push/pull user state is
//     repeat { [length: uint32 big-endian][KeyValuePair protobuf: length bytes] }
// with nothing before, between or after. dskit stops at the first bad entry and keeps the ones before it;
// `KVState.decodePrefix` does the same, `KVState(fullState:)` insists on every byte.

/// dskit's full KV state as a node sends it in push/pull: every key it holds.
public struct KVState: Hashable, Sendable {
    /// The pairs in the order they were on the wire (Go map order: no meaning).
    public var pairs: [KeyValuePair]

    /// A state from pairs.
    public init(pairs: [KeyValuePair]) {
        self.pairs = pairs
    }

    /// Decodes a whole full state; any truncated, oversized or unparsable entry throws.
    public init(fullState bytes: [UInt8]) throws(DskitKVError) {
        let (state, failure) = Self.decodePrefix(bytes)
        if let failure { throw failure }
        self = state
    }

    /// Decodes entries until the first bad one, as dskit's MergeRemoteState does; returns them and that failure.
    public static func decodePrefix(_ bytes: [UInt8]) -> (state: KVState, failure: DskitKVError?) {
        var pairs: [KeyValuePair] = []
        guard bytes.count <= DskitKVLimits.maxFullState else {
            let failure = DskitKVError.limitExceeded(
                field: "KV full state",
                value: bytes.count,
                limit: DskitKVLimits.maxFullState
            )
            return (KVState(pairs: pairs), failure)
        }
        var offset = 0
        while offset < bytes.count {
            let index = pairs.count
            let available = bytes.count - offset
            guard available >= 4 else {
                let failure = DskitKVError.truncated(
                    field: "KV pair \(index) length",
                    offset: offset,
                    needed: 4,
                    available: available
                )
                return (KVState(pairs: pairs), failure)
            }
            let length =
                Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
            offset += 4
            guard length <= DskitKVLimits.maxPair else {
                let failure = DskitKVError.limitExceeded(
                    field: "KV pair \(index) length",
                    value: length,
                    limit: DskitKVLimits.maxPair
                )
                return (KVState(pairs: pairs), failure)
            }
            guard length <= bytes.count - offset else {
                let failure = DskitKVError.truncated(
                    field: "KV pair \(index)",
                    offset: offset,
                    needed: length,
                    available: bytes.count - offset
                )
                return (KVState(pairs: pairs), failure)
            }
            do throws(DskitKVError) {
                pairs.append(try KeyValuePair(protobuf: Array(bytes[offset..<offset + length])))
            } catch {
                return (KVState(pairs: pairs), error)
            }
            offset += length
        }
        return (KVState(pairs: pairs), nil)
    }

    /// Encodes the state exactly in dskit's LocalState layout.
    public func fullStateBytes() -> [UInt8] {
        var out: [UInt8] = []
        for pair in pairs {
            let body = pair.protobufBytes()
            let length = UInt32(truncatingIfNeeded: body.count)
            out.append(contentsOf: [
                UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
            ])
            out.append(contentsOf: body)
        }
        return out
    }

    /// Every pair with its value decoded by codec; a value that does not decode is reported in place.
    public func decodedPairs() -> [(pair: KeyValuePair, value: KVValue)] {
        pairs.map { ($0, $0.decodedValue()) }
    }

    /// The first pair with `key`, if any.
    public subscript(key: String) -> KeyValuePair? {
        pairs.first { $0.key == key }
    }
}
