import ArgumentParser
import DskitKV
import Foundation
import Inspection
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
            and, failing those, the dskit KV bytes people save: a KV value as /memberlist?downloadKey=KEY or \
            `ringctl kv get KEY --raw` saves it (a ring: snappy protobuf ring.Desc; a partition ring: \
            PartitionRingDesc; propagation beacons), or a \
            KV full state (the push/pull user state: [u32 length][KeyValuePair]...). Every layer is shown: \
            label, encryption, compression, CRC, each memberlist message with its fields, each KV pair with \
            its decoded value (rings instance by instance, partition rings partition by partition and owner by \
            owner, propagation beacons). For a ring or partition ring value, `ringctl \
            ring --from-file FILE` gives the ring report (health, ownership, warnings); `decode -o json` \
            carries that report too, under "report". When nothing fits, each attempt's reason is one line.

            JSON: a tree of {kind, fields, children}; field values are JSON values (numbers, booleans, null \
            for "none", strings without the quotes the text shows).

            Examples:
              ringctl decode capture.bin
              ringctl decode --hex dump.txt            (xxd, xxd -p or tcpdump -X text)
              ringctl decode -o json capture.bin | \\
                jq '.. | .fields? | select(.key == "ring")'
              ringctl decode ring.bin            # a /memberlist?downloadKey=... download
              ringctl decode --cluster-label prod capture.bin   # fails if it differs
              ringctl decode --secret-key-file gossip.key udp-packet.bin
              ringctl decode --extract ring capture.bin | ringctl ring --from-file -

            Exit status: 0 decoded; 64 usage or unreadable file; 76 the bytes are not memberlist/dskit, or the \
            label or key does not match; 78 a key file is unusable.
            """
    )

    @Argument(help: ArgumentHelp("Captured bytes; - reads standard input.", valueName: "file"))
    var file: String

    @Flag(help: "FILE is a hex dump (xxd, xxd -p, tcpdump -X), not raw bytes.")
    var hex = false

    @Option(name: .customLong("as"), help: "What the bytes are: auto, dskit (01/02 marker), reply (listener side of a stream), packet (memberlist UDP), value (a KV value, e.g. a /memberlist download) or state (a KV full state).")
    var kind: CaptureKind = .auto

    // The cluster commands' spellings (--cluster-label, --secret-key-file); decode's first ones, --label and
    // --key-file, stay accepted, hidden, since README and scripts used them.
    @Option(
        name: [.customLong("cluster-label"), .customLong("memberlist.cluster-label", withSingleDash: true)],
        help: ArgumentHelp("Require this cluster label (\"\" for none). Default: accept any and show it.", valueName: "label"))
    var clusterLabel: String?

    @Option(name: .customLong("label"), help: .private)
    var legacyLabel: String?

    @Option(name: .customLong("secret-key-file"), help: ArgumentHelp(
        "A gossip secret key (16, 24 or 32 raw bytes, or base64), to decrypt; repeatable for a keyring.",
        valueName: "file"))
    var secretKeyFiles: [String] = []

    @Option(name: .customLong("key-file"), help: .private)
    var legacyKeyFiles: [String] = []

    /// The label to require, by either spelling (validate refuses both at once).
    var label: String? { clusterLabel ?? legacyLabel }
    /// Every key file, by either spelling.
    var keyFiles: [String] { secretKeyFiles + legacyKeyFiles }

    @Option(help: ArgumentHelp("Write the raw value of this KV key to stdout instead (e.g. for ring --from-file -).",
                               valueName: "key"))
    var extract: String?

    @Option(
        name: [.short, .customLong("output")], help: "Output format: text or json.",
        completion: OutputFormat.completion(OutputFormat.layers))
    var output: OutputFormat = .text

    func validate() throws {
        try output.check(OutputFormat.layers, command: "decode")
        if clusterLabel != nil, legacyLabel != nil {
            throw ValidationError("--cluster-label and --label are the same option: give it once.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            var bytes = try InputFile.read(file)
            if hex { bytes = try InputFile.decodeHex(bytes, path: file) }
            let keyring = try KeyFiles.keyring(keyFiles)
            let decoded = try CaptureDecoder(expectedLabel: label, keyring: keyring).decode(bytes, as: kind, path: file)

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
            var items = decoded.items
            if decoded.isRingValue, !items.isEmpty {
                switch decoded.pairs.first?.decodedValue() {
                case .ring(let ring):
                    var report = try RingReport(ring: ring, now: Date())
                    report.suggestAt()
                    items[0].report = report
                case .partitionRing(let ring):
                    items[0].partitionRingReport = PartitionRingReport(key: "", ring: ring, now: Date())
                default:
                    break
                }
            }
            switch output {
            case .json: print(try JSONOutput.render(items))
            default: print(items.flatMap { $0.lines() }.joined(separator: "\n"))
            }
            if decoded.isRingValue {
                let name = file == "-" ? "-" : file
                let what = decoded.pairs.first?.codec == .partitionRingDesc
                    ? "a dskit partition ring value (snappy protobuf PartitionRingDesc"
                    : "a dskit ring value (snappy protobuf ring.Desc"
                FileHandle.standardError.write(Data((
                    "ringctl: note: this is \(what), what /memberlist?downloadKey= "
                        + "saves); for its health, ownership and warnings: ringctl ring --from-file \(name)\n").utf8))
            }
            return .ok
        }
    }
}

enum CaptureKind: String, ExpressibleByArgument, CaseIterable {
    case auto, dskit, reply, packet, value, state
}

/// What a capture held: the tree to show, and the KV pairs found in it.
struct DecodedCapture {
    var items: [DecodedItem]
    var pairs: [KeyValuePair]
    /// The bytes were one ring or partition ring value (not a capture): `pairs` holds it, under no key.
    var isRingValue = false
}

/// Tries the ways a capture can be read, in the order the first byte suggests.
struct CaptureDecoder {
    let expectedLabel: String?
    let keyring: Keyring?

    func decode(_ bytes: [UInt8], as kind: CaptureKind, path: String = "-") throws -> DecodedCapture {
        switch kind {
        case .dskit: return try dskit(bytes)
        case .reply: return try reply(bytes)
        case .packet:
            do { return try packet(bytes) } catch let error as NotMemberlist {
                throw CaptureError(path: path, size: bytes.count, attempts: [
                    .init(what: "a memberlist UDP packet", reason: error.description),
                ])
            }
        case .value:
            do { return try value(bytes) } catch {
                throw CaptureError(path: path, size: bytes.count, attempts: [.init(what: Self.valueForm, reason: "\(error)")])
            }
        case .state:
            do { return try state(bytes) } catch {
                throw CaptureError(path: path, size: bytes.count, attempts: [.init(what: Self.stateForm, reason: "\(error)")])
            }
        case .auto:
            if let first = bytes.first, first == 1 || first == 2 { return try dskit(bytes) }
            // Each attempt's own reason, one line each: the capture forms first, then the KV bytes people save.
            var attempts: [CaptureError.Attempt] = []
            let forms: [(String, ([UInt8]) throws -> DecodedCapture)] = [
                ("a dskit stream reply (listening side)", reply),
                ("a memberlist UDP packet", packet),
                // The full state first: its length prefixes must add up exactly, a strong check, while a snappy
                // block announcing 0 bytes (00 00 ...) would otherwise pass as an empty ring.
                (Self.stateForm, state),
                (Self.valueForm, value),
            ]
            for (what, decode) in forms {
                do { return try decode(bytes) } catch { attempts.append(.init(what: what, reason: "\(error)")) }
            }
            throw CaptureError(path: path, size: bytes.count, attempts: attempts)
        }
    }

    static let stateForm = "a KV full state ([u32 length][KeyValuePair]...)"
    static let valueForm = "a KV value (ringDesc: snappy protobuf ring.Desc, partitionRingDesc, or propagation beacons)"

    /// A KV value saved on its own (/memberlist?downloadKey=KEY, `kv get KEY --raw`): which codec is told by
    /// trying them, ring first, then partition ring, then beacons (a value does not carry its codec id; the KV pair
    /// around it did). Each shares protobuf field 1 with the others, but with other wire types, so bytes of one
    /// fail as another, except for values that hold nothing: those only count as the ring they first decode as.
    private func value(_ bytes: [UInt8]) throws -> DecodedCapture {
        let ringError: DskitKVError
        do throws(DskitKVError) {
            let ring = try RingDescription(codecValue: bytes)
            // An empty ring is the one byte 00 (snappy of nothing); more bytes and no instance is something else.
            guard !ring.instances.isEmpty || bytes.count == 1 else {
                throw DskitKVError.empty(what: "ring.Desc (no instance in \(bytes.count) bytes)")
            }
            let pair = KeyValuePair(key: "", value: bytes, codec: .ringDesc)
            let (summary, children) = DecodedItems.kvValue(.ring(ring))
            let item = DecodedItem("kv-value", [
                ("codec", .string(CodecID.ringDesc.rawValue)), ("value-bytes", .int(bytes.count)), ("value", summary),
            ], children: children)
            return DecodedCapture(items: [item], pairs: [pair], isRingValue: true)
        } catch {
            ringError = error
        }
        if let ring = try? PartitionRingDescription(codecValue: bytes), !ring.isEmpty {
            let pair = KeyValuePair(key: "", value: bytes, codec: .partitionRingDesc)
            let (summary, children) = DecodedItems.kvValue(.partitionRing(ring))
            let item = DecodedItem("kv-value", [
                ("codec", .string(CodecID.partitionRingDesc.rawValue)), ("value-bytes", .int(bytes.count)),
                ("value", summary),
            ], children: children)
            return DecodedCapture(items: [item], pairs: [pair], isRingValue: true)
        }
        if let beacons = try? PropagationBeacons(codecValue: bytes), !beacons.beacons.isEmpty {
            let (summary, children) = DecodedItems.kvValue(.propagationBeacons(beacons))
            let item = DecodedItem("kv-value", [
                ("codec", .string(CodecID.propagationDelayTracker.rawValue)), ("value-bytes", .int(bytes.count)),
                ("value", summary),
            ], children: children)
            return DecodedCapture(items: [item], pairs: [])
        }
        throw ringError
    }

    /// A KV full state (what a dskit node puts in its push/pull user state), decoded whole or refused.
    private func state(_ bytes: [UInt8]) throws -> DecodedCapture {
        let state = try KVState(fullState: bytes)
        guard !state.pairs.isEmpty else { throw DskitKVError.empty(what: "KV full state") }
        return DecodedCapture(items: [DecodedItems.kvState(bytes)], pairs: state.pairs)
    }

    private func dskit(_ bytes: [UInt8]) throws -> DecodedCapture {
        if bytes.first == 1 {
            // Check the MD5 separately so a mismatch is shown, not just refused (dskit itself only logs it).
            let digestOK = (try? DskitPacket.decode(bytes, verifyDigest: true)) != nil
            let raw = try DskitPacket.decode(bytes, verifyDigest: false)
            let envelope = try raw.envelope(expectedLabel: expectedLabel, keyring: keyring)
            let frame = DecodedItem("dskit packet", [
                ("from", .string(raw.senderAddress)), ("payload-bytes", .int(raw.payload.count)),
                ("md5", .string(digestOK ? "ok" : "MISMATCH (dskit logs this and still delivers the packet)")),
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
        if case .unknown(let type, _) = envelope.message { throw NotMemberlist(type: "\(type)") }
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

/// A whole packet of an unknown message type: not memberlist at all.
struct NotMemberlist: Error, CustomStringConvertible {
    let type: String
    var description: String { "message type \(type) is not a memberlist message" }
}

/// Bytes that are none of the things a capture can be.
struct CaptureError: Error, CustomStringConvertible {
    /// One way of reading the bytes that failed, and why.
    struct Attempt {
        let what: String
        let reason: String
    }

    let path: String
    let size: Int
    let attempts: [Attempt]

    var description: String {
        "\(path == "-" ? "standard input" : path) (\(Plural.count(size, "byte"))) is not a dskit frame, a stream "
            + "reply, a memberlist packet or dskit KV bytes:"
            + attempts.map { "\n  as \($0.what): \($0.reason)" }.joined()
    }
}
