import Foundation
import Inspection

/// JSON for scripts: pretty, keys sorted, times RFC 3339 (ReportJSON), so output is stable and diffable.
enum JSONOutput {
    static func render<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try ReportJSON.encoder().encode(value), as: UTF8.self)
    }

    /// One line, for JSON Lines (`watch -o json`).
    static func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try ReportJSON.encoder(pretty: false).encode(value), as: UTF8.self)
    }
}
