import MemberlistWire

/// The re-encoding of a decoded message: must not fail, except for the one documented limit that a legal input
/// can reach when canonical msgpack is longer than what the sender wrote (str8 → str16, uint8 → int16, another
/// LZW stream): a compound part over 65,535 bytes.
public func reencodeMessage(_ message: Message, context: String) -> [UInt8]? {
    do {
        return try message.encoded()
    } catch {
        if case .limitExceeded(let field, let value, let limit) = error, field.hasPrefix("compound part"),
            field.hasSuffix("length"), value > limit
        {
            return nil
        }
        fatalError("fuzz invariant broken: \(context): re-encoding a decoded message threw \(error)")
    }
}

/// A decoded message survives encode → decode unchanged, and its encoding is a fixed point.
public func checkMessageRoundTrip(_ message: Message, context: String) {
    guard let encoded = reencodeMessage(message, context: context) else { return }
    let again = mustSucceed("\(context): decoding the re-encoding \(hex(encoded))") { try Message(bytes: encoded) }
    invariant(again == message, "\(context): round trip changed the message: \(message) → \(again)")
    let encodedAgain = reencodeMessage(again, context: context)
    invariant(encodedAgain == encoded, "\(context): encoding is not a fixed point: \(hex(encoded))")
}

/// A msgpack body survives encode → decode unchanged, and its encoding is a fixed point.
public func checkBodyRoundTrip<Body: MsgpackCodable>(_ body: Body) {
    let encoded = body.msgpackBytes
    let again = mustSucceed("decoding re-encoded \(Body.self) \(hex(encoded))") { try Body(msgpackBytes: encoded) }
    invariant(again == body, "\(Body.self) round trip changed the value: \(body) → \(again)")
    invariant(again.msgpackBytes == encoded, "\(Body.self) encoding is not a fixed point: \(hex(encoded))")
}
