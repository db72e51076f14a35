import Foundation

/// A throwaway PKI made with the `openssl` binary in a temporary directory (EC P-256 keys, PEM files, valid
/// for 30 days from now):
///
/// - `caCertificate`: the test CA ("ringctl-test-ca").
/// - `serverCertificate` / `serverKey`: signed by the CA, for `localhost` and `127.0.0.1` (DNS and IP SANs).
/// - `localhostCertificate` / `localhostKey`: signed by the CA, for `localhost` only (no IP SAN: dialing
///   127.0.0.1 without a server name fails the name check).
/// - `clientCertificate` / `clientKey`: signed by the CA, for client authentication (mutual TLS).
/// - `otherCACertificate`: an unrelated CA that signed nothing here (an "untrusted CA" for clients).
/// - `selfSignedCertificate` / `selfSignedKey`: for `localhost` and `127.0.0.1`, signed by itself.
/// - `notPEM`: a file that is no PEM at all (for "bad file" errors).
///
/// `try await TestCertificates.shared()` makes them once per test process; `try await TestCertificates()` makes
/// a fresh set.
public final class TestCertificates: Sendable {
    /// The directory holding every file.
    public let directory: String
    public let caCertificate: String
    public let serverCertificate: String
    public let serverKey: String
    public let localhostCertificate: String
    public let localhostKey: String
    public let clientCertificate: String
    public let clientKey: String
    public let otherCACertificate: String
    public let selfSignedCertificate: String
    public let selfSignedKey: String
    public let notPEM: String

    /// The one shared set, made by the first caller's task and awaited by every other.
    private static let sharedSet = Task<TestCertificates, any Error> { try await TestCertificates() }

    /// One set for the whole test process (made on first use, left in the temporary directory).
    public static func shared() async throws -> TestCertificates {
        try await sharedSet.value
    }

    /// Makes a new set of files in a new temporary directory.
    public init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.openssl) else {
            throw FixtureError.missingTool("openssl", install: "apt-get install openssl")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ringctl-certs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory + "/" + name }
        self.directory = directory
        caCertificate = path("ca.crt")
        serverCertificate = path("server.crt")
        serverKey = path("server.key")
        localhostCertificate = path("localhost.crt")
        localhostKey = path("localhost.key")
        clientCertificate = path("client.crt")
        clientKey = path("client.key")
        otherCACertificate = path("other-ca.crt")
        selfSignedCertificate = path("self-signed.crt")
        selfSignedKey = path("self-signed.key")
        notPEM = path("not-pem.crt")

        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let caExtensions = [
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ]
        let hostNames = "subjectAltName=DNS:localhost,IP:127.0.0.1"
        try await Self.run(["req", "-x509"] + curve + ["-keyout", path("ca.key"), "-out", caCertificate, "-days", "30",
                      "-subj", "/CN=ringctl-test-ca"] + caExtensions)
        try await Self.run(["req", "-x509"] + curve + ["-keyout", path("other-ca.key"), "-out", otherCACertificate,
                      "-days", "30", "-subj", "/CN=ringctl-other-ca"] + caExtensions)
        try await Self.run(["req", "-x509"] + curve + ["-keyout", selfSignedKey, "-out", selfSignedCertificate,
                      "-days", "30", "-subj", "/CN=localhost", "-addext", hostNames])
        try await Self.signed(
            name: "server", subject: "/CN=localhost", key: serverKey, certificate: serverCertificate,
            extensions: "\(hostNames)\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n",
            directory: directory)
        try await Self.signed(
            name: "localhost", subject: "/CN=localhost", key: localhostKey, certificate: localhostCertificate,
            extensions: "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
            directory: directory)
        try await Self.signed(
            name: "client", subject: "/CN=ringctl-client", key: clientKey, certificate: clientCertificate,
            extensions: "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n", directory: directory)
        try Data("this is not a certificate\n".utf8).write(to: URL(fileURLWithPath: notPEM))
    }

    /// Deletes the directory (not for the shared set).
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static let openssl = "/usr/bin/openssl"

    private static func signed(
        name: String, subject: String, key: String, certificate: String, extensions: String, directory: String
    ) async throws {
        let request = directory + "/\(name).csr"
        let extensionsFile = directory + "/\(name).ext"
        try Data(extensions.utf8).write(to: URL(fileURLWithPath: extensionsFile))
        try await run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                 "-out", request, "-subj", subject])
        try await run(["x509", "-req", "-in", request, "-CA", directory + "/ca.crt", "-CAkey", directory + "/ca.key",
                 "-set_serial", "\(UInt32.random(in: 1...UInt32.max))", "-days", "30", "-out", certificate,
                 "-extfile", extensionsFile])
    }

    private static func run(_ arguments: [String]) async throws {
        let process = try ChildProcess(openssl, arguments)
        defer { process.cleanUp() }
        let status = try await process.wait(deadline: .seconds(120))
        guard status == 0 else {
            throw FixtureError.failed(
                "openssl \(arguments.joined(separator: " ")) exited with \(status): \(process.stderr)")
        }
    }
}
