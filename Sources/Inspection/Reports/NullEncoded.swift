// The one way a report says "this key is always there, null when there is no value".
//
// Synthesized Codable writes an optional with `encodeIfPresent`, so a nil leaves the key out; scripts reading
// ringctl's JSON want a fixed set of keys instead (`jq .zone` must not tell "no zone" from "no such field"). A
// property wrapper keeps the struct's synthesized Codable (its CodingKeys are the one list of JSON keys) and moves
// the null into the wrapper: the container encodes the wrapper like any value, and the wrapper writes its value or
// null. One encoder helper called from hand-written `encode(to:)` methods would need every field listed twice
// again, which is how fields used to go missing from JSON. A plain `Optional` stays what it is in Swift: absent
// when nil; reports use that only where README documents a key as absent (`token_list` without --tokens, a ring
// warning's keys that do not apply, a watch event's other kind's keys).

/// An optional report field that is encoded as `null` when it has no value, instead of being left out.
@propertyWrapper
public struct NullEncoded<Value> {
    public var wrappedValue: Value?

    /// A field holding `wrappedValue`.
    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }
}

extension NullEncoded: Encodable where Value: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue {
            try container.encode(wrappedValue)
        } else {
            try container.encodeNil()
        }
    }
}

extension NullEncoded: Decodable where Value: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// A missing key decodes as nil too, so a report reads back whatever wrote it, as an `Optional` would.
    public func decode<Value: Decodable>(_ type: NullEncoded<Value>.Type, forKey key: Key) throws -> NullEncoded<Value> {
        try decodeIfPresent(type, forKey: key) ?? NullEncoded(wrappedValue: nil)
    }
}

extension NullEncoded: Equatable where Value: Equatable {}
extension NullEncoded: Hashable where Value: Hashable {}
extension NullEncoded: Sendable where Value: Sendable {}
