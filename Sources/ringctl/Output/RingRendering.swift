import DskitKV
import Foundation
import Inspection

/// How `ringctl ring` shows a `RingReport` to people.
enum RingRendering {
    /// Every ring a seed holds: one line naming the seed and the keys, then each ring as `--from-file` shows it,
    /// then each partition ring.
    static func render(_ report: ClusterRingsReport, wide: Bool, tokens: Bool) -> String {
        var counts = [Plural.count(report.rings.count, "ring")]
        if !report.partitionRings.isEmpty {
            counts = report.rings.isEmpty ? [] : counts
            counts.append(Plural.count(report.partitionRings.count, "partition ring"))
        }
        let keys = report.rings.map(\.key) + report.partitionRings.map(\.key)
        let header = counts.joined(separator: " and ") + " from \(report.seed): " + keys.joined(separator: ", ")
        let rings = report.rings.map { render($0, wide: wide, tokens: tokens) }
        let partitionRings = report.partitionRings.map { PartitionRingRendering.render($0, wide: wide, tokens: tokens) }
        return ([header] + rings + partitionRings).joined(separator: "\n\n")
    }

    static func render(_ report: RingReport, wide: Bool, tokens: Bool) -> String {
        var headers = ["INSTANCE", "STATE", "ADDRESS", "ZONE", "HEARTBEAT", "REGISTERED", "TOKENS", "OWNERSHIP",
                       "READ-ONLY", "HEALTH"]
        let effective = report.replication != nil
        if effective { headers.insert("EFFECTIVE", at: 8) }
        if wide { headers.insert(contentsOf: ["HEARTBEAT-AT", "REGISTERED-AT"], at: 6) }
        var instances = Table(headers)
        for instance in report.instances {
            var row = [
                instance.id, instance.state, instance.address, instance.zone.isEmpty ? "-" : instance.zone,
                Age.ago(instance.heartbeatAgeSeconds), registeredAge(instance, at: report.at),
                String(instance.tokens), percent(instance.ownershipPercent), instance.readOnly ? "yes" : "no",
                instance.healthy ? "healthy" : "UNHEALTHY",
            ]
            if effective { row.insert(instance.effectiveOwnershipPercent.map(percent) ?? "-", at: 8) }
            if wide {
                row.insert(contentsOf: [time(instance.heartbeat), time(instance.registered)], at: 6)
            }
            instances.append(row)
        }

        var zones = Table(
            ["ZONE", "INSTANCES", "HEALTHY", "STATES", "TOKENS", "OWNERSHIP"] + (effective ? ["EFFECTIVE"] : []))
        for zone in report.zones {
            let states = zone.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            zones.append([
                zone.zone.isEmpty ? "-" : zone.zone, String(zone.instances), String(zone.healthy), states,
                String(zone.tokens), percent(zone.ownershipPercent),
            ] + (effective ? [zone.effectiveOwnershipPercent.map(percent) ?? "-"] : []))
        }

        let healthy = report.instances.filter(\.healthy).count
        let stuck = report.instances.filter(\.stuck).count
        var lines = [
            "ring \"\(report.key)\" at \(ReportJSON.rfc3339(report.at)): \(Plural.count(report.instances.count, "instance")), "
                + "\(healthy) healthy" + (stuck > 0 ? ", \(stuck) stuck" : "") + " "
                + "(heartbeat timeout \(Age.format(seconds: Int64(report.heartbeatTimeoutSeconds))))",
        ]
        if let replication = report.replication {
            lines.append(
                "EFFECTIVE: share of keys whose write replica set holds it (replication factor "
                    + "\(replication.replicationFactor), zone awareness \(replication.zoneAwareness ? "on" : "off"))")
        }
        lines += [
            "",
            instances.render(),
            "",
            zones.render(),
        ]
        if tokens {
            var table = Table("TOKEN", "INSTANCE", "ZONE")
            for owner in report.tokenOwners() {
                table.append([String(owner.token), owner.instance, owner.zone.isEmpty ? "-" : owner.zone])
            }
            lines += ["", table.render()]
        }
        if !report.warnings.isEmpty {
            lines += ["", "Warnings:"] + report.warnings.map { "  - \($0.message)" }
        }
        return lines.joined(separator: "\n")
    }

    /// Ownership with enough digits to tell 33.3% from 33.4%, and "0%" for an instance without tokens.
    static func percent(_ value: Double) -> String {
        value == 0 ? "0%" : String(format: "%.2f%%", value)
    }

    /// The registration age: from the registration to the time the report was judged at.
    private static func registeredAge(_ instance: RingReport.Instance, at: Date) -> String {
        guard let registered = instance.registered else { return "-" }
        return Age.ago(Age.seconds(from: registered, to: at))
    }

    private static func time(_ date: Date?) -> String {
        date.map(ReportJSON.rfc3339) ?? "-"
    }
}
