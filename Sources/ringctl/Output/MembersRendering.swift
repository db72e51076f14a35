import Foundation
import Inspection
import Memberlist

/// Tables for `members` and `kv`.
enum MembersRendering {
    /// The members table; after a transient join, `leave` says whether the leave reached everyone.
    static func table(_ report: MembersReport, wide: Bool, leave: LeaveOutcome? = nil) -> String {
        var headers = ["NAME", "ADDRESS", "STATE", "INCARNATION", "VERSIONS", "ROLE", "ZONE"]
        if wide { headers.append("META") }
        var table = Table(headers)
        for member in report.members {
            var row = [
                member.name, member.address, member.state.rawValue, String(member.incarnation),
                versions(member), member.role ?? "-", member.zone.map { $0.isEmpty ? "-" : $0 } ?? "-",
            ]
            if wide { row.append("\(member.metaBytes)B") }
            table.append(row)
        }
        var lines = [table.render(), ""]
        if let observer = report.observer {
            lines.append(
                headline(report) + ", observed as \(observer) after joining through \(report.seed) "
                    + "(\(report.transport.rawValue) transport)")
            lines.append(observerLine(observer, incarnation: report.observerIncarnation, leave: leave))
        } else {
            lines.append(headline(report) + ", from \(report.seed) (\(report.transport.rawValue) transport)")
        }
        return lines.joined(separator: "\n")
    }

    /// "3 alive, 4 left (7 members)": the live states first, so the first figures are what dskit's /memberlist
    /// page counts as its members (alive and suspect), then the dead and left ones memberlist still remembers.
    static func headline(_ report: MembersReport) -> String {
        let counts = report.counts
        let parts = MembersReport.State.allCases.compactMap { state in
            counts[state].map { "\($0) \(state.rawValue)" }
        }
        guard parts.count > 1 else {
            return parts.first ?? "no members"
        }
        return parts.joined(separator: ", ") + " (" + Plural.count(report.members.count, "member") + ")"
    }

    /// ringctl's own node is not in the table (JSON has it as "observer"): say that it was there, and that it left.
    private static func observerLine(_ name: String, incarnation: UInt32?, leave: LeaveOutcome?) -> String {
        let joined = "ringctl joined as \(name)" + (incarnation.map { " (incarnation \($0))" } ?? "")
        guard let leave else { return joined }
        guard leave.failures.isEmpty else {
            return joined + " and left, but the leave did not reach "
                + Plural.count(leave.failures.count, "member") + " (see the warnings on stderr)"
        }
        return joined + " and left: members list it as left until memberlist forgets it "
            + "(dskit: -memberlist.gossip-to-dead-nodes-time, 30s by default)" + LeaveReporting.confirmedSuffix(leave)
    }

    /// "1-5/2 d2-5/4": protocol min-max/current, then delegate.
    private static func versions(_ member: MembersReport.Member) -> String {
        guard let p = member.protocolVersions, let d = member.delegateVersions else { return "-" }
        return "\(p.min)-\(p.max)/\(p.current) d\(d.min)-\(d.max)/\(d.current)"
    }

    static func kvTable(_ report: KVKeysReport) -> String {
        var table = Table("KEY", "CODEC", "SIZE", "UPDATED", "DELETED")
        let now = Date()
        for key in report.keys {
            table.append([
                key.key, key.codec, "\(key.valueBytes)B",
                // dskit leaves update_time_millis at 0 in full state transfers: no time, not "never updated".
                key.updated.map { Age.ago(Int64(now.timeIntervalSince($0).rounded(.down))) } ?? "-",
                key.deleted ? "yes" : "no",
            ])
        }
        return table.render() + "\n\n" + Plural.count(report.keys.count, "key") + ", from \(report.seed)"
    }
}
