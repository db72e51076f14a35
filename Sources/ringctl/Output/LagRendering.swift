import DskitKV
import Inspection

/// How `ringctl lag` shows a `ClusterLagReport` to people.
enum LagRendering {
    static func render(_ report: ClusterLagReport, wide: Bool) -> String {
        guard let first = report.rings.first else { return "no ring" }
        let source = report.seed.map { "from \($0)" } ?? "from \(report.file ?? "a file")"
        var lines = [
            "heartbeat lag \(source) at \(first.at): threshold \(seconds(first.thresholdSeconds)) "
                + "(heartbeat \(seconds(first.heartbeatSeconds)) + delta \(seconds(first.deltaSeconds)))",
            "",
        ]
        var summary = Table("KEY", "LAG", "ACTIVE", "LAGGING", "UNHEALTHY", "VERDICT")
        for ring in report.rings {
            summary.append([
                ring.key, ring.lagSeconds.map(seconds) ?? "-", "\(ring.activeInstances)/\(ring.instances)",
                String(ring.laggingInstances), String(ring.unhealthyInstances), verdict(ring.verdict),
            ])
        }
        lines.append(summary.render())

        for ring in report.rings {
            lines.append("")
            let oldest = ring.lagSeconds.map(seconds) ?? "-"
            switch ring.verdict {
            case .noActiveInstances:
                lines.append(
                    "ring \"\(ring.key)\": no ACTIVE instance within the \(seconds(ring.heartbeatTimeoutSeconds)) "
                        + "heartbeat timeout (\(Plural.count(ring.instances, "instance")), "
                        + "\(ring.unhealthyInstances) of them ACTIVE "
                        + "but unhealthy), no lag to measure")
            case .healthy:
                lines.append("ring \"\(ring.key)\": healthy, oldest ACTIVE heartbeat \(oldest) old")
            case .lagging:
                lines.append(
                    "ring \"\(ring.key)\": LAGGING, oldest ACTIVE heartbeat \(oldest) old, over the "
                        + "\(seconds(ring.thresholdSeconds)) threshold (\(ring.laggingInstances) of "
                        + "\(Plural.count(ring.activeInstances, "ACTIVE instance")) over it)")
            }
            if !ring.oldest.isEmpty {
                lines.append(indented(table(ring.oldest, wide: wide, last: ("OVER", { $0.lagging ? "yes" : "no" }))))
            }
            if !ring.unhealthy.isEmpty {
                lines.append(
                    "  \(ring.unhealthyInstances) ACTIVE past the \(seconds(ring.heartbeatTimeoutSeconds)) heartbeat "
                        + "timeout: unhealthy, not counted as lag (a stopped process?); see ringctl ring")
                lines.append(indented(table(ring.unhealthy, wide: wide, last: ("HEALTH", { _ in "UNHEALTHY" }))))
            }
            if !ring.tuning.isEmpty {
                lines.append("  to spread heartbeats faster, tune:")
                for setting in ring.tuning {
                    let value = setting.configured.map { "now \($0), dskit default \(setting.defaultValue)" }
                        ?? "dskit default \(setting.defaultValue)"
                    lines.append("    \(setting.change) \(setting.flag) [\(value)]: \(setting.effect)")
                }
            }
        }
        lines += [
            "",
            "lag includes the time since each instance last heartbeated: up to one heartbeat period is normal",
        ]
        return lines.joined(separator: "\n")
    }

    private static func table(
        _ rows: [LagReport.Instance], wide: Bool, last: (header: String, value: (LagReport.Instance) -> String)
    ) -> String {
        var headers = ["INSTANCE", "ZONE", "ADDRESS", "HEARTBEAT-AGE", last.header]
        if wide { headers.insert("HEARTBEAT-AT", at: 3) }
        var table = Table(headers)
        for instance in rows {
            var row = [
                instance.id, instance.zone.isEmpty ? "-" : instance.zone, instance.address,
                instance.heartbeat == nil ? "never" : seconds(instance.ageSeconds), last.value(instance),
            ]
            if wide { row.insert(instance.heartbeat ?? "-", at: 3) }
            table.append(row)
        }
        return table.render()
    }

    private static func indented(_ text: String) -> String {
        text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }

    private static func verdict(_ verdict: LagReport.Verdict) -> String {
        switch verdict {
        case .healthy: "healthy"
        case .lagging: "LAGGING"
        case .noActiveInstances: "NO ACTIVE INSTANCE"
        }
    }

    /// Whole seconds as an age ("45s", "1m2s"); sub-second settings keep their decimals.
    private static func seconds(_ value: Double) -> String {
        if value < 1, value > 0 { return "\(Int((value * 1000).rounded()))ms" }
        // Clamped: a corrupt timestamp can put an age beyond Int64.
        return UnixTime.age(Int64(exactly: value.rounded(.down)) ?? (value < 0 ? Int64.min + 1 : Int64.max))
    }
}
