import DskitKV
import Foundation
import MemberlistWire
import Testing
import TestSupport

/// `ringctl members` and `ringctl kv` (the binary) against real memberlist 0.2.2 peers and bad listeners.
@Suite(
    "ringctl members / kv (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct MembersCommandTests {
    struct Report: Decodable {
        struct Member: Decodable {
            let name: String
            let address: String
            let state: String
            let incarnation: Int
        }
        let seed: String
        let members: [Member]
    }

    /// Three peers on the standard transport, joined through the first; each sees all three alive.
    static func cluster(in fixtures: Fixtures) async throws -> [GoPeer] {
        try await fixtures.standardCluster()
    }

    @Test("peek lists exactly the 3 peers as alive with their addresses, and leaves no trace in any peer")
    func membersOfRealCluster() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let result = try await RingctlBinary.run(
                ["members", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[1].port)", "-o", "json"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            #expect(report.seed == "127.0.0.1:\(peers[1].port)")
            #expect(report.members.map(\.name) == ["node-1", "node-2", "node-3"])
            #expect(report.members.map(\.address) == peers.map { "127.0.0.1:\($0.port)" })
            #expect(report.members.allSatisfy { $0.state == "alive" })

            // A second peek through the single-dash alias; then every peer still knows exactly its three.
            let table = try await RingctlBinary.run(
                ["members", "--transport", "memberlist", "-memberlist.join", "127.0.0.1:\(peers[0].port)"])
            #expect(table.status == 0, "stderr: \(table.stderr)")
            #expect(table.stdout.contains("\n3 alive, from 127.0.0.1:\(peers[0].port) (memberlist transport)"))
            for peer in peers {
                let status = try #require(peer.status())
                #expect(Set(status.members.map(\.name)) == ["node-1", "node-2", "node-3"], "\(peer.name): \(status)")
            }
        }
    }

    @Test("kv on a plain memberlist cluster: no keys, exit 0")
    func kvOfPlainCluster() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "solo")
            let result = try await RingctlBinary.run(["kv", "--transport", "memberlist", "-j", "127.0.0.1:\(peer.port)"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.contains("0 keys, from 127.0.0.1:\(peer.port)"))
        }
    }

    @Test("--timeout bounds the whole search: each silent seed gets a head start, then the next runs beside it; seeds reached after the budget are not tried")
    func silentSeeds() async throws {
        // 3s: head starts of 1s, so the silent seeds start at 0, 1 and 2s; the fifth (4s) is never reached. The
        // fourth starts about when the budget ends: which of the two it reports is not asserted.
        let silent = try (0..<5).map { _ in try LoopbackSocket(.tcp) }
        defer { silent.forEach { $0.close() } }
        let refusedSocket = try LoopbackSocket.refusing()
        defer { refusedSocket.close() }
        let refused = refusedSocket.port
        let result = try await RingctlBinary.run(
            ["members", "-j", "127.0.0.1:\(refused)"] + silent.flatMap { ["-j", "127.0.0.1:\($0.port)"] }
                + ["--timeout", "3s"])
        #expect(result.status == 69, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("no seed answered"))
        #expect(result.stderr.contains("127.0.0.1:\(refused) refused the connection"))
        for socket in silent.prefix(3) {
            #expect(result.stderr.contains("127.0.0.1:\(socket.port) did not answer within 3s"), "\(result.stderr)")
        }
        #expect(result.stderr.contains("127.0.0.1:\(silent[4].port): not tried: the 3s --timeout ran out"), "\(result.stderr)")
        // Listed in seed order, whatever order they failed in.
        let positions = ([refused] + silent.map(\.port)).compactMap { result.stderr.range(of: "127.0.0.1:\($0)")?.lowerBound }
        #expect(positions.count == 6 && positions == positions.sorted(), "\(result.stderr)")
    }

    @Test("a wedged first seed (accepts, never answers) does not starve a healthy one: it answers, and stderr names the wedged one")
    func wedgedSeedThenHealthy() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "healthy")
            let wedged = try LoopbackSocket(.tcp)
            defer { wedged.close() }
            let result = try await RingctlBinary.run([
                "members", "--transport", "memberlist", "-j", "127.0.0.1:\(wedged.port)", "-j", peer.address, "-o", "json",
            ])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            #expect(report.seed == peer.address)
            #expect(report.members.map(\.name) == ["healthy"])
            #expect(result.stderr.contains("127.0.0.1:\(wedged.port) had not answered after 1s"), "\(result.stderr)")
            #expect(wedged.pendingConnections() == 1)
        }
    }

    @Test("a first seed that answers is the only one dialled: the peek stays one connection, and the answer is always the first seed's")
    func firstSeedAnswersAlone() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            let untouched = try LoopbackSocket(.tcp)
            defer { untouched.close() }
            for _ in 0..<3 {
                let result = try await RingctlBinary.run([
                    "members", "--transport", "memberlist", "-j", peers[0].address, "-j", "127.0.0.1:\(untouched.port)",
                    "-j", peers[1].address, "-o", "json",
                ])
                #expect(result.status == 0, "stderr: \(result.stderr)")
                let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
                #expect(report.seed == peers[0].address)
                #expect(result.stderr.isEmpty, "\(result.stderr)")
            }
            #expect(untouched.pendingConnections() == 0)
        }
    }

    @Test("a memberlist seed that accepts and closes at once rejected what we sent: exit 76 naming the likely causes")
    func closingSeed() async throws {
        let closing = try LoopbackResponder(reply: [])
        defer { closing.close() }
        let result = try await RingctlBinary.run(["members", "--transport", "memberlist", "-j", closing.address])
        #expect(result.status == 76, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("\(closing.address) closed the connection without replying"))
        #expect(result.stderr.contains("hint: a Pyroscope, Mimir, Loki or Tempo node speaks dskit's transport"), "\(result.stderr)")
    }

    @Test("a dskit seed that closes at once: label mismatch named as the likely cause, exit 76")
    func closingDskitSeed() async throws {
        let closing = try LoopbackResponder(reply: [])
        defer { closing.close() }
        let result = try await RingctlBinary.run(["members", "-j", closing.address, "-memberlist.cluster-label", "mimir"])
        #expect(result.status == 76, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("we sent cluster label \"mimir\""))
        #expect(result.stderr.contains("hint:"))
    }

    @Test("a seed that replies with garbage: undecodable, exit 76")
    func garbageSeed() async throws {
        let garbage = try LoopbackResponder(reply: Array("SSH-2.0-OpenSSH_9.2\r\n".utf8))
        defer { garbage.close() }
        let result = try await RingctlBinary.run(["members", "--transport", "memberlist", "-j", garbage.address])
        #expect(result.status == 76, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("\(garbage.address)'s reply is not a memberlist push/pull"))
    }

    @Test("kv over dskit framing: the ring key a dskit-shaped listener holds, with codec and size")
    func kvOverDskit() async throws {
        // mlpeer speaks only the standard transport so far: a Swift listener plays the dskit node. It replies to
        // whatever arrives (LoopbackResponder does not check the request; MemberlistTests' dskit node does).
        // Encoded once: the protobuf map order (hence the snappy size) can differ between two encodings.
        let value = RingDescription.synthetic(instances: 3, tokensPerInstance: 16, zones: 3).codecValue()
        let state = KVState(pairs: [
            KeyValuePair(key: "collectors/ring", value: value, codec: .ringDesc,
                         updateTimeMillis: 1_767_225_600_000),
            KeyValuePair(key: "old", value: [], codec: .ringDesc, deleted: true),
        ])
        let node = PushNodeState(
            name: "ingester-0", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 7946,
            meta: try NodeMeta(role: .member, zone: "zone-a").bytes(), incarnation: 2, state: .alive,
            vsn: ProtocolVersions.memberlistDefault.vsn)
        let reply = try StreamEnvelope(
            message: .pushPull(PushPull(join: false, nodes: [node], userState: state.fullStateBytes()))
        ).encoded(direction: .listener)
        let listener = try LoopbackResponder(reply: reply)
        defer { listener.close() }

        let kv = try await RingctlBinary.run(["kv", "-j", listener.address, "-o", "json"])
        #expect(kv.status == 0, "stderr: \(kv.stderr)")
        struct Keys: Decodable {
            struct Key: Decodable {
                let key: String
                let codec: String
                let value_bytes: Int
                let deleted: Bool
            }
            let keys: [Key]
        }
        let keys = try JSONDecoder().decode(Keys.self, from: Data(kv.stdout.utf8)).keys
        #expect(keys.map(\.key) == ["collectors/ring", "old"])
        #expect(keys.first?.codec == "ringDesc" && keys.first?.value_bytes == value.count)
        #expect(keys.map(\.deleted) == [false, true])

        let members = try await RingctlBinary.run(["members", "-j", listener.address])
        #expect(members.status == 0, "stderr: \(members.stderr)")
        let row = try #require(members.stdout.split(separator: "\n").first { $0.hasPrefix("ingester-0") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).suffix(2) == ["member", "zone-a"])
    }

    @Test("a dnssrv+ seed resolved through --dns-server")
    func dnsSeed() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "node-1")
            let dns = try await fixtures.dnsmasq(records: [
                "srv-host=_memberlist._tcp.ring.test,node-1.ring.test,\(peer.port),10,5",
                "host-record=node-1.ring.test,127.0.0.1",
            ])
            let result = try await RingctlBinary.run([
                "members", "--transport", "memberlist", "--dns-server", dns.server,
                "-j", "dnssrv+_memberlist._tcp.ring.test", "-o", "json",
            ])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            #expect(report.members.map(\.name) == ["node-1"])
        }
    }

    @Test("failing resolved seeds: each line names the seed and the endpoint once, then why; the hint stays")
    func failingResolvedSeeds() async throws {
        let closing = try LoopbackResponder(reply: [])
        defer { closing.close() }
        let refusedSocket = try LoopbackSocket.refusing()
        defer { refusedSocket.close() }
        let refused = refusedSocket.port
        try await withFixtures { fixtures in
            let dns = try await fixtures.dnsmasq(records: [
                "srv-host=_memberlist._tcp.ring.test,node-1.ring.test,\(closing.port),10,5",
                "srv-host=_memberlist._tcp.ring.test,node-2.ring.test,\(refused),10,5",
                "host-record=node-1.ring.test,127.0.0.1",
                "host-record=node-2.ring.test,127.0.0.1",
                "host-record=solo.ring.test,127.0.0.1",
            ])
            let srv = "dnssrv+_memberlist._tcp.ring.test"
            let result = try await RingctlBinary.run([
                "members", "--dns-server", dns.server, "-j", srv, "-j", "dns+solo.ring.test:\(refused)",
            ])
            #expect(result.status == 76, "stderr: \(result.stderr)")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            // Two endpoints of one seed: the seed heads them, each endpoint line names its endpoint once.
            let header = try #require(lines.firstIndex { $0 == "  \(srv) → 2 endpoints:" }, "stderr: \(result.stderr)")
            let endpointLines = Array(lines[(header + 1)...].prefix(2))
            #expect(endpointLines.contains { $0.hasPrefix("    \(closing.address) closed the connection without replying") })
            #expect(endpointLines.contains { $0.hasPrefix("    127.0.0.1:\(refused) refused the connection") })
            // One endpoint: seed → endpoint and the reason on one line.
            #expect(lines.contains("  dns+solo.ring.test:\(refused) → 127.0.0.1:\(refused) refused the connection "
                + "(nothing listens on that port)"))
            for endpoint in [closing.address, "127.0.0.1:\(refused)"] {
                for line in lines where line.contains(endpoint) {
                    #expect(line.components(separatedBy: endpoint).count == 2, "named twice: \(line)")
                }
            }
            #expect(lines.last?.hasPrefix("  hint: pass the cluster's -memberlist.cluster-label") == true)
        }
    }

    @Test("no seed: usage error, exit 64")
    func noSeed() async throws {
        let result = try await RingctlBinary.run(["members"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("-j/--join"))
    }

    // MARK: - The headline and the JSON shape (issue 8, item 13)

    @Test("the headline counts live members first (as dskit's page counts Members), then the left ones and the total")
    func headlineLiveFirst() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            // A transient join leaves a `left` entry (memberlist 0.2.2 keeps it for good).
            let observe = try await RingctlBinary.run([
                "members", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[0].port)", "--observe", "1s",
                "--bind-addr", "127.0.0.1", "--node-name", "ringctl-e2e-headline",
            ])
            #expect(observe.status == 0, "stderr: \(observe.stderr)")
            let peek = ["members", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[0].port)"]
            try await eventually("the seed to list ringctl as left", deadline: .seconds(10)) {
                try await RingctlBinary.run(peek).stdout.contains("ringctl-e2e-headline")
            }
            let table = try await RingctlBinary.run(peek)
            #expect(table.status == 0, "stderr: \(table.stderr)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.last == "3 alive, 1 left (4 members), from 127.0.0.1:\(peers[0].port) (memberlist transport)",
                    "stdout: \(table.stdout)")
            #expect(!table.stdout.contains("alive: "), "the per-state lines are gone: \(table.stdout)")
        }
    }

    @Test("-o json: every member has the same keys; role and zone are null without dskit metadata, set with it")
    func jsonKeys() async throws {
        try await withFixtures { fixtures in
            let plain = try await fixtures.goPeer(name: "plain")
            let zoned = try await fixtures.dskitPeer(name: "zoned", zone: "zone-b")
            let keys: Set<String> = [
                "name", "address", "state", "incarnation", "protocol_versions", "delegate_versions", "role", "zone",
                "meta_bytes",
            ]
            for (peer, transport) in [(plain, "memberlist"), (zoned, "dskit")] {
                let result = try await RingctlBinary.run(["members", "--transport", transport, "-j", peer.address, "-o", "json"])
                #expect(result.status == 0, "stderr: \(result.stderr)")
                let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
                let member = try #require((object["members"] as? [[String: Any]])?.first)
                #expect(Set(member.keys) == keys, "\(transport): \(result.stdout)")
                if peer === plain {
                    #expect(member["role"] is NSNull && member["zone"] is NSNull, "\(result.stdout)")
                } else {
                    #expect(member["role"] as? String == "member" && member["zone"] as? String == "zone-b",
                            "\(result.stdout)")
                }
            }
        }
    }
}
