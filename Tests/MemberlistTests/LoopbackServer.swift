import Memberlist
import NIOCore
import NIOPosix
import NIOSSL

/// A TCP server on 127.0.0.1 (kernel-chosen port) that runs `handler` for each connection, then closes it:
/// the peers that do what real ones do wrong (silence, garbage, closing, a dskit node checking its label).
/// With `tls` every connection is a TLS server connection first (the handler sees the plaintext).
final class LoopbackServer: Sendable {
    typealias Handler = @Sendable (
        NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> Void

    let port: Int
    private let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    private init(port: Int, channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) {
        self.port = port
        self.channel = channel
    }

    var address: String { "127.0.0.1:\(port)" }

    /// Serves connections with `handler` for the duration of `body`.
    static func with<Result: Sendable>(
        tls: NIOSSLContext? = nil,
        _ handler: @escaping Handler, _ body: (LoopbackServer) async throws -> Result
    ) async throws -> Result {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    if let tls {
                        try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let server = LoopbackServer(port: channel.channel.localAddress?.port ?? 0, channel: channel)
        // Closing the server channel (not cancelling the loop) ends AcceptLoop, so no accepted connection is dropped.
        let serving = Task {
            try await channel.executeThenClose { connections in
                await AcceptLoop.serve(connections) { connection in
                    try? await connection.executeThenClose { inbound, outbound in
                        try await handler(inbound, outbound)
                    }
                }
            }
        }
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(server))
        } catch {
            result = .failure(error)
        }
        try? await channel.channel.close()
        _ = try? await serving.value
        return try result.get()
    }
}

extension NIOAsyncChannelInboundStream<ByteBuffer> {
    /// Reads until `complete` says the bytes so far are enough (returns them), or the stream ends (nil).
    func read(until complete: ([UInt8]) throws -> Bool) async throws -> [UInt8]? {
        var bytes: [UInt8] = []
        for try await chunk in self {
            bytes.append(contentsOf: chunk.readableBytesView)
            if try complete(bytes) { return bytes }
        }
        return nil
    }
}
