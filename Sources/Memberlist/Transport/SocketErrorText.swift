#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// What a socket error means, in words: NIO's errors name the system call and its C parameters
/// (`read(descriptor:pointer:size:): Connection reset by peer (errno: 104)`), which tells a user nothing.
enum SocketErrorText {
    /// The error as a short phrase ("the peer reset the connection", "the port is already in use").
    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return describe(errno: io.errnoCode) }
        if let channel = error as? ChannelError {
            switch channel {
            case .ioOnClosedChannel, .alreadyClosed: return "the connection was already closed"
            case .eof, .outputClosed, .inputClosed: return "the peer closed the connection"
            case .connectTimeout: return "the connection attempt timed out"
            default: break
            }
        }
        if let connect = error as? NIOConnectionError {
            let reasons = connect.connectionErrors.map { describe($0.error) }
            if let first = reasons.first { return first }
        }
        return String(describing: error)
    }

    /// An errno as a phrase a user can act on.
    static func describe(errno code: Int32) -> String {
        switch code {
        case ECONNRESET: return "the peer reset the connection"
        case EPIPE: return "the peer closed the connection before we finished writing"
        case ECONNREFUSED: return "the connection was refused (nothing listens on that port)"
        case ETIMEDOUT: return "the connection timed out"
        case EHOSTUNREACH: return "there is no route to the host"
        case ENETUNREACH: return "the network is unreachable"
        case EADDRINUSE: return "the port is already in use"
        case EADDRNOTAVAIL: return "the address is not one of this machine's"
        case EACCES, EPERM: return "permission denied (ports below 1024 need root)"
        case EMFILE, ENFILE: return "too many open files"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// True for a peer resetting the connection (what a closing peer with unread bytes of ours does).
    static func isReset(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == ECONNRESET
    }
}
