import DskitKV
import Foundation
import Inspection

/// How `ringctl ring` shows a `PartitionRingReport` to people.
enum PartitionRingRendering {
    static func render(_ report: PartitionRingReport, wide: Bool, tokens: Bool) -> String {
        var headers = ["PARTITION", "STATE", "SINCE", "LOCKED", "TOKENS", "OWNERSHIP", "OWNERS"]
        if wide { headers.insert("STATE-AT", at: 3) }
        var partitions = Table(headers)
        for partition in report.partitions {
            var owners = partition.owners
            if !partition.otherOwners.isEmpty { owners.append("(+\(partition.otherOwners.count) not ACTIVE)") }
            var row = [
                String(partition.id), partition.state, Age.ago(partition.stateAgeSeconds),
                partition.stateChangeLocked ? "yes" : "no", String(partition.tokens),
                RingRendering.percent(partition.ownershipPercent), owners.isEmpty ? "-" : owners.joined(separator: ","),
            ]
            if wide { row.insert(partition.stateChanged.map(ReportJSON.rfc3339) ?? "-", at: 3) }
            partitions.append(row)
        }

        var ownerHeaders = ["OWNER", "PARTITION", "STATE", "UPDATED"]
        if wide { ownerHeaders.append("UPDATED-AT") }
        var owners = Table(ownerHeaders)
        for owner in report.owners {
            var row = [owner.id, String(owner.partition), owner.state, Age.ago(owner.updatedAgeSeconds)]
            if wide { row.append(owner.updated.map(ReportJSON.rfc3339) ?? "-") }
            owners.append(row)
        }

        let states = report.states.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var lines = [
            "partition ring \"\(report.key)\" at \(ReportJSON.rfc3339(report.at)): "
                + Plural.count(report.partitions.count, "partition") + (states.isEmpty ? "" : " (\(states))") + ", "
                + Plural.count(report.owners.count, "owner"),
        ]
        if !report.partitions.isEmpty { lines += ["", partitions.render()] }
        if !report.owners.isEmpty { lines += ["", owners.render()] }
        if tokens {
            var table = Table("TOKEN", "PARTITION")
            for entry in report.tokenPartitions() { table.append([String(entry.token), String(entry.partition)]) }
            lines += ["", table.render()]
        }
        if !report.warnings.isEmpty {
            lines += ["", "Warnings:"] + report.warnings.map { "  - \($0.message)" }
        }
        return lines.joined(separator: "\n")
    }
}
