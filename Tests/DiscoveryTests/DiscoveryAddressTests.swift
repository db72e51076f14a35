import Testing

@testable import Discovery

@Suite("DiscoveryAddress: dskit's address syntax")
struct DiscoveryAddressTests {
    @Test("every prefix selects its mode, and the name is what follows")
    func prefixes() throws {
        let dns = try DiscoveryAddress(parsing: "dns+memberlist.ns.svc:7946")
        #expect(dns.mode == .dns && dns.host == "memberlist.ns.svc" && dns.port == 7946)

        let srv = try DiscoveryAddress(parsing: "dnssrv+_memberlist._tcp.memberlist.ns.svc")
        #expect(srv.mode == .dnssrv && srv.host == "_memberlist._tcp.memberlist.ns.svc" && srv.port == nil)

        let noa = try DiscoveryAddress(parsing: "dnssrvnoa+_memberlist._tcp.memberlist")
        #expect(noa.mode == .dnssrvnoa && noa.host == "_memberlist._tcp.memberlist")

        let literal = try DiscoveryAddress(parsing: "10.0.0.7:7946")
        #expect(literal.mode == .literal && literal.host == "10.0.0.7:7946" && literal.port == nil)
    }

    @Test("an explicit port on dnssrv+ is kept, to override the SRV port")
    func srvPortOverride() throws {
        let address = try DiscoveryAddress(parsing: "dnssrv+_memberlist._tcp.ring.test:9000")
        #expect(address.port == 9000)
        #expect(address.host == "_memberlist._tcp.ring.test")
    }

    @Test("a trailing dot is kept: the name is absolute")
    func trailingDot() throws {
        let address = try DiscoveryAddress(parsing: "dns+node1.ring.test.:7946")
        #expect(address.host == "node1.ring.test.")
        #expect(address.port == 7946)
    }

    @Test("IPv6 literals need brackets and come back canonical, bracketed again in endpoints")
    func ipv6() throws {
        let address = try DiscoveryAddress(parsing: "dns+[0:0::1]:7946")
        #expect(address.host == "::1")
        #expect(address.endpoint(host: address.host, port: 7946) == "[::1]:7946")

        // Without brackets Go's SplitHostPort fails ("too many colons"), so dskit sees no port.
        #expect(throws: DiscoveryError.invalidAddress(input: "dns+::1", reason: .missingPort)) {
            try DiscoveryAddress(parsing: "dns+::1")
        }
    }

    @Test("a scheme before // is kept on every endpoint")
    func scheme() throws {
        let address = try DiscoveryAddress(parsing: "dns+http://memberlist:80")
        #expect(address.scheme == "http:")
        #expect(address.host == "memberlist")
        #expect(address.endpoint(host: "10.0.0.1", port: 80) == "http://10.0.0.1:80")
    }

    @Test(
        "bad input is rejected with the reason dskit (or DNS) would give",
        arguments: [
            ("", AddressProblem.empty),
            ("dnssrv+", .nothingAfterPrefix(.dnssrv)),
            ("dns+", .nothingAfterPrefix(.dns)),
            ("dns+memberlist", .missingPort),
            ("dns+memberlist:", .badPort("")),
            ("dns+memberlist:70000", .badPort("70000")),
            ("dns+memberlist:0", .badPort("0")),
            ("dns+memberlist:http", .badPort("http")),
            ("srv+memberlist", .unknownPrefix("srv")),
            ("+memberlist", .unknownPrefix("")),
            ("dnssrv+127.0.0.1", .ipForSRV("127.0.0.1")),
            ("dnssrv+bad..name", .emptyLabel),
            ("dnssrv+.", .emptyLabel),
            ("dnssrv+a+b.test", .badCharacter("+")),
            ("dnssrv+mémberlist.test", .nonASCII("é")),
            ("dnssrv+ring test", .whitespace),
            ("dnssrv+a//b//c", .repeatedSchemeSeparator),
        ]
    )
    func rejects(input: String, problem: AddressProblem) {
        #expect(throws: DiscoveryError.invalidAddress(input: input, reason: problem)) {
            try DiscoveryAddress(parsing: input)
        }
    }

    @Test("names over 253 bytes and labels over 63 bytes are rejected before any query")
    func overLong() {
        let label = String(repeating: "a", count: 64)
        #expect(throws: DiscoveryError.invalidAddress(input: "dnssrv+\(label).test", reason: .labelTooLong(label))) {
            try DiscoveryAddress(parsing: "dnssrv+\(label).test")
        }
        let name = Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".")
        #expect(throws: DiscoveryError.invalidAddress(input: "dnssrv+\(name)", reason: .nameTooLong(name.utf8.count))) {
            try DiscoveryAddress(parsing: "dnssrv+\(name)")
        }
        // 253 bytes exactly is fine, with or without the root dot.
        let fits = Array(repeating: String(repeating: "c", count: 63), count: 4).joined(separator: ".").prefix(253)
        #expect((try? DiscoveryAddress(parsing: "dnssrv+\(fits).")) != nil)
    }

    @Test("a rejected address names the input and why (the CLI's hint is written from the reason)")
    func rejectionFacts() throws {
        do {
            _ = try DiscoveryAddress(parsing: "dns+memberlist")
            Issue.record("dns+ without a port must be rejected")
        } catch {
            #expect(error.description.contains("dns+memberlist"))
            #expect(error == .invalidAddress(input: "dns+memberlist", reason: .missingPort))
        }
    }

    @Test("--dns-server takes IPs with optional ports, and nothing else")
    func servers() throws {
        #expect(try ResolverConfiguration.normalizeServer("127.0.0.1") == "127.0.0.1")
        #expect(try ResolverConfiguration.normalizeServer("127.0.0.1:5353") == "127.0.0.1:5353")
        #expect(try ResolverConfiguration.normalizeServer("::1") == "[::1]")
        #expect(try ResolverConfiguration.normalizeServer("[::1]:53") == "[::1]:53")
        #expect(throws: DiscoveryError.self) { try ResolverConfiguration.normalizeServer("kube-dns:53") }
        #expect(throws: DiscoveryError.self) { try ResolverConfiguration.normalizeServer("127.0.0.1:99999") }
    }
}
