import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tests/Peers/mlpeer: a real hashicorp/memberlist 0.2.2 peer, built with Debian's Go (build.sh) and run by PID.
/// Started inside a fixture scope (`withGoPeer`, `Fixtures.goPeer`), which stops it.
public final class GoPeer: Sendable {
    /// The node's memberlist port (TCP and UDP) on 127.0.0.1.
    public let port: UInt16
    /// The node's name.
    public let name: String
    private let process: ChildProcess
    private let statusPath: String

    /// The `go` binary, if one is installed (PATH or /usr/bin/go, /usr/lib/go/bin/go).
    public static var goExecutable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/go" } + ["/usr/bin/go", "/usr/lib/go/bin/go"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether the Go toolchain is there to build mlpeer (CI installs it from .ci/apt-packages).
    public static var isGoInstalled: Bool { goExecutable != nil }

    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The one build of mlpeer in this test process, started by the first caller and awaited by every other
    /// (a `static let` is initialised once; creating the task does not block).
    private static let build = Task<String, any Error> {
        guard let go = goExecutable else {
            throw FixtureError.missingTool("go", install: "apt-get install golang-go golang-github-hashicorp-memberlist-dev")
        }
        let peers = repositoryRoot.appendingPathComponent("Tests/Peers")
        var environment = ProcessInfo.processInfo.environment
        let goDirectory = URL(fileURLWithPath: go).deletingLastPathComponent().path
        environment["PATH"] = goDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let build = try ChildProcess(
            "/bin/sh", [peers.appendingPathComponent("mlpeer/build.sh").path], environment: environment)
        defer { build.cleanUp() }
        let status = try await build.wait(deadline: .seconds(600))
        guard status == 0 else {
            throw FixtureError.failed("building mlpeer failed (\(status)): \(build.stderr)")
        }
        return peers.appendingPathComponent("bin/mlpeer").path
    }

    /// Builds mlpeer (once per test process; `go build` itself skips unchanged work) and returns its path.
    public static func binary() async throws -> String {
        try await build.value
    }

    /// Runs `mlpeer vectors --out DIRECTORY` to completion.
    public static func writeVectors(to directory: URL, deadline: Duration = .seconds(300)) async throws {
        let process = try ChildProcess(try await binary(), ["vectors", "--out", directory.path])
        defer { process.cleanUp() }
        let status = try await process.wait(deadline: deadline)
        guard status == 0 else {
            throw FixtureError.failed("mlpeer vectors exited with \(status): \(process.stderr)")
        }
    }

    private init(port: UInt16, name: String, process: ChildProcess, statusPath: String) {
        self.port = port
        self.name = name
        self.process = process
        self.statusPath = statusPath
    }

    /// Starts `mlpeer serve` with `arguments` in `fixtures` and waits for its `READY 127.0.0.1:PORT` line.
    static func start(name: String, _ arguments: [String], in fixtures: Fixtures) async throws -> GoPeer {
        let binary = try await binary()
        await fixtures.takeGoSlot()
        let statusPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("mlpeer-status-\(UUID().uuidString).json").path
        let process = try fixtures.process(
            binary, ["serve", "--name", name, "--status", statusPath] + arguments)
        var port: UInt16?
        do {
            // Generous: under a parallel run a Go start-up can wait seconds for a core.
            try await eventually("mlpeer serve to print READY", deadline: .seconds(60)) {
                if let exit = process.poll() {
                    throw FixtureError.failed("mlpeer serve exited with \(exit): \(process.stderr)")
                }
                guard let line = process.stdout.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }),
                    let portText = line.split(separator: ":").last
                else { return false }
                port = UInt16(portText)
                return port != nil
            }
        } catch {
            await process.stop()
            throw error
        }
        return GoPeer(port: port ?? 0, name: name, process: process, statusPath: statusPath)
    }

    /// The node's last status file: members (every state), user messages and remote states its delegate got.
    public func status() -> GoPeerStatus? {
        guard let data = FileManager.default.contents(atPath: statusPath) else { return nil }
        return try? JSONDecoder().decode(GoPeerStatus.self, from: data)
    }

    /// Waits until the status satisfies `condition`; the failure names `what` and shows the last status and the
    /// node's stderr.
    @discardableResult
    public func waitForStatus(
        _ what: String, deadline: Duration = .seconds(30), _ condition: (GoPeerStatus) -> Bool
    ) async throws -> GoPeerStatus {
        var last: GoPeerStatus?
        do {
            try await eventually(what, deadline: deadline) {
                if let exit = process.poll() {
                    throw FixtureError.failed("mlpeer serve exited with \(exit): \(process.stderr)")
                }
                last = status()
                return last.map(condition) ?? false
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw FixtureError.failed("\(error); last status: \(String(describing: last)); stderr: \(process.stderr)")
        }
        return last!
    }

    /// Waits until every one of `peers` lists `name` in `state`; the failure shows how each peer lists it and
    /// the lines of its log that name it.
    public static func waitForAll(
        _ peers: [GoPeer], toList name: String, as state: String = "alive", deadline: Duration = .seconds(30)
    ) async throws {
        do {
            try await eventually("every peer to list \(name) \(state)", deadline: deadline) {
                peers.allSatisfy { $0.status()?.member(name)?.state == state }
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let views = peers.map { peer in
                let log = peer.stderr.split(separator: "\n").filter { $0.contains(name) }.suffix(6)
                return "\(peer.name) lists it \(peer.status()?.member(name)?.state ?? "not at all"), log: \(Array(log))"
            }
            throw FixtureError.failed("\(error); " + views.joined(separator: "; "))
        }
    }

    /// Starts a dskit-shaped node: dskit's TCP-only transport, the KV delegate holding ring key "ring" with this
    /// node's instance (id = `name`), dskit node meta for `zone` (role member), a fast push/pull so a cluster
    /// converges within a second or two, and memberlist logs on stderr. `more` goes after these flags.
    static func dskit(
        name: String, label: String = "", zone: String = "", joining seed: GoPeer? = nil, _ more: [String] = [],
        in fixtures: Fixtures
    ) async throws -> GoPeer {
        var arguments = ["--transport", "dskit", "--push-pull-interval", "300ms", "--verbose"]
        if !label.isEmpty { arguments += ["--label", label] }
        if !zone.isEmpty { arguments += ["--zone", zone] }
        if let seed { arguments += ["--join", seed.address] }
        return try await start(name: name, arguments + more, in: fixtures)
    }

    /// "127.0.0.1:PORT".
    public var address: String { "127.0.0.1:\(port)" }

    /// The node's PID.
    public var pid: pid_t { process.pid }

    /// Whether the node still runs.
    public var isRunning: Bool { process.isRunning }

    /// Stops (`true`, SIGUSR1) or resumes (`false`, SIGUSR2) the ring heartbeat of a running dskit-shaped node;
    /// wait for `status()?.ring?.heartbeatFrozen` to see it applied.
    public func freezeHeartbeat(_ frozen: Bool = true) {
        process.signal(frozen ? SIGUSR1 : SIGUSR2)
    }

    /// The node's stderr so far (memberlist logs with `--verbose`).
    public var stderr: String { process.stderr }

    /// Kills the node by PID and waits until it is reaped (its scope would do it at the end anyway).
    public func stop() async {
        await process.stop()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: statusPath)
    }
}

/// `mlpeer serve`'s status file.
public struct GoPeerStatus: Decodable, Sendable, CustomStringConvertible {
    /// A member as the Go node sees it.
    public struct Member: Decodable, Sendable {
        public let name: String
        public let address: String
        public let port: Int
        public let metaHex: String
        public let state: String
        public let vsn: [Int]

        enum CodingKeys: String, CodingKey {
            case name, address, port, state, vsn
            case metaHex = "meta_hex"
        }
    }

    /// A push/pull user state the node's delegate merged.
    public struct RemoteState: Decodable, Sendable {
        public let join: Bool
        public let stateHex: String

        enum CodingKeys: String, CodingKey {
            case join
            case stateHex = "state_hex"
        }
    }

    /// What the dskit transport accepted and rejected.
    public struct DskitTransport: Decodable, Sendable {
        public let packetsReceived: Int
        public let packetsSent: Int
        public let streamsReceived: Int
        public let streamsOpened: Int
        /// Packets dropped because their MD5 trailer did not match the payload.
        public let md5Rejected: Int
        /// Packets and streams dropped (connection closed, no reply) for a missing or different cluster label.
        public let labelRejected: Int
        /// Connections starting with neither 1 (packet) nor 2 (stream).
        public let badMarker: Int
        /// Packets too short, too long or with an unreadable sender address.
        public let badPacket: Int

        enum CodingKeys: String, CodingKey {
            case packetsReceived = "packets_received", packetsSent = "packets_sent"
            case streamsReceived = "streams_received", streamsOpened = "streams_opened"
            case md5Rejected = "md5_rejected", labelRejected = "label_rejected"
            case badMarker = "bad_marker", badPacket = "bad_packet"
        }
    }

    /// One ring instance as the node holds it.
    public struct RingInstance: Decodable, Sendable {
        public let id: String
        public let addr: String
        public let zone: String
        /// ACTIVE, LEAVING, PENDING, JOINING or LEFT.
        public let state: String
        public let tokenCount: Int
        /// Every token, sorted; for synthetic instances only the first 8.
        public let tokens: [UInt32]
        /// Unix seconds.
        public let registeredTimestamp: Int64
        /// Unix seconds.
        public let heartbeatTimestamp: Int64
        public let readOnly: Bool
        public let readOnlyUpdatedTimestamp: Int64

        enum CodingKeys: String, CodingKey {
            case id, addr, zone, state, tokens
            case tokenCount = "token_count"
            case registeredTimestamp = "registered_timestamp"
            case heartbeatTimestamp = "heartbeat_timestamp"
            case readOnly = "read_only"
            case readOnlyUpdatedTimestamp = "read_only_updated_timestamp"
        }
    }

    /// The node's view of its ring key.
    public struct Ring: Decodable, Sendable {
        public let key: String
        /// The node's own instance.
        public let instanceID: String
        public let heartbeatFrozen: Bool
        /// Remote states and messages merged, and how many failed to decode.
        public let merges: Int
        public let mergeErrors: Int
        public let lastMergeError: String
        /// KV changes (the own instance) queued for gossip with `--broadcast-kv`, and how many times one went
        /// into a gossip packet.
        public let broadcastsQueued: Int
        public let broadcastTransmissions: Int
        /// Every instance, sorted by id.
        public let instances: [RingInstance]
        /// A digest of ids, states and tokens: equal on two nodes when their rings agree (timestamps aside).
        public let digest: String

        enum CodingKeys: String, CodingKey {
            case key, merges, instances, digest
            case instanceID = "instance_id"
            case heartbeatFrozen = "heartbeat_frozen"
            case mergeErrors = "merge_errors"
            case lastMergeError = "last_merge_error"
            case broadcastsQueued = "broadcasts_queued"
            case broadcastTransmissions = "broadcast_transmissions"
        }

        /// The instance called `id`.
        public func instance(_ id: String) -> RingInstance? { instances.first { $0.id == id } }
    }

    public let name: String
    public let port: Int
    public let members: [Member]
    public let userMessagesHex: [String]
    public let remoteStates: [RemoteState]
    /// "standard" or "dskit".
    public let transport: String?
    /// The cluster label ("" for none).
    public let label: String?
    /// Only with the dskit transport.
    public let dskitTransport: DskitTransport?
    /// Only with the KV delegate.
    public let ring: Ring?
    /// How many of the node's probes each member answered with an ack (memberlist's ping delegate), by name.
    public let probesAcked: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case name, port, members, transport, label, ring
        case probesAcked = "probes_acked"
        case userMessagesHex = "user_messages_hex"
        case remoteStates = "remote_states"
        case dskitTransport = "dskit_transport"
    }

    /// The member called `name`, if the node knows it.
    public func member(_ name: String) -> Member? { members.first { $0.name == name } }

    public var description: String {
        "members: " + members.map { "\($0.name)@\($0.address):\($0.port) \($0.state)" }.joined(separator: ", ")
            + "; user messages: \(userMessagesHex); remote states: \(remoteStates.map(\.stateHex))"
    }
}
