import Inspection
import Memberlist
import MemberlistWire
import Testing
import TestSupport

/// A peek of real memberlist 0.2.2 peers that encrypt gossip (`SecretKey`), over the standard transport.
@Suite(
    "Peek with a keyring against real encrypted memberlist peers",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct KeyringPeekTests {
    static let clusterKey: [UInt8] = Array(101...116)
    static let otherKey: [UInt8] = Array(201...216)

    static func configuration(_ keys: [[UInt8]]?) throws -> PeekConfiguration {
        PeekConfiguration(
            transport: .memberlist, timeout: .seconds(5), keyring: try keys.map { try Keyring(keys: $0) },
            keyFiles: keys == nil ? [] : ["gossip.key"])
    }

    @Test("the cluster's key (primary, with an old key after it): both members, from an encrypted reply")
    func rightKey() async throws {
        try await withFixtures { fixtures in
            let first = try await fixtures.goPeer(name: "secret-1", ["--key", Hex.string(Self.clusterKey)])
            _ = try await fixtures.goPeer(
                name: "secret-2", ["--key", Hex.string(Self.clusterKey), "--join", "127.0.0.1:\(first.port)"])
            try await first.waitForStatus("secret-1 to see secret-2") { $0.member("secret-2")?.state == "alive" }

            let result = try await Peek.run(
                peer: "127.0.0.1:\(first.port)", configuration: Self.configuration([Self.clusterKey, Self.otherKey]))
            #expect(result.nodes.map(\.name).sorted() == ["secret-1", "secret-2"])
            // The peek left no trace: the peer still knows exactly its two.
            #expect(Set(try #require(first.status()).members.map(\.name)) == ["secret-1", "secret-2"])
        }
    }

    @Test("a wrong key: the peer's encrypted error reply opens with none of ours, naming the key files")
    func wrongKey() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "secret", ["--key", Hex.string(Self.clusterKey)])
            let address = "127.0.0.1:\(peer.port)"
            let error = await #expect(throws: MemberlistError.self) {
                try await Peek.run(peer: address, configuration: Self.configuration([Self.otherKey]))
            }
            #expect(error == .keyringMismatch(peer: address, keysTried: 1, keyFiles: ["gossip.key"]))
            #expect(error?.isProtocolMismatch == true)
        }
    }

    @Test("no key for an encrypted cluster, and a key for a plain one: each a protocol mismatch that says so")
    func keyMismatchBothWays() async throws {
        try await withFixtures { fixtures in
            let encrypted = try await fixtures.goPeer(name: "secret", ["--key", Hex.string(Self.clusterKey)])
            let plain = try await fixtures.goPeer(name: "plain")

            let noKey = await #expect(throws: MemberlistError.self) {
                try await Peek.run(peer: "127.0.0.1:\(encrypted.port)", configuration: Self.configuration(nil))
            }
            guard case .undecodableReply(_, .keyringRequired) = noKey else {
                Issue.record("expected keyringRequired, got \(String(describing: noKey))")
                return
            }
            let extraKey = await #expect(throws: MemberlistError.self) {
                try await Peek.run(peer: "127.0.0.1:\(plain.port)", configuration: Self.configuration([Self.clusterKey]))
            }
            guard case .undecodableReply(_, .unexpectedMessageType(let type, _, _)) = extraKey else {
                Issue.record("expected an unencrypted reply, got \(String(describing: extraKey))")
                return
            }
            #expect(type == .error)
        }
    }
}
