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

    /// Prints what went wrong to stderr and returns the exit status the answers deserve.
    static func diagnoseAndGrade(_ report: ResolutionReport) -> ExitStatus {
        var status = ExitStatus.ok
        for resolution in report.resolutions {
            if let error = resolution.error {
                ExitStatus.printDiagnostic(error)
                status = max(status, ExitStatus(of: error))
            } else if resolution.isEmpty {
                Terminal.printError("ringctl: \(resolution.address.input): \(emptyMessage(resolution))")
                Terminal.printError("  hint: \(emptyHint(resolution))")
                status = max(status, .unhealthy)
            }
            if resolution.duplicatesRemoved > 0 {
                Terminal.printError(
                    "ringctl: \(resolution.address.input): "
                        + Plural.count(resolution.duplicatesRemoved, "duplicate endpoint") + " shown once"
                )
            }
        }
        return status
    }

    /// The DNS status of a failed address, when the failure was a query's.
    private static func failureStatus(_ resolution: Resolution) -> DNSStatus? {
        if case .queryFailed(_, _, _, let status) = resolution.error { return status }
        return nil
    }

    /// "SRV query for NAME found nothing: NXDOMAIN (...)", for an address that yielded no endpoint.
    private static func emptyMessage(_ resolution: Resolution) -> String {
        "\(resolution.query?.description ?? "lookup") found nothing: "
            + (resolution.emptyStatus?.description ?? "no addresses for any target")
    }

    private static func emptyHint(_ resolution: Resolution) -> String {
        switch resolution.address.mode {
        case .dnssrv, .dnssrvnoa:
            "dskit would join nobody through this address. Check the headless Service's name and namespace "
                + "(_PORTNAME._tcp.SERVICE.NAMESPACE.svc.cluster.local) and that its pods are Ready or it "
                + "publishes not-ready addresses"
        case .dns, .literal:
            "dskit would join nobody through this address. Check the name, and the namespace or search domain"
        }
    }


    // MARK: JSON

    // The JSON shape README documents; every key always there (`NullEncoded`: null rather than absent).

    struct AddressJSON: Encodable {
        var input: String
        var mode: String
        @NullEncoded var query: QueryJSON?
        var servers: [String]
        /// ok, empty, error, or not_resolved (no prefix).
        var status: String
        var answers: [AnswerJSON]
        var endpoints: [String]
        @NullEncoded var error: ErrorJSON?
    }

    struct QueryJSON: Encodable {
        var type: String
        var name: String
    }

    struct AnswerJSON: Encodable {
        var target: String
        var port: Int
        @NullEncoded var priority: Int?
        @NullEncoded var weight: Int?
        @NullEncoded var addresses: [String]?
        var endpoints: [String]
        @NullEncoded var dnsStatus: String?

        enum CodingKeys: String, CodingKey {
            case target, port, priority, weight, addresses, endpoints
            case dnsStatus = "dns_status"
        }
    }

    struct ErrorJSON: Encodable {
        @NullEncoded var dnsStatus: String?
        var message: String
        var hint: String

        enum CodingKeys: String, CodingKey {
            case message, hint
            case dnsStatus = "dns_status"
        }
    }

    static func json(_ report: ResolutionReport) -> [AddressJSON] {
        report.resolutions.map { resolution in
            let status: String
            var error: ErrorJSON?
            if let failure = resolution.error {
                status = "error"
                error = ErrorJSON(
                    dnsStatus: failureStatus(resolution)?.code, message: failure.description, hint: failure.hint
                )
            } else if resolution.address.mode == .literal {
                status = "not_resolved"
            } else if resolution.endpoints.isEmpty {
                status = "empty"
                error = ErrorJSON(
                    dnsStatus: resolution.emptyStatus?.code,
                    message: emptyMessage(resolution), hint: emptyHint(resolution)
                )
            } else {
                status = "ok"
            }
            let answers = resolution.targets.map { target in
                AnswerJSON(
                    target: target.host, port: Int(target.port),
                    priority: target.srv.map { Int($0.priority) }, weight: target.srv.map { Int($0.weight) },
                    addresses: resolution.address.mode == .dnssrvnoa ? nil : target.addresses.map(\.description),
                    endpoints: target.endpoints, dnsStatus: target.status?.code
                )
            }
            return AddressJSON(
                input: resolution.address.input, mode: resolution.address.mode.rawValue,
                query: resolution.query.map { QueryJSON(type: $0.kind.rawValue, name: $0.name) },
                servers: resolution.address.mode == .literal ? [] : report.servers, status: status,
                answers: answers, endpoints: resolution.endpoints, error: error
            )
        }
    }
}
