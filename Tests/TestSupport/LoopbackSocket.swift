import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A socket bound on 127.0.0.1 with a kernel-chosen port: a free port to hand to a server, or a silent peer.
public final class LoopbackSocket: @unchecked Sendable {
    // @unchecked: `fd` is set once in init and only closed by `close()`; `held` is only touched by
    // `pendingConnections()` and `close()`; tests call both from one task.
    public let port: UInt16
    private var fd: Int32

    public enum Kind { case udp, tcp }

    /// Binds (and for TCP listens, with a backlog it never accepts from, unless `listening` is false) on
    /// 127.0.0.1:0.
    public init(_ kind: Kind, listening: Bool = true) throws {
        let fd = socket(AF_INET, kind == .udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError.failed("socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw FixtureError.failed("bind(): \(String(cString: strerror(errno)))") }
        if kind == .tcp && listening { _ = listen(fd, 16) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        self.fd = fd
    }

    /// A port that refuses everything for as long as the returned socket stays open, and that no other test can
    /// take meanwhile (which `freePort` cannot promise when tests run in parallel). TCP: bound, never listening,
    /// so the kernel answers a SYN with a reset. UDP: bound and connected to 127.0.0.1:1, so a datagram from
    /// anywhere else matches no socket and the kernel answers it with port unreachable (ECONNREFUSED).
    public static func refusing(_ kind: Kind = .tcp) throws -> LoopbackSocket {
        let socket = try LoopbackSocket(kind, listening: false)
        if kind == .udp {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(1).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                socket.close()
                throw FixtureError.failed("connect(): \(String(cString: strerror(errno)))")
            }
        }
        return socket
    }

    /// A port that was free a moment ago (the socket is closed again at once): another test may take it at any
    /// time, so never rely on it staying closed (use `refusing()` for a port that refuses).
    public static func freePort(_ kind: Kind = .udp) throws -> UInt16 {
        let socket = try LoopbackSocket(kind)
        socket.close()
        return socket.port
    }

    /// The socket's descriptor (-1 once closed).
    public var descriptor: Int32 { fd }

    /// How many connections waited in the (never accepted) backlog of a TCP socket: each is accepted now, without
    /// blocking, and held open (silent, as before) until `close()`, so the peer sees no close.
    public func pendingConnections() -> Int {
        guard fd >= 0 else { return 0 }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var count = 0
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { break }
            held.append(connection)
            count += 1
        }
        _ = fcntl(fd, F_SETFL, flags)
        return count
    }

    /// Connections `pendingConnections()` accepted, closed with the socket.
    private var held: [Int32] = []

    public func close() {
        for connection in held { _ = Glibc.close(connection) }
        held = []
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }

    /// Whether something else holds `port` on 127.0.0.1 (our bind fails with EADDRINUSE).
    public static func isInUse(_ port: UInt16, _ kind: Kind = .udp) -> Bool {
        let fd = socket(AF_INET, kind == .udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { _ = Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound != 0 && errno == EADDRINUSE
    }
}
