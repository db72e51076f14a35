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
            // The seed that most needs a human decides: one that answered garbage beats one that was down.
            case .noSeedAnswered(let failures):
                self = failures.map { ExitStatus(of: $0.error) }.max() ?? .unavailable
            }
        case is SeedResolvedToNothing:
            self = .unavailable
        case let error as ObserverError:
            switch error {
            case .bindFailed: self = .configuration
            case .invalidAdvertiseAddress: self = .usage
            case .joinRejected: self = .protocolMismatch
            }
        case is KeyFiles.Failure:
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
        case let error as InputFile.Failure: (error.description, error.hint)
        case let error as ValidationError: (error.message, nil)
        case let error as MemberlistError: (error.description, memberlistHint(error))
        case let error as InspectionError: (error.description, inspectionHint(error))
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

    private static func memberlistHint(_ error: MemberlistError) -> String? {
        switch error {
        case .peerClosed(_, _, 0, .dskit, _):
            "pass the cluster's -memberlist.cluster-label with --cluster-label (or none if it has none); "
                + "a plain memberlist cluster needs --transport memberlist"
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
        guard case .noSeedAnswered(let failures) = error else { return nil }
        // The hint for the failure that decided the exit status.
        let worst = failures.max { ExitStatus(of: $0.error) < ExitStatus(of: $1.error) }
        return (worst?.error as? MemberlistError).flatMap(memberlistHint)
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
    /// Runs a command body; errors from the libraries are printed once and mapped to the shared statuses.
    func reportingErrors(_ body: () async throws -> ExitStatus) async throws {
        let status: ExitStatus
        do {
            status = try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            ExitStatus.printDiagnostic(error)
            throw ExitStatus(of: error).exitCode
        }
        if status != .ok { throw status.exitCode }
    }
}
