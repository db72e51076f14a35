import DskitKV
import FuzzSupport
import MemberlistWire

// Input: what one side of a dskit TCP transport connection wrote: [1][addr len][addr][packet][MD5] or
// [2][stream message]; also read as the listener's reply (no marker, no label).
// Invariants:
// - DskitFrame.decode, DskitPacket.decode and decodeReply never trap;
// - a frame that decodes re-encodes, and decodes back to an equal frame, canonically;
// - with verifyDigest false a packet frame decodes exactly when the same bytes with a correct MD5 trailer
//   decode with verification, to the same frame (the digest is the only difference);
// - DskitPacket.decode and DskitFrame.decode agree on the sender address;
// - the user payloads and push/pull user state found inside feed the KV decoders without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzBytes(start, count)

    if let frame = try? DskitFrame.decode(input) {
        checkFrameRoundTrip(frame)
        feedKV(frame)
    }

    let unverified = try? DskitFrame.decode(input, verifyDigest: false)
    if let unverified {
        checkFrameRoundTrip(unverified)
        feedKV(unverified)
    }
    if input.first == DskitFrameKind.packet.rawValue, input.count >= 18 {
        // The same bytes with the trailer replaced by the payload's real MD5.
        var fixed = input
        if let packet = try? DskitPacket.decode(input, verifyDigest: false) {
            fixed = mustSucceed("re-encoding a decoded packet") { try packet.encoded() }
            invariant(fixed.dropLast(16) == input.dropLast(16), "a packet re-encodes to different bytes")
            let verified = mustSucceed("DskitPacket.decode with a correct trailer") { try DskitPacket.decode(fixed) }
            invariant(verified == packet, "the trailer changed the packet")
            if case .packet(let address, _)? = unverified {
                invariant(address == packet.senderAddress, "DskitFrame and DskitPacket disagree on the sender")
            }
        }
        let verifiedFrame = try? DskitFrame.decode(fixed)
        invariant(verifiedFrame == unverified, "a correct MD5 trailer changed whether the frame decodes")
    }

    if let reply = try? DskitFrame.decodeReply(input) {
        let encoded = mustSucceed("re-encoding a reply") { try reply.encoded(direction: .listener) }
        let again = mustSucceed("decoding a re-encoded reply") { try DskitFrame.decodeReply(encoded) }
        invariant(again == reply, "reply round trip changed the envelope")
        feedKV(.stream(reply))
    }
    return 0
}
