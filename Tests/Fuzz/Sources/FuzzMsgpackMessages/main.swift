import FuzzSupport
import MemberlistWire

// Input: one memberlist packet message ([type][body]), also read as (selector byte, msgpack body).
// Invariants:
// - Message(bytes:) never traps; what decodes re-encodes, decodes to an equal value, and re-encodes to the
//   same bytes (emit is canonical);
// - the same for each msgpack body type on its own (bodies the message layer never reaches alone too:
//   push/pull header, push node state, user message header, compress without decompressing);
// - skipping one msgpack value stays inside the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzBytes(start, count)

    if let message = try? Message(bytes: input) {
        checkMessageRoundTrip(message, context: "Message(bytes:)")
    }

    guard let selector = input.first else { return 0 }
    let body = Array(input.dropFirst())
    switch selector % 12 {
    case 0: if let value = try? PingMessage(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 1: if let value = try? IndirectPingRequest(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 2: if let value = try? AckResponse(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 3: if let value = try? SuspectMessage(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 4: if let value = try? AliveMessage(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 5: if let value = try? DeadMessage(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 6: if let value = try? PushPullHeader(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 7: if let value = try? PushNodeState(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 8: if let value = try? UserMessageHeader(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 9: if let value = try? CompressedMessage(msgpackBytes: body) { checkBodyRoundTrip(value) }
    case 10: if let value = try? NackResponse(msgpackBytes: body) { checkBodyRoundTrip(value) }
    default: if let value = try? ErrorResponse(msgpackBytes: body) { checkBodyRoundTrip(value) }
    }

    var reader = MsgpackReader(body)
    if (try? reader.skipValue(field: "fuzz")) != nil {
        invariant(reader.offset > 0 && reader.offset <= body.count, "skipValue ended at \(reader.offset) of \(body.count)")
    }
    return 0
}
