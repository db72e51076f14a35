import ArgumentParser
import DskitKV
import Foundation
import MemberlistWire

struct Decode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode captured memberlist/dskit bytes: frame, label, compression, messages, KV pairs, rings.",
        discussion: """
            FILE holds the payload of one direction of one TCP connection (or one UDP datagram), as tcpdump \
            or Wireshark's "Follow TCP stream → Save as raw" writes it; - reads standard input. ringctl \
            finds out what it is:
              01 ...   a dskit packet: sender address, memberlist packet, MD5 trailer (checked)
              02 ...   a dskit stream, dialing side: optional cluster label, push/pull or user message
              06/09... a stream reply (the listening side: no marker, no label)
              other    a memberlist UDP packet (label, encryption, CRC, message)
            Every layer is shown: label, encryption, compression, CRC, each memberlist message with its \
            fields, each KV pair with its decoded value (rings instance by instance, propagation beacons).

            Examples:
              ringctl decode capture.bin
              ringctl decode --hex dump.txt            (xxd, xxd -p or tcpdump -X text)
              ringctl decode -o json capture.bin | jq '.. | .fields? | select(.key == "\\"ring\\"")'
              ringctl decode --label prod-cluster capture.bin     (fails if the label differs)
              ringctl decode --key-file gossip.key udp-packet.bin
              ringctl decode --extract ring capture.bin | ringctl ring --from-file -

            Exit status: 0 decoded; 64 usage or unreadable file; 76 the bytes are not memberlist/dskit, or the \
            label or key does not match; 78 a key file is unusable.
            """
    )

    @Argument(help: ArgumentHelp("Captured bytes; - reads standard input.", valueName: "file"))
    var file: String

    @Flag(help: "FILE is a hex dump (xxd, xxd -p, tcpdump -X), not raw bytes.")
    var hex = false

    @Option(name: .customLong("as"), help: "What the bytes are: auto, dskit (01/02 marker), reply (listener side of a stream), or packet (memberlist UDP).")
    var kind: CaptureKind = .auto

    @Option(
        name: [.customLong("label"), .customLong("memberlist.cluster-label", withSingleDash: true)],
        help: ArgumentHelp("Require this cluster label (\"\" for none). Default: accept any and show it.", valueName: "label"))
    var label: String?

    @Option(name: .customLong("key-file"), help: ArgumentHelp(
        "A gossip secret key (16, 24 or 32 raw bytes, or base64), to decrypt; repeatable for a keyring.",
        valueName: "file"))
    var keyFiles: [String] = []

    @Option(help: ArgumentHelp("Write the raw value of this KV key to stdout instead (e.g. for ring --from-file -).",
                               valueName: "key"))
    var extract: String?

    @Option(name: [.short, .customLong("output")], help: "Output format: text or json.")
    var output: DecodeFormat = .text

    func run() async throws {
        try await reportingErrors {
            var bytes = try InputFile.read(file)
            if hex { bytes = try InputFile.decodeHex(bytes, path: file) }
            let keyring = try KeyFiles.keyring(keyFiles)
            let decoded = try CaptureDecoder(expectedLabel: label, keyring: keyring).decode(bytes, as: kind)

            if let extract {
                guard let value = decoded.pairs.first(where: { $0.key == extract })?.value else {
                    let keys = decoded.pairs.map(\.key)
                    throw ValidationError(
                        "No KV key \"\(extract)\" in \(file)"
                            + (keys.isEmpty ? " (it holds no KV pairs)." : "; it holds: \(keys.joined(separator: ", ")).")
                    )
                }
                FileHandle.standardOutput.write(Data(value))
                return .ok
            }
            switch output {
            case .text: print(decoded.items.flatMap { $0.lines() }.joined(separator: "\n"))
            case .json: print(try JSONOutput.render(decoded.items))
            }
            return .ok
        }
    }
}

enum CaptureKind: String, ExpressibleByArgument, CaseIterable {
    case auto, dskit, reply, packet
}

enum DecodeFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// What a capture held: the tree to show, and the KV pairs found in it.
struct DecodedCapture {
    var items: [DecodedItem]
    var pairs: [KeyValuePair]
}

/// Tries the ways a capture can be read, in the order the first byte suggests.
struct CaptureDecoder {
    let expectedLabel: String?
    let keyring: Keyring?

    func decode(_ bytes: [UInt8], as kind: CaptureKind) throws -> DecodedCapture {
        switch kind {
        case .dskit: return try dskit(bytes)
        case .reply: return try reply(bytes)
        case .packet: return try packet(bytes)
        case .auto:
            if let first = bytes.first, first == 1 || first == 2 { return try dskit(bytes) }
            var failures: [String] = []
            do { return try reply(bytes) } catch { failures.append("as a stream reply: \(error)") }
            do { return try packet(bytes) } catch { failures.append("as a memberlist packet: \(error)") }
            throw CaptureError(attempts: failures)
        }
    }

    private func dskit(_ bytes: [UInt8]) throws -> DecodedCapture {
        if bytes.first == 1 {
            // Check the MD5 separately so a mismatch is shown, not just refused (dskit itself only logs it).
            let digestOK = (try? DskitPacket.decode(bytes, verifyDigest: true)) != nil
            let raw = try DskitPacket.decode(bytes, verifyDigest: false)
            let envelope = try raw.envelope(expectedLabel: expectedLabel, keyring: keyring)
            let frame = DecodedItem("dskit packet", [
                ("from", raw.senderAddress), ("payload-bytes", String(raw.payload.count)),
                ("md5", digestOK ? "ok" : "MISMATCH (dskit logs this and still delivers the packet)"),
            ], children: DecodedItems.packet(envelope))
            return DecodedCapture(items: [frame], pairs: pairs(in: envelope.message.userPayloads))
        }
        let frame = try DskitFrame.decode(bytes, expectedLabel: expectedLabel, keyring: keyring)
        guard case .stream(let envelope) = frame else { return try dskit([1] + bytes.dropFirst()) }
        return DecodedCapture(
            items: [DecodedItem("dskit stream (dialing side)", children: [DecodedItems.stream(envelope)])],
            pairs: pairs(of: envelope)
        )
    }

    private func reply(_ bytes: [UInt8]) throws -> DecodedCapture {
        let envelope = try DskitFrame.decodeReply(bytes, expectedLabel: expectedLabel, keyring: keyring)
        return DecodedCapture(
            items: [DecodedItem("stream reply (listening side)", children: [DecodedItems.stream(envelope)])],
            pairs: pairs(of: envelope)
        )
    }

    private func packet(_ bytes: [UInt8]) throws -> DecodedCapture {
        let envelope = try PacketEnvelope.decode(bytes, expectedLabel: expectedLabel, keyring: keyring)
        // Inside a compound an unknown type is shown and skipped; as the whole packet it means "not memberlist".
        if case .unknown(let type, _) = envelope.message {
            throw CaptureError(attempts: ["as a memberlist packet: unknown message type \(type)"])
        }
        return DecodedCapture(items: DecodedItems.packet(envelope), pairs: pairs(in: envelope.message.userPayloads))
    }

    private func pairs(of envelope: StreamEnvelope) -> [KeyValuePair] {
        let state = envelope.pushPullUserState.map { KVState.decodePrefix($0).state.pairs } ?? []
        return state + pairs(in: envelope.userMessagePayloads)
    }

    private func pairs(in payloads: [[UInt8]]) -> [KeyValuePair] {
        payloads.compactMap { try? KeyValuePair(protobuf: $0) }
    }
}

/// Bytes that are none of the things a capture can be.
struct CaptureError: Error, CustomStringConvertible {
    let attempts: [String]
    var description: String {
        "the bytes are not a dskit frame, a stream reply or a memberlist packet (\(attempts.joined(separator: "; ")))"
    }
    var hint: String {
        "save one direction of one connection as raw bytes (Wireshark: Follow TCP Stream, Show data as Raw, "
            + "one direction); add --hex for a text dump; add --key-file if the cluster encrypts gossip"
    }
}
