import ArgumentParser
import Inspection
import Memberlist

/// The one table of exit statuses every command shares (README's "Exit status (every command)", the root
/// command's help and the man page list the same). `Diagnosis` decides which one an error gets.
enum ExitStatus: Int32, Comparable, CaseIterable {
    /// The command worked and the answer is healthy.
    case ok = 0
    /// The command worked but the answer is not healthy (a name resolved to nothing, lag over threshold, ...).
    case unhealthy = 1
    /// Bad flags or arguments (argument-parser's ValidationError uses 64 too), wherever they are found.
    case usage = 64
    /// Nothing answered: no seed, no DNS server (timeout, refused, SERVFAIL).
    case unavailable = 69
    /// An error ringctl does not know: a bug (BSD sysexits' EX_SOFTWARE).
    case software = 70
    /// A peer spoke something undecodable, or the label/keyring did not match.
    case protocolMismatch = 76
    /// Bad TLS, key or config files.
    case configuration = 78
    /// Ctrl-C or SIGTERM before there was an answer (the shell's 128 + SIGINT).
    case interrupted = 130

    static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.severity < rhs.severity }

    /// Which status wins when several inputs fail differently (seeds, resolve's addresses): the one that most
    /// needs a human. A bug beats everything: the other failures' hints may rest on it, and only a report fixes
    /// it. An interruption is never combined with other failures; it ranks just below a bug.
    private var severity: Int {
        switch self {
        case .ok: 0
        case .unhealthy: 1
        case .unavailable: 2
        case .protocolMismatch: 3
        case .configuration: 4
        case .usage: 5
        case .interrupted: 6
        case .software: 7
        }
    }

    /// The status for an error (see `Diagnosis`).
    init(of error: any Error) {
        self = Diagnosis(of: error).status
    }

    /// Prints `ringctl: <message>` and `  hint: <what to do>` to stderr, once per error a `Findings` holds.
    static func printDiagnostic(_ error: any Error) {
        for diagnosis in Diagnosis.all(of: error) {
            Terminal.printError("ringctl: \(diagnosis.message)")
            if let hint = diagnosis.hint { Terminal.printError("  hint: \(hint)") }
        }
    }

    /// The ExitCode a command throws to end with this status (0 ends normally).
    var exitCode: ExitCode { ExitCode(rawValue) }
}

/// What a command's body says of the answer it printed. Anything worse is an error it throws, which `Diagnosis`
/// turns into a message, a hint and a status; a command never picks those itself.
enum Verdict: Sendable {
    /// The answer is healthy (exit 0).
    case ok
    /// The answer, already shown, is not healthy (exit 1): `ring --check` failed, a ring lags.
    case unhealthy
}

/// Several errors found in one answer that was still printed (each address `ringctl resolve` could not use):
/// each is shown, and the worst decides the status.
struct Findings: Error {
    var errors: [any Error]
}

extension AsyncParsableCommand {
    /// Runs a command body in a task that SIGINT and SIGTERM cancel; what it throws is printed once and mapped to
    /// the shared statuses (an interruption before there was an answer exits 130).
    func reportingErrors(_ body: @escaping @Sendable () async throws -> Verdict) async throws {
        let verdict: Verdict
        do {
            verdict = try await SignalCancellation.run(body)
        } catch let exit as ExitCode {
            throw exit
        } catch let ended as ObserverEnded {
            // A transient join that failed or was interrupted: say whether the cluster ever heard of us, then why
            // it ended (an interruption is said by that line already).
            LeaveReporting.printEnded(ended)
            if !(ended.underlying is CancellationError) { ExitStatus.printDiagnostic(ended.underlying) }
            throw ExitStatus(of: ended).exitCode
        } catch {
            ExitStatus.printDiagnostic(error)
            throw ExitStatus(of: error).exitCode
        }
        if verdict == .unhealthy { throw ExitStatus.unhealthy.exitCode }
    }
}
