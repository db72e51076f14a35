/// Polls `condition` until it holds or `deadline` passes, sleeping between tries without blocking a thread (the
/// async sibling of `waitUntil`, for tests whose code under test runs on the same cooperative pool).
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
    throw FixtureError.timedOut(what, deadline)
}
