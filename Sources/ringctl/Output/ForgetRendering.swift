import Foundation
import Inspection

/// How `ringctl forget` shows its plan and its result to people.
enum ForgetRendering {
    /// What would change: one row per instance, with why it is a candidate and the tombstone it gets.
    static func plan(_ report: ForgetReport) -> String {
        let keys = Array(Set(report.instances.map(\.key))).sorted()
        var lines = [
            "forget \(Plural.count(report.instances.count, "instance")) in \(keys.joined(separator: ", ")), "
                + "from \(report.seed)'s state at \(ReportJSON.rfc3339(report.at))"
                + (report.dryRun ? " (dry run: nothing is sent)" : "")
        ]
        var table = Table("KEY", "INSTANCE", "STATE", "ZONE", "ADDRESS", "HEARTBEAT", "HEALTH", "TOMBSTONE", "WHY")
        for instance in report.instances {
            table.append([
                instance.key, instance.id, instance.state, instance.zone.isEmpty ? "-" : instance.zone,
                instance.address, Age.ago(instance.heartbeatAgeSeconds), instance.healthy ? "healthy" : "UNHEALTHY",
                "LEFT @ " + ReportJSON.rfc3339(instance.tombstoneTimestamp), instance.reason,
            ])
        }
        lines += ["", table.render()]
        if !report.alreadyLeft.isEmpty {
            lines += ["", "already LEFT, nothing to do: " + report.alreadyLeft.joined(separator: ", ")]
        }
        if report.dryRun {
            lines += [
                "",
                "each key would get one KV change holding only these instances, LEFT with no tokens (the rest of"
                    + " each kept), gossiped and sent to every live member; nothing else in the KV store is touched",
            ]
            lines += warnings(report)
        }
        return lines.joined(separator: "\n")
    }

    /// What happened: each member's outcome, the verdict, the warnings.
    static func result(_ report: ForgetReport, within timeout: String) -> String {
        var lines: [String] = []
        if let observer = report.observer, let sent = report.sentAt {
            lines.append(
                "sent as \(observer) at \(ReportJSON.rfc3339(sent)) to "
                    + "\(Plural.count(report.members.count, "live member")) (gossip and directly);"
                    + " \(observer) has left")
        }
        var table = Table("MEMBER", "ADDRESS", "OUTCOME", "DETAIL")
        for member in report.members {
            let detail: String
            switch member.outcome {
            case .confirmed: detail = member.confirmedAt.map { "at \(ReportJSON.rfc3339($0))" } ?? "-"
            case .notConfirmed: detail = "still holds " + member.instances.joined(separator: ", ")
            case .cameBack: detail = "holds again, newer: " + member.instances.joined(separator: ", ")
            case .unreachable: detail = member.detail ?? "-"
            }
            let outcome = member.outcome.rawValue.replacingOccurrences(of: "_", with: " ")
            table.append([member.name, member.address, outcome, detail])
        }
        lines += ["", table.render(), ""]
        let confirmed = report.members.filter { $0.outcome == .confirmed }.count
        lines.append(
            report.confirmed
                ? "forgotten: every member confirmed (\(confirmed) of \(report.members.count))"
                : "NOT confirmed by \(report.members.count - confirmed) of \(report.members.count) members"
                    + " within \(timeout)")
        lines += warnings(report)
        return lines.joined(separator: "\n")
    }

    private static func warnings(_ report: ForgetReport) -> [String] {
        guard !report.warnings.isEmpty else { return [] }
        return ["", "Warnings:"] + report.warnings.map { "  - \($0.message)" }
    }
}
