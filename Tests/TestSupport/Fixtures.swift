import Foundation
import Synchronization

/// The children one test started: every one of them is stopped (SIGKILL, then reaped) when the scope that made
/// them ends, whether the body returned, threw or was cancelled.
///
/// Start children through it (`process`, `goPeer`, `dskitPeer`, `standardCluster`, `dskitCluster`, `dnsmasq`)
/// inside `withFixtures { fixtures in ... }`, or use one of the single-fixture scopes (`withGoPeer`,
/// `withGoCluster`, `withDskitCluster`, `withDnsmasq`).
///
/// At most `Slots.goScopes.limit` tests run Go peers at once (the outermost scope takes a slot when it or a scope
/// nested in it starts the first peer, and gives it back when it ends): when a whole suite runs in
/// parallel, every test that needs a cluster would otherwise start its peers in the same second, as soon as the
/// one mlpeer build is done, and on a small machine the load makes real peers miss their probe deadlines.
public final class Fixtures: Sendable {
    private let children = Mutex<[ChildProcess]>([])
    private let holdsSlot = Mutex(false)
    private let parent: Fixtures?

    /// The innermost scope of the running task.
    @TaskLocal static var current: Fixtures?

    init(parent: Fixtures?) {
        self.parent = parent
    }

    /// Takes a Go slot for the outermost scope of this task unless it holds one already. Held by the outermost
    /// scope, never by a nested one: a nested scope that took its own before its parent started a peer would
    /// leave the parent needing a second slot, and four such tests at once would wait for each other forever.
    func takeGoSlot() async {
        var root = self
        while let parent = root.parent { root = parent }
        if root.holdsSlot.withLock({ $0 }) { return }
        await Slots.goScopes.acquire()
        let extra = root.holdsSlot.withLock { held in
            defer { held = true }
            return held
        }
        if extra { await Slots.goScopes.release() }
    }

    /// Every child started in this scope so far (stopped ones included).
    public var processes: [ChildProcess] { children.withLock { $0 } }

    /// Starts `executable` with `arguments` (see `ChildProcess`), stopped with the scope.
    public func process(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdinPath: String? = nil
    ) throws -> ChildProcess {
        let child = try ChildProcess(executable, arguments, environment: environment, stdinPath: stdinPath)
        adopt(child)
        return child
    }

    /// Stops `child` with the scope.
    func adopt(_ child: ChildProcess) {
        children.withLock { $0.append(child) }
    }

    /// A `mlpeer serve` node (see `GoPeer.start`).
    public func goPeer(name: String = "go-node", _ arguments: [String] = []) async throws -> GoPeer {
        try await GoPeer.start(name: name, arguments, in: self)
    }

    /// A dskit-shaped `mlpeer serve` node (see `GoPeer.dskit`).
    public func dskitPeer(
        name: String, label: String = "", zone: String = "", joining seed: GoPeer? = nil, _ more: [String] = []
    ) async throws -> GoPeer {
        try await GoPeer.dskit(name: name, label: label, zone: zone, joining: seed, more, in: self)
    }

    /// Three standard-transport peers in one cluster (see `GoCluster.standard`).
    public func standardCluster(
        names: [String] = ["node-1", "node-2", "node-3"], _ flags: [String] = []
    ) async throws -> [GoPeer] {
        try await GoCluster.standard(names: names, flags, in: self)
    }

    /// Three dskit-shaped peers in one cluster (see `GoCluster.dskit`).
    public func dskitCluster(
        label: String, names: [String] = ["peer-a", "peer-b", "peer-c"], _ flags: [[String]] = [[], [], []]
    ) async throws -> [GoPeer] {
        try await GoCluster.dskit(label: label, names: names, flags, in: self)
    }

    /// A dnsmasq answering `records` (see `Dnsmasq.start`).
    public func dnsmasq(localDomains: [String] = ["ring.test"], records: [String]) async throws -> Dnsmasq {
        try await Dnsmasq.start(localDomains: localDomains, records: records, in: self)
    }

    /// Kills every child and waits until each is reaped (also in a cancelled task), then gives back the slot.
    func stopAll() async {
        let all = children.withLock { $0 }
        await withTaskGroup(of: Void.self) { group in
            for child in all { group.addTask { await child.stop() } }
        }
        let held = holdsSlot.withLock { held in
            defer { held = false }
            return held
        }
        if held { await Slots.goScopes.release() }
    }
}

/// A counting semaphore for heavy fixtures: how many may run at once when the suite runs in parallel.
actor Slots {
    /// Fixture scopes running Go peers (see `Fixtures`). Four: a few clusters side by side keep a 2-core machine
    /// busy without starving any peer.
    static let goScopes = Slots(limit: 4)
    /// `RingctlBinary.run` children. Four: at start-up a parallel run would otherwise spawn a binary for nearly
    /// every test at once, and the machine stays saturated for seconds, past in-process deadlines.
    static let binaryRuns = Slots(limit: 4)

    let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = limit
    }

    func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()  // the slot passes on as it is
        }
    }
}

/// Runs `body` with a fresh `Fixtures`; when it returns, throws or is cancelled, every child started through it
/// is killed and reaped before this returns (no child left behind).
public func withFixtures<Value>(
    isolation: isolated (any Actor)? = #isolation, _ body: (Fixtures) async throws -> Value
) async throws -> Value {
    let fixtures = Fixtures(parent: Fixtures.current)
    do {
        let value = try await Fixtures.$current.withValue(fixtures) { try await body(fixtures) }
        await fixtures.stopAll()
        return value
    } catch {
        await fixtures.stopAll()
        throw error
    }
}

/// One `mlpeer serve` node for the duration of `body`.
public func withGoPeer<Value>(
    name: String = "go-node", _ arguments: [String] = [], isolation: isolated (any Actor)? = #isolation,
    _ body: (GoPeer) async throws -> Value
) async throws -> Value {
    try await withFixtures { fixtures in try await body(try await fixtures.goPeer(name: name, arguments)) }
}

/// Three standard-transport peers in one cluster for the duration of `body`.
public func withGoCluster<Value>(
    names: [String] = ["node-1", "node-2", "node-3"], _ flags: [String] = [],
    isolation: isolated (any Actor)? = #isolation, _ body: ([GoPeer]) async throws -> Value
) async throws -> Value {
    try await withFixtures { fixtures in try await body(try await fixtures.standardCluster(names: names, flags)) }
}

/// Three dskit-shaped peers in one cluster for the duration of `body`.
public func withDskitCluster<Value>(
    label: String, names: [String] = ["peer-a", "peer-b", "peer-c"], _ flags: [[String]] = [[], [], []],
    isolation: isolated (any Actor)? = #isolation, _ body: ([GoPeer]) async throws -> Value
) async throws -> Value {
    try await withFixtures { fixtures in
        try await body(try await fixtures.dskitCluster(label: label, names: names, flags))
    }
}

/// A dnsmasq answering `records` for the duration of `body`.
public func withDnsmasq<Value>(
    localDomains: [String] = ["ring.test"], records: [String], isolation: isolated (any Actor)? = #isolation,
    _ body: (Dnsmasq) async throws -> Value
) async throws -> Value {
    try await withFixtures { fixtures in
        try await body(try await fixtures.dnsmasq(localDomains: localDomains, records: records))
    }
}
