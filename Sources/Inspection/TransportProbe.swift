import Memberlist

/// A seed that closed without a word on the transport (or label) we spoke, but answers another: the likely
/// misconfiguration, found by asking it once more the other way.
public struct TransportMismatch: Error, Sendable, CustomStringConvertible {
    /// The endpoint.
    public var peer: String
    /// What we spoke first.
    public var spoken: TransportKind
    /// What the probe found it answers: a transport, and the label it answered with ("" for none).
    public var answers: TransportKind
    public var answersLabel: String
    /// The label we first sent ("" for none).
    public var sentLabel: String

    public var description: String {
        let labelled = { (label: String) in label.isEmpty ? "no cluster label" : "cluster label \"\(label)\"" }
        if spoken == answers {
            return "\(peer) closed the connection on the \(sentLabel.isEmpty ? "unlabelled" : "labelled") push/pull "
                + "(we sent \(labelled(sentLabel))), but answers one with \(labelled(answersLabel))"
        }
        return "\(peer) closed the connection on \(Self.name(spoken)), but answers \(Self.name(answers))"
    }

    static func name(_ transport: TransportKind) -> String {
        switch transport {
        case .dskit: "dskit's TCP transport (Pyroscope, Mimir, Loki, Tempo)"
        case .memberlist: "hashicorp/memberlist's standard transport"
        }
    }
}

/// Asks a seed that closed without replying once more, the other way, to tell the user which setting is off.
enum TransportProbe {
    /// At most this many endpoints are probed after a failed search (up to three connections each).
    static let maxProbes = 3

    /// All the probes together end within this (or `--timeout`, if shorter): a diagnosis, not a second search.
    static let budget = Duration.seconds(2)

    /// The failures, with "closed without replying" replaced by a `TransportMismatch` where a probe answers.
    /// Throws `CancellationError` when interrupted.
    static func diagnose(_ failures: [SeedFailure], _ configuration: PeekConfiguration) async throws -> [SeedFailure] {
        var diagnosed = failures
        var probes = 0
        let deadline = ContinuousClock.now.advanced(by: min(configuration.timeout, budget))
        for (index, failure) in failures.enumerated() {
            guard probes < maxProbes, let error = failure.error as? MemberlistError,
                case .peerClosed(let peer, _, 0, let transport, let label) = error, configuration.tls == nil
            else { continue }
            probes += 1
            for (other, otherLabel) in alternatives(transport, label: label) {
                try Task.checkCancellation()
                guard ContinuousClock.now < deadline else { return diagnosed }
                var probe = configuration
                probe.transport = other
                probe.clusterLabel = otherLabel
                probe.deadline = deadline
                let answered = (try? await Peek.run(peer: peer, configuration: probe)) != nil
                try Task.checkCancellation()
                if answered {
                    diagnosed[index].error = TransportMismatch(
                        peer: peer, spoken: transport, answers: other, answersLabel: otherLabel, sentLabel: label)
                    break
                }
            }
        }
        return diagnosed
    }

    /// What else to try: the other transport with the same label, and without a label when one was sent.
    private static func alternatives(_ transport: TransportKind, label: String) -> [(TransportKind, String)] {
        let other: TransportKind = transport == .dskit ? .memberlist : .dskit
        var list = [(other, label)]
        if !label.isEmpty { list += [(transport, ""), (other, "")] }
        return list
    }
}
