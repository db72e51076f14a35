#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Inspection

/// `watch` lines: one per event, as a table row or a JSON object.
enum WatchRendering {
    /// "2026-11-25T10:00:00Z  joined      node-1  127.0.0.1:7946  alive  inc 1".
    static func line(_ event: WatchEvent) -> String {
        let time = ISO8601DateFormatter().string(from: event.time)
        var fields = [time, event.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)]
        if let member = event.member {
            fields += [member.name, member.address, member.state.rawValue, "inc \(member.incarnation)"]
            if let zone = member.zone, !zone.isEmpty { fields.append("zone \(zone)") }
        }
        if let key = event.key {
            fields += [key.key, key.codec, "\(key.valueBytes)B"]
            if key.deleted { fields.append("deleted") }
        }
        if let from = event.from { fields.append("from \(from)") }
        if let detail = event.detail { fields.append(event.kind == .refuted ? "accused by \(detail)" : detail) }
        return fields.joined(separator: "  ")
    }

    /// One JSON object on one line (JSON Lines), keys sorted.
    static func jsonLine(_ event: WatchEvent) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(event), as: UTF8.self)
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
