import NIOCore

/// Serves the connections a server channel accepts, one task each, until the server channel closes.
///
/// Stop it by closing the server channel, never by cancelling it: every connection NIO already accepted is still
/// handed over (NIO traps on an accepted connection that is dropped without being finished), and the handlers
/// still running once the channel has closed are cancelled then.
public enum AcceptLoop {
    /// Runs `handler` for each accepted connection until `connections` ends; errors end the loop quietly.
    public static func serve(
        _ connections: NIOAsyncChannelInboundStream<NIOAsyncChannel<ByteBuffer, ByteBuffer>>,
        _ handler: @escaping @Sendable (NIOAsyncChannel<ByteBuffer, ByteBuffer>) async -> Void
    ) async {
        await withDiscardingTaskGroup { group in
            do {
                for try await connection in connections {
                    group.addTask { await handler(connection) }
                }
            } catch {
                // The server channel failed; what it accepted before was handed over.
            }
            group.cancelAll()
        }
    }
}
