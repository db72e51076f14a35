import Glibc
import NIOCore
import Testing

@testable import Memberlist

/// `SocketErrorText`: NIO's system-call errors in words.
@Suite("SocketErrorText")
struct SocketErrorTextTests {
    @Test("errno values a user meets, in words, without the system call or the number")
    func errnos() {
        let reset = IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)")
        #expect(SocketErrorText.describe(reset) == "the peer reset the connection")
        #expect(SocketErrorText.isReset(reset))
        let inUse = IOError(errnoCode: EADDRINUSE, reason: "bind(descriptor:ptr:bytes:)")
        #expect(SocketErrorText.describe(inUse) == "the port is already in use")
        #expect(!SocketErrorText.isReset(inUse))
        for code in [EPIPE, ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL, EACCES, EMFILE, EIO] {
            let text = SocketErrorText.describe(IOError(errnoCode: code, reason: "write(descriptor:pointer:size:)"))
            #expect(!text.contains("descriptor") && !text.contains("errno") && !text.isEmpty, "\(code): \(text)")
        }
    }

    @Test("NIO's channel errors in words")
    func channelErrors() {
        #expect(SocketErrorText.describe(ChannelError.ioOnClosedChannel) == "the connection was already closed")
        #expect(SocketErrorText.describe(ChannelError.eof) == "the peer closed the connection")
        #expect(SocketErrorText.describe(ChannelError.connectTimeout(.seconds(1))) == "the connection attempt timed out")
    }
}
