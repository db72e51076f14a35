#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// hashicorp/memberlist sends a node's IP as raw `[]byte` (Go's net.IP): 4 bytes for IPv4, or 16 bytes. Go keeps
// IPv4 addresses in the 16-byte IPv4-mapped form (::ffff:a.b.c.d), and dskit nodes send exactly that; users know
// them as plain IPv4, so they are shown that way. The bytes are kept as received so encoding gives them back.

/// A node's IP address as memberlist carries it (Addr, SourceAddr, Target).
public struct NodeAddress: Hashable, Sendable, CustomStringConvertible {
    /// The bytes on the wire: 4 (IPv4), 16 (IPv6 or IPv4-mapped), or anything a peer sent.
    public var bytes: [UInt8]

    /// An address from its wire bytes, kept as they are.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A 4-byte IPv4 address.
    public init(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        bytes = [a, b, c, d]
    }

    /// Parses an IPv4 or IPv6 literal; IPv4 gives the 4-byte form (Go's `net.ParseIP(...).To4()`).
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// The same address in Go's 16-byte form (IPv4 addresses become IPv4-mapped), as dskit nodes send it.
    public var ipv4Mapped: NodeAddress {
        guard bytes.count == 4 else { return self }
        return NodeAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + bytes)
    }

    /// The four IPv4 bytes, for a 4-byte or IPv4-mapped address.
    public var ipv4Bytes: [UInt8]? {
        if bytes.count == 4 { return bytes }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return Array(bytes[12..<16])
        }
        return nil
    }

    /// True for a 4-byte or IPv4-mapped address.
    public var isIPv4: Bool { ipv4Bytes != nil }

    /// IPv4 as dotted quad (also for IPv4-mapped), IPv6 in RFC 5952 text, anything else as hex.
    public var description: String {
        if let v4 = ipv4Bytes {
            return v4.map(String.init).joined(separator: ".")
        }
        if bytes.count == 16 {
            return ipv6Text
        }
        if bytes.isEmpty { return "<none>" }
        return "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// "host:port", with brackets around IPv6, as Go's net.JoinHostPort writes it.
    public func hostPort(_ port: UInt16) -> String {
        isIPv4 || bytes.count != 16 ? "\(self):\(port)" : "[\(self)]:\(port)"
    }

    private var ipv6Text: String {
        var groups: [UInt16] = []
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        }
        // RFC 5952: the longest run (first if tied) of two or more zero groups becomes "::".
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < groups.count {
            if groups[index] == 0 {
                var end = index
                while end < groups.count && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        let text = groups.map { String($0, radix: 16) }
        if bestStart < 0 {
            return text.joined(separator: ":")
        }
        let head = text[0..<bestStart].joined(separator: ":")
        let tail = text[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
