import DskitKV
import Memberlist

/// The transient join use cases: `members --observe` and `watch`. The session joins through the first seed that
/// answers, tried one at a time in order (not raced as `Seeds.peek` races them: each join writes our node to its
/// seed, and the session keeps one seed's view), each within --timeout, and always leaves when the use case ends.
public struct ObserveRequest: Sendable {
    /// The seeds, in order.
    public var seeds: Seeds
    /// Transport, label, keys, our node, deadlines.
    public var configuration: ObserverConfiguration

    /// A request.
    public init(seeds: Seeds, configuration: ObserverConfiguration) {
        self.seeds = seeds
        self.configuration = configuration
    }
}

/// A members report gathered by observing, and how the leave went.
public struct ObservedMembers: Sendable {
    /// The members as the observer's table holds them (ourselves left out).
    public var report: MembersReport
    /// The KV store as observed (the seed's full state, with later push/pulls and broadcasts merged in).
    public var kv: KVView
    /// Where the leave went.
    public var leave: LeaveOutcome
}

public enum Observation {
    /// Joins through the first seed that answers, runs `body` while joined, then leaves.
    public static func run<Value: Sendable>(
        _ request: ObserveRequest, _ body: (ObserverSession, JoinResult) async throws -> Value
    ) async throws -> ObserverOutcome<Value> {
        try await withObserver(request.configuration) { session in
            let joined = try await request.seeds.firstAnswer { endpoint in try await session.join(peer: endpoint) }
            return try await body(session, joined)
        }
    }

    /// `members --observe`: stays joined for `duration` (or until cancelled: what was seen is still reported),
    /// merging what arrives, then reports the member table.
    public static func members(_ request: ObserveRequest, for duration: Duration) async throws -> ObservedMembers {
        let outcome = try await run(request) { session, _ in
            let kv = await withTaskGroup(of: KVView?.self) { group in
                group.addTask {
                    // Ends when the task is cancelled below (AsyncStream iteration stops on cancellation).
                    var view = KVView()
                    for await event in session.events {
                        switch event {
                        case .remoteState(let bytes, _, _):
                            _ = view.merge(fullState: bytes)
                        case .userMessage(let bytes, _):
                            if let pair = try? KeyValuePair(protobuf: bytes) { view.merge(pair) }
                        default:
                            break
                        }
                    }
                    return view
                }
                group.addTask {
                    // Cancellation (Ctrl-C) ends the wait early; what was seen is still reported.
                    try? await Task.sleep(for: duration)
                    return nil
                }
                _ = await group.next()
                group.cancelAll()
                var view = KVView()
                while let result = await group.next() {
                    if let result { view = result }
                }
                return view
            }
            return (await session.snapshot(), kv)
        }
        let (snapshot, kv) = outcome.value
        return ObservedMembers(
            report: MembersReport(observed: snapshot, transport: request.configuration.transport), kv: kv,
            leave: outcome.leave)
    }

    /// `watch`: joins, then calls `onEvent` for every member change and KV update, the initial view first, until
    /// `duration` passes (nil: until cancelled). Returns how the leave went.
    public static func watch(
        _ request: ObserveRequest, for duration: Duration?, onEvent: @escaping @Sendable (WatchEvent) -> Void
    ) async throws -> LeaveOutcome {
        let outcome = try await run(request) { session, _ in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    var translator = WatchTranslator()
                    for await event in session.events {
                        for watchEvent in translator.translate(event) { onEvent(watchEvent) }
                    }
                }
                group.addTask {
                    if let duration {
                        try? await Task.sleep(for: duration)
                    } else {
                        // Until cancelled: a sleep that long ends only by cancellation.
                        try? await Task.sleep(for: .seconds(86_400 * 365))
                    }
                }
                // Whichever ends first (the deadline, or the event stream) ends the watch.
                _ = await group.next()
                group.cancelAll()
            }
        }
        return outcome.leave
    }
}
