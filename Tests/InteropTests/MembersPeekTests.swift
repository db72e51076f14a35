import Discovery
import DskitKV
import Inspection
import Memberlist
import Testing
import TestSupport

/// The members use case in-process against real memberlist 0.2.2 peers (standard transport), with seeds
/// resolved through a real dnsmasq.
@Suite(
    "Members peek against real memberlist peers",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct MembersPeekTests {
    // Generous: it bounds the whole seed search, which waits for a core when tests run in parallel.
    static let configuration = PeekConfiguration(transport: .memberlist, timeout: .seconds(30))

    @Test("dskit node meta from a real peer shows as role and zone; other meta as none")
    func nodeMeta() async throws {
        let meta = String(decoding: try NodeMeta(role: .bridge, zone: "zone-b").bytes(), as: UTF8.self)
        try await withFixtures { fixtures in
            let bridge = try await fixtures.goPeer(name: "bridge", ["--meta", meta])
            _ = try await fixtures.goPeer(name: "plain", ["--meta", "not-dskit", "--join", "127.0.0.1:\(bridge.port)"])
            try await bridge.waitForStatus("bridge to see plain alive") { $0.member("plain")?.state == "alive" }

            let peek = try await Seeds(["127.0.0.1:\(bridge.port)"]).peek(Self.configuration)
            let report = MembersReport(peek, transport: .memberlist)
            #expect(report.members.map(\.name) == ["bridge", "plain"])
            let first = try #require(report.members.first)
            #expect(first.role == "bridge" && first.zone == "zone-b")
            #expect(first.protocolVersions.map { [$0.min, $0.max, $0.current] } == [1, 5, 2])
            #expect(report.members.last?.role == nil)
            #expect(report.members.last?.metaBytes == 9)
        }
    }

    @Test("seeds are tried in order: refused, NXDOMAIN, then a dnssrv+ seed that answers")
    func seedsInOrder() async throws {
        try await withFixtures { fixtures in
            let peer = try await fixtures.goPeer(name: "node-1")
            let dns = try await fixtures.dnsmasq(records: [
                "srv-host=_memberlist._tcp.ring.test,node-1.ring.test,\(peer.port),10,5",
                "host-record=node-1.ring.test,127.0.0.1",
            ])
            let refusedSocket = try LoopbackSocket.refusing()
            defer { refusedSocket.close() }
            let refused = refusedSocket.port
            let seeds = Seeds(
                ["127.0.0.1:\(refused)", "dns+missing.ring.test:7946", "dnssrv+_memberlist._tcp.ring.test"],
                resolver: ResolverConfiguration(servers: [dns.server], timeout: .seconds(2), tries: 2))
            let peek = try await seeds.peek(Self.configuration)
            #expect(peek.peer == "127.0.0.1:\(peer.port)")
            #expect(peek.nodes.map(\.name) == ["node-1"])
        }
    }

    @Test("when no seed answers, every seed is listed with why")
    func everySeedFails() async throws {
        try await withFixtures { fixtures in
            let dns = try await fixtures.dnsmasq(records: [])
            let refusedSocket = try LoopbackSocket.refusing()
            defer { refusedSocket.close() }
            let refused = refusedSocket.port
            let seeds = Seeds(
                ["127.0.0.1:\(refused)", "dns+missing.ring.test:7946"],
                resolver: ResolverConfiguration(servers: [dns.server], timeout: .seconds(2), tries: 2))
            let error = await #expect(throws: InspectionError.self) { try await seeds.peek(Self.configuration) }
            guard case .noSeedAnswered(let failures) = error else {
                Issue.record("expected noSeedAnswered, got \(String(describing: error))")
                return
            }
            #expect(failures.map(\.seed) == ["127.0.0.1:\(refused)", "dns+missing.ring.test:7946"])
            #expect((failures.first?.error as? MemberlistError) == .connectionRefused(peer: "127.0.0.1:\(refused)"))
            #expect(failures.last?.error is SeedResolvedToNothing)
        }
    }
}
