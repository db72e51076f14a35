import FuzzSupport
import MemberlistWire

/// encode → decode gives the same envelope, and encoding is a fixed point.
func checkStreamRoundTrip(
    _ envelope: StreamEnvelope,
    direction: StreamDirection,
    expectedLabel: String?,
    keyring: Keyring? = nil
) {
    let encoded = mustSucceed("re-encoding a decoded stream message") {
        try envelope.encoded(direction: direction, keyring: keyring.map { _ in fuzzSendingKeyring }, nonce: fuzzNonce)
    }
    let again = mustSucceed("decoding a re-encoded stream message \(hex(encoded))") {
        try StreamEnvelope.decode(encoded, direction: direction, expectedLabel: expectedLabel, keyring: keyring)
    }
    invariant(again == envelope, "stream round trip changed the envelope: \(envelope) → \(again)")
    let encodedAgain = mustSucceed("re-encoding twice") {
        try again.encoded(direction: direction, keyring: keyring.map { _ in fuzzSendingKeyring }, nonce: fuzzNonce)
    }
    invariant(encodedAgain == encoded, "stream encoding is not a fixed point")
}

/// The same message, compressed and/or encrypted as `variant` (0…8) says, decodes to itself.
func checkLayersAreTransparent(
    _ envelope: StreamEnvelope,
    direction: StreamDirection,
    expectedLabel: String?,
    variant: Int
) {
    let compressions: [CompressionAlgorithm?] = [nil, .lzw, .snappy]
    let encryptions: [EncryptionVersion?] = [nil, .unpadded, .padded]
    var wrapped = envelope
    wrapped.compression = compressions[variant % 3]
    wrapped.encryption = encryptions[variant / 3 % 3]
    checkStreamRoundTrip(
        wrapped, direction: direction, expectedLabel: expectedLabel,
        keyring: wrapped.encryption == nil ? nil : fuzzKeyring)
}
