import Foundation
import MemberlistWire
import Testing
import TestSupport

/// `ringctl decode` on bytes real dskit nodes wrote to each other (Tests/DskitKVTests/Fixtures/dskit-captures).
@Suite("ringctl decode (the binary)")
struct DecodeCommandTests {
    static func capture(_ name: String) -> String {
        RingCommandTests.root.appendingPathComponent("Tests/DskitKVTests/Fixtures/dskit-captures/\(name)").path
    }

    @Test("a dskit packet: sender, MD5, CRC, the compound's alive messages and KV broadcasts with their rings")
    func packet() async throws {
        let result = try await RingctlBinary.run(["decode", Self.capture("packet-compound-alive-kv.c2s.bin")])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("dskit packet from=127.0.0.1:17946"))
        #expect(result.stdout.contains("md5=ok"))
        #expect(result.stdout.contains("crc32=ok"))
        #expect(result.stdout.contains("compound parts=6"))
        #expect(result.stdout.components(separatedBy: "\n").filter { $0.contains("alive node=") }.count == 3)
        #expect(result.stdout.components(separatedBy: "kv-pair key=\"ring\" codec=ringDesc").count - 1 == 3)
        #expect(result.stdout.contains("instance id=\"peer-1\" state=ACTIVE address=127.0.0.1:18047 zone=zone-b tokens=128"))
    }

    @Test("a labelled dskit stream and its reply: label, push/pull header, node states, the KV full state")
    func stream() async throws {
        let dialer = try await RingctlBinary.run(["decode", Self.capture("pushpull-periodic-label.c2s.bin")])
        #expect(dialer.status == 0)
        #expect(dialer.stdout.contains("label=\"realcluster\""))
        #expect(dialer.stdout.contains("push-pull join=false nodes=3 user-state-bytes=2088"))
        #expect(dialer.stdout.contains("ring of 3 instances"))

        let reply = try await RingctlBinary.run(["decode", Self.capture("pushpull-join-nolabel.s2c.bin")])
        #expect(reply.status == 0)
        #expect(reply.stdout.hasPrefix("stream reply (listening side)"))
        #expect(reply.stdout.contains("push-pull join=true nodes=3"))
    }

    @Test("json: a tree of kinds, fields and children")
    func json() async throws {
        let result = try await RingctlBinary.run(["decode", "-o", "json", Self.capture("packet-ack.c2s.bin")])
        #expect(result.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let frame = try #require(items.first)
        #expect(frame["kind"] as? String == "dskit packet")
        #expect((frame["fields"] as? [String: Any])?["md5"] as? String == "ok")
        let packet = try #require((frame["children"] as? [[String: Any]])?.first)
        #expect((packet["fields"] as? [String: Any])?["label"] is NSNull)  // "none" in the text
        let ack = try #require((packet["children"] as? [[String: Any]])?.first)
        #expect(ack["kind"] as? String == "ack")
        #expect((ack["fields"] as? [String: Any])?["seq"] as? Int == 1)
    }

    /// Every `fields` object in a decode -o json tree, depth first.
    static func allFields(_ items: [[String: Any]]) -> [[String: Any]] {
        items.flatMap { item in
            [item["fields"] as? [String: Any] ?? [:]] + allFields(item["children"] as? [[String: Any]] ?? [])
        }
    }

    @Test("json: field values are JSON values (numbers, booleans, null, unquoted strings), not strings holding them")
    func jsonValues() async throws {
        let result = try await RingctlBinary.run(["decode", "-o", "json", Self.capture("pushpull-periodic-label.c2s.bin")])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let fields = Self.allFields(items)
        let pair = try #require(fields.first { $0["codec"] as? String == "ringDesc" })
        #expect(pair["key"] as? String == "ring")  // the text shows key="ring"; JSON has no quotes inside
        #expect(pair["deleted"] as? Bool == false)
        #expect(pair["value-bytes"] as? Int ?? 0 > 0)
        let stream = try #require(fields.first { $0["label"] != nil })
        #expect(stream["label"] as? String == "realcluster")
        let pushPull = try #require(fields.first { $0["join"] != nil })
        #expect(pushPull["join"] as? Bool == false)
        #expect(pushPull["nodes"] as? Int == 3)
        let node = try #require(fields.first { $0["incarnation"] != nil && $0["vsn"] != nil })
        #expect(node["incarnation"] as? Int != nil)
        #expect((node["vsn"] as? [Int])?.count == 6)
        let instance = try #require(fields.first { $0["tokens"] != nil })
        #expect(instance["tokens"] as? Int == 128)
        #expect(instance["read-only"] as? Bool == false)
        // No string anywhere holds JSON-ish quoting.
        #expect(!result.stdout.contains("\\\""))
    }

    @Test("a ring value as /memberlist?downloadKey= saves it: decoded, pointing to ring --from-file; JSON carries the report")
    func ringValue() async throws {
        let value = try RingCommandTests.realRingValue()
        let path = try RingCommandTests.write(value)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(["decode", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("kv-value codec=ringDesc value-bytes=\(value.count) value=ring of 3 instances\n"))
        #expect(result.stdout.contains("  instance id=\"peer-2\" state=ACTIVE address=127.0.0.1:18048 zone=zone-c tokens=128"))
        #expect(result.stderr.contains("ringctl ring --from-file \(path)"))

        let json = try await RingctlBinary.run(["decode", "-o", "json", "-"], input: Data(value))
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let report = try #require(items.first?["report"] as? [String: Any])
        #expect((report["instances"] as? [[String: Any]])?.map { $0["id"] as? String } == ["peer-0", "peer-1", "peer-2"])
        #expect(report["check_passed"] is Bool)

        // --as value says so outright; --extract on it is not needed, the value is the file.
        let forced = try await RingctlBinary.run(["decode", "--as", "value", path])
        #expect(forced.stdout == result.stdout)
    }

    @Test("a KV full state (the push/pull user state) decodes pair by pair, and --extract takes a key from it")
    func fullState() async throws {
        let capture = try Data(contentsOf: URL(fileURLWithPath: Self.capture("pushpull-join-nolabel.c2s.bin")))
        let frame = try DskitFrame.decode(Array(capture))
        let state = try #require(frame.pushPullUserState)
        let path = try RingCommandTests.write(state)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await RingctlBinary.run(["decode", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("kv-full-state keys=1 bytes=\(state.count)\n"))
        #expect(result.stdout.contains("  kv-pair key=\"ring\" codec=ringDesc"))
        let extracted = try await RingctlBinary.run(["decode", "--extract", "ring", path])
        #expect(Array(extracted.stdoutData) == (try RingCommandTests.realRingValue()))
    }

    @Test("bytes that are nothing: one line per attempt with its own reason, nothing repeated")
    func attemptsOnePerLine() async throws {
        let garbage = try await RingctlBinary.run(["decode", "-"], input: Data("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(garbage.status == 76)
        let lines = garbage.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "ringctl: standard input (18 bytes) is not a dskit frame, a stream reply, a memberlist "
            + "packet or dskit KV bytes:", "\(garbage.stderr)")
        let attempts = lines.filter { $0.hasPrefix("  as ") }
        #expect(attempts.count == 4, "\(garbage.stderr)")
        #expect(attempts.allSatisfy { !$0.contains(" as ") || $0.components(separatedBy: " as ").count == 2 })
        #expect(garbage.stderr.components(separatedBy: "is not a dskit frame").count == 2)  // said once
        #expect(lines.last?.hasPrefix("  hint: ") == true)

        // Told what the bytes are, the one attempt is said the same way, with its hint.
        for kind in ["packet", "value", "state"] {
            let forced = try await RingctlBinary.run(["decode", "--as", kind, "-"], input: Data("GET / HTTP/1.1\r\n\r\n".utf8))
            #expect(forced.status == 76, "\(kind): \(forced.stderr)")
            #expect(forced.stderr.split(separator: "\n").filter { $0.hasPrefix("  as ") }.count == 1, "\(forced.stderr)")
            #expect(forced.stderr.contains("  hint: "))
        }
    }

    @Test("--hex reads an xxd dump; --extract pipes a KV value into ring --from-file")
    func hexAndExtract() async throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.capture("packet-ack.c2s.bin")))
        // xxd's layout: offset, 16 bytes in groups of two, two spaces, an ASCII column (here one that looks like
        // hex, which must not be read as bytes).
        var xxd = ""
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let line = Array(bytes[start..<min(start + 16, bytes.count)])
            let groups = stride(from: 0, to: line.count, by: 2).map { index in
                line[index..<min(index + 2, line.count)].map { String(format: "%02x", $0) }.joined()
            }
            xxd += String(format: "%08x: ", start) + groups.joined(separator: " ") + "  ab cd\n"
        }
        let fromHex = try await RingctlBinary.run(["decode", "--hex", "-"], input: Data(xxd.utf8))
        let fromBinary = try await RingctlBinary.run(["decode", Self.capture("packet-ack.c2s.bin")])
        #expect(fromHex.status == 0, "stderr: \(fromHex.stderr)")
        #expect(fromHex.stdout == fromBinary.stdout)
        #expect(fromHex.stdout.contains("ack seq=1"))
        let notHex = try await RingctlBinary.run(["decode", "--hex", "-"], input: Data("zz 01\n".utf8))
        #expect(notHex.status == 64)

        let extracted = try await RingctlBinary.run(["decode", "--extract", "ring", Self.capture("pushpull-join-nolabel.c2s.bin")])
        #expect(extracted.status == 0)
        let ring = try await RingctlBinary.run(["ring", "--from-file", "-", "-o", "json"], input: extracted.stdoutData)
        #expect(ring.status == 0, "stderr: \(ring.stderr)")
        #expect(ring.stdout.contains("\"peer-2\""))

        let missingKey = try await RingctlBinary.run(["decode", "--extract", "nope", Self.capture("pushpull-join-nolabel.c2s.bin")])
        #expect(missingKey.status == 64)
        #expect(missingKey.stderr.contains("it holds: ring"))
    }

    @Test("a wrong label, a wrong MD5 and garbage each get a clear verdict")
    func badInput() async throws {
        let wrongLabel = try await RingctlBinary.run(["decode", "--label", "other", Self.capture("pushpull-periodic-label.c2s.bin")])
        #expect(wrongLabel.status == 76)
        #expect(wrongLabel.stderr.contains("realcluster"))
        #expect(wrongLabel.stderr.contains("hint:"))

        var packet = Array(try Data(contentsOf: URL(fileURLWithPath: Self.capture("packet-ack.c2s.bin"))))
        packet[packet.count - 1] ^= 0xff
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-md5-\(UUID().uuidString)")
        try Data(packet).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let badDigest = try await RingctlBinary.run(["decode", file.path])
        #expect(badDigest.status == 0)
        #expect(badDigest.stdout.contains("md5=MISMATCH"))

        let garbage = try await RingctlBinary.run(["decode", "-"], input: Data("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(garbage.status == 76)
        #expect(garbage.stderr.contains("not a dskit frame"))
    }
}
