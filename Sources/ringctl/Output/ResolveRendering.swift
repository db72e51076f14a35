import Discovery

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

    /// The DNS status of a failed address, when the failure was a query's.
    private static func failureStatus(_ resolution: Resolution) -> DNSStatus? {
        if case .queryFailed(_, _, _, let status) = resolution.error { return status }
        return nil
    }

    // MARK: JSON

    struct AddressJSON: Encodable {
        let input: String
        let mode: String
        let query: QueryJSON?
        let servers: [String]
        /// ok, empty, error, or not_resolved (no prefix).
        let status: String
        let answers: [AnswerJSON]
        let endpoints: [String]
        let error: ErrorJSON?

        // Explicit so that absent values are `null` rather than missing keys: a stable shape for scripts.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(input, forKey: .input)
            try container.encode(mode, forKey: .mode)
            try container.encode(query, forKey: .query)
            try container.encode(servers, forKey: .servers)
            try container.encode(status, forKey: .status)
            try container.encode(answers, forKey: .answers)
            try container.encode(endpoints, forKey: .endpoints)
            try container.encode(error, forKey: .error)
        }

        enum CodingKeys: String, CodingKey {
            case input, mode, query, servers, status, answers, endpoints, error
        }
    }

    struct QueryJSON: Encodable {
        let type: String
        let name: String
    }

    struct AnswerJSON: Encodable {
        let target: String
        let port: Int
        let priority: Int?
        let weight: Int?
        let addresses: [String]?
        let endpoints: [String]
        let dnsStatus: String?

        enum CodingKeys: String, CodingKey {
            case target, port, priority, weight, addresses, endpoints
            case dnsStatus = "dns_status"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(target, forKey: .target)
            try container.encode(port, forKey: .port)
            try container.encode(priority, forKey: .priority)
            try container.encode(weight, forKey: .weight)
            try container.encode(addresses, forKey: .addresses)
            try container.encode(endpoints, forKey: .endpoints)
            try container.encode(dnsStatus, forKey: .dnsStatus)
        }
    }

    struct ErrorJSON: Encodable {
        let dnsStatus: String?
        let message: String
        let hint: String

        enum CodingKeys: String, CodingKey {
            case message, hint
            case dnsStatus = "dns_status"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(dnsStatus, forKey: .dnsStatus)
            try container.encode(message, forKey: .message)
            try container.encode(hint, forKey: .hint)
        }
    }

    static func json(_ report: ResolutionReport) -> [AddressJSON] {
        report.resolutions.map { resolution in
            let status: String
            var error: ErrorJSON?
            if let failure = resolution.error {
                status = "error"
                error = ErrorJSON(
                    dnsStatus: failureStatus(resolution)?.code, message: failure.description,
                    hint: Diagnosis(of: failure).hint ?? ""
                )
            } else if resolution.address.mode == .literal {
                status = "not_resolved"
            } else if resolution.endpoints.isEmpty {
                status = "empty"
                let nothing = ResolvedToNothing(resolution)
                error = ErrorJSON(
                    dnsStatus: resolution.emptyStatus?.code, message: nothing.description,
                    hint: Diagnosis(of: nothing).hint ?? ""
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
