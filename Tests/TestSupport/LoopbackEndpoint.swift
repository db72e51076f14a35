import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A socket on 127.0.0.1 for talking to a real peer in tests: a TCP connection or a bound UDP socket. Every
/// receive takes a deadline, so no test can hang on a silent peer, and waits suspended (a non-blocking poll between
/// short task sleeps), so it holds no thread of the cooperative pool.
public final class LoopbackEndpoint: @unchecked Sendable {
    // @unchecked: `fd` is set once in init and only closed by `close()`, which tests call from one task.
    private var fd: Int32
    /// The local port.
    public let port: UInt16

    /// A UDP socket bound to 127.0.0.1 on a kernel-chosen port.
    public static func udp() throws -> LoopbackEndpoint {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError.failed("socket(): \(String(cString: strerror(errno)))") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            _ = Glibc.close(fd)
            throw FixtureError.failed("bind(): \(String(cString: strerror(errno)))")
        }
        return LoopbackEndpoint(fd: fd)
    }

    /// A TCP connection to 127.0.0.1:`port`.
    public static func tcp(connectingTo port: UInt16) throws -> LoopbackEndpoint {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError.failed("socket(): \(String(cString: strerror(errno)))") }
        var address = Self.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            throw FixtureError.failed("connect to 127.0.0.1:\(port): \(reason)")
        }
        return LoopbackEndpoint(fd: fd)
    }

    private init(fd: Int32) {
        self.fd = fd
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return address
    }

    /// Sends one datagram to 127.0.0.1:`port`.
    public func send(_ bytes: [UInt8], toPort port: UInt16) throws {
        var address = Self.loopback(port: port)
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == bytes.count else { throw FixtureError.failed("sendto(): \(String(cString: strerror(errno)))") }
    }

    /// Writes all of `bytes` to the connection.
    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw FixtureError.failed("write(): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// Ends our side of a TCP connection (the peer reads EOF).
    public func shutdownWrite() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    /// The next datagram, or the next bytes of a stream (empty at EOF); throws when `deadline` passes first.
    public func receive(deadline: ContinuousClock.Instant, what: String) async throws -> [UInt8] {
        let clock = ContinuousClock()
        // Polled without blocking a thread; the pause doubles up to 20 ms, so a long wait does not spin.
        var pause = Duration.milliseconds(1)
        while true {
            guard clock.now < deadline else { throw FixtureError.failed("timed out waiting for \(what)") }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 0)
            if ready < 0 && errno != EINTR { throw FixtureError.failed("poll(): \(String(cString: strerror(errno)))") }
            guard ready > 0 else {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(20))
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw FixtureError.failed("recv(): \(String(cString: strerror(errno)))")
            }
            return Array(buffer[..<count])
        }
    }

    /// Reads a stream until `parse` returns a value (it gets all bytes so far and returns nil for "need more");
    /// throws at EOF or when `deadline` passes.
    public func read<T>(
        _ what: String, within timeout: Duration = .seconds(30), until parse: ([UInt8]) throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock().now.advanced(by: timeout)
        var bytes: [UInt8] = []
        while true {
            let chunk = try await receive(deadline: deadline, what: what)
            guard !chunk.isEmpty else {
                throw FixtureError.failed("\(what): connection closed after \(bytes.count) bytes")
            }
            bytes += chunk
            if let value = try parse(bytes) { return value }
        }
    }

    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
