import Foundation
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The fixture scopes leave no child behind: whether the body returns, throws or is cancelled, every child it
/// started is killed and reaped (gone from `LiveChildren`, and `kill(pid, 0)` finds no such process) by the time
/// the scope returns.
@Suite("Fixture scopes stop every child")
struct FixtureScopeTests {
    struct Planned: Error {}

    /// Whether `pid` is gone: reaped by its reaper and unknown to the kernel.
    static func isGone(_ pid: pid_t) -> Bool {
        !LiveChildren.contains(pid) && kill(pid, 0) == -1 && errno == ESRCH
    }

    @Test("a body that returns: its children are stopped and reaped")
    func returns() async throws {
        let pids = try await withFixtures { fixtures in
            let first = try fixtures.process("/bin/sleep", ["600"])
            let second = try fixtures.process("/bin/sleep", ["600"])
            #expect(first.isRunning && second.isRunning)
            #expect(LiveChildren.contains(first.pid))
            return [first.pid, second.pid]
        }
        #expect(pids.allSatisfy(Self.isGone), "\(pids) still there")
    }

    @Test("a body that throws: its children are stopped and reaped, and the error comes out")
    func throwsError() async throws {
        let started = PIDs()
        await #expect(throws: Planned.self) {
            try await withFixtures { fixtures in
                started.add(try fixtures.process("/bin/sleep", ["600"]).pid)
                throw Planned()
            }
        }
        #expect(!started.all.isEmpty)
        #expect(started.all.allSatisfy(Self.isGone), "\(started.all) still there")
    }

    @Test("a cancelled task: the scope stops and reaps its children before it returns")
    func cancelled() async throws {
        let started = PIDs()
        let task = Task {
            try await withFixtures { fixtures in
                started.add(try fixtures.process("/bin/sleep", ["600"]).pid)
                // Waits for a condition that never holds; cancellation ends it.
                try await eventually("nothing", deadline: .seconds(600)) { false }
            }
        }
        try await eventually("the child to start") { !started.all.isEmpty }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(started.all.allSatisfy(Self.isGone), "\(started.all) still there")
    }

    @Test("a child that outlives its deadline is killed and reaped, and the wait says so")
    func deadline() async throws {
        let child = try ChildProcess("/bin/sleep", ["600"])
        await #expect(throws: FixtureError.self) { try await child.wait(deadline: .milliseconds(100)) }
        #expect(Self.isGone(child.pid))
        #expect(child.poll() == 128 + SIGKILL)
    }

    @Test("exit statuses: the code of a normal exit, 128 + the signal of a killed child")
    func exitStatuses() async throws {
        #expect(try await ChildProcess("/bin/sh", ["-c", "exit 3"]).wait(deadline: .seconds(60)) == 3)
        let killed = try ChildProcess("/bin/sleep", ["600"])
        killed.signal(SIGTERM)
        #expect(try await killed.wait(deadline: .seconds(60)) == 128 + SIGTERM)
    }

    @Test("a child inherits no descriptor of the test process beyond stdin, stdout and stderr")
    func noInheritedDescriptors() async throws {
        let socket = try LoopbackSocket(.tcp)
        defer { socket.close() }
        let child = try ChildProcess("/bin/sh", ["-c", "ls /proc/$$/fd"])
        defer { child.cleanUp() }
        #expect(try await child.wait(deadline: .seconds(60)) == 0)
        let descriptors = child.stdout.split(separator: "\n").compactMap { Int32($0) }
        #expect(descriptors.contains(2), "\(descriptors)")
        #expect(!descriptors.contains(socket.descriptor), "\(descriptors)")
        #expect(descriptors.allSatisfy { $0 <= 2 || $0 >= 10 }, "\(descriptors)")  // dash may keep 10 for itself
    }

    @Test(
        "a Go cluster whose body throws: all three peers are stopped and reaped",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)"))
    func goClusterThrows() async throws {
        let started = PIDs()
        await #expect(throws: Planned.self) {
            try await withGoCluster(names: ["scope-1", "scope-2", "scope-3"]) { peers in
                for peer in peers { started.add(peer.pid) }
                throw Planned()
            }
        }
        #expect(started.all.count == 3)
        #expect(started.all.allSatisfy(Self.isGone), "\(started.all) still there")
    }

    @Test("a dnsmasq whose task is cancelled mid-body is stopped and reaped")
    func dnsmasqCancelled() async throws {
        let started = PIDs()
        let task = Task {
            try await withDnsmasq(records: ["host-record=node1.ring.test,127.0.0.11"]) { dns in
                started.add(dns.pid)
                try await eventually("nothing", deadline: .seconds(600)) { false }
            }
        }
        try await eventually("dnsmasq to start", deadline: .seconds(60)) { !started.all.isEmpty }
        task.cancel()
        _ = await task.result
        #expect(started.all.allSatisfy(Self.isGone), "\(started.all) still there")
    }
}

/// PIDs collected inside a scope, read after it.
final class PIDs: Sendable {
    private let pids = Mutex<[pid_t]>([])
    func add(_ pid: pid_t) { pids.withLock { $0.append(pid) } }
    var all: [pid_t] { pids.withLock { $0 } }
}
