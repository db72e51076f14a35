import Foundation

/// Reads a file named on the command line, `-` meaning standard input, with a size cap.
enum InputFile {
    /// Largest file ringctl reads: a 20 MiB push/pull state compressed, with room to spare.
    static let maxBytes = 64 * 1024 * 1024

    /// A file named on the command line that cannot be used: which, and what is wrong with it.
    struct Failure: Error, CustomStringConvertible {
        /// What is wrong with the file.
        enum Problem: Equatable {
            /// It cannot be opened: `exists` tells a missing file from an unreadable one.
            case unreadable(exists: Bool)
            /// It holds more than `limit` bytes.
            case tooLarge(limit: Int)
            /// It holds nothing.
            case empty
            /// `--hex` was given and it is not a hex dump: `token` is the first word that is not hex (nil when
            /// every word was hex but the digits do not make whole bytes, `digits` of them).
            case notHex(token: String?, digits: Int)
        }

        let path: String
        let problem: Problem

        var reason: String {
            switch problem {
            case .unreadable(let exists): exists ? "cannot be read (permissions?)" : "no such file"
            case .tooLarge(let limit): "is larger than \(limit / 1024 / 1024) MiB"
            case .empty: "is empty"
            case .notHex(let token?, _): "is not a hex dump (\"\(token.prefix(20))\" is not hex)"
            case .notHex(nil, let digits): "is not a hex dump (\(digits) hex digits)"
            }
        }

        var description: String { "\(path == "-" ? "standard input" : path): \(reason)" }
    }

    static func read(_ path: String) throws -> [UInt8] {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else {
                let exists = FileManager.default.fileExists(atPath: path)
                throw Failure(path: path, problem: .unreadable(exists: exists))
            }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        var bytes: [UInt8] = []
        while true {
            let chunk = (try? handle.read(upToCount: 1 << 20)) ?? Data()
            if chunk.isEmpty { break }
            bytes += chunk
            guard bytes.count <= maxBytes else {
                throw Failure(path: path, problem: .tooLarge(limit: maxBytes))
            }
        }
        guard !bytes.isEmpty else {
            throw Failure(path: path, problem: .empty)
        }
        return bytes
    }

    /// Accepts a hex dump (whitespace, `0x`, `\x`, offsets at line starts as xxd and tcpdump -X print them).
    static func decodeHex(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        var digits: [UInt8] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var rest = Substring(line)
            // xxd/hexdump/tcpdump print an offset first ("00000010:", "0x0010:"); drop it.
            if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains(" ") {
                rest = rest[rest.index(after: colon)...]
            }
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            // The ASCII column (xxd, tcpdump -X) follows two spaces: the hex area ends there.
            if let gap = rest.range(of: "  ") { rest = rest[..<gap.lowerBound] }
            for field in rest.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                var token = field
                if token.hasPrefix("0x") || token.hasPrefix("\\x") { token = token.dropFirst(2) }
                let digitsOnly = token.replacingOccurrences(of: "\\x", with: "")
                guard digitsOnly.allSatisfy(\.isHexDigit) else {
                    throw Failure(path: path, problem: .notHex(token: String(field), digits: digits.count))
                }
                digits += digitsOnly.utf8
            }
        }
        guard digits.count.isMultiple(of: 2), !digits.isEmpty else {
            throw Failure(path: path, problem: .notHex(token: nil, digits: digits.count))
        }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            let pair = String(decoding: digits[index..<index + 2], as: UTF8.self)
            guard let byte = UInt8(pair, radix: 16) else { break }
            result.append(byte)
            index += 2
        }
        return result
    }
}
