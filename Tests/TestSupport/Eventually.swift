import Foundation

/// Polls `condition` until it holds or `deadline` passes: the only way tests wait (no bare sleeps).
public func waitUntil(
    _ what: String, deadline: Duration = .seconds(10), every interval: Duration = .milliseconds(20),
    _ condition: () throws -> Bool
) throws {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: deadline)
    while clock.now < end {
        if try condition() { return }
        Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
    }
    throw FixtureError.timedOut(what, deadline)
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
