import FuzzSupport
import MemberlistWire

/// encode → decode gives the same envelope, and (with a fixed nonce) encoding is a fixed point.
func checkPacketRoundTrip(_ envelope: PacketEnvelope, keyring: Keyring?) {
    // The message alone may legitimately not re-encode (compound part over 65,535 bytes): skip those.
    guard reencodeMessage(envelope.message, context: "packet message") != nil else { return }
    let encoded = mustSucceed("re-encoding a decoded packet") {
        try envelope.encoded(keyring: keyring, nonce: fuzzNonce)
    }
    let again = mustSucceed("decoding a re-encoded packet \(hex(encoded))") {
        try PacketEnvelope.decode(encoded, keyring: keyring == nil ? nil : fuzzKeyring)
    }
    invariant(again == envelope, "packet round trip changed the envelope: \(envelope) → \(again)")
    let encodedAgain = mustSucceed("re-encoding twice") { try again.encoded(keyring: keyring, nonce: fuzzNonce) }
    invariant(encodedAgain == encoded, "packet encoding is not a fixed point")
}
