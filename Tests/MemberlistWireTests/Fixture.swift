import Foundation

/// Test fixtures from Fixtures/: hex dumps (`.hex`, `#` comments) and raw captures (`.bin`).
enum Fixture {
    static func url(_ path: String) -> URL {
        guard let base = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("Fixtures folder missing from the test bundle")
        }
        return base.appendingPathComponent(path)
    }

    /// The raw bytes of a fixture file.
    static func bytes(_ path: String) -> [UInt8] {
        guard let data = try? Data(contentsOf: url(path)) else {
            fatalError("cannot read fixture \(path)")
        }
        return [UInt8](data)
    }

    /// The bytes of a `.hex` fixture (name without extension).
    static func hex(_ name: String) -> [UInt8] {
        guard let text = String(data: Data(bytes(name + ".hex")), encoding: .utf8) else {
            fatalError("fixture \(name).hex is not text")
        }
        return parseHex(text)
    }

    /// Bytes from hex text; `#` starts a comment, whitespace is ignored.
    static func parseHex(_ text: String) -> [UInt8] {
        var digits: [UInt8] = []
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for character in content.unicodeScalars where !character.properties.isWhitespace {
                guard let value = UInt8(String(character), radix: 16) else {
                    fatalError("bad hex digit \(character)")
                }
                digits.append(value)
            }
        }
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}

/// A small deterministic generator (SplitMix64) so that "random" inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hex, for readable failure messages.
    var hexString: String { map { String(format: "%02x", $0) }.joined(separator: " ") }
}
