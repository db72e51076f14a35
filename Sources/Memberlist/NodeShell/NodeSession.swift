import MemberlistWire

// The node's shell, the observer's (ObserverSession) grown: it feeds what the transport delivers to the pure
// NodeInstance and performs the directives it returns. Packets are encoded by the PacketCodec and sent in the
// background; timers are sleeping jobs; stream exchanges the node starts (push/pull, TCP ping) run in the
// background within the request's deadline and come back as onStreamReply/onStreamFailure; events go to one
// stream. The protocol's rules are all in the instance: the shell decides nothing but when work is over.
//
// `withNode` is a scope: the body runs with the listeners open and every exit path leaves (memberlist `Leave`
// then `Shutdown`), cancellation included: the leave runs in an unstructured task, which a cancelled scope does
// not cancel, and listening and the jobs are not children of the scope's task (NIO must finish every accepted
// connection; the leave is gossiped by the jobs, whose sleeps and dials a cancelled task would end at once).

/// Runs a memberlist node for the duration of `body`, then leaves (also when `body` throws or the task is
/// cancelled) and closes its listeners.
///
/// Binds `configuration.network`'s transport (port 0: a free port, which the node then advertises), starts the
/// node's timers and hands the body the session; the body joins with `session.join(_:)`. `seed` drives every
/// random choice of the instance.
public func withNode<Delegate: NodeDelegate, Value: Sendable>(
    _ configuration: NodeSessionConfiguration, delegate: Delegate, seed: UInt64,
    body: (NodeSession<Delegate>) async throws -> Value
) async throws -> Value {
    try await withNode(configuration, seed: seed, makeDelegate: { _ in delegate }, body: body)
}

/// `withNode`, with the delegate made once the node's address is known (a ring instance names its own
/// address: with port 0 that is the port the transport was bound to).
public func withNode<Delegate: NodeDelegate, Value: Sendable>(
    _ configuration: NodeSessionConfiguration, seed: UInt64,
    makeDelegate: (NodeConfiguration) throws -> Delegate,
    body: (NodeSession<Delegate>) async throws -> Value
) async throws -> Value {
    let transport = try await bindTransport(configuration.network)
    let codec = PacketCodec(configuration.network)
    let nodeConfiguration: NodeConfiguration
    do {
        nodeConfiguration = try configuration.nodeConfiguration(boundPort: transport.boundPort, codec: codec)
    } catch {
        await transport.close()
        throw error
    }
    let delegate: Delegate
    do {
        delegate = try makeDelegate(nodeConfiguration)
    } catch {
        await transport.close()
        throw error
    }
    let session = NodeSession(
        configuration: configuration, node: nodeConfiguration, delegate: delegate, seed: seed, transport: transport,
        codec: codec)
    // Neither is a child of this (maybe cancelled) task: see the opening comment. The jobs (timers, sends,
    // exchanges) must outlive a cancellation too: the leave is gossiped by them, and a cancelled task's sleeps
    // and dials end at once. They end with `finish()` (or `crash()`).
    let listening = Task { await transport.serve(session) }
    let jobs = Task { await session.runJobs() }
    await session.start()
    let result: Result<Value, any Error>
    do {
        result = .success(try await body(session))
    } catch {
        result = .failure(error)
    }
    await Task { await session.leave() }.value
    await session.finish()
    await jobs.value
    await transport.close()
    await listening.value
    return try result.get()
}

/// A running memberlist node: answers probes and streams, probes, gossips and push/pulls as its `NodeInstance`
/// says. Created by `withNode`.
public actor NodeSession<Delegate: NodeDelegate> {
    /// How the session was configured.
    public nonisolated let configuration: NodeSessionConfiguration
    /// The instance's configuration: our name, advertised address and port, tuning.
    public nonisolated let node: NodeConfiguration
    /// The port the listeners are bound to (TCP, and UDP for the standard transport).
    public nonisolated let boundPort: Int
    /// What happened in the node, in order; one consumer; the newest 10,000 are kept. Finished when the session
    /// ends.
    public nonisolated let events: AsyncStream<NodeEvent>

    private nonisolated let transport: any MemberlistTransport
    private nonisolated let codec: PacketCodec
    private let eventSink: AsyncStream<NodeEvent>.Continuation
    private let jobs: AsyncStream<@Sendable () async -> Void>
    private let jobSink: AsyncStream<@Sendable () async -> Void>.Continuation
    private var instance: NodeInstance<Delegate>

    /// Set by `crash()`: nothing is answered, sent, timed or left any more.
    private var crashed = false
    /// Set once the leave ran (or was skipped after a crash).
    private var leaveStarted = false
    /// Set when the instance emitted `.leaveComplete`.
    private var leaveCompleted = false
    /// Packet sends handed to the jobs and not finished yet (the leave waits for its dead message to be written).
    private var sendsInFlight = 0
    /// Tasks waiting for the state above to change (`wait(until:for:)`).
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(
        configuration: NodeSessionConfiguration, node: NodeConfiguration, delegate: Delegate, seed: UInt64,
        transport: any MemberlistTransport, codec: PacketCodec
    ) {
        self.configuration = configuration
        self.node = node
        self.boundPort = transport.boundPort
        self.transport = transport
        self.codec = codec
        self.instance = NodeInstance(configuration: node, delegate: delegate, seed: seed, now: .now)
        (events, eventSink) = AsyncStream.makeStream(of: NodeEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        (jobs, jobSink) = AsyncStream.makeStream(of: (@Sendable () async -> Void).self)
    }

    // MARK: Public API

    /// Joins the cluster through `seeds` ("host:port" each), as memberlist's `Join`: one push/pull with Join set
    /// through every seed in turn, each within the step timeout. Returns how many seeds answered; throws
    /// `NodeSessionError.joinFailed` naming every seed and why when none did.
    @discardableResult
    public func join(_ seeds: [String]) async throws -> Int {
        if crashed { throw NodeSessionError.crashed(node: node.name) }
        var failures: [NodeSessionError.JoinFailure] = []
        var joined = 0
        for seed in seeds {
            if let reason = await joinOne(seed) {
                failures.append(.init(seed: seed, reason: reason))
            } else {
                joined += 1
            }
        }
        if joined == 0 {
            // Ctrl-C during the join shows as failed exchanges: say it was the interruption.
            if Task.isCancelled { throw CancellationError() }
            throw NodeSessionError.joinFailed(failures)
        }
        return joined
    }

    /// What the node knows now.
    public func snapshot() -> NodeSnapshot {
        NodeSnapshot(
            local: instance.local, others: instance.table.others, healthScore: instance.awareness.score,
            problemCount: instance.problemCount, recentProblems: instance.recentProblems, isLeaving: instance.isLeaving,
            isCrashed: crashed)
    }

    /// Every member the node knows, ourselves included, sorted by name (dead and left ones too).
    public func members() -> [Member] {
        instance.table.members.values.sorted { $0.name < $1.name }
    }

    /// Runs `body` on the delegate (dskit: change the KV store, the lifecycler's state) and performs nothing
    /// else: what the change queues goes out with the node's next gossip, push/pull or tick.
    public func withDelegate<Result: Sendable>(
        _ body: (inout Delegate) throws -> Result
    ) rethrows -> Result {
        try body(&instance.delegate)
    }

    /// Sends one user message straight to each member named (not only by gossip), in the background; a send that
    /// fails is noted as a problem.
    public func sendUserMessage(_ payload: [UInt8], to names: [String]) {
        perform(instance.sendUserMessage(payload, to: names))
    }

    /// A demo failure: the node stops at once, as if its process died. No leave, every timer and send stops, the
    /// listeners close (peers' probes meet silence or a refused connection), nothing arriving is answered. The
    /// scope still ends normally; `join` throws from now on.
    public func crash() async {
        guard !crashed else { return }
        crashed = true
        // Ending the job stream ends `runJobs`, which cancels every sleeping timer and send in flight.
        jobSink.finish()
        await transport.close()
        wakeWaiters()
    }

    /// Changes how often the node gossips from now on (the demo's slow gossip).
    public func setGossipInterval(_ interval: Duration) {
        instance.setGossipInterval(interval)
    }

    // MARK: Join

    /// One seed's join: performs the instance's directives, runs the join's own push/pull here (its outcome is
    /// the seed's), and says why it failed, nil when the instance merged the seed's state.
    private func joinOne(_ seed: String) async -> String? {
        let directives = instance.join(seed, now: .now, timeout: configuration.network.timeout)
        var request: StreamRequest?
        for directive in directives {
            if case .exchange(let exchange) = directive, case .pushPull(join: true) = exchange.purpose,
                request == nil
            {
                request = exchange
            } else {
                perform([directive])
            }
        }
        guard let request else {
            return "the node started no push/pull through it (the instance returned no join exchange)"
        }
        let outcome = await Self.run(request, over: transport, timeout: configuration.network.timeout)
        if crashed { return "the node crashed during the join" }
        let answer: [NodeDirective]
        switch outcome {
        case .success(let envelope):
            answer = instance.onStreamReply(envelope, for: request, now: .now)
        case .failure(let reason):
            perform(instance.onStreamFailure(request, reason: reason, now: .now))
            return reason
        }
        perform(answer)
        if answer.contains(.emit(.joined(peer: request.peer))) || answer.contains(.emit(.joined(peer: seed))) {
            return nil
        }
        let problems = answer.compactMap { directive -> String? in
            if case .emit(.problem(let text)) = directive { return text }
            return nil
        }
        return problems.isEmpty
            ? "it answered, but the node did not merge its state"
            : "it answered, but the node did not merge its state: " + problems.joined(separator: "; ")
    }

    /// Runs one stream exchange by the request's deadline: the reply, or why it failed in one sentence.
    private static func run(
        _ request: StreamRequest, over transport: any MemberlistTransport, timeout: Duration
    ) async -> StreamOutcome {
        let message = request.message
        let peer = request.peer
        do {
            let deadline = request.deadline
            let budget = max(.zero, ContinuousClock.now.duration(to: deadline))
            // The transport's own deadlines close the connection; this one bounds the whole in case a step does
            // not watch it (a reply's read, say).
            let reply = try await withDeadline(
                min(deadline, .now.advanced(by: timeout)),
                timeoutError: MemberlistError.timedOut(peer: peer, step: .readReply, after: min(budget, timeout))
            ) {
                try await transport.exchange(with: peer, by: deadline) { _ in message }
            }
            return .success(reply.envelope)
        } catch {
            return .failure((error as? MemberlistError)?.description ?? SocketErrorText.describe(error))
        }
    }

    // MARK: Directives

    /// Performs what the instance asked for; returns the stream reply among them, if any.
    @discardableResult
    private func perform(_ directives: [NodeDirective]) -> StreamReply? {
        if crashed { return nil }
        var reply: StreamReply?
        for directive in directives {
            switch directive {
            case .sendPacket(let packet):
                send(packet)
            case .reply(let answer):
                reply = answer
            case .schedule(let timer, let instant):
                jobSink.yield { [weak self] in
                    // Cancelled (the session ended or crashed): the timer no longer matters.
                    guard (try? await Task.sleep(until: instant, clock: .continuous)) != nil else { return }
                    await self?.fire(timer)
                }
            case .exchange(let request):
                let transport = self.transport
                let timeout = configuration.network.timeout
                jobSink.yield { [weak self] in
                    let outcome = await Self.run(request, over: transport, timeout: timeout)
                    await self?.finished(request, outcome)
                }
            case .emit(let event):
                if case .leaveComplete = event {
                    leaveCompleted = true
                    wakeWaiters()
                }
                eventSink.yield(event)
            }
        }
        return reply
    }

    private func fire(_ timer: NodeTimer) {
        if crashed { return }
        perform(instance.onTimer(timer, now: .now))
    }

    private func finished(_ request: StreamRequest, _ outcome: StreamOutcome) {
        if crashed { return }
        switch outcome {
        case .success(let envelope): perform(instance.onStreamReply(envelope, for: request, now: .now))
        case .failure(let reason): perform(instance.onStreamFailure(request, reason: reason, now: .now))
        }
    }

    /// Sends a packet in the background (a failure is noted as a problem, not thrown).
    private func send(_ packet: OutgoingPacket) {
        let prepared: PreparedPacket
        do {
            prepared = try PreparedPacket(packet, codec: codec, transport: transport, sender: node.hostPort)
        } catch {
            record(error.text)
            return
        }
        sendsInFlight += 1
        jobSink.yield { [weak self] in
            let failure = await prepared.run()
            await self?.sendFinished(failure: failure)
        }
    }

    private func sendFinished(failure: String?) {
        sendsInFlight -= 1
        if let failure { record(failure) }
        wakeWaiters()
    }

    private func record(_ problem: String) {
        if crashed { return }
        perform(instance.noteProblem(problem))
    }

    // MARK: Lifecycle

    /// Starts the instance's timers.
    func start() {
        perform(instance.start(now: .now))
    }

    /// Runs background sends, exchanges and timers until the session finishes or crashes, then cancels what is
    /// still running (sleeping timers above all) at once.
    func runJobs() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask { await job() }
            }
            group.cancelAll()
        }
    }

    /// Ends the event stream and the background work.
    func finish() {
        eventSink.finish()
        jobSink.finish()
        wakeWaiters()
    }

    /// memberlist `Leave`: the instance queues the delegate's goodbye and our dead message and says, with
    /// `.leaveComplete`, when they have gone out; meanwhile the node keeps gossiping and answering. Bounded by the
    /// leave timeout (plus a step timeout for the last packets to be written). A crashed node does not leave. Runs
    /// once: the scope's own leave at the end does nothing after an earlier one (the demo's `--leave`).
    public func leave() async {
        guard !crashed, !leaveStarted else { return }
        leaveStarted = true
        let start = ContinuousClock.now
        let leaveTimeout = configuration.gossip.leaveTimeout
        perform(instance.leave(now: start))
        // The instance's own leave timer fires at the leave timeout; the step timeout on top lets it decide.
        let stepTimeout = configuration.network.timeout
        await wait(until: start.advanced(by: leaveTimeout + stepTimeout)) { leaveCompleted }
        if !leaveCompleted && !crashed {
            record(
                "the leave did not complete within \(MemberlistError.format(leaveTimeout + stepTimeout)): "
                    + "peers may see \(node.name) fail instead of leave")
        }
        await wait(until: .now.advanced(by: stepTimeout)) { sendsInFlight == 0 }
    }

    /// Waits until `condition` holds, the session ends or crashes, or `deadline` passes.
    private func wait(until deadline: ContinuousClock.Instant, for condition: () -> Bool) async {
        while !condition(), !crashed, ContinuousClock.now < deadline {
            let alarm = Task { [weak self] in
                // Cancelled (the condition changed first): waking now would start the next pass's alarm at once,
                // and the loop would spin until the deadline.
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                await self?.wakeWaiters()
            }
            await withCheckedContinuation { waiters.append($0) }
            alarm.cancel()
        }
    }

    private func wakeWaiters() {
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }
}

/// How one stream exchange ended: the reply, or why it failed.
private enum StreamOutcome: Sendable {
    case success(StreamEnvelope)
    case failure(String)
}

extension NodeSession: TransportInbound {
    func packet(_ bytes: [UInt8], from: String) {
        if crashed { return }
        let message: Message
        do {
            message = try codec.decode(bytes)
        } catch {
            record("packet from \(from) dropped: \(error)")
            return
        }
        perform(instance.onPacket(message, from: from, now: .now))
    }

    func stream(_ envelope: StreamEnvelope, from peer: String) -> StreamReply? {
        if crashed { return nil }
        return perform(instance.onStream(envelope, from: peer, now: .now))
    }

    func problem(_ text: String) {
        record(text)
    }
}

/// A node's state at one moment.
public struct NodeSnapshot: Hashable, Sendable {
    /// Ourselves as we announce us.
    public var local: Member
    /// Every other member, sorted by name (dead and left ones too).
    public var others: [Member]
    /// Our health score (memberlist's awareness; 0 healthy).
    public var healthScore: Int
    /// How many packets and streams could not be used, and sends that failed.
    public var problemCount: Int
    /// The last few of those problems, oldest first.
    public var recentProblems: [String]
    /// Whether the node is leaving or has left.
    public var isLeaving: Bool
    /// Whether `crash()` stopped the node.
    public var isCrashed: Bool

    /// The member called `name`, ourselves included.
    public func member(_ name: String) -> Member? {
        name == local.name ? local : others.first { $0.name == name }
    }
}
