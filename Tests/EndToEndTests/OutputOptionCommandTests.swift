import Foundation
import Testing
import TestSupport

/// The one `-o/--output` option: every command refuses a format it does not print, the same way (exit 64), and
/// keeps the spellings it took; the JSON of the reports only the binary builds (`resolve`, `decode`) has exactly
/// README's keys; `decode` takes the cluster commands' option names and its old ones.
@Suite("-o/--output and option names (the binary)")
struct OutputOptionCommandTests {
    /// The keys of one address in `resolve -o json` (README).
    static let addressKeys: Set<String> = ["input", "mode", "query", "servers", "status", "answers", "endpoints", "error"]
    /// The keys of one SRV or A/AAAA answer in it.
    static let answerKeys: Set<String> = ["target", "port", "priority", "weight", "addresses", "endpoints", "dns_status"]

    /// Each command with arguments that would otherwise be valid, a format it does not print, and what it does.
    static let refused: [(arguments: [String], message: String)] = [
        (["members", "-j", "127.0.0.1:1", "-o", "plain"], "members does not print 'plain'; use table, wide or json"),
        (["kv", "-j", "127.0.0.1:1", "-o", "text"], "kv list does not print 'text'; use table, wide or json"),
        (["ring", "--from-file", "ring.bin", "-o", "plain"], "ring does not print 'plain'; use table, wide or json"),
        (["lag", "--heartbeat", "15s", "--from-file", "ring.bin", "--output", "text"],
         "lag does not print 'text'; use table, wide or json"),
        (["watch", "-j", "127.0.0.1:1", "-o", "wide"], "watch does not print 'wide'; use table or json"),
        (["resolve", "127.0.0.1:7946", "-o", "wide"], "resolve does not print 'wide'; use table, plain or json"),
        (["decode", "capture.bin", "-o", "table"], "decode does not print 'table'; use text or json"),
    ]

    @Test("a format the command does not print exits 64 naming the ones it does, before anything is done",
          arguments: refused.indices)
    func refusedFormat(index: Int) async throws {
        let (arguments, message) = Self.refused[index]
        let result = try await RingctlBinary.run(arguments)
        #expect(result.status == 64, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("ringctl: \(message)\n"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("  hint: see 'ringctl "))
        #expect(result.stdout.isEmpty)
    }

    @Test("a format no command prints is refused by the parser, also with 64")
    func unknownFormat() async throws {
        let result = try await RingctlBinary.run(["resolve", "127.0.0.1:7946", "-o", "yaml"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("ringctl: "))
    }

    @Test("resolve -o plain and -o json of an address without a prefix: used as given, every documented key")
    func resolveLiteral() async throws {
        let plain = try await RingctlBinary.run(["resolve", "-o", "plain", "127.0.0.1:7946"])
        #expect(plain.status == 0, "stderr: \(plain.stderr)")
        #expect(plain.stdout == "127.0.0.1:7946\n")

        let json = try await RingctlBinary.run(["resolve", "--output", "json", "127.0.0.1:7946"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let objects = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [[String: Any]])
        let object = try #require(objects.first)
        #expect(Set(object.keys) == Self.addressKeys)
        #expect(object["status"] as? String == "not_resolved")
        #expect(object["query"] is NSNull && object["error"] is NSNull)
        #expect(object["endpoints"] as? [String] == ["127.0.0.1:7946"])
    }

    @Test("decode -o json: every item is {kind, fields, children}; a ring value's first item adds its report")
    func decodeKeys() async throws {
        let result = try await RingctlBinary.run(["decode", "-o", "json", DecodeCommandTests.capture("pushpull-join-nolabel.c2s.bin")])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let items = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        func check(_ items: [[String: Any]]) {
            for item in items {
                #expect(Set(item.keys) == ["kind", "fields", "children"], "\(item["kind"] ?? "?")")
                check(item["children"] as? [[String: Any]] ?? [])
            }
        }
        check(items)
        #expect(!items.isEmpty)

        let value = try RingCommandTests.realRingValue()
        let ring = try await RingctlBinary.run(["decode", "-o", "json", "--as", "value", "-"], input: Data(value))
        #expect(ring.status == 0, "stderr: \(ring.stderr)")
        let ringItems = try #require(try JSONSerialization.jsonObject(with: ring.stdoutData) as? [[String: Any]])
        #expect(Set(try #require(ringItems.first).keys) == ["kind", "fields", "children", "report"])
    }

    @Test("decode --cluster-label and --secret-key-file, as the cluster commands spell them; --label and --key-file still work")
    func decodeNames() async throws {
        let capture = DecodeCommandTests.capture("pushpull-periodic-label.c2s.bin")
        for flag in ["--cluster-label", "--label", "-memberlist.cluster-label"] {
            let wrong = try await RingctlBinary.run(["decode", flag, "other", capture])
            #expect(wrong.status == 76, "\(flag): \(wrong.stderr)")
            #expect(wrong.stderr.contains("realcluster"), "\(flag)")
            let right = try await RingctlBinary.run(["decode", flag, "realcluster", capture])
            #expect(right.status == 0, "\(flag): \(right.stderr)")
        }
        let both = try await RingctlBinary.run(["decode", "--cluster-label", "a", "--label", "b", capture])
        #expect(both.status == 64)

        for flag in ["--secret-key-file", "--key-file"] {
            let missing = try await RingctlBinary.run(["decode", flag, "/nonexistent/gossip.key", capture])
            #expect(missing.status == 78, "\(flag): \(missing.stderr)")
            #expect(missing.stderr.contains("/nonexistent/gossip.key"), "\(flag)")
        }
        let help = try await RingctlBinary.run(["decode", "--help"])
        #expect(help.stdout.contains("--cluster-label") && help.stdout.contains("--secret-key-file"))
        #expect(!help.stdout.contains("--label ") && !help.stdout.contains("--key-file"))
    }
}
