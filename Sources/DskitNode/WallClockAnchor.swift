import Foundation
import MemberlistWire

// dskit stamps heartbeats and KV update times with `time.Now()`, a wall clock. The node instance only knows a
// `ContinuousClock.Instant` (monotonic, meaningless across processes), so the delegate carries one pairing of the two,
// read together, and derives every wall-clock time from it. A simulation passes a virtual pair and gets
// reproducible timestamps; a real node reads both clocks once at start.

/// One moment read on both clocks: maps the node's monotonic instants to wall-clock dates.
public struct WallClockAnchor: Hashable, Sendable {
    /// The moment on the node's monotonic clock.
    public var instant: ContinuousClock.Instant
    /// The same moment on the wall clock.
    public var date: Date

    /// An anchor from a pair read together (or made up, in a simulation).
    public init(instant: ContinuousClock.Instant, date: Date) {
        self.instant = instant
        self.date = date
    }

    /// An anchor read from both clocks now.
    public static func now() -> WallClockAnchor {
        WallClockAnchor(instant: .now, date: Date())
    }

    /// The wall-clock date of `instant` (earlier instants give earlier dates).
    public func date(at instant: ContinuousClock.Instant) -> Date {
        date.addingTimeInterval((instant - self.instant).inSeconds)
    }
}
