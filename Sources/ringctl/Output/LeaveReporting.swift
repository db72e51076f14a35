import Inspection
import Memberlist

/// What a transient join tells the user about its leave, on stderr: whether the cluster ever heard of ringctl,
/// and whether the seed lists it as left afterwards.
enum LeaveReporting {
    /// After an interrupted or failed join (the body's own error is reported after this).
    static func printEnded(_ ended: ObserverEnded) {
        let interrupted = ended.underlying is CancellationError
        if ended.leave.withheld {
            Terminal.printError(
                "ringctl: \(interrupted ? "interrupted: " : "")no leave sent: a member of the cluster holds the name "
                    + "\(ended.nodeName), and a leave in it would tell the cluster that member left")
            return
        }
        guard let node = ended.leave.node else {
            Terminal.printError(
                "ringctl: \(interrupted ? "interrupted before the join was sent" : "the join was never sent"): "
                    + "nothing was announced to the cluster, no leave needed")
            return
        }
        let start = interrupted ? "interrupted: " : ""
        Terminal.printError("ringctl: \(start)\(summary(node: node, ended.leave))")
        for line in warnings(ended.leave) { Terminal.printError(line) }
    }

    /// After a transient join that ran its course: only what went wrong (the table or event stream says the rest).
    static func printWarnings(_ leave: LeaveOutcome) {
        for line in warnings(leave) { Terminal.printError(line) }
        guard let node = leave.node, let confirmation = leave.confirmation else { return }
        if case .left = confirmation { return }
        Terminal.printError("ringctl: warning: \(summary(node: node, leave))")
    }

    /// "ringctl joined as NAME and left: SEED lists it as left".
    static func summary(node: String, _ leave: LeaveOutcome) -> String {
        let sent = "sent its leave as \(node) to \(Plural.count(leave.sentTo.count, "member"))"
        switch leave.confirmation {
        case .left(let seed, let state, _)? where leave.sentTo.isEmpty:
            return "\(seed) lists \(node) as \(state) already: no leave needed"
        case .left(let seed, let state, let resent)?:
            let again = resent == 0 ? "" : " (after \(Plural.count(resent, "more leave")): the seed had not merged the join yet)"
            return "\(sent); \(seed) lists it as \(state)\(again)"
        case .notListed(let seed)? where leave.sentTo.isEmpty:
            return "no leave needed: \(seed) does not list \(node) (yet: a seed that merges the join later will "
                + "mark it failed once it stops answering)"
        case .notListed(let seed)?:
            return "\(sent); \(seed) does not list it (yet)"
        case .stillListed(let seed, let state)?:
            return "\(sent), but \(seed) still lists it as \(state): the cluster may mark it suspect, then dead"
        case .unchecked(let seed, let reason)? where leave.sentTo.isEmpty:
            return "the join to \(seed) got no answer and \(seed) could not be asked how it lists \(node) (\(reason)): "
                + "no leave sent, since a leave in a name that is not ours would end a real member; if \(seed) "
                + "merged the join, the cluster will mark \(node) failed"
        case .unchecked(let seed, let reason)?:
            return "\(sent); could not ask \(seed) how it lists it now: \(reason)"
        case nil:
            return sent
        }
    }

    /// "; SEED lists it as left" when the seed confirmed the leave, else "" (the other outcomes are warnings).
    static func confirmedSuffix(_ leave: LeaveOutcome) -> String {
        guard case .left(let seed, let state, let resent)? = leave.confirmation else { return "" }
        return "; \(seed) lists it as \(state)" + (resent == 0 ? "" : " (after \(Plural.count(resent, "more leave")))")
    }

    /// One line per member the leave did not reach.
    static func warnings(_ leave: LeaveOutcome) -> [String] {
        leave.failures.map { "ringctl: warning: the leave did not reach \($0.peer): \($0.error)" }
    }
}
