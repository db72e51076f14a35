import DskitKV
import Foundation
import Inspection

/// How `ringctl lag` shows a `ClusterLagReport` to people.
enum LagRendering {
    static func render(_ report: ClusterLagReport, wide: Bool) -> String {
        guard let first = report.rings.first else { return "no ring" }
        let source = report.seed.map { "from \($0)" } ?? "from \(report.file ?? "a file")"
        var lines = [
            "heartbeat lag \(source) at \(ReportJSON.rfc3339(first.at)): threshold \(seconds(first.thresholdSeconds)) "
                + "(heartbeat \(seconds(first.heartbeatSeconds)) + delta \(seconds(first.deltaSeconds)))",
            "",
        ]
        var summary = Table("KEY", "LAG", "ACTIVE", "LAGGING", "UNHEALTHY", "VERDICT")
        for ring in report.rings {
            summary.append([
                ring.key, ring.lagSeconds.map { age($0, against: ring.thresholdSeconds) } ?? "-",
                "\(ring.activeInstances)/\(ring.instances)",
                String(ring.laggingInstances), String(ring.unhealthyInstances), verdict(ring.verdict),
            ])
        }
        lines.append(summary.render())

        for ring in report.rings {
            lines.append("")
            let oldest = ring.lagSeconds.map { age($0, against: ring.thresholdSeconds) } ?? "-"
            switch ring.verdict {
            case .noActiveInstances:
                lines.append(
                    "ring \"\(ring.key)\": no ACTIVE instance within the \(seconds(ring.heartbeatTimeoutSeconds)) "
                        + "heartbeat timeout (\(Plural.count(ring.instances, "instance")), "
                        + "\(ring.unhealthyInstances) of them ACTIVE "
                        + "but unhealthy), no lag to measure")
            case .healthy:
                lines.append("ring \"\(ring.key)\": healthy, oldest ACTIVE heartbeat \(oldest) old")
            case .clockSkew:
                lines.append(
                    "ring \"\(ring.key)\": CLOCK SKEW, oldest ACTIVE heartbeat \(oldest) old, but "
                        + "\(Plural.count(ring.futureInstances, "ACTIVE heartbeat")) in the future: not judged healthy")
            case .lagging:
                lines.append(
                    "ring \"\(ring.key)\": LAGGING, oldest ACTIVE heartbeat \(oldest) old, over the "
                        + "\(seconds(ring.thresholdSeconds)) threshold (\(ring.laggingInstances) of "
                        + "\(Plural.count(ring.activeInstances, "ACTIVE instance")) over it)")
            }
            if !ring.oldest.isEmpty {
                lines.append(indented(table(
                    ring.oldest, wide: wide, against: ring.thresholdSeconds,
                    last: ("OVER", { $0.lagging ? "yes" : $0.ageSeconds < -1 ? "AHEAD" : "no" }))))
            }
            if let ahead = ring.futureHeartbeats.first {
                let names = ring.futureHeartbeats.map(\.id).joined(separator: ", ")
                lines.append(
                    "  clock skew: the heartbeat of \(names) is ahead of the time judged at (\(ahead.id) by "
                        + "\(seconds(-ahead.ageSeconds.rounded()))): its clock or this host's is off, so its age means nothing, "
                        + "and dskit counts it healthy however stale it really is; fix the clocks (NTP, chrony), "
                        + "or check --at")
            }
            if !ring.unhealthy.isEmpty {
                lines.append(
                    "  \(ring.unhealthyInstances) ACTIVE past the \(seconds(ring.heartbeatTimeoutSeconds)) heartbeat "
                        + "timeout: unhealthy, not counted as lag (a stopped process?); see ringctl ring")
                lines.append(indented(table(
                    ring.unhealthy, wide: wide, against: ring.heartbeatTimeoutSeconds,
                    last: ("HEALTH", { _ in "UNHEALTHY" }))))
            }
            if let diagnosis = ring.diagnosis {
                lines.append("  " + diagnosis)
            }
            if !ring.tuning.isEmpty {
                lines.append(ring.diagnosis == nil ? "  to spread heartbeats faster, tune:"
                    : "  if gossip is slow after all, to spread heartbeats faster, tune:")
                for setting in ring.tuning {
                    let value = setting.configured.map { "now \($0), dskit default \(setting.defaultValue)" }
                        ?? "dskit default \(setting.defaultValue)"
                    lines.append("    \(setting.change) \(setting.flag) [\(value)]: \(setting.effect)")
                }
            }
        }
        lines += [
            "",
            "lag includes the time since each instance last heartbeated: up to one heartbeat period, plus up to 1 s "
                + "because dskit stores whole seconds, is normal",
        ]
        return lines.joined(separator: "\n")
    }

    private static func table(
        _ rows: [LagReport.Instance], wide: Bool, against limit: Double,
        last: (header: String, value: (LagReport.Instance) -> String)
    ) -> String {
        var headers = ["INSTANCE", "ZONE", "ADDRESS", "HEARTBEAT-AGE", last.header]
        if wide { headers.insert("HEARTBEAT-AT", at: 3) }
        var table = Table(headers)
        for instance in rows {
            var row = [
                instance.id, instance.zone.isEmpty ? "-" : instance.zone, instance.address,
                instance.heartbeat == nil ? "never" : age(instance.ageSeconds, against: limit), last.value(instance),
            ]
            if wide { row.insert(instance.heartbeat.map(ReportJSON.rfc3339) ?? "-", at: 3) }
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
        case .clockSkew: "CLOCK SKEW"
        }
    }

    /// A setting as given: "15s", "1m0s", "2.5s", "250ms".
    private static func seconds(_ value: Double) -> String {
        if value < 1, value > 0 { return "\(Int((value * 1000).rounded()))ms" }
        let milliseconds = (value * 1000).rounded()
        if milliseconds.truncatingRemainder(dividingBy: 1000) == 0 || abs(value) >= 86_400 {
            // Clamped: a corrupt timestamp can put an age beyond Int64.
            return UnixTime.age(Int64(exactly: value.rounded(.down)) ?? (value < 0 ? Int64.min + 1 : Int64.max))
        }
        return clock(milliseconds / 1000, digits: 3)
            .replacingOccurrences(of: #"\.?0+s$"#, with: "s", options: .regularExpression)
    }

    /// An age with a tenth of a second ("2.4s", "1m5.0s"), or more digits when a tenth would put it on the other
    /// side of `limit` than it is ("3.04s" over a 3s threshold, not "3.0s"): the figures never contradict the
    /// verdict printed beside them. Ages of a day or more are whole ("2d3h").
    private static func age(_ value: Double, against limit: Double) -> String {
        guard value.isFinite, abs(value) < 86_400 else { return seconds(value) }
        for digits in 1...3 {
            let scale = pow(10, Double(digits))
            let shown = (value * scale).rounded() / scale
            if (shown > limit) == (value > limit) { return clock(shown, digits: digits) }
        }
        return clock(value, digits: 6)
    }

    /// "2.4s", "1m5.0s", "1h0m3.0s", "-2.0s", with `digits` decimals on the seconds.
    private static func clock(_ value: Double, digits: Int) -> String {
        if value < 0 { return "-" + clock(-value, digits: digits) }
        let hours = Int(value / 3600)
        let minutes = Int((value - Double(hours) * 3600) / 60)
        let rest = value - Double(hours) * 3600 - Double(minutes) * 60
        let secondsText = String(format: "%.\(digits)f", max(0, rest)) + "s"
        if hours > 0 { return "\(hours)h\(minutes)m" + secondsText }
        if minutes > 0 { return "\(minutes)m" + secondsText }
        return secondsText
    }
}
