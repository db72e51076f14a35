import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 that answers every connection the same way, then closes it: a peer that closes
/// at once, or one that sends garbage. Runs on its own thread until `close()`. (For a peer that accepts and says
/// nothing, `LoopbackSocket(.tcp)` is enough: the kernel completes the handshake.)
public final class LoopbackResponder: @unchecked Sendable {
    // @unchecked: `socket` is set in init and never reassigned. `close()` only shuts it down and the accept
    // thread alone closes it, once accept fails, both under `stopped`: so `close()` (and deinit after it) never
    // shuts down a descriptor number the thread has already closed and another test's socket may now hold.
    public let port: UInt16
    private let socket: LoopbackSocket
    private let reply: [UInt8]
    /// Set by the first `close()` or when the accept thread closed the listener.
    private let stopped = Stopped()

    /// A flag shared with the accept thread (a class, since `Mutex` cannot be copied into the thread's closure).
    private final class Stopped: Sendable {
        private let flag = Mutex(false)
        /// Runs `body` under the lock when not stopped yet, and marks it stopped.
        func once(_ body: () -> Void) {
            flag.withLock { stopped in
                guard !stopped else { return }
                stopped = true
                body()
            }
        }
    }

    /// Answers each connection with `reply` (empty: closes without a word). The peer's request is read first
    /// (up to what arrives within 100 ms), so the close is not a reset, unless `reset` asks for one (SO_LINGER 0:
    /// what a crashing or rejecting peer's kernel sends).
    public init(reply: [UInt8], reset: Bool = false) throws {
        self.socket = try LoopbackSocket(.tcp)
        self.port = socket.port
        self.reply = reply
        let socket = self.socket
        let fd = socket.descriptor
        let reply = reply
        let stopped = self.stopped
        Thread.detachNewThread {
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    stopped.once { }
                    socket.close()
                    return
                }
                var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                if !reply.isEmpty {
                    _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                if reset {
                    var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                    _ = setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                }
                _ = Glibc.close(connection)
            }
        }
    }

    /// "127.0.0.1:PORT".
    public var address: String { "127.0.0.1:\(port)" }

    /// Stops accepting (the accept thread then closes the listener).
    public func close() {
        let socket = socket
        stopped.once { _ = shutdown(socket.descriptor, Int32(SHUT_RDWR)) }
    }

    deinit { close() }
}
