// A discovery address as dskit reads it for -memberlist.join and its other DNS-discovered clients
// (grafana/dskit dns/provider.go GetQTypeName, dns/resolver.go Resolve):
//
//   [qtype "+"] [scheme "//"] host [":" port]
//
//   qtype   absent      used as given, never resolved
//           dns         A/AAAA of host; the port is required
//           dnssrv      SRV of host, then A/AAAA of each target; the SRV port unless the address has one
//           dnssrvnoa   SRV of host; targets used as host:port without A/AAAA
//   scheme  kept in front of every result ("http://10.0.0.1:80")

/// How an address is turned into endpoints.
public enum DiscoveryMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// No prefix: dskit uses the address as it is.
    case literal
    /// `dns+host:port`: A and AAAA lookup.
    case dns
    /// `dnssrv+name`: SRV lookup, then A/AAAA of every target.
    case dnssrv
    /// `dnssrvnoa+name`: SRV lookup, targets used as they are.
    case dnssrvnoa

    /// The prefix as typed, including the `+` (empty for `.literal`).
    public var prefix: String { self == .literal ? "" : rawValue + "+" }
}

/// A parsed `-memberlist.join` style address.
public struct DiscoveryAddress: Hashable, Sendable {
    /// The address exactly as given.
    public let input: String
    public let mode: DiscoveryMode
    /// The part before `//`, without the slashes (`http:`), kept on every result as dskit does.
    public let scheme: String?
    /// The name or IP to query, without brackets; `input` itself for `.literal`.
    public let host: String
    /// The port given in the address, if any. For `dnssrv`/`dnssrvnoa` it overrides the SRV record's port.
    public let port: UInt16?

    /// Longest name DNS can carry in presentation form (RFC 1035 §2.3.4, without the root dot).
    public static let maxNameLength = 253
    /// Longest label (RFC 1035 §2.3.4).
    public static let maxLabelLength = 63

    /// Parses `input` with dskit's rules, and rejects, with a reason, what dskit would fail to resolve.
    public init(parsing input: String) throws(DiscoveryError) {
        self.input = input
        guard !input.isEmpty else { throw .invalidAddress(input: input, reason: .empty) }
        if input.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw .invalidAddress(input: input, reason: .whitespace)
        }

        // dskit splits at the first "+" only: "dnssrv+a+b" queries "a+b" (which then fails as a name).
        guard let plus = input.firstIndex(of: "+") else {
            self.mode = .literal
            self.scheme = nil
            self.host = input
            self.port = nil
            return
        }
        let qtype = String(input[..<plus])
        var rest = String(input[input.index(after: plus)...])
        guard let mode = DiscoveryMode(rawValue: qtype), mode != .literal else {
            throw .invalidAddress(input: input, reason: .unknownPrefix(qtype))
        }
        self.mode = mode
        guard !rest.isEmpty else { throw .invalidAddress(input: input, reason: .nothingAfterPrefix(mode)) }

        // dskit: strings.Split(name, "//"), scheme = [0], name = [1].
        let schemeParts = rest.split(separator: "//", omittingEmptySubsequences: false)
        if schemeParts.count > 1 {
            guard schemeParts.count == 2 else { throw .invalidAddress(input: input, reason: .repeatedSchemeSeparator) }
            self.scheme = String(schemeParts[0])
            rest = String(schemeParts[1])
            guard !rest.isEmpty else { throw .invalidAddress(input: input, reason: .nothingAfterPrefix(mode)) }
        } else {
            self.scheme = nil
        }

        // dskit: net.SplitHostPort, and on failure the whole name is the host with no port.
        let host: String
        let portText: String?
        if let split = Self.splitHostPort(rest) {
            host = split.host
            portText = split.port
        } else {
            host = rest
            portText = nil
        }

        if let portText {
            guard let port = UInt16(portText), port != 0 else {
                throw .invalidAddress(input: input, reason: .badPort(portText))
            }
            self.port = port
        } else {
            self.port = nil
            if mode == .dns { throw .invalidAddress(input: input, reason: .missingPort) }
        }

        if let literal = IPAddress(parsing: host) {
            guard mode == .dns else { throw .invalidAddress(input: input, reason: .ipForSRV(literal.description)) }
            self.host = literal.description
        } else {
            try Self.validateName(host, input: input)
            self.host = host
        }
    }

    /// Go's net.SplitHostPort, reduced to what matters here: `host:port`, `[v6]:port`. Nil when Go would fail.
    static func splitHostPort(_ text: String) -> (host: String, port: String)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let after = text.index(after: close)
            guard after < text.endIndex, text[after] == ":" else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let port = String(text[text.index(after: after)...])
            guard !host.contains("["), !port.contains("]"), !port.contains("[") else { return nil }
            return (host, port)
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard !host.contains(":"), !host.contains("["), !host.contains("]") else { return nil }  // "too many colons"
        return (host, String(text[text.index(after: colon)...]))
    }

    /// A DNS name c-ares can query: ASCII letters, digits, `-`, `_`, dots between non-empty labels.
    static func validateName(_ name: String, input: String) throws(DiscoveryError) {
        if let scalar = name.unicodeScalars.first(where: { !$0.isASCII }) {
            throw .invalidAddress(input: input, reason: .nonASCII(String(scalar)))
        }
        let bare = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard !bare.isEmpty else { throw .invalidAddress(input: input, reason: .emptyLabel) }
        guard bare.utf8.count <= maxNameLength else {
            throw .invalidAddress(input: input, reason: .nameTooLong(bare.utf8.count))
        }
        for label in bare.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw .invalidAddress(input: input, reason: .emptyLabel) }
            guard label.utf8.count <= maxLabelLength else {
                throw .invalidAddress(input: input, reason: .labelTooLong(String(label)))
            }
            for byte in label.utf8 {
                let ok = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                    || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
                guard ok else {
                    throw .invalidAddress(input: input, reason: .badCharacter(String(UnicodeScalar(byte))))
                }
            }
        }
    }

    /// `scheme//host:port` the way dskit builds a result (Go net.JoinHostPort brackets IPv6).
    public func endpoint(host: String, port: UInt16) -> String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let joined = "\(hostPart):\(port)"
        guard let scheme else { return joined }
        return "\(scheme)//\(joined)"
    }
}
