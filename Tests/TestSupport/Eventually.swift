/// Polls `condition` until it holds or `deadline` passes, sleeping between tries without blocking a thread: the
/// only way tests wait (no bare sleeps). The deadline is generous on purpose: it bounds a hang, it is no timing
/// assertion.
public func eventually(
    _ what: String, deadline: Duration = .seconds(10), every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: deadline)
    while clock.now < end {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    if try await condition() { return }
    throw FixtureError.timedOut(what, deadline)
}

/// Runs `body` until it returns or `deadline` passes, then cancels it and returns what it returns on
/// cancellation: for a body that collects events until it has seen enough, and reports what it saw when the
/// events stop coming. The deadline bounds a hang; it is no timing assertion.
public func collecting<Value: Sendable>(
    within deadline: Duration, _ body: @escaping @Sendable () async -> Value
) async -> Value {
    await withTaskGroup(of: Value?.self) { group in
        group.addTask { await body() }
        group.addTask {
            try? await Task.sleep(for: deadline)
            return nil
        }
        var collected: Value?
        if let first = await group.next() { collected = first }
        group.cancelAll()
        while let next = await group.next() {
            if let next { collected = next }
        }
        return collected!
    }
}

/// Why a fixture could not be set up.
public enum FixtureError: Error, CustomStringConvertible {
    case timedOut(String, Duration)
    case missingTool(String, install: String)
    case failed(String)

    public var description: String {
        switch self {
        case .timedOut(let what, let deadline): "timed out after \(deadline) waiting for \(what)"
        case .missingTool(let tool, let install): "\(tool) is not installed (\(install))"
        case .failed(let detail): detail
        }
    }
}
