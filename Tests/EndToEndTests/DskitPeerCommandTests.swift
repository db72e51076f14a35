import Foundation
import Testing
import TestSupport

/// `ringctl ring`, `kv get` and `lag` (the binary) against three real dskit-shaped Go peers (mlpeer serve
/// --transport dskit) in one labelled cluster, one of them started with its heartbeat frozen.
@Suite(
    "ringctl ring / kv get / lag against dskit-shaped Go peers (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct DskitPeerCommandTests {
    static let label = "ringctl-e2e"

    /// peer-a and peer-b heartbeat every second; peer-c registers and never heartbeats again.
    static func cluster(in fixtures: Fixtures) async throws -> [GoPeer] {
        try await fixtures.dskitCluster(label: label, [[], [], ["--freeze-heartbeat"]])
    }

    static func run(_ arguments: [String], seed: GoPeer) async throws -> RingctlBinary.Result {
        try await RingctlBinary.run(arguments + ["-j", seed.address, "-memberlist.cluster-label", label])
    }

    static func json(_ result: RingctlBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                     "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    /// Waits until the seed holds heartbeats of peer-a and peer-b at least 3s newer than peer-c's frozen one, and
    /// returns (peer-c's timestamp, the older of the two fresh ones). Judged `--at` the latter, every fresh
    /// heartbeat the seed can show is at most 0s old and peer-c's at least 3s, whatever the clock does meanwhile.
    static func frozenAndFresh(_ seed: GoPeer) async throws -> (frozen: Int64, fresh: Int64) {
        let status = try await seed.waitForStatus("peer-a to hold heartbeats 3s newer than peer-c's", deadline: .seconds(30)) {
            status in
            guard let frozen = status.ring?.instance("peer-c")?.heartbeatTimestamp else { return false }
            return ["peer-a", "peer-b"].allSatisfy { id in
                (status.ring?.instance(id)?.heartbeatTimestamp ?? 0) >= frozen + 3
            }
        }
        let ring = try #require(status.ring)
        let frozen = try #require(ring.instance("peer-c")).heartbeatTimestamp
        let fresh = try ["peer-a", "peer-b"].map { try #require(ring.instance($0)).heartbeatTimestamp }.min() ?? 0
        return (frozen, fresh)
    }

    @Test("ring: the three instances with the tokens, zones and states each peer registered")
    func ring() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let truths = try peers.map { peer in try #require(peer.status()?.ring?.instance(peer.name)) }

            let result = try await Self.run(["ring", "--tokens", "-o", "json"], seed: peers[1])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let object = try Self.json(result)
            #expect(object["seed"] as? String == peers[1].address)
            let rings = try #require(object["rings"] as? [[String: Any]])
            #expect(rings.map { $0["key"] as? String } == ["ring"])
            let instances = try #require(rings.first?["instances"] as? [[String: Any]])
            #expect(instances.map { $0["id"] as? String } == ["peer-a", "peer-b", "peer-c"])
            for (instance, truth) in zip(instances, truths) {
                #expect(instance["address"] as? String == truth.addr)
                #expect(instance["zone"] as? String == truth.zone)
                #expect(instance["state"] as? String == truth.state)
                #expect(instance["tokens"] as? Int == truth.tokenCount)
                #expect((instance["token_list"] as? [Int])?.map { UInt32($0) } == truth.tokens, "\(truth.id)")
            }

            let table = try await Self.run(["ring"], seed: peers[0])
            #expect(table.status == 0, "stderr: \(table.stderr)")
            #expect(table.stdout.hasPrefix("1 ring from \(peers[0].address): ring"))
        }
    }

    @Test("kv get: the ring as JSON and --raw bytes that ring --from-file reads")
    func kvGet() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let json = try await Self.json(try Self.run(["kv", "get", "ring"], seed: peers[0]))
            let ingesters = try #require((json["value"] as? [String: Any])?["ingesters"] as? [String: [String: Any]])
            #expect(Set(ingesters.keys) == ["peer-a", "peer-b", "peer-c"])
            let frozen = try #require(peers[2].status()?.ring?.instance("peer-c"))
            #expect(ingesters["peer-c"]?["timestamp"] as? Int == Int(frozen.heartbeatTimestamp))
            #expect(ingesters["peer-c"]?["registered_timestamp"] as? Int == Int(frozen.registeredTimestamp))

            let raw = try await Self.run(["kv", "get", "ring", "--raw"], seed: peers[0])
            #expect(raw.status == 0, "stderr: \(raw.stderr)")
            let ring = try await RingctlBinary.run(["ring", "--from-file", "-", "-o", "json"], input: raw.stdoutData)
            #expect(ring.status == 0, "stderr: \(ring.stderr)")
            #expect((try Self.json(ring)["instances"] as? [[String: Any]])?.count == 3)
        }
    }

    @Test("lag: the frozen peer makes the ring lag (exit 1, named, the four settings); a long heartbeat passes")
    func lag() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let (frozen, fresh) = try await Self.frozenAndFresh(peers[0])
            let at = ["--at", String(fresh)]

            let result = try await Self.run(["lag", "--heartbeat", "1s", "--delta", "1s", "-o", "json"] + at, seed: peers[0])
            #expect(result.status == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
            let object = try Self.json(result)
            #expect(object["healthy"] as? Bool == false)
            let ring = try #require((object["rings"] as? [[String: Any]])?.first)
            #expect(ring["verdict"] as? String == "lagging")
            #expect(ring["lag_seconds"] as? Double == Double(fresh - frozen))
            #expect(ring["lagging_instances"] as? Int == 1)
            let oldest = try #require(ring["oldest"] as? [[String: Any]])
            #expect(oldest.first?["id"] as? String == "peer-c")
            #expect(oldest.map { $0["lagging"] as? Bool } == [true, false, false])
            #expect((ring["tuning"] as? [[String: Any]])?.compactMap { $0["flag"] as? String } == [
                "-memberlist.gossip-interval", "-memberlist.gossip-nodes", "-memberlist.pullpush-interval",
                "-memberlist.retransmit-factor",
            ])

            let table = try await Self.run(["lag", "--heartbeat", "1s", "--delta", "1s"] + at, seed: peers[0])
            #expect(table.status == 1)
            let row = try #require(table.stdout.split(separator: "\n").first { $0.contains("peer-c") })
            #expect(row.hasSuffix("yes"))
            #expect(table.stdout.contains("-memberlist.retransmit-factor [dskit default 4]"))

            let lenient = try await Self.run(["lag", "--heartbeat", "1h"] + at, seed: peers[0])
            #expect(lenient.status == 0, "stdout: \(lenient.stdout)")

            // ring --check sees the same stale heartbeat with a short timeout.
            let check = try await Self.run(["ring", "--check", "--heartbeat-timeout", "2s"] + at, seed: peers[0])
            #expect(check.status == 1)
            let unhealthy = check.stdout.split(separator: "\n").filter { $0.hasSuffix("UNHEALTHY") }
            #expect(unhealthy.map { $0.split(separator: " ").first } == ["peer-c"])
        }
    }

    @Test("a wrong cluster label: the dskit peer closes, exit 76 naming the label sent")
    func wrongLabel() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.dskitPeer(name: "solo", label: Self.label, zone: "zone-a")
            let result = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "-j", peer.address, "--cluster-label", "other"])
            #expect(result.status == 76, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("we sent cluster label \"other\""))
        }
    }
}
