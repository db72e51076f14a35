import Foundation
import Memberlist
import MemberlistWire
import Testing
import TestSupport

/// Our node (NodeSession over NodeInstance) against real hashicorp/memberlist 0.2.2 peers on both transports:
/// a Go peer joins it and both list each other alive with nobody accused, it joins a Go peer and leaves (the
/// peer lists it left, not failed), and a killed Go peer is suspected and then declared dead.
@Suite(
    "Node against real memberlist peers",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct NodeInteropTests {
    /// The Go peer's framing flag for a transport.
    static func transportFlag(_ transport: TransportKind) -> String {
        transport == .dskit ? "dskit" : "standard"
    }

    /// A Go peer probing every second (not faster: memberlist fails a probe whose ack is later than the interval,
    /// and on a loaded machine our ack may wait for a core), pushing/pulling every second, logging to stderr.
    static func goPeer(
        _ name: String, transport: TransportKind, joining seed: String? = nil, secured: Bool = false,
        in fixtures: Fixtures
    ) async throws -> GoPeer {
        var arguments = secured ? (transport == .dskit ? ["--label", label] : ["--key", keyHex]) : []
        arguments += [
            "--transport", transportFlag(transport), "--probe-interval", "1s", "--probe-timeout", "900ms",
            "--push-pull-interval", "1s", "--verbose",
        ]
        if let seed { arguments += ["--join", seed] }
        return try await fixtures.goPeer(name: name, arguments)
    }

    /// The cluster label of the secured dskit cluster, the key of the secured standard one (mlpeer's standard
    /// transport has no labels, memberlist 0.2.2's dskit transport no encryption).
    static let label = "node-cluster"
    static let keyHex = "000102030405060708090a0b0c0d0e0f"

    /// Our node: memberlist's LAN probing sped up, generous enough for a loaded machine; `secured` adds the label
    /// (dskit) or the key (standard) the Go peer gets.
    static func configuration(
        _ name: String, transport: TransportKind, secured: Bool = false
    ) throws -> NodeSessionConfiguration {
        var probes = FailureDetectionSettings.memberlistLAN
        probes.probeInterval = .milliseconds(500)
        probes.probeTimeout = .milliseconds(250)
        probes.suspicionMultiplier = 2
        probes.tcpFallbackPing = transport == .memberlist
        var network = ObserverConfiguration(
            transport: transport, nodeName: name, bindHost: "127.0.0.1", bindPort: 0, timeout: .seconds(3))
        if secured, transport == .dskit { network.clusterLabel = label }
        if secured, transport == .memberlist {
            let key = stride(from: 0, to: keyHex.count, by: 2).map {
                let start = keyHex.index(keyHex.startIndex, offsetBy: $0)
                return UInt8(keyHex[start..<keyHex.index(start, offsetBy: 2)], radix: 16)!
            }
            network.keyring = try Keyring(key: key)
        }
        return NodeSessionConfiguration(
            network: network,
            failureDetection: probes,
            gossip: GossipSettings(interval: .milliseconds(100), pushPullInterval: .seconds(2), leaveTimeout: .seconds(5)))
    }

    /// Lines of a Go peer's memberlist log that accuse `name`.
    static func accusations(of name: String, in log: String) -> [Substring] {
        log.split(separator: "\n").filter {
            $0.contains(name) && ($0.contains("Suspect") || $0.contains("failed") || $0.contains("Failed"))
        }
    }

    static func state(of name: String, in node: NodeSession<NoDelegate>) async -> NodeState? {
        await node.snapshot().member(name)?.state
    }

    @Test(
        "a Go peer joins our node: both list each other alive, the peer's probes are acked, nobody is accused",
        arguments: TransportKind.allCases, [false, true])
    func goPeerJoinsSwiftNode(transport: TransportKind, secured: Bool) async throws {
        try await withFixtures { fixtures in
            let name = "swift-\(transport.rawValue)"
            let configuration = try Self.configuration(name, transport: transport, secured: secured)
            try await withNode(configuration, delegate: NoDelegate(), seed: 11) { node in
                let peer = try await Self.goPeer(
                    "go-joiner", transport: transport, joining: "127.0.0.1:\(node.boundPort)", secured: secured,
                    in: fixtures)
                try await peer.waitForStatus("the Go peer to list \(name) alive") { $0.member(name)?.state == "alive" }
                try await eventually("our node to list the Go peer alive", deadline: .seconds(20)) {
                    await Self.state(of: "go-joiner", in: node) == .alive
                }
                // Long enough for several probes each way: a node that did not answer would be suspected by now.
                try await peer.waitForStatus("the Go peer to have probed \(name) three times") {
                    ($0.probesAcked?[name] ?? 0) >= 3
                }
                let listed = try #require(peer.status()?.member(name))
                #expect(listed.port == node.boundPort)
                #expect(Self.accusations(of: name, in: peer.stderr).isEmpty, "\(peer.stderr)")
                #expect(await Self.state(of: "go-joiner", in: node) == .alive)
                #expect(await node.snapshot().local.incarnation == 1, "nobody accused us, so we never refuted")
                let errors = peer.stderr.split(separator: "\n").filter { $0.contains("[ERR]") || $0.contains("[WARN]") }
                #expect(errors.isEmpty, "the Go peer complained: \(errors)")
                let problems = await node.snapshot().recentProblems
                #expect(problems.isEmpty, "our node had problems: \(problems)")
            }
        }
    }

    @Test("our node joins a Go peer and leaves: the peer lists it left, not failed", arguments: TransportKind.allCases)
    func swiftNodeLeaves(transport: TransportKind) async throws {
        try await withFixtures { fixtures in
            let peer = try await Self.goPeer("go-seed", transport: transport, in: fixtures)
            let name = "swift-leaver-\(transport.rawValue)"
            try await withNode(try Self.configuration(name, transport: transport), delegate: NoDelegate(), seed: 12) {
                node in
                let joined = try await node.join([peer.address])
                #expect(joined == 1)
                #expect(await Self.state(of: "go-seed", in: node) == .alive, "the join merged the seed's state")
                try await peer.waitForStatus("the Go peer to list \(name) alive") { $0.member(name)?.state == "alive" }
            }
            // mlpeer's status says "dead" for both a leave and a failure (NotifyLeave): a peek tells them apart.
            try await peer.waitForStatus("the Go peer to drop \(name)") { $0.member(name)?.state == "dead" }
            let nodes = try await Peek.run(
                peer: peer.address, configuration: PeekConfiguration(transport: transport, timeout: .seconds(5))
            ).nodes
            let listed = try #require(nodes.first { $0.name == name }, "the Go peer forgot \(name)")
            #expect(listed.state == .left, "the Go peer shows \(name) as \(listed.state), not left")
            #expect(Self.accusations(of: name, in: peer.stderr).isEmpty, "\(peer.stderr)")
        }
    }

    @Test("a killed Go peer is suspected, then declared dead", arguments: TransportKind.allCases)
    func killedGoPeerFails(transport: TransportKind) async throws {
        try await withFixtures { fixtures in
            let name = "swift-watcher-\(transport.rawValue)"
            try await withNode(try Self.configuration(name, transport: transport), delegate: NoDelegate(), seed: 13) {
                node in
                let peer = try await Self.goPeer(
                    "go-victim", transport: transport, joining: "127.0.0.1:\(node.boundPort)", in: fixtures)
                try await eventually("our node to list the Go peer alive", deadline: .seconds(20)) {
                    await Self.state(of: "go-victim", in: node) == .alive
                }
                let seen = Task {
                    var states: [NodeState] = []
                    for await event in node.events {
                        switch event {
                        case .member(.suspect(let member)) where member.name == "go-victim": states.append(.suspect)
                        case .member(.dead(let member)) where member.name == "go-victim": states.append(.dead)
                        case .member(.left(let member)) where member.name == "go-victim": states.append(.left)
                        default: continue
                        }
                        if states.last == .dead || states.last == .left { break }
                    }
                    return states
                }
                await peer.stop()
                try await eventually("our node to declare the Go peer dead", deadline: .seconds(40)) {
                    await Self.state(of: "go-victim", in: node) == .dead
                }
                seen.cancel()
                let states = await seen.value
                #expect(states.first == .suspect, "suspected first: \(states)")
                #expect(states.contains(.dead), "\(states)")
            }
        }
    }

    /// A crashed node's port is silent (UDP) or refuses the Go peer's dials (dskit: mlpeer's WriteTo, as dskit's,
    /// counts a failed packet and returns no error, so memberlist's probe times out and suspects instead of giving
    /// the probe up with "Failed to send ping").
    @Test("a crashed node: the Go peer fails it (suspect, then dead), it never left", arguments: TransportKind.allCases)
    func crashedSwiftNodeFails(transport: TransportKind) async throws {
        try await withFixtures { fixtures in
            let name = "swift-crasher-\(transport.rawValue)"
            try await withNode(try Self.configuration(name, transport: transport), delegate: NoDelegate(), seed: 14) {
                node in
                let peer = try await Self.goPeer(
                    "go-witness", transport: transport, joining: "127.0.0.1:\(node.boundPort)", in: fixtures)
                try await peer.waitForStatus("the Go peer to list \(name) alive") { $0.member(name)?.state == "alive" }
                await node.crash()
                try await peer.waitForStatus("the Go peer to drop \(name)") { $0.member(name)?.state == "dead" }
                #expect(!Self.accusations(of: name, in: peer.stderr).isEmpty, "a crash is failed, not left: \(peer.stderr)")
                let nodes = try await Peek.run(
                    peer: peer.address, configuration: PeekConfiguration(transport: transport, timeout: .seconds(5))
                ).nodes
                let listed = try #require(nodes.first { $0.name == name }, "the Go peer forgot \(name)")
                #expect(listed.state == .dead, "the Go peer shows \(name) as \(listed.state), not dead")
            }
        }
    }

    @Test(
        "our node joins a three-node Go cluster through every seed, stays unaccused, and leaves: all list it left",
        arguments: TransportKind.allCases)
    func joinsGoCluster(transport: TransportKind) async throws {
        try await withFixtures { fixtures in
            // dskit: dskit-shaped peers (KV delegate with a ring, so push/pulls carry user state we must ignore)
            // behind a label; standard: LZW compression on, so what arrives is compressed.
            let peers: [GoPeer]
            var configuration = try Self.configuration("swift-member-\(transport.rawValue)", transport: transport)
            if transport == .dskit {
                peers = try await fixtures.dskitCluster(
                    label: Self.label, Array(repeating: ["--probe-interval", "1s", "--probe-timeout", "900ms"], count: 3))
                configuration.network.clusterLabel = Self.label
            } else {
                peers = try await fixtures.standardCluster(
                    ["--compression", "--probe-interval", "1s", "--probe-timeout", "900ms", "--verbose"])
            }
            let name = configuration.network.nodeName
            try await withNode(configuration, delegate: NoDelegate(), seed: 15) { node in
                let joined = try await node.join(peers.map(\.address))
                #expect(joined == 3)
                try await GoPeer.waitForAll(peers, toList: name)
                try await eventually("every peer to have probed \(name) three times", deadline: .seconds(30)) {
                    peers.allSatisfy { ($0.status()?.probesAcked?[name] ?? 0) >= 3 }
                }
                let snapshot = await node.snapshot()
                #expect(Set(snapshot.others.map(\.name)) == Set(peers.map(\.name)))
                #expect(snapshot.others.allSatisfy { $0.state == .alive }, "\(snapshot.others)")
                #expect(snapshot.local.incarnation == 1, "nobody accused us, so we never refuted")
                #expect(snapshot.recentProblems.isEmpty, "our node had problems: \(snapshot.recentProblems)")
                for peer in peers {
                    #expect(Self.accusations(of: name, in: peer.stderr).isEmpty, "\(peer.name): \(peer.stderr)")
                }
            }
            for peer in peers {
                try await peer.waitForStatus("\(peer.name) to drop \(name)") { $0.member(name)?.state == "dead" }
                var peek = PeekConfiguration(transport: transport, timeout: .seconds(5))
                peek.clusterLabel = transport == .dskit ? Self.label : ""
                let nodes = try await Peek.run(peer: peer.address, configuration: peek).nodes
                let listed = try #require(nodes.first { $0.name == name }, "\(peer.name) forgot \(name)")
                #expect(listed.state == .left, "\(peer.name) shows \(name) as \(listed.state), not left")
                #expect(Self.accusations(of: name, in: peer.stderr).isEmpty, "\(peer.name): \(peer.stderr)")
            }
        }
    }

    @Test("our node as the only seed: two Go peers that joined through it learn of each other", arguments: TransportKind.allCases)
    func swiftNodeIsTheSeed(transport: TransportKind) async throws {
        try await withFixtures { fixtures in
            let name = "swift-seed-\(transport.rawValue)"
            try await withNode(try Self.configuration(name, transport: transport), delegate: NoDelegate(), seed: 16) {
                node in
                let seed = "127.0.0.1:\(node.boundPort)"
                let first = try await Self.goPeer("go-first", transport: transport, joining: seed, in: fixtures)
                let second = try await Self.goPeer("go-second", transport: transport, joining: seed, in: fixtures)
                try await first.waitForStatus("go-first to list go-second alive") {
                    $0.member("go-second")?.state == "alive"
                }
                try await second.waitForStatus("go-second to list go-first alive") {
                    $0.member("go-first")?.state == "alive"
                }
                try await eventually("our node to list both alive", deadline: .seconds(20)) {
                    let others = await node.snapshot().others
                    return others.count == 2 && others.allSatisfy { $0.state == .alive }
                }
                for peer in [first, second] {
                    #expect(Self.accusations(of: name, in: peer.stderr).isEmpty, "\(peer.name): \(peer.stderr)")
                }
            }
        }
    }

    @Test("over TLS with a label: a Go dskit peer joins our node and we join it; both list each other alive, then left")
    func tlsWithLabel() async throws {
        let certificates = try await TestCertificates.shared()
        try await withFixtures { fixtures in
            var configuration = try Self.configuration("swift-tls", transport: .dskit, secured: true)
            let settings = TLSSettings(
                enabled: true, certPath: certificates.serverCertificate, keyPath: certificates.serverKey,
                caPath: certificates.caCertificate)
            configuration.network.tls = try settings.makeClient()
            configuration.network.tlsServer = try settings.makeServer()
            let tlsFlags = [
                "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey,
                "--tls-ca", certificates.caCertificate,
            ]
            try await withNode(configuration, delegate: NoDelegate(), seed: 21) { node in
                // The Go peer joins us (its dial verifies our certificate) ...
                let first = try await fixtures.goPeer(
                    name: "go-tls-a",
                    ["--transport", "dskit", "--label", Self.label, "--probe-interval", "1s", "--probe-timeout", "900ms",
                     "--push-pull-interval", "1s", "--join", "127.0.0.1:\(node.boundPort)"] + tlsFlags)
                try await first.waitForStatus("go-tls-a listing swift-tls alive") { $0.member("swift-tls")?.state == "alive" }
                try await eventually("swift-tls listing go-tls-a alive", deadline: .seconds(20)) {
                    await Self.state(of: "go-tls-a", in: node) == .alive
                }
                // ... and we join another (our dial verifies its certificate), gossip carrying each to the other.
                let second = try await fixtures.goPeer(
                    name: "go-tls-b",
                    ["--transport", "dskit", "--label", Self.label, "--probe-interval", "1s", "--probe-timeout", "900ms",
                     "--push-pull-interval", "1s"] + tlsFlags)
                try await node.join([second.address])
                try await second.waitForStatus("go-tls-b learning of go-tls-a through us") {
                    $0.member("go-tls-a")?.state == "alive" && $0.member("swift-tls")?.state == "alive"
                }
                #expect(Self.accusations(of: "swift-tls", in: first.stderr + second.stderr).isEmpty)
                await node.leave()
                for peer in [first, second] {
                    try await peer.waitForStatus("\(peer.name) seeing swift-tls gone") { $0.member("swift-tls")?.state == "dead" }
                }
                let listed = try await Peek.run(
                    peer: first.address,
                    configuration: PeekConfiguration(
                        transport: .dskit, clusterLabel: Self.label, timeout: .seconds(5), tls: try settings.makeClient())
                ).nodes.first { $0.name == "swift-tls" }
                #expect(listed?.state == .left, "go-tls-a lists swift-tls as \(String(describing: listed?.state))")
            }
        }
    }
}
