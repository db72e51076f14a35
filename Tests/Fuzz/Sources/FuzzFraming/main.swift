import FuzzSupport
import MemberlistWire

// Input: one memberlist packet: [label header][CRC header][message] (compound/compress nest inside).
// Invariants:
// - CRC32.checksum equals a bit-by-bit reference CRC;
// - a label header that reads re-writes to the same bytes;
// - PacketEnvelope.decode never traps; what decodes re-encodes and decodes to an equal envelope, canonically;
// - an expected label only filters: decoding with it succeeds exactly when decoding without it does and the
//   label matches, giving the same envelope;
// - encryption is transparent: sealing the (unlabelled) rest of the input under the keyring decodes exactly
//   when the plain bytes do, to the same message; encrypted envelopes round-trip too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzBytes(start, count)

    invariant(CRC32.checksum(input) == referenceCRC32(input), "CRC32 differs from the reference on \(hex(input))")

    var labelReader = WireReader(input)
    if let label = try? Label.read(&labelReader) {
        var writer = WireWriter()
        mustSucceed("re-writing label \(label)") { try Label.write(label, to: &writer) }
        invariant(writer.bytes[...] == input[..<labelReader.offset], "label header does not re-write identically")
    }

    let anyLabel = try? PacketEnvelope.decode(input)
    if let anyLabel {
        checkPacketRoundTrip(anyLabel, keyring: nil)
    }
    for expected in ["", "realcluster", anyLabel?.label ?? "fuzz"] {
        let filtered = try? PacketEnvelope.decode(input, expectedLabel: expected)
        let matches = anyLabel.map { ($0.label ?? "") == expected } ?? false
        invariant(filtered == (matches ? anyLabel : nil), "expected label \"\(expected)\" changed the decode")
    }

    // Raw input under a keyring: only the encrypt-v*-ping seeds and their mutations authenticate.
    if let decrypted = try? PacketEnvelope.decode(input, keyring: fuzzKeyring) {
        checkPacketRoundTrip(decrypted, keyring: fuzzSendingKeyring)
    }

    // The input after any label, sealed: decodes exactly when the plain packet does.
    let rest = Array(input[labelReader.offset...])
    let version: EncryptionVersion = (input.last ?? 0) & 1 == 0 ? .unpadded : .padded
    let labelHeader: [UInt8] = [0xf4, 4] + Array("fuzz".utf8)
    let sealed = mustSucceed("sealing") {
        try Encryption.seal(rest, key: fuzzSealingKey, version: version, additionalData: Array("fuzz".utf8),
            nonce: fuzzNonce)
    }
    let plain = try? PacketEnvelope.decode(labelHeader + rest)
    let decrypted = try? PacketEnvelope.decode(labelHeader + sealed, expectedLabel: "fuzz", keyring: fuzzKeyring)
    invariant((plain == nil) == (decrypted == nil), "encryption changed whether \(hex(rest)) decodes")
    if let plain, let decrypted {
        invariant(decrypted.message == plain.message && decrypted.hasChecksum == plain.hasChecksum,
            "encryption changed the decoded packet")
        invariant(decrypted.label == "fuzz" && decrypted.encryption == version, "wrong envelope layers")
        checkPacketRoundTrip(decrypted, keyring: fuzzSendingKeyring)
    }
    return 0
}
