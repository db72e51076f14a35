import Foundation
import Inspection
import Memberlist
import MemberlistWire
import Testing
import TestSupport

/// The transient join against three real hashicorp/memberlist 0.2.2 peers over the standard transport (UDP
/// packets, TCP streams): the peers see ringctl alive, never suspect it, and after the leave show it as left.
@Suite(
    "Observer against real memberlist peers",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct ObserverInteropTests {
    static let keyHex = "000102030405060708090a0b0c0d0e0f"
    static var key: [UInt8] {
        stride(from: 0, to: keyHex.count, by: 2).map {
            let start = keyHex.index(keyHex.startIndex, offsetBy: $0)
            return UInt8(keyHex[start..<keyHex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    /// Three peers that probe every second (an observer that did not answer would be suspected within seconds),
    /// logging to stderr. Not faster: a probe fails when its ack is later than the interval (memberlist's ack
    /// handler expires then, whatever the probe timeout), and an observer that answers but waits for a core
    /// (tests in parallel on a loaded machine) must not be taken for one that does not.
    static func cluster(in fixtures: Fixtures, key: Bool) async throws -> [GoPeer] {
        let common = ["--probe-interval", "1s", "--probe-timeout", "900ms", "--verbose"] + (key ? ["--key", keyHex] : [])
        let first = try await fixtures.goPeer(name: "node-1", common)
        let second = try await fixtures.goPeer(name: "node-2", common + ["--join", "127.0.0.1:\(first.port)"])
        let third = try await fixtures.goPeer(name: "node-3", common + ["--join", "127.0.0.1:\(first.port)"])
        return [first, second, third]
    }

    static func waitForMesh(_ peers: [GoPeer]) async throws {
        try await eventually("every peer to see the other two alive", deadline: .seconds(20)) {
            peers.allSatisfy { peer in
                ["node-1", "node-2", "node-3"].allSatisfy { peer.status()?.member($0)?.state == "alive" }
            }
        }
    }

    /// Lines of a peer's memberlist log that accuse `name`.
    static func accusations(of name: String, in log: String) -> [Substring] {
        log.split(separator: "\n").filter {
            $0.contains(name) && ($0.contains("Suspect") || $0.contains("failed") || $0.contains("Failed"))
        }
    }

    static func observe(_ peers: [GoPeer], keyring: Keyring?) async throws -> (String, ObserverOutcome<[String]>) {
        let name = ObserverConfiguration.defaultNodeName()
        let configuration = ObserverConfiguration(
            transport: .memberlist, keyring: keyring, nodeName: name, bindHost: "127.0.0.1", timeout: .seconds(5))
        let request = ObserveRequest(seeds: Seeds(["127.0.0.1:\(peers[0].port)"]), configuration: configuration)
        let outcome = try await Observation.run(request) { session, joined in
            #expect(joined.peer == "127.0.0.1:\(peers[0].port)")
            try await GoPeer.waitForAll(peers, toList: name)
            // Stay joined until every peer has probed us (and had our ack) three times: an observer that did not
            // answer would be suspected meanwhile.
            try await eventually("every peer to have probed \(name) three times", deadline: .seconds(30)) {
                peers.allSatisfy { ($0.status()?.probesAcked?[name] ?? 0) >= 3 }
            }
            let snapshot = await session.snapshot()
            #expect(snapshot.members.map(\.name) == ["node-1", "node-2", "node-3"])
            #expect(snapshot.members.allSatisfy { $0.state == .alive })
            #expect(snapshot.local?.incarnation == 1, "nobody accused us, so we never refuted")
            // The logs up to the leave: a probe in flight while we leave may fail after this, harmlessly.
            return peers.map(\.stderr)
        }
        return (name, outcome)
    }

    static func expectLeft(_ name: String, in peers: [GoPeer], keyring: Keyring?) async throws {
        for peer in peers {
            // A read-only peek (with the keyring when the cluster encrypts): a verifier that joined would put a node
            // of its own into the cluster, and one peer may still list an earlier verifier alive.
            var configuration = PeekConfiguration(transport: .memberlist, timeout: .seconds(5))
            configuration.keyring = keyring
            let nodes = try await Peek.run(peer: "127.0.0.1:\(peer.port)", configuration: configuration).nodes
            let observer = try #require(nodes.first { $0.name == name }, "\(peer.name) forgot \(name)")
            #expect(observer.state == .left, "\(peer.name) shows \(name) as \(observer.state), not left")
        }
    }

    @Test("transient join: every peer lists ringctl alive, nobody suspects it, and after the leave it is left")
    func transientJoin() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures, key: false)
            try await Self.waitForMesh(peers)
            let (name, outcome) = try await Self.observe(peers, keyring: nil)
            for (peer, log) in zip(peers, outcome.value) {
                #expect(Self.accusations(of: name, in: log).isEmpty, "\(peer.name) accused \(name): \(log)")
                #expect(log.contains("[DEBUG] memberlist:"), "\(peer.name) logged nothing: is --verbose on?")
            }
            #expect(Set(outcome.leave.sentTo) == Set(peers.map { "127.0.0.1:\($0.port)" }))
            #expect(outcome.leave.failures.isEmpty)
            try await Self.expectLeft(name, in: peers, keyring: nil)
        }
    }

    @Test("transient join with a keyring: encrypted packets and streams, then left")
    func transientJoinEncrypted() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures, key: true)
            try await Self.waitForMesh(peers)
            let keyring = try Keyring(key: Self.key)
            let (name, outcome) = try await Self.observe(peers, keyring: keyring)
            for (peer, log) in zip(peers, outcome.value) {
                #expect(Self.accusations(of: name, in: log).isEmpty, "\(peer.name) accused \(name): \(log)")
            }
            #expect(outcome.leave.sentTo.count == 3)
            try await Self.expectLeft(name, in: peers, keyring: keyring)
        }
    }

    @Test("a peek leaves no trace: after a peek and a transient join, the peers know only the join's node")
    func peekLeavesNoTrace() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures, key: false)
            try await Self.waitForMesh(peers)
            for peer in peers {
                _ = try await Peek.run(
                    peer: "127.0.0.1:\(peer.port)", configuration: PeekConfiguration(transport: .memberlist))
            }
            // The join comes after the peeks: once every peer lists the observer, any ghost of a peek would be there.
            let (name, _) = try await Self.observe(peers, keyring: nil)
            for peer in peers {
                let names = Set(peer.status()?.members.map(\.name) ?? [])
                #expect(names == ["node-1", "node-2", "node-3", name], "\(peer.name) knows \(names)")
            }
        }
    }

    @Test("a wrong key: the join fails as undecodable and no peer learns of us")
    func wrongKey() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures, key: true)
            try await Self.waitForMesh(peers)
            let configuration = ObserverConfiguration(
                transport: .memberlist, keyring: try Keyring(key: Array(repeating: 7, count: 16)),
                nodeName: "ringctl-wrong-key", bindHost: "127.0.0.1", timeout: .seconds(2))
            let request = ObserveRequest(seeds: Seeds(["127.0.0.1:\(peers[0].port)"]), configuration: configuration)
            let error = await #expect(throws: InspectionError.self) {
                try await Observation.run(request) { _, _ in }
            }
            guard case .noSeedAnswered(let failures) = error else {
                Issue.record("expected noSeedAnswered, got \(String(describing: error))")
                return
            }
            #expect(failures.count == 1)
            #expect(peers.allSatisfy { $0.status()?.member("ringctl-wrong-key") == nil })
        }
    }
}
