import DskitKV
import Foundation
import Inspection

/// How `ringctl lookup` and `ringctl quorum` show their reports to people.
enum ReplicationRendering {
    static func render(_ report: LookupReport) -> String {
        var lines = [
            header(key: report.key, at: report.at, rf: report.replicationFactor, zones: report.zoneAwareness,
                   timeout: report.heartbeatTimeoutSeconds)
        ]
        for lookup in report.lookups {
            let origin = lookup.string.map { " = \(lookup.hash ?? "fnv1")(\"\($0)\")" } ?? ""
            lines += ["", "key \(lookup.token)\(origin): walk starts at token \(lookup.rangeToken)"]
            for operation in lookup.operations {
                let verdict = operation.error.map { "FAILS: \($0)" }
                    ?? "served, minSuccess \(operation.minSuccess), MaxErrors \(operation.maxErrors ?? 0)"
                lines.append("  \(operation.operation): \(verdict)")
                var table = Table("INSTANCE", "ZONE", "STATE", "ADDRESS", "ROLE", "REASON")
                for replica in operation.instances {
                    table.append([
                        replica.id, replica.zone.isEmpty ? "-" : replica.zone, replica.state, replica.address,
                        replica.role, replica.reason,
                    ])
                }
                lines += table.render().split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func render(_ report: QuorumReport) -> String {
        let ranges = report.operations.first?.now.ranges ?? 0
        var lines = [
            header(key: report.key, at: report.at, rf: report.replicationFactor, zones: report.zoneAwareness,
                   timeout: report.heartbeatTimeoutSeconds) + ", \(Plural.count(ranges, "token range"))"
        ]
        if !report.down.isEmpty {
            let zones = report.downZones.isEmpty ? "" : " (zones \(report.downZones.joined(separator: ", ")))"
            lines.append("down: \(report.down.joined(separator: ", "))\(zones)")
        }
        for operation in report.operations {
            lines += ["", "\(operation.operation):"]
            lines.append("  now:           " + summary(operation.now))
            if let down = operation.down { lines.append("  with down:     " + summary(down)) }
            if let leaving = operation.leaving { lines.append("  if it leaves:  " + summary(leaving)) }
            if let failing = [operation.down, operation.now].compactMap({ $0 }).first(where: { $0.failingRanges > 0 }) {
                let shown = failing.spans.count < failing.spanCount
                    ? "first \(failing.spans.count) of \(failing.spanCount)" : "\(failing.spanCount)"
                lines.append("  failing key spans (\(shown)):")
                var table = Table("KEYS", "RANGES", "REPLICAS", "DSKIT ERROR")
                for span in failing.spans {
                    table.append([
                        "\(span.firstKey)-\(span.lastKey)", String(span.ranges), span.instances.joined(separator: ","),
                        span.error,
                    ])
                }
                lines += table.render().split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
            }
            if let rollout = operation.rollout {
                let zones = rollout.zones.map {
                    "\($0.name.isEmpty ? "\"\"" : $0.name) " + ($0.failingRanges == 0 ? "ok" : "fails \(QuorumReport.percentText($0.failingPercent))")
                }
                lines.append(
                    "  rollout zone by zone: \(rollout.zonesSafe ? "safe" : "NOT safe") (" + zones.joined(separator: ", ") + ")")
                if rollout.instancesSafe {
                    lines.append("  rollout one by one: safe for every instance")
                } else if rollout.unsafeInstanceCount == 0 {
                    lines.append("  rollout one by one: NOT safe: ranges fail already now")
                } else {
                    let worst = rollout.unsafeInstances.prefix(10).map {
                        "\($0.name) \(QuorumReport.percentText($0.failingPercent))"
                    }
                    let more = rollout.unsafeInstanceCount > worst.count ? ", ..." : ""
                    lines.append(
                        "  rollout one by one: NOT safe: \(Plural.count(rollout.unsafeInstanceCount, "instance")) "
                            + "would fail ranges alone (\(worst.joined(separator: ", "))\(more))")
                }
            }
        }
        lines.append("")
        lines += report.operations.map(\.verdict)
        return lines.joined(separator: "\n")
    }

    private static func summary(_ outcome: QuorumReport.Outcome) -> String {
        var text = "\(outcome.failingRanges) failing ranges (\(QuorumReport.percentText(outcome.failingPercent)) of keys)"
        text += ", \(outcome.zeroToleranceRanges) with no failure to spare ("
            + "\(QuorumReport.percentText(outcome.zeroTolerancePercent)))"
        if !outcome.involved.isEmpty {
            let names = outcome.involved.prefix(8).joined(separator: ", ") + (outcome.involved.count > 8 ? ", ..." : "")
            text += "; involved: \(names)"
        }
        return text
    }

    private static func header(key: String, at: Date, rf: Int, zones: Bool, timeout: Double) -> String {
        "ring \"\(key)\" at \(ReportJSON.rfc3339(at)): replication factor \(rf), zone awareness \(zones ? "on" : "off"), "
            + "heartbeat timeout \(Age.format(seconds: Int64(timeout)))"
    }
}
