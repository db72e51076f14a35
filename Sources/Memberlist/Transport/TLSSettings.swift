import Foundation
import NIOCore
import NIOSSL

// dskit's memberlist TLS client settings (dskit crypto/tls ClientConfig, the -memberlist.tls-* flags): a client
// certificate and key (optional, for servers that require one), the CA that signed the server's certificate
// (the system roots when none), the name to verify it against, and the switch to verify nothing.

/// The TLS client settings of a dskit memberlist cluster, as its `-memberlist.tls-*` flags give them.
public struct TLSSettings: Hashable, Sendable {
    /// Whether to speak TLS at all (`-memberlist.tls-enabled`).
    public var enabled: Bool
    /// The client certificate (PEM), for servers that ask for one (`-memberlist.tls-cert-path`).
    public var certPath: String
    /// The client certificate's private key (PEM) (`-memberlist.tls-key-path`).
    public var keyPath: String
    /// The CA bundle that signed the servers' certificates (PEM); the system roots when empty
    /// (`-memberlist.tls-ca-path`).
    public var caPath: String
    /// The name the server's certificate must carry; the seed's host when empty (`-memberlist.tls-server-name`).
    public var serverName: String
    /// Accept any server certificate (`-memberlist.tls-insecure-skip-verify`).
    public var insecureSkipVerify: Bool

    /// TLS settings; all off and empty by default.
    public init(
        enabled: Bool = false, certPath: String = "", keyPath: String = "", caPath: String = "",
        serverName: String = "", insecureSkipVerify: Bool = false
    ) {
        self.enabled = enabled
        self.certPath = certPath
        self.keyPath = keyPath
        self.caPath = caPath
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// Loads the files and builds the client context, once for every connection. Nil when TLS is off.
    public func makeClient() throws(TLSConfigurationError) -> TLSClient? {
        guard enabled else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if insecureSkipVerify {
            configuration.certificateVerification = .none
        }
        if !caPath.isEmpty {
            let roots = try Self.certificates(.ca, path: caPath)
            configuration.trustRoots = .certificates(roots)
        }
        switch (certPath.isEmpty, keyPath.isEmpty) {
        case (true, true):
            break
        case (false, true):
            throw TLSConfigurationError(file: .key, path: "", reason: "is missing: a client certificate needs its key")
        case (true, false):
            throw TLSConfigurationError(
                file: .certificate, path: "", reason: "is missing: a client key needs its certificate")
        case (false, false):
            let chain = try Self.certificates(.certificate, path: certPath)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(try Self.privateKey(path: keyPath))
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            // The files each parsed, so with a certificate and key what is left is the pair not belonging together.
            if certPath.isEmpty {
                throw TLSConfigurationError(
                    file: .ca, path: caPath, reason: "cannot be used to verify peers (\(error))")
            }
            throw TLSConfigurationError(
                file: .key, path: keyPath, reason: "does not match the certificate in \(certPath) (\(error))")
        }
        return TLSClient(settings: self, context: context)
    }

    /// The listener's context for a transient join: peers connect back to the observer (probes, push/pulls, the
    /// leave's replies) over TLS too, and dskit presents one certificate for both sides, so the same cert and key
    /// serve. Nil when TLS is off; an error naming the flags when they are missing.
    public func makeServer() throws(TLSConfigurationError) -> TLSServer? {
        guard enabled else { return nil }
        guard !certPath.isEmpty, !keyPath.isEmpty else {
            throw TLSConfigurationError(
                file: certPath.isEmpty ? .certificate : .key, path: "",
                reason: "is missing: joining over TLS needs a certificate and key for the connections peers open "
                    + "back to ringctl")
        }
        let chain = try Self.certificates(.certificate, path: certPath)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(try Self.privateKey(path: keyPath)))
        configuration.minimumTLSVersion = .tlsv12
        // No client certificate is asked for: peers authenticate us through the certificate we present.
        configuration.certificateVerification = .none
        do {
            return TLSServer(context: try NIOSSLContext(configuration: configuration))
        } catch {
            throw TLSConfigurationError(
                file: .key, path: keyPath, reason: "does not match the certificate in \(certPath) (\(error))")
        }
    }

    private static func contents(_ file: TLSConfigurationError.File, path: String) throws(TLSConfigurationError)
        -> [UInt8]
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw TLSConfigurationError(
                file: file, path: path, reason: exists ? "cannot be read (permissions?)" : "does not exist")
        }
        return Array(data)
    }

    private static func certificates(_ file: TLSConfigurationError.File, path: String) throws(TLSConfigurationError)
        -> [NIOSSLCertificate]
    {
        let bytes = try contents(file, path: path)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw TLSConfigurationError(file: file, path: path, reason: "holds no valid PEM certificate (\(error))")
        }
        guard !certificates.isEmpty else {
            throw TLSConfigurationError(file: file, path: path, reason: "holds no PEM certificate")
        }
        return certificates
    }

    private static func privateKey(path: String) throws(TLSConfigurationError) -> NIOSSLPrivateKey {
        let bytes = try contents(.key, path: path)
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
        } catch {
            throw TLSConfigurationError(file: .key, path: path, reason: "holds no valid PEM private key (\(error))")
        }
    }
}

/// TLS settings turned into a client context: built once, shared by every connection of a run.
public struct TLSClient: Hashable, Sendable {
    /// The settings it was built from.
    public let settings: TLSSettings
    /// The NIOSSL context (certificates, trust roots and key loaded).
    public let context: NIOSSLContext

    /// The name to send (SNI) and verify for a peer at `host`: the configured server name, else the host when
    /// it is a DNS name. For an IP host nil: NIOSSL then checks the certificate's IP addresses against the
    /// peer's, as Go does for an IP `ServerName`.
    public func serverHostname(forHost host: String) -> String? {
        let name = settings.serverName.isEmpty ? host : settings.serverName
        return Self.isIPAddress(name) ? nil : name
    }

    static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    public static func == (lhs: TLSClient, rhs: TLSClient) -> Bool {
        lhs.settings == rhs.settings && lhs.context === rhs.context
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(settings)
        hasher.combine(ObjectIdentifier(context))
    }
}

/// TLS settings turned into a listener context (the observer's side of connections peers open).
public struct TLSServer: Hashable, Sendable {
    /// The NIOSSL context (certificate and key loaded).
    public let context: NIOSSLContext

    public static func == (lhs: TLSServer, rhs: TLSServer) -> Bool { lhs.context === rhs.context }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(context)) }
}

/// A TLS file that cannot be used: which one, where, and why. Raised before any peer is asked.
public struct TLSConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which of the TLS settings' files.
    public enum File: String, Hashable, Sendable {
        case certificate = "TLS certificate"
        case key = "TLS key"
        case ca = "TLS CA"
    }

    /// The file's role.
    public var file: File
    /// Its path as given ("" when it is missing from the settings).
    public var path: String
    /// What is wrong with it.
    public var reason: String

    /// An error about one TLS file.
    public init(file: File, path: String, reason: String) {
        self.file = file
        self.path = path
        self.reason = reason
    }

    public var description: String {
        path.isEmpty ? "the \(file.rawValue) file \(reason)" : "\(file.rawValue) file \(path) \(reason)"
    }
}
