#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, ordered IPv4 first, then by bytes, so results print deterministically.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses the text form (`127.0.0.1`, `::1`); nil for anything else, names included.
    public init?(parsing text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// One SRV answer (RFC 2782). `target` is absolute, with the trailing dot, as Go's resolver returns it.
public struct SRVRecord: Hashable, Sendable {
    public let priority: UInt16
    public let weight: UInt16
    public let port: UInt16
    public let target: String

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }

    /// Lower priority first; within a priority the heavier weight first; then by name and port.
    /// (Go shuffles equal priorities by weight on every lookup; a debugging tool wants a stable order.)
    public static func precedes(_ a: SRVRecord, _ b: SRVRecord) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.weight != b.weight { return a.weight > b.weight }
        if a.target != b.target { return a.target < b.target }
        return a.port < b.port
    }
}
