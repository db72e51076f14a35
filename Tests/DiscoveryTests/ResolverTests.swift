import Testing
import TestSupport

@testable import Discovery

/// The zone every resolver test asks a real dnsmasq about.
enum RingZone {
    static let records = [
        // Three members behind one SRV name, at two priorities; node3 is IPv6-only; ghost does not exist.
        "srv-host=_memberlist._tcp.ring.test,node1.ring.test,7946,10,5",
        "srv-host=_memberlist._tcp.ring.test,node2.ring.test,7947,10,20",
        "srv-host=_memberlist._tcp.ring.test,node3.ring.test,7948,20,5",
        "srv-host=_memberlist._tcp.ring.test,ghost.ring.test,7949,30,0",
        "host-record=node1.ring.test,127.0.0.11",
        "host-record=node2.ring.test,127.0.0.12,fd00::12",
        "host-record=node3.ring.test,fd00::13",
        // Two SRV records naming the same host and port: dskit would get the endpoint twice.
        "srv-host=_dup._tcp.ring.test,node1.ring.test,7946,10,5",
        "srv-host=_dup._tcp.ring.test,node1.ring.test,7946,20,5",
        // Every target missing.
        "srv-host=_ghosts._tcp.ring.test,ghost.ring.test,7946,10,5",
    ]
}

// Not serialized: every test starts its own dnsmasq on a free port, so tests share nothing.
@Suite("Resolver against a real dnsmasq")
struct ResolverTests {
    /// Resolves `inputs` against `server`, or against a dnsmasq serving `RingZone.records` for the duration of
    /// the call; returns the report and the server asked.
    func resolveNamingServer(
        _ inputs: [String], timeout: Duration = .seconds(2), tries: Int = 2, server: String? = nil
    ) async throws -> (ResolutionReport, server: String) {
        func resolve(at server: String) async throws -> (ResolutionReport, server: String) {
            let configuration = ResolverConfiguration(servers: [server], timeout: timeout, tries: tries)
            let addresses = try inputs.map { input throws(DiscoveryError) in try DiscoveryAddress(parsing: input) }
            return (try await Resolver(configuration: configuration).resolve(addresses), server)
        }
        if let server { return try await resolve(at: server) }
        return try await withDnsmasq(records: RingZone.records) { dns in try await resolve(at: dns.server) }
    }

    func resolve(_ inputs: [String], timeout: Duration = .seconds(2), tries: Int = 2, server: String? = nil)
        async throws -> ResolutionReport
    {
        try await resolveNamingServer(inputs, timeout: timeout, tries: tries, server: server).0
    }

    @Test("dnssrv+ follows every SRV record to its A/AAAA records, sorted by priority then weight")
    func srv() async throws {
        let (report, server) = try await resolveNamingServer(["dnssrv+_memberlist._tcp.ring.test"])
        let resolution = try #require(report.resolutions.first)
        #expect(resolution.error == nil)
        #expect(resolution.targets.map(\.host) == [
            "node2.ring.test.", "node1.ring.test.", "node3.ring.test.", "ghost.ring.test.",
        ])
        #expect(resolution.endpoints == [
            "127.0.0.12:7947", "[fd00::12]:7947", "127.0.0.11:7946", "[fd00::13]:7948",
        ])
        // A target that does not resolve is an empty answer for dskit, not an error.
        #expect(resolution.targets.last?.status == .nxdomain)
        #expect(report.servers == [server])
    }

    @Test("dnssrvnoa+ returns the targets themselves with their ports, trailing dot included, as Go does")
    func srvNoA() async throws {
        let report = try await resolve(["dnssrvnoa+_memberlist._tcp.ring.test"])
        #expect(report.resolutions.first?.endpoints == [
            "node2.ring.test.:7947", "node1.ring.test.:7946", "node3.ring.test.:7948", "ghost.ring.test.:7949",
        ])
    }

    @Test("a port on the address overrides the SRV record's port")
    func portOverride() async throws {
        let report = try await resolve(["dnssrv+_memberlist._tcp.ring.test:9000"])
        #expect(report.resolutions.first?.endpoints == [
            "127.0.0.12:9000", "[fd00::12]:9000", "127.0.0.11:9000", "[fd00::13]:9000",
        ])
    }

    @Test("dns+ returns IPv4 then IPv6 addresses with the given port; absolute names work")
    func addressLookup() async throws {
        let report = try await resolve(["dns+node2.ring.test:7946", "dns+node3.ring.test.:7000"])
        #expect(report.resolutions.map(\.endpoints) == [
            ["127.0.0.12:7946", "[fd00::12]:7946"], ["[fd00::13]:7000"],
        ])
    }

    @Test("NXDOMAIN and an empty answer yield nothing, without an error, as in dskit")
    func empty() async throws {
        let report = try await resolve([
            "dnssrv+_missing._tcp.ring.test", "dnssrv+node1.ring.test", "dns+missing.ring.test:7946",
            "dnssrv+_ghosts._tcp.ring.test",
        ])
        #expect(report.resolutions.allSatisfy { $0.isEmpty && $0.error == nil })
        #expect(report.resolutions.map(\.emptyStatus) == [.nxdomain, .noData, .nxdomain, nil])
        #expect(report.resolutions[3].targets.first?.status == .nxdomain)
    }

    @Test("duplicate endpoints within an address are shown once, and counted")
    func duplicates() async throws {
        let report = try await resolve(["dnssrv+_dup._tcp.ring.test"])
        let resolution = try #require(report.resolutions.first)
        #expect(resolution.endpoints == ["127.0.0.11:7946"])
        #expect(resolution.duplicatesRemoved == 1)
    }

    @Test("the same address twice is resolved once, like dskit's map of results")
    func duplicateInputs() async throws {
        let report = try await resolve(["dns+node1.ring.test:7946", "dns+node1.ring.test:7946", "10.0.0.1:7946"])
        #expect(report.resolutions.count == 2)
        #expect(report.endpoints == ["127.0.0.11:7946", "10.0.0.1:7946"])
    }

    @Test("an address without a prefix is passed through untouched, with no query")
    func literal() async throws {
        let report = try await resolve(["memberlist.example:7946"])
        #expect(report.resolutions.first?.query == nil)
        #expect(report.resolutions.first?.endpoints == ["memberlist.example:7946"])
    }

    @Test("a server that refuses the name fails the address with REFUSED")
    func refused() async throws {
        let (report, server) = try await resolveNamingServer(["dnssrv+_memberlist._tcp.elsewhere.test"])
        let error = try #require(report.resolutions.first?.error)
        guard case .queryFailed(let input, let query, let servers, let status) = error else {
            Issue.record("expected a query failure, got \(error)")
            return
        }
        #expect(input == "dnssrv+_memberlist._tcp.elsewhere.test")
        #expect(query == DNSQuery(.srv, "_memberlist._tcp.elsewhere.test"))
        #expect(servers == [server])
        #expect(status == .refused)
        #expect(error.description.contains("REFUSED"))
    }

    @Test("a server that never answers times out after the configured tries, and says so")
    func silentServer() async throws {
        let silent = try LoopbackSocket(.udp)
        defer { silent.close() }
        let report = try await resolve(
            ["dnssrv+_memberlist._tcp.ring.test", "dns+node1.ring.test:7946"], timeout: .milliseconds(100), tries: 2,
            server: "127.0.0.1:\(silent.port)"
        )
        for resolution in report.resolutions {
            guard case .queryFailed(_, _, _, let status) = resolution.error else {
                Issue.record("expected a timeout for \(resolution.address.input), got \(String(describing: resolution.error))")
                continue
            }
            #expect(status == .timeout(tries: 2))
            #expect(resolution.error?.description.contains("timeout after 2 tries") == true)
        }
    }

    @Test("a closed port is reported as connection refused")
    func closedPort() async throws {
        let closed = try LoopbackSocket.refusing(.udp)
        defer { closed.close() }
        let report = try await resolve(["dnssrv+_memberlist._tcp.ring.test"], server: "127.0.0.1:\(closed.port)")
        guard case .queryFailed(_, _, _, let status) = report.resolutions.first?.error else {
            Issue.record("expected a failure, got \(report)")
            return
        }
        #expect(status == .connectionRefused || status == .timeout(tries: 2))
    }

    // 1,000 names: sent all at once, the 2,000 datagrams overflowed dnsmasq's UDP receive buffer and 300+ names
    // timed out; the channel now keeps at most `CAresChannel.maxLookupsInFlight` lookups in flight.
    @Test("1,000 names resolve concurrently through one channel, each to its own record, none dropped")
    func many() async throws {
        let names = (0..<1_000).map { "dns+n\($0).many.test:7946" }
        let records = (0..<1_000).map { "host-record=n\($0).many.test,127.1.\($0 / 250).\($0 % 250 + 1)" }
        try await withFixtures { fixtures in
            let zone = try await fixtures.dnsmasq(localDomains: ["many.test"], records: records)
            let report = try await resolve(names, server: zone.server)
            #expect(report.resolutions.count == 1_000)
            for (index, resolution) in report.resolutions.enumerated() {
                #expect(resolution.endpoints == ["127.1.\(index / 250).\(index % 250 + 1):7946"])
            }
        }
    }
}
