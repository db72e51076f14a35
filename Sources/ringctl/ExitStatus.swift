import ArgumentParser
import Discovery
import DskitKV
import Inspection
import Memberlist
import MemberlistWire

/// The one table of exit statuses every command shares, and the one place errors become messages and codes.
enum ExitStatus: Int32, Comparable {
    /// The command worked and the answer is healthy.
    case ok = 0
    /// The command worked but the answer is not healthy (a name resolved to nothing, lag over threshold, ...).
    case unhealthy = 1
    /// Bad flags or arguments (argument-parser's ValidationError uses 64 too).
    case usage = 64
    /// Nothing answered: no seed, no DNS server (timeout, refused, SERVFAIL).
    case unavailable = 69
    /// A peer spoke something undecodable, or the label/keyring did not match.
    case protocolMismatch = 76
    /// Bad TLS, key or config files.
    case configuration = 78

    static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.severity < rhs.severity }

    /// Which status wins when several inputs fail differently: the one that most needs a human.
    private var severity: Int {
        switch self {
        case .ok: 0
        case .unhealthy: 1
        case .unavailable: 2
        case .protocolMismatch: 3
        case .configuration: 4
        case .usage: 5
        }
    }

    /// The status for an error, with its one-line message and what to try next.
    init(of error: any Error) {
        switch error {
        case let error as DiscoveryError:
            switch error {
            case .invalidAddress, .invalidServer: self = .usage
            case .queryFailed: self = .unavailable
            case .channelSetup: self = .configuration
            }
        case let error as MemberlistError:
            switch error {
            case .invalidPeerAddress: self = .usage
            case _ where error.isProtocolMismatch: self = .protocolMismatch
            default: self = .unavailable
            }
        case let error as InspectionError:
            switch error {
            case .noSeeds: self = .usage
            case .configFile: self = .configuration
            // The seed that most needs a human decides: one that answered garbage beats one that was down.
            case .noSeedAnswered(let failures):
                self = failures.map { ExitStatus(of: $0.error) }.max() ?? .unavailable
            }
        case is TransportMismatch:
            self = .protocolMismatch
        case is SeedResolvedToNothing, is SeedNotTried:
            self = .unavailable
        case let error as ObserverError:
            switch error {
            case .bindFailed: self = .configuration
            case .invalidAdvertiseAddress, .nodeNameTaken: self = .usage
            case .joinRejected: self = .protocolMismatch
            }
        case let error as KVLookupError:
            switch error {
            case .stateUndecodable, .ringUndecodable: self = .protocolMismatch
            case .keyMissing, .keyDeleted, .notARing, .noRingKey: self = .unhealthy
            }
        case is KeyFiles.Failure, is TLSConfigurationError:
            self = .configuration
        case is RingFileError, is DskitKVError, is WireError, is CaptureError:
            self = .protocolMismatch
        case is InputFile.Failure, is ValidationError:
            self = .usage
        default:
            self = .configuration
        }
    }

    static func message(for error: any Error) -> (message: String, hint: String?) {
        switch error {
        case let error as DiscoveryError: (error.description, error.hint)
        case let error as RingFileError: (error.description, error.hint)
        case let error as CaptureError: (error.description, error.hint)
        case let error as KeyFiles.Failure: (error.description, error.hint)
        case let error as TLSConfigurationError: (tlsFileMessage(error), tlsFileHint(error))
        case let error as InputFile.Failure: (error.description, error.hint)
        case let error as ValidationError: (error.message, nil)
        case let error as MemberlistError: (error.description, memberlistHint(error))
        case let error as InspectionError: (error.description, inspectionHint(error))
        case let error as KVLookupError: (error.description, error.hint)
        case let error as ObserverError: (error.description, error.hint)
        case let error as WireError: (error.description, wireHint(error))
        default: (String(describing: error), nil)
        }
    }

    private static func wireHint(_ error: WireError) -> String {
        switch error {
        case .labelMismatch(let expected, let received):
            "the sender uses cluster label \"\(received)\", not \"\(expected)\": two clusters may be gossiping "
                + "into each other, or -memberlist.cluster-label differs between them"
        case .decryptionFailed, .keyringRequired:
            "give the cluster's gossip key with --key-file (every key of its keyring, one flag each)"
        default:
            "the bytes are not what dskit or memberlist would send here; check the capture's direction and "
                + "that it holds one whole connection"
        }
    }

    /// The flag (with its dskit spelling) and the config key that name a TLS file.
    private static func tlsFlag(_ file: TLSConfigurationError.File) -> (flag: String, key: String) {
        switch file {
        case .certificate: ("--tls-cert-path (-memberlist.tls-cert-path)", "tls_cert_path")
        case .key: ("--tls-key-path (-memberlist.tls-key-path)", "tls_key_path")
        case .ca: ("--tls-ca-path (-memberlist.tls-ca-path)", "tls_ca_path")
        }
    }

    private static func tlsFileMessage(_ error: TLSConfigurationError) -> String {
        let (flag, key) = tlsFlag(error.file)
        return error.path.isEmpty
            ? "\(flag) \(error.reason)"
            : "\(error.description) (from \(flag), or \(key) in --config.file)"
    }

    private static func tlsFileHint(_ error: TLSConfigurationError) -> String {
        switch error.file {
        case .certificate, .ca: "give a readable PEM file (-----BEGIN CERTIFICATE-----), as dskit's TLS flags take"
        case .key: "give the PEM private key (-----BEGIN PRIVATE KEY-----) that belongs to --tls-cert-path"
        }
    }

    private static func tlsHint(_ failure: TLSFailure) -> String {
        switch failure {
        case .untrustedCertificate:
            "give the CA that signed the cluster's certificates with --tls-ca-path, or (testing only) "
                + "--tls-insecure-skip-verify"
        case .nameMismatch:
            "set --tls-server-name to a name the certificate carries (its DNS or IP SAN), or (testing only) "
                + "--tls-insecure-skip-verify"
        case .notTLS, .closedDuringHandshake:
            "the seed may not use TLS: drop --tls (and tls_enabled in the config file), or check the port"
        case .other:
            "check --tls-ca-path, --tls-server-name, --tls-cert-path/--tls-key-path against the cluster's "
                + "-memberlist.tls-* settings"
        }
    }

    private static func memberlistHint(_ error: MemberlistError) -> String? {
        switch error {
        case .tlsHandshake(_, let failure):
            tlsHint(failure)
        case .peerSpeaksTLS:
            "pass --tls (-memberlist.tls-enabled) with the cluster's --tls-ca-path, as its -memberlist.tls-* "
                + "flags say"
        case .keyringMismatch(_, _, let keyFiles):
            "the key in \(keyFiles.isEmpty ? "--secret-key-file" : keyFiles.joined(separator: ", ")) is not one "
                + "of the cluster's: give its current key (the first --secret-key-file encrypts; add each key "
                + "of a rotation as another --secret-key-file)"
        case .undecodableReply(_, .keyringRequired):
            "the cluster encrypts gossip: give its key with --secret-key-file FILE"
        case .undecodableReply(_, .unexpectedMessageType(_, _, let context)) where context.contains("encrypted"):
            "the seed answered without encryption: the cluster has no secret key, drop --secret-key-file"
        case .peerClosed(_, _, 0, .dskit, _):
            "pass the cluster's -memberlist.cluster-label with --cluster-label (or none if it has none); "
                + "a plain memberlist cluster needs --transport memberlist; a TLS cluster needs --tls"
        case .peerClosed(_, _, 0, .memberlist, _):
            "a Pyroscope, Mimir, Loki or Tempo node speaks dskit's transport: drop --transport memberlist; a plain "
                + "memberlist cluster may need its --cluster-label or --secret-key-file"
        case .undecodableReply(_, .labelMismatch), .undecodableReply(_, .unknownFrameKind):
            "check --transport (dskit or memberlist) and --cluster-label against the cluster's configuration"
        case .undecodableReply, .unexpectedReply:
            "the port may not be a memberlist port, or the cluster uses a transport or encryption ringctl was "
                + "not told about (--transport)"
        case .timedOut:
            "check the address and port (dskit's default is 7946), or allow more time with --timeout"
        case .connectionRefused, .connectFailed:
            "check the address and port (dskit's default is 7946) and that the node runs"
        default:
            nil
        }
    }

    private static func inspectionHint(_ error: InspectionError) -> String? {
        if case .configFile = error {
            return "give the service's YAML config (what it reads with -config.file); ringctl reads its top-level "
                + "memberlist: block, and flags override it"
        }
        guard case .noSeedAnswered(let failures) = error else { return nil }
        // A probe that found what the seed does answer says exactly what to change.
        if let mismatch = failures.lazy.compactMap({ $0.error as? TransportMismatch }).first {
            return transportHint(mismatch)
        }
        // The hint for the failure that decided the exit status.
        let worst = failures.max { ExitStatus(of: $0.error) < ExitStatus(of: $1.error) }
        return (worst?.error as? MemberlistError).flatMap(memberlistHint)
    }

    private static func transportHint(_ mismatch: TransportMismatch) -> String {
        var changes: [String] = []
        if mismatch.answers != mismatch.spoken {
            changes.append(mismatch.answers == .memberlist
                ? "add --transport memberlist (a plain memberlist cluster)"
                : "drop --transport memberlist (dskit's transport is the default)")
        }
        if mismatch.answersLabel != mismatch.sentLabel {
            changes.append(mismatch.answersLabel.isEmpty
                ? "drop --cluster-label \"\(mismatch.sentLabel)\" (the cluster uses none)"
                : "use --cluster-label \"\(mismatch.answersLabel)\"")
        }
        return changes.joined(separator: " and ")
    }

    /// Prints `ringctl: <message>` and `hint: <what to do>` to stderr.
    static func printDiagnostic(_ error: any Error) {
        let (message, hint) = message(for: error)
        Terminal.printError("ringctl: \(message)")
        if let hint { Terminal.printError("  hint: \(hint)") }
    }

    /// The ExitCode a command throws to end with this status (0 ends normally).
    var exitCode: ExitCode { ExitCode(rawValue) }
}

extension AsyncParsableCommand {
    /// Runs a command body in a task that SIGINT and SIGTERM cancel; errors from the libraries are printed once
    /// and mapped to the shared statuses, an interruption before there was an answer exits 130.
    func reportingErrors(_ body: @escaping @Sendable () async throws -> ExitStatus) async throws {
        let status: ExitStatus
        do {
            status = try await SignalCancellation.run(body)
        } catch let exit as ExitCode {
            throw exit
        } catch let ended as ObserverEnded {
            // A transient join that failed or was interrupted: say whether the cluster ever heard of us.
            LeaveReporting.printEnded(ended)
            if ended.underlying is CancellationError { throw ExitCode(130) }
            ExitStatus.printDiagnostic(ended.underlying)
            throw ExitStatus(of: ended.underlying).exitCode
        } catch is CancellationError {
            // Ctrl-C or SIGTERM before there was an answer: the shell's convention for SIGINT.
            Terminal.printError("ringctl: interrupted")
            throw ExitCode(130)
        } catch {
            ExitStatus.printDiagnostic(error)
            throw ExitStatus(of: error).exitCode
        }
        if status != .ok { throw status.exitCode }
    }
}
