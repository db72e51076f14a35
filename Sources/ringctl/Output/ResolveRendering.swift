import Discovery
import Inspection

/// How `ringctl resolve` shows a `ResolutionReport`.
enum ResolveRendering {
    /// One block per address: the address, what was asked and how it went, then its records, indented.
    static func table(_ report: ResolutionReport) -> String {
        var lines: [String] = []
        for resolution in report.resolutions {
            lines.append(resolution.address.input)
            guard let query = resolution.query else {
                lines.append("  no prefix: used as given, not resolved")
                continue
            }
            let endpoints = resolution.endpoints.count
            let outcome: String
            if resolution.error != nil {
                outcome = "failed (\(failureStatus(resolution)?.code ?? "error"))"
            } else if endpoints == 0 {
                outcome = "nothing (\(resolution.emptyStatus?.code ?? "no address for any target"))"
            } else {
                outcome = Plural.count(endpoints, "endpoint")
            }
            lines.append("  \(query.kind.rawValue) \(query.name): \(outcome)")
            guard !resolution.targets.isEmpty else { continue }
            var table: Table
            if resolution.address.mode == .dns {
                table = Table("ENDPOINT")
                resolution.targets.flatMap(\.endpoints).forEach { table.append([$0]) }
            } else {
                table = Table("PRIORITY", "WEIGHT", "PORT", "TARGET", "ENDPOINT")
                for target in resolution.targets {
                    let srv = [target.srv.map { String($0.priority) } ?? "", target.srv.map { String($0.weight) } ?? "",
                               String(target.port), target.host]
                    if target.endpoints.isEmpty {
                        table.append(srv + [target.status.map { "(no address: \($0.code))" } ?? "(no address)"])
                    }
                    target.endpoints.forEach { table.append(srv + [$0]) }
                }
            }
            lines += table.render().split(separator: "\n").map { "  " + $0 }
        }
        let endpoints = report.endpoints.count
        let via = report.servers.isEmpty ? "" : " via \(report.servers.joined(separator: ", "))"
        lines.append(
            Plural.count(report.resolutions.count, "address", "addresses") + ", "
                + Plural.count(endpoints, "endpoint") + via
        )
        return lines.joined(separator: "\n")
    }

    /// Notes on stderr for what the table shows once (the errors are the command's to throw).
    static func printNotes(_ report: ResolutionReport) {
        for resolution in report.resolutions where resolution.duplicatesRemoved > 0 {
            Terminal.printError(
                "ringctl: \(resolution.address.input): "
                    + Plural.count(resolution.duplicatesRemoved, "duplicate endpoint") + " shown once"
            )
        }
    }

    private static func failureStatus(_ resolution: Resolution) -> DNSStatus? {
        ResolveReport.failureStatus(resolution)
    }
}
