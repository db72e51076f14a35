import Foundation
import Testing
import TestSupport

/// `ringctl decode` on bytes real dskit nodes wrote to each other (Tests/DskitKVTests/Fixtures/dskit-captures).
@Suite("ringctl decode (the binary)")
struct DecodeCommandTests {
    static func capture(_ name: String) -> String {
        RingCommandTests.root.appendingPathComponent("Tests/DskitKVTests/Fixtures/dskit-captures/\(name)").path
    }

    @Test("a dskit packet: sender, MD5, CRC, the compound's alive messages and KV broadcasts with their rings")
    func packet() throws {
        let result = try RingctlBinary.run(["decode", Self.capture("packet-compound-alive-kv.c2s.bin")])
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
    func stream() throws {
        let dialer = try RingctlBinary.run(["decode", Self.capture("pushpull-periodic-label.c2s.bin")])
        #expect(dialer.status == 0)
        #expect(dialer.stdout.contains("label=\"realcluster\""))
        #expect(dialer.stdout.contains("push-pull join=false nodes=3 user-state-bytes=2088"))
        #expect(dialer.stdout.contains("ring of 3 instances"))

        let reply = try RingctlBinary.run(["decode", Self.capture("pushpull-join-nolabel.s2c.bin")])
        #expect(reply.status == 0)
        #expect(reply.stdout.hasPrefix("stream reply (listening side)"))
        #expect(reply.stdout.contains("push-pull join=true nodes=3"))
    }

    @Test("json: a tree of kinds, fields and children")
    func json() throws {
        let result = try RingctlBinary.run(["decode", "-o", "json", Self.capture("packet-ack.c2s.bin")])
        #expect(result.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let frame = try #require(items.first)
        #expect(frame["kind"] as? String == "dskit packet")
        #expect((frame["fields"] as? [String: String])?["md5"] == "ok")
        let packet = try #require((frame["children"] as? [[String: Any]])?.first)
        let ack = try #require((packet["children"] as? [[String: Any]])?.first)
        #expect(ack["kind"] as? String == "ack")
        #expect((ack["fields"] as? [String: String])?["seq"] == "1")
    }

    @Test("--hex reads an xxd dump; --extract pipes a KV value into ring --from-file")
    func hexAndExtract() throws {
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
        let fromHex = try RingctlBinary.run(["decode", "--hex", "-"], input: Data(xxd.utf8))
        let fromBinary = try RingctlBinary.run(["decode", Self.capture("packet-ack.c2s.bin")])
        #expect(fromHex.status == 0, "stderr: \(fromHex.stderr)")
        #expect(fromHex.stdout == fromBinary.stdout)
        #expect(fromHex.stdout.contains("ack seq=1"))
        let notHex = try RingctlBinary.run(["decode", "--hex", "-"], input: Data("zz 01\n".utf8))
        #expect(notHex.status == 64)

        let extracted = try RingctlBinary.run(["decode", "--extract", "ring", Self.capture("pushpull-join-nolabel.c2s.bin")])
        #expect(extracted.status == 0)
        let ring = try RingctlBinary.run(["ring", "--from-file", "-", "-o", "json"], input: extracted.stdoutData)
        #expect(ring.status == 0, "stderr: \(ring.stderr)")
        #expect(ring.stdout.contains("\"peer-2\""))

        let missingKey = try RingctlBinary.run(["decode", "--extract", "nope", Self.capture("pushpull-join-nolabel.c2s.bin")])
        #expect(missingKey.status == 64)
        #expect(missingKey.stderr.contains("it holds: ring"))
    }

    @Test("a wrong label, a wrong MD5 and garbage each get a clear verdict")
    func badInput() throws {
        let wrongLabel = try RingctlBinary.run(["decode", "--label", "other", Self.capture("pushpull-periodic-label.c2s.bin")])
        #expect(wrongLabel.status == 76)
        #expect(wrongLabel.stderr.contains("realcluster"))
        #expect(wrongLabel.stderr.contains("hint:"))

        var packet = Array(try Data(contentsOf: URL(fileURLWithPath: Self.capture("packet-ack.c2s.bin"))))
        packet[packet.count - 1] ^= 0xff
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ringctl-md5-\(UUID().uuidString)")
        try Data(packet).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let badDigest = try RingctlBinary.run(["decode", file.path])
        #expect(badDigest.status == 0)
        #expect(badDigest.stdout.contains("md5=MISMATCH"))

        let garbage = try RingctlBinary.run(["decode", "-"], input: Data("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(garbage.status == 76)
        #expect(garbage.stderr.contains("not a dskit frame"))
    }
}
