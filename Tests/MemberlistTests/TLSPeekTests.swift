import DskitKV
import Memberlist
import MemberlistWire
import NIOCore
import NIOSSL
import Testing
import TestSupport

/// `Peek.run` over TLS (dskit transport) against Swift loopback TLS listeners built from `TestCertificates`:
/// the happy path, each way verification fails, and each plain/TLS mix-up, all within the deadline.
@Suite("Peek over TLS")
struct TLSPeekTests {
    static func certificates() async throws -> TestCertificates { try await TestCertificates.shared() }

    /// A server context presenting `certificate`/`key`.
    static func serverContext(certificate: String, key: String) throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    /// The dskit node of PeekTests behind TLS with the CA-signed localhost/127.0.0.1 certificate.
    static func withTLSNode<Result: Sendable>(
        certificate: String? = nil, key: String? = nil, _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        let certificates = try await certificates()
        let context = try serverContext(
            certificate: certificate ?? certificates.serverCertificate, key: key ?? certificates.serverKey)
        return try await LoopbackServer.with(
            tls: context, PeekTests.dskitNode(label: "", requests: RequestLog()), body)
    }

    static func client(_ settings: TLSSettings) throws -> TLSClient {
        try #require(try settings.makeClient())
    }

    static func peek(_ peer: String, tls: TLSClient?, timeout: Duration = .seconds(10)) async throws -> PeekResult {
        try await Peek.run(
            peer: peer, configuration: PeekConfiguration(transport: .dskit, timeout: timeout, tls: tls))
    }

    @Test("peek over TLS with the cluster's CA: members and KV back, verified against the IP (and localhost)")
    func trustedPeek() async throws {
        let certificates = try await Self.certificates()
        let byIP = try Self.client(TLSSettings(enabled: true, caPath: certificates.caCertificate))
        let byName = try Self.client(
            TLSSettings(enabled: true, caPath: certificates.caCertificate, serverName: "localhost"))
        try await Self.withTLSNode { server in
            let result = try await Self.peek(server.address, tls: byIP)
            #expect(result.nodes == PeekTests.reply.nodes)
            #expect(try KVState(fullState: result.userState)["collectors/ring"] != nil)
            let named = try await Self.peek("localhost:\(server.port)", tls: byName)
            #expect(named.nodes == PeekTests.reply.nodes)
        }
    }

    @Test("a certificate from another CA: untrusted, the error names the peer, exit class protocol mismatch")
    func untrustedCA() async throws {
        let certificates = try await Self.certificates()
        let client = try Self.client(TLSSettings(enabled: true, caPath: certificates.otherCACertificate))
        let error = try await Self.withTLSNode { server in
            await #expect(throws: MemberlistError.self) { try await Self.peek(server.address, tls: client) }
        }
        guard case .tlsHandshake(let peer, .untrustedCertificate) = error else {
            Issue.record("expected an untrusted certificate, got \(String(describing: error))")
            return
        }
        #expect(peer.hasPrefix("127.0.0.1:"))
        #expect(error?.isProtocolMismatch == true)
        #expect(error?.description.contains("not signed by a trusted CA") == true)
    }

    @Test("a self-signed server certificate is untrusted, and accepted with insecure-skip-verify")
    func selfSigned() async throws {
        let certificates = try await Self.certificates()
        let verifying = try Self.client(TLSSettings(enabled: true, caPath: certificates.caCertificate))
        let skipping = try Self.client(TLSSettings(enabled: true, insecureSkipVerify: true))
        try await Self.withTLSNode(
            certificate: certificates.selfSignedCertificate, key: certificates.selfSignedKey
        ) { server in
            let error = await #expect(throws: MemberlistError.self) {
                try await Self.peek(server.address, tls: verifying)
            }
            guard case .tlsHandshake(_, .untrustedCertificate) = error else {
                Issue.record("expected an untrusted certificate, got \(String(describing: error))")
                return
            }
            let result = try await Self.peek(server.address, tls: skipping)
            #expect(result.nodes == PeekTests.reply.nodes)
        }
    }

    @Test("a trusted certificate for another name (or not for the IP dialed): name mismatch naming the name")
    func nameMismatch() async throws {
        // The localhost-only certificate has no IP SAN: NIOSSL accepts an IP SAN matching the address dialed
        // even when a server name is set, so only this certificate shows the name check.
        let certificates = try await Self.certificates()
        let otherName = try Self.client(
            TLSSettings(enabled: true, caPath: certificates.caCertificate, serverName: "ingester.pyroscope.svc"))
        let noName = try Self.client(TLSSettings(enabled: true, caPath: certificates.caCertificate))
        let localhost = try Self.client(
            TLSSettings(enabled: true, caPath: certificates.caCertificate, serverName: "localhost"))
        try await Self.withTLSNode(
            certificate: certificates.localhostCertificate, key: certificates.localhostKey
        ) { server in
            let named = await #expect(throws: MemberlistError.self) {
                try await Self.peek(server.address, tls: otherName)
            }
            #expect(named == .tlsHandshake(
                peer: server.address, failure: .nameMismatch(expected: "ingester.pyroscope.svc")))
            let byIP = await #expect(throws: MemberlistError.self) { try await Self.peek(server.address, tls: noName) }
            #expect(byIP == .tlsHandshake(peer: server.address, failure: .nameMismatch(expected: "127.0.0.1")))
            let result = try await Self.peek(server.address, tls: localhost)
            #expect(result.nodes == PeekTests.reply.nodes)
        }
    }

    @Test("TLS to a plain dskit node (it closes on the ClientHello): closed during the handshake")
    func tlsToClosingPlainNode() async throws {
        let certificates = try await Self.certificates()
        let client = try Self.client(TLSSettings(enabled: true, caPath: certificates.caCertificate))
        let error = try await LoopbackServer.with(PeekTests.dskitNode(label: "", requests: RequestLog())) { server in
            await #expect(throws: MemberlistError.self) { try await Self.peek(server.address, tls: client) }
        }
        guard case .tlsHandshake(_, .closedDuringHandshake) = error else {
            Issue.record("expected closedDuringHandshake, got \(String(describing: error))")
            return
        }
        #expect(error?.isProtocolMismatch == true)
    }

    @Test("TLS to a plain listener that answers in plaintext: not TLS")
    func tlsToTalkingPlainNode() async throws {
        let certificates = try await Self.certificates()
        let client = try Self.client(TLSSettings(enabled: true, caPath: certificates.caCertificate))
        let reply = try StreamEnvelope(message: .pushPull(PeekTests.reply)).encoded(direction: .listener)
        let error = try await LoopbackServer.with({ inbound, outbound in
            // Answer the ClientHello with a push/pull reply, then wait for the client to give up.
            var answered = false
            for try await _ in inbound where !answered {
                try await outbound.write(ByteBuffer(bytes: reply))
                answered = true
            }
        }) { server in
            await #expect(throws: MemberlistError.self) { try await Self.peek(server.address, tls: client) }
        }
        guard case .tlsHandshake(_, .notTLS) = error else {
            Issue.record("expected notTLS, got \(String(describing: error))")
            return
        }
    }

    @Test("plain TCP to a TLS node: the error says the peer speaks TLS")
    func plainToTLSNode() async throws {
        let error = try await Self.withTLSNode { server in
            await #expect(throws: MemberlistError.self) { try await Self.peek(server.address, tls: nil) }
        }
        #expect(error == .peerSpeaksTLS(peer: error?.peer ?? ""))
        #expect(error?.isProtocolMismatch == true)
    }

    @Test("a listener that never answers the ClientHello: timed out in the TLS handshake")
    func silentHandshake() async throws {
        let certificates = try await Self.certificates()
        let client = try Self.client(TLSSettings(enabled: true, caPath: certificates.caCertificate))
        let silent = try LoopbackSocket(.tcp)
        defer { silent.close() }
        let peer = "127.0.0.1:\(silent.port)"
        // A second: the connect itself is instant on loopback, but a loaded parallel run once starved the event loop
        // past 300 ms before the handshake began, and the error then (rightly) named the connect.
        let error = await #expect(throws: MemberlistError.self) {
            try await Self.peek(peer, tls: client, timeout: .seconds(1))
        }
        #expect(error == .timedOut(peer: peer, step: .tlsHandshake, after: .seconds(1)))
    }
}

/// Loading TLS files into a client context, and the errors that name the file.
@Suite("TLSSettings")
struct TLSSettingsTests {
    @Test("disabled settings make no client; enabled ones load the CA, the client pair, the server name")
    func makeClient() async throws {
        let certificates = try await TestCertificates.shared()
        #expect(try TLSSettings(enabled: false, caPath: "/nonexistent").makeClient() == nil)
        let client = try #require(try TLSSettings(
            enabled: true, certPath: certificates.clientCertificate, keyPath: certificates.clientKey,
            caPath: certificates.caCertificate, serverName: "ingester-0").makeClient())
        #expect(client.serverHostname(forHost: "10.0.0.1") == "ingester-0")
        let plain = try #require(try TLSSettings(enabled: true).makeClient())
        #expect(plain.serverHostname(forHost: "pyroscope-ingester-0.pyroscope") == "pyroscope-ingester-0.pyroscope")
        #expect(plain.serverHostname(forHost: "127.0.0.1") == nil)
        #expect(plain.serverHostname(forHost: "::1") == nil)
    }

    @Test("a missing CA file, a CA that is not PEM, a lone key, a key of another certificate: each named")
    func badFiles() async throws {
        let certificates = try await TestCertificates.shared()
        let missing = #expect(throws: TLSConfigurationError.self) {
            try TLSSettings(enabled: true, caPath: certificates.directory + "/missing.crt").makeClient()
        }
        #expect(missing?.file == .ca)
        #expect(missing?.path == certificates.directory + "/missing.crt")
        #expect(missing?.reason == "does not exist")

        let notPEM = #expect(throws: TLSConfigurationError.self) {
            try TLSSettings(enabled: true, caPath: certificates.notPEM).makeClient()
        }
        #expect(notPEM?.file == .ca)
        #expect(notPEM?.reason.contains("no valid PEM certificate") == true)

        let badKey = #expect(throws: TLSConfigurationError.self) {
            try TLSSettings(enabled: true, certPath: certificates.clientCertificate, keyPath: certificates.notPEM)
                .makeClient()
        }
        #expect(badKey?.file == .key)
        #expect(badKey?.path == certificates.notPEM)

        let lone = #expect(throws: TLSConfigurationError.self) {
            try TLSSettings(enabled: true, keyPath: certificates.clientKey).makeClient()
        }
        #expect(lone?.file == .certificate)

        let mismatched = #expect(throws: TLSConfigurationError.self) {
            try TLSSettings(enabled: true, certPath: certificates.clientCertificate, keyPath: certificates.serverKey)
                .makeClient()
        }
        #expect(mismatched?.file == .key)
        #expect(mismatched?.reason.contains("does not match") == true)
    }
}
