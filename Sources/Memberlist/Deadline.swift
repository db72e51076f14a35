/// Runs `operation` until `deadline`. Past it, `onTimeout` runs (closing the channel, so the operation ends
/// even where it ignores cancellation) and `timeoutError` is thrown (`CancellationError` when the calling task
/// was cancelled instead). An error of the operation's own wins only if
/// it comes first.
func withDeadline<Result: Sendable>(
    _ deadline: ContinuousClock.Instant,
    timeoutError: @autoclosure () -> any Error,
    onTimeout: () -> Void = {},
    _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let outcome = try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try? await Task.sleep(until: deadline, clock: .continuous)
            return nil
        }
        defer { group.cancelAll() }
        // The operation may end with its own error once the channel is closed: the timeout is decided first.
        let first = try await group.next() ?? nil
        if first == nil { onTimeout() }
        return first
    }
    guard let outcome else {
        // The sleep also ends when this task is cancelled (Ctrl-C): that is not the peer's fault.
        if Task.isCancelled { throw CancellationError() }
        throw timeoutError()
    }
    return outcome
}
