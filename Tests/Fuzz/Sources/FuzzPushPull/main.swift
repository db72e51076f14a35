import FuzzSupport
import MemberlistWire

// Input: one direction of a memberlist stream (push/pull, user message, TCP ping/ack, err), with the first
// byte's low bit choosing the direction: dialer (label header allowed) or listener (none).
// Invariants:
// - decode and decodeIfComplete never trap and agree: a whole message decodes both ways to the same value;
//   "need more bytes" (nil) only when decode reports a truncation; other errors are the same error;
// - a message found by decodeIfComplete decodes alone from exactly the bytes it consumed, and every strict
//   prefix of those bytes asks for more rather than failing (stream framing never gives up early);
// - what decodes re-encodes and decodes to an equal envelope, canonically;
// - compression and encryption are transparent: the same message wrapped in lzw or snappy, sealed with
//   either encryption version (one of the nine combinations per input, picked by the selector's high bits),
//   decodes back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let all = fuzzBytes(start, count)
    guard let selector = all.first else { return 0 }
    let direction: StreamDirection = selector & 1 == 0 ? .dialer : .listener
    let expectedLabel: String? = selector & 2 == 0 ? nil : "realcluster"
    let input = Array(all.dropFirst())

    let whole: Result<StreamEnvelope, WireError> = Result { () throws(WireError) in
        try StreamEnvelope.decode(input, direction: direction, expectedLabel: expectedLabel)
    }
    let partial: Result<(envelope: StreamEnvelope, consumed: Int)?, WireError> = Result { () throws(WireError) in
        try StreamEnvelope.decodeIfComplete(input, direction: direction, expectedLabel: expectedLabel)
    }

    switch (whole, partial) {
    case (.success(let envelope), .success(let found?)):
        invariant(found.envelope == envelope && found.consumed == input.count, "decodeIfComplete disagrees")
    case (.success, _):
        fatalError("fuzz invariant broken: decode succeeded but decodeIfComplete did not: \(partial)")
    case (.failure(let error), .success(nil)):
        invariant(error.isTruncation, "decodeIfComplete waits for more bytes, decode threw \(error)")
    case (.failure(let error), .failure(let partialError)):
        invariant(!partialError.isTruncation, "decodeIfComplete let a truncation through: \(partialError)")
        invariant(error == partialError, "decode threw \(error), decodeIfComplete \(partialError)")
    case (.failure(let error), .success(let found?)):
        // Bytes after a complete message: only decode minds them.
        invariant(found.consumed < input.count, "decode threw \(error) on a message decodeIfComplete took whole")
        guard case .trailingBytes = error else {
            fatalError("fuzz invariant broken: decode threw \(error) after a complete message")
        }
        let exact = Array(input[..<found.consumed])
        let alone = mustSucceed("decoding the consumed bytes alone") {
            try StreamEnvelope.decode(exact, direction: direction, expectedLabel: expectedLabel)
        }
        invariant(alone == found.envelope, "the consumed bytes decode to a different message")
    }

    if case .success(let found?) = partial {
        let consumed = found.consumed
        for cut in Set([0, consumed / 2, consumed - 1, Int(selector) % max(consumed, 1)]) where cut < consumed {
            let prefix = Array(input[..<cut])
            let early = Result { () throws(WireError) in
                try StreamEnvelope.decodeIfComplete(prefix, direction: direction, expectedLabel: expectedLabel)
            }
            guard case .success(nil) = early else {
                fatalError("fuzz invariant broken: \(cut)-byte prefix of a \(consumed)-byte message gave \(early)")
            }
        }
        checkStreamRoundTrip(found.envelope, direction: direction, expectedLabel: expectedLabel)
        checkLayersAreTransparent(
            found.envelope, direction: direction, expectedLabel: expectedLabel, variant: Int(selector >> 2))
    }

    // Raw input on an encrypted cluster: never traps.
    _ = try? StreamEnvelope.decodeIfComplete(input, direction: direction, expectedLabel: expectedLabel,
        keyring: fuzzKeyring)
    return 0
}
