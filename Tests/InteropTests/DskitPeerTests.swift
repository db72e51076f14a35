import DskitKV
import Foundation
import Inspection
import Memberlist
import MemberlistWire
import Testing
import TestSupport

/// ringctl's library against real dskit-shaped Go peers (mlpeer serve --transport dskit): dskit's TCP-only
/// framing, a cluster label, dskit node meta and a KV store holding a ring that the peers heartbeat and merge.
@Suite(
    "ringctl reads dskit-shaped Go peers",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct DskitPeerTests {
    static let label = "ringctl-interop"

    static func configuration(label: String = Self.label) -> PeekConfiguration {
        PeekConfiguration(transport: .dskit, clusterLabel: label, timeout: .seconds(5))
    }

    /// Three peers in zones a/b/c joined into one labelled cluster, each seeing all three members alive and all
    /// three ring instances. `extra` holds more flags per peer.
    static func cluster(in fixtures: Fixtures, _ extra: [[String]] = [[], [], []]) async throws -> [GoPeer] {
        try await fixtures.dskitCluster(label: label, extra)
    }

    @Test("Peek with the cluster label over the dskit transport: 3 members alive, role and zone from dskit meta")
    func members() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)

            let peek = try await Seeds([peers[1].address]).peek(Self.configuration())
            let report = MembersReport(peek, transport: .dskit)
            #expect(report.members.map(\.name) == ["peer-a", "peer-b", "peer-c"])
            #expect(report.members.allSatisfy { $0.state == .alive })
            #expect(report.members.map(\.role) == ["member", "member", "member"])
            #expect(report.members.map(\.zone) == ["zone-a", "zone-b", "zone-c"])
            #expect(report.members.map(\.address) == peers.map(\.address))
        }
    }

    @Test("the KV state decodes and the ring holds exactly the instances, tokens, states and heartbeats the peers report")
    func ring() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures, [[], ["--read-only"], ["--state", "LEAVING", "--tokens", "64"]])
            let seed = peers[0]
            // Every peer's own instance is the truth for tokens, state, zone and registration; the seed's view of the
            // heartbeats is what the peek returns (before ≤ decoded ≤ eventually reported).
            let truths = try peers.map { peer in
                try #require(peer.status()?.ring?.instance(peer.name), "\(peer.name) reports its own instance")
            }
            let before = try #require(seed.status()?.ring)

            let peek = try await Seeds([seed.address]).peek(Self.configuration())
            let keys = KVKeysReport(peek)
            #expect(keys.decodeError == nil)
            #expect(keys.keys.map(\.key) == ["ring"])
            #expect(keys.keys.map(\.codec) == ["ringDesc"])

            let state = try KVState(fullState: peek.userState)
            let pair = try #require(state["ring"])
            let ring = try RingDescription(pair: pair)
            #expect(ring.instances.map(\.id) == ["peer-a", "peer-b", "peer-c"])
            for (instance, truth) in zip(ring.instances, truths) {
                #expect(instance.id == truth.id)
                #expect(instance.address == truth.addr)
                #expect(instance.zone == truth.zone)
                #expect(instance.state.name == truth.state)
                #expect(instance.tokens == truth.tokens)
                #expect(instance.registeredTimestamp == truth.registeredTimestamp)
                #expect(instance.readOnly == truth.readOnly)
                #expect(instance.readOnlyUpdatedTimestamp == truth.readOnlyUpdatedTimestamp)
                let earlier = try #require(before.instance(instance.id)).heartbeatTimestamp
                #expect(instance.heartbeatTimestamp >= earlier)
            }
            #expect(ring.instances.map(\.state) == [.active, .active, .leaving])
            #expect(ring.instances.map(\.tokens.count) == [128, 128, 64])
            #expect(ring.instances.map(\.readOnly) == [false, true, false])
            let decoded = Dictionary(uniqueKeysWithValues: ring.instances.map { ($0.id, $0.heartbeatTimestamp) })
            try await seed.waitForStatus("the seed's status to reach the heartbeats the peek decoded") { status in
                decoded.allSatisfy { id, heartbeat in (status.ring?.instance(id)?.heartbeatTimestamp ?? 0) >= heartbeat }
            }

            // Each zone holds one instance, so each owns its whole zone circle.
            let report = try RingReport(key: pair.key, ring: ring, now: Date())
            #expect(report.instances.map(\.id) == ["peer-a", "peer-b", "peer-c"])
            #expect(report.instances.map(\.tokens) == [128, 128, 64])
            #expect(report.instances.map(\.state) == ["ACTIVE", "ACTIVE", "LEAVING"])
            for instance in report.instances {
                #expect(abs(instance.ownershipPercent - 100) < 0.001, "\(instance.id) owns \(instance.ownershipPercent)%")
            }
            #expect(report.zones.map(\.zone) == ["zone-a", "zone-b", "zone-c"])
        }
    }

    @Test("a wrong or missing label: the peer closes without replying, and the error names the label we sent")
    func labelMismatch() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "labelled", label: Self.label, zone: "zone-a")

            for sent in ["not-\(Self.label)", ""] {
                let error = await #expect(throws: MemberlistError.self) {
                    try await Peek.run(peer: peer.address, configuration: Self.configuration(label: sent))
                }
                guard case .peerClosed(let closedPeer, _, let received, let transport, let label) = error else {
                    Issue.record("expected peerClosed for label \"\(sent)\", got \(String(describing: error))")
                    continue
                }
                #expect(closedPeer == peer.address)
                #expect(received == 0)
                #expect(transport == .dskit)
                #expect(label == sent)
                let description = String(describing: error!)
                #expect(description.contains(sent.isEmpty ? "no cluster label" : "cluster label \"\(sent)\""), "\(description)")
                #expect(error?.isProtocolMismatch == true)
            }
            let status = try await peer.waitForStatus("the peer to count both rejections") {
                ($0.dskitTransport?.labelRejected ?? 0) >= 2
            }
            #expect(status.dskitTransport?.labelRejected == 2)
            #expect(status.dskitTransport?.streamsReceived == 0)
            #expect(peer.stderr.contains("with no label (ours: \"\(Self.label)\")"))
            #expect(peer.stderr.contains("with label \"not-\(Self.label)\""))

            // The right label still gets its reply.
            let peek = try await Peek.run(peer: peer.address, configuration: Self.configuration())
            #expect(peek.nodes.map(\.name) == ["labelled"])
        }
    }

    @Test("with --skip-label-verification the peer answers a peek with no label or another label")
    func labelVerificationSkipped() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "lenient", label: Self.label, ["--skip-label-verification"])
            for sent in ["", "another-cluster", Self.label] {
                let peek = try await Peek.run(peer: peer.address, configuration: Self.configuration(label: sent))
                #expect(peek.nodes.map(\.name) == ["lenient"], "label \"\(sent)\"")
            }
            #expect(peer.status()?.dskitTransport?.labelRejected == 0)
        }
    }

    @Test("the KV delegate also runs on memberlist's standard transport, under a prefixed key (--ring-key)")
    func ringOnStandardTransport() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "standard", ["--ring-key", "collectors/ring", "--zone", "zone-b", "--tokens", "16"])
            let truth = try #require(peer.status()?.ring?.instance("standard"))
            let peek = try await Peek.run(
                peer: peer.address, configuration: PeekConfiguration(transport: .memberlist, timeout: .seconds(5)))
            #expect(KVKeysReport(peek).keys.map(\.key) == ["collectors/ring"])
            let pair = try #require(try KVState(fullState: peek.userState)["collectors/ring"])
            let ring = try RingDescription(pair: pair)
            #expect(ring.instances.map(\.id) == ["standard"])
            #expect(ring.instances.first?.tokens == truth.tokens)
            #expect(ring.instances.first?.zone == "zone-b")
            let members = MembersReport(peek, transport: .memberlist)
            #expect(members.members.first?.zone == "zone-b")
        }
    }

    @Test("the Go peer checks the MD5 trailer: a flipped digest is dropped, the intact packet is answered")
    func md5Checked() async throws {
        try await withFixtures { fixtures in
            let target = try await fixtures.dskitPeer(name: "target", label: Self.label)
            // The packets name this peer as their sender, so the target's ack lands there.
            let sender = try await fixtures.dskitPeer(name: "sender", label: Self.label)

            let ping = try PacketEnvelope(message: .ping(PingMessage(seqNo: 7, node: "target")), label: Self.label)
                .encoded()
            let good = try DskitPacket(senderAddress: sender.address, payload: ping).encoded()
            var bad = good
            bad[bad.count - 1] ^= 0xff
            func send(_ bytes: [UInt8]) throws {
                let connection = try LoopbackEndpoint.tcp(connectingTo: target.port)
                defer { connection.close() }
                try connection.write(bytes)
                connection.shutdownWrite()  // the receiver reads the packet to EOF
            }

            try send(bad)
            let rejected = try await target.waitForStatus("the target to reject the packet") {
                ($0.dskitTransport?.md5Rejected ?? 0) >= 1
            }
            #expect(rejected.dskitTransport?.md5Rejected == 1)
            #expect(rejected.dskitTransport?.packetsReceived == 0)
            #expect(target.stderr.contains("MD5 mismatch"))

            try send(good)
            try await sender.waitForStatus("the target's ack to reach the sender address the packet named") {
                ($0.dskitTransport?.packetsReceived ?? 0) >= 1
            }
            // The target's status file trails its counters by up to 25 ms.
            let accepted = try #require(
                try await target.waitForStatus("the target to count the packet it took and the ack it sent") {
                    ($0.dskitTransport?.packetsSent ?? 0) >= 1 && ($0.dskitTransport?.packetsReceived ?? 0) >= 1
                }.dskitTransport)
            #expect(accepted.packetsReceived == 1)
            #expect(accepted.md5Rejected == 1)
            #expect(accepted.packetsSent == 1)
        }
    }

    @Test("a peer whose heartbeat is frozen at runtime keeps its timestamp while the others advance")
    func frozenHeartbeat() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let frozen = peers[2]
            frozen.freezeHeartbeat()
            let own = try await frozen.waitForStatus("peer-c to freeze its heartbeat") { $0.ring?.heartbeatFrozen == true }
            let stuck = try #require(own.ring?.instance("peer-c")).heartbeatTimestamp
            // Wait until peer-a has merged peer-c's final heartbeat, so both peeks must show it.
            try await peers[0].waitForStatus("peer-a to hold peer-c's last heartbeat") {
                $0.ring?.instance("peer-c")?.heartbeatTimestamp == stuck
            }

            let first = try await ringAt(peers[0])
            try await peers[0].waitForStatus("peer-a to see peer-a and peer-b heartbeat again", deadline: .seconds(20)) { status in
                ["peer-a", "peer-b"].allSatisfy { id in
                    (status.ring?.instance(id)?.heartbeatTimestamp ?? 0) > (first[id]?.heartbeatTimestamp ?? .max)
                }
            }
            let second = try await ringAt(peers[0])
            #expect(first["peer-c"]?.heartbeatTimestamp == stuck)
            #expect(second["peer-c"]?.heartbeatTimestamp == stuck)
            for id in ["peer-a", "peer-b"] {
                let before = try #require(first[id]).heartbeatTimestamp
                let after = try #require(second[id]).heartbeatTimestamp
                #expect(after > before, "\(id): \(before) → \(after)")
            }
            #expect(frozen.status()?.ring?.instance("peer-c")?.heartbeatTimestamp == stuck)

            frozen.freezeHeartbeat(false)
            try await frozen.waitForStatus("peer-c to heartbeat again") {
                ($0.ring?.instance("peer-c")?.heartbeatTimestamp ?? 0) > stuck
            }
        }
    }

    @Test("a synthetic ring of 300 instances × 64 tokens travels whole through push/pull")
    func syntheticRing() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "big", label: Self.label, zone: "zone-a", ["--synthetic-ring", "300x64"])
            let truth = try #require(peer.status()?.ring)
            let ring = try await ringAt(peer)
            #expect(ring.count == 301)
            #expect(truth.instances.count == 301)
            for expected in truth.instances {
                let instance = try #require(ring[expected.id])
                #expect(instance.tokens.count == expected.tokenCount)
                #expect(Array(instance.tokens.prefix(expected.tokens.count)) == expected.tokens)
                #expect(instance.zone == expected.zone)
            }
            let tokens = ring.values.flatMap(\.tokens)
            #expect(tokens.count == 300 * 64 + 128)
            #expect(Set(tokens).count == tokens.count, "tokens are distinct across the ring")
        }
    }

    @Test("two TLS peers sharing a CA converge; a peer trusting another CA cannot join")
    func tls() async throws {
        let certificates = try await TestCertificates.shared()
        let good = [
            "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey,
            "--tls-ca", certificates.caCertificate,
        ]
        // Trusts only its own self-signed certificate, which tls-a's chain does not lead to.
        let other = [
            "--tls-cert", certificates.selfSignedCertificate, "--tls-key", certificates.selfSignedKey,
            "--tls-ca", certificates.selfSignedCertificate,
        ]

        try await withFixtures { fixtures in
            let first = try await fixtures.dskitPeer(name: "tls-a", label: Self.label, good)
            let second = try await fixtures.dskitPeer(name: "tls-b", label: Self.label, joining: first, good)
            for peer in [first, second] {
                try await peer.waitForStatus("\(peer.name) to see both TLS peers alive and both instances") {
                    $0.members.filter { $0.state == "alive" }.count == 2 && $0.ring?.instances.count == 2
                }
            }
            // The stranger cannot verify tls-a's certificate: the join's handshake fails.
            let refused = await #expect(throws: FixtureError.self) {
                let stranger = try await fixtures.dskitPeer(name: "tls-c", label: Self.label, joining: first, other)
                await stranger.stop()
            }
            #expect(String(describing: refused).contains("certificate signed by unknown authority"), "\(String(describing: refused))")
            #expect(first.status()?.members.count == 2)
        }
    }

    /// The ring a peek at `peer` returns, by instance id.
    func ringAt(_ peer: GoPeer) async throws -> [String: InstanceDescription] {
        let peek = try await Peek.run(peer: peer.address, configuration: Self.configuration())
        let pair = try #require(try KVState(fullState: peek.userState)["ring"])
        let ring = try RingDescription(pair: pair)
        return Dictionary(uniqueKeysWithValues: ring.instances.map { ($0.id, $0) })
    }
}
