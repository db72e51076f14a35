#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Inspection
import Memberlist

/// `watch` lines: one per event, as a table row or a JSON object.
enum WatchRendering {
    /// The widest kind, so the columns after it line up.
    private static let kindWidth = WatchEvent.Kind.allCases.map(\.rawValue.count).max() ?? 10

    /// "2026-11-25T10:00:00Z  joined           node-1  127.0.0.1:7946  alive  inc 1".
    static func line(_ event: WatchEvent) -> String {
        let time = ReportJSON.rfc3339(event.time)
        var fields = [time, event.kind.rawValue.padding(toLength: kindWidth, withPad: " ", startingAt: 0)]
        if let observer = event.observer { fields.append(observer) }
        if let member = event.member {
            fields += [member.name, member.address, member.state.rawValue, "inc \(member.incarnation)"]
            if let zone = member.zone, !zone.isEmpty { fields.append("zone \(zone)") }
        }
        if let key = event.key {
            fields += [key.key, key.codec, "\(key.valueBytes)B"]
            if key.deleted { fields.append("deleted") }
        }
        if let from = event.from { fields.append(event.kind == .observerJoined ? "through \(from)" : "from \(from)") }
        if let detail = event.detail { fields.append(event.kind == .refuted ? "accused by \(detail)" : detail) }
        if let changes = event.changes {
            fields.append(changes.isEmpty
                ? "no instance changed"
                : changes.map { "\($0.instance): \($0.what.joined(separator: ", "))" }.joined(separator: "; "))
        }
        return fields.joined(separator: "  ")
    }

    /// The last event of a watch: ringctl's node left, and whether the leave reached every member.
    static func leftEvent(_ leave: LeaveOutcome, node: String, at time: Date = Date()) -> WatchEvent {
        let detail =
            leave.failures.isEmpty
            ? "left: the leave went to " + Plural.count(leave.sentTo.count, "member")
                + "; they list it as left until memberlist forgets it (dskit: -memberlist.gossip-to-dead-nodes-time, "
                + "30s by default)" + LeaveReporting.confirmedSuffix(leave)
            : "left, but the leave did not reach " + Plural.count(leave.failures.count, "member")
                + " (see the warnings on stderr): they may mark it suspect, then dead"
        return WatchEvent(time: time, kind: .observerLeft, detail: detail, observer: leave.node ?? node)
    }

    /// One JSON object on one line (JSON Lines), keys sorted.
    static func jsonLine(_ event: WatchEvent) throws -> String {
        try JSONOutput.line(event)
    }

    /// Writes one line to stdout at once (write(2), unbuffered), so a pipe sees each event as it happens.
    static func emit(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }
}
