import Foundation
import MemberlistWire

/// Gossip keys from files (never from the command line, where `ps` would show them): every command's
/// `--secret-key-file` (decode's old spelling `--key-file` too) reads them alike.
enum KeyFiles {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "key file \(path): \(reason)" }
    }

    static func keyring(_ paths: [String]) throws -> Keyring? {
        guard !paths.isEmpty else { return nil }
        var keys: [[UInt8]] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Failure(path: path, reason: "cannot be read")
            }
            let raw = Array(data)
            if [16, 24, 32].contains(raw.count) {
                keys.append(raw)
                continue
            }
            let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let decoded = Data(base64Encoded: text), [16, 24, 32].contains(decoded.count) else {
                throw Failure(path: path, reason: "holds \(raw.count) bytes, neither a raw key nor base64 of one")
            }
            keys.append(Array(decoded))
        }
        do {
            return try Keyring(keys: keys)
        } catch {
            throw Failure(path: paths.joined(separator: ", "), reason: "\(error)")
        }
    }
}
