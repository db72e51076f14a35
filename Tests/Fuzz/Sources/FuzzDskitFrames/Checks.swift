import DskitKV
import FuzzSupport
import MemberlistWire

/// encode → decode gives the same frame, and encoding is a fixed point.
func checkFrameRoundTrip(_ frame: DskitFrame) {
    if case .packet(_, let envelope) = frame,
        reencodeMessage(envelope.message, context: "dskit packet message") == nil
    {
        return  // a compound part over 65,535 bytes once canonical: documented, skipped
    }
    let encoded = mustSucceed("re-encoding a decoded dskit frame") { try frame.encoded() }
    let again = mustSucceed("decoding a re-encoded dskit frame \(hex(encoded))") { try DskitFrame.decode(encoded) }
    invariant(again == frame, "dskit frame round trip changed the frame: \(frame) → \(again)")
    let encodedAgain = mustSucceed("re-encoding twice") { try again.encoded() }
    invariant(encodedAgain == encoded, "dskit frame encoding is not a fixed point")
}

/// What `ringctl decode` does with the KV bytes inside a frame: must not trap.
func feedKV(_ frame: DskitFrame) {
    for payload in frame.userMessagePayloads {
        if let pair = try? KeyValuePair(protobuf: payload) {
            _ = pair.decodedValue()
        }
    }
    if let state = frame.pushPullUserState {
        let (prefix, _) = KVState.decodePrefix(state)
        _ = prefix.decodedPairs()
    }
}
