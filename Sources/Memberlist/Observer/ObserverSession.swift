import MemberlistWire
import NIOConcurrencyHelpers

// The observer's shell: feeds what the transport delivers to the pure ObserverInstance and performs the
// directives it returns (encode and send packets, write stream replies, sleep until timers, yield events), and
// runs the leave's steps (send by a deadline, peek, pause) as the instance hands them out. What it keeps of its
// own is about tasks: the join's cancellation grace (the exchange is one task; Ctrl-C must not cut it short once
// our alive state is written).
//
// The session is a scope: `withObserver` runs the body with listeners open and leaves on every exit path,
// cancellation included (the leave runs in an unstructured task, which a cancelled scope does not cancel).

/// Joins a cluster for the duration of `body`, then leaves (also when `body` throws or the task is cancelled).
///
/// The body joins with `session.join(peer:)` (try seeds in order until one answers) and reads `session.events` or
/// `session.snapshot()`.
public func withObserver<Value: Sendable>(
    _ configuration: ObserverConfiguration,
    _ body: (ObserverSession) async throws -> Value
) async throws -> ObserverOutcome<Value> {
    let transport = try await bindTransport(configuration)
    let session = ObserverSession(configuration: configuration, transport: transport)
    // Listening is not a child of this (maybe cancelled) task: accepting must never stop while the server channel
    // still holds accepted connections, or NIO drops them unfinished (a precondition failure). It ends when the
    // transport closes, below.
    let listening = Task { await transport.serve(session) }
    let outcome: ObserverOutcome<Value>
    do {
        outcome = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await session.runJobs() }
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(session))
            } catch {
                result = .failure(error)
            }
            // Not a child of this (maybe cancelled) task: the leave must still go out after Ctrl-C.
            let leave = await Task { await session.leave() }.value
            await session.finish()
            group.cancelAll()
            if case .failure(let error) = result, error is CancellationError || leave.clusterKnewUs {
                throw ObserverEnded(underlying: error, leave: leave, nodeName: configuration.nodeName)
            }
            return ObserverOutcome(value: try result.get(), leave: leave)
        }
    } catch {
        await transport.close()
        await listening.value
        throw error
    }
    await transport.close()
    await listening.value
    return outcome
}

/// How far a join got: whether our alive state may have reached the seed.
private enum JoinProgress {
    case connecting, written, abandoned
}

/// One join's progress, shared by the exchange, its cancellation handler and the session.
private struct JoinAttempt {
    var stage = JoinProgress.connecting
    /// Our node as written to the seed.
    var announced: Member?
    /// Cancels the exchange when the grace after a Ctrl-C runs out; cancelled itself once the exchange ends.
    var grace: Task<Void, Never>?
}

/// A joined observer: answers the cluster's probes and keeps a member table. Created by `withObserver`.
public actor ObserverSession {
    /// How the session was configured.
    public nonisolated let configuration: ObserverConfiguration
    /// The port the listeners are bound to (TCP, and UDP for the standard transport).
    public nonisolated let boundPort: Int
    /// What happened, in order; one consumer. Finished when the session ends.
    public nonisolated let events: AsyncStream<ObserverEvent>

    private nonisolated let transport: any MemberlistTransport
    private nonisolated let codec: PacketCodec
    private let eventSink: AsyncStream<ObserverEvent>.Continuation
    private let jobs: AsyncStream<@Sendable () async -> Void>
    private let jobSink: AsyncStream<@Sendable () async -> Void>.Continuation
    private var instance: ObserverInstance
    /// The join in flight: once its request is written, a member that heard of us from the seed may push/pull
    /// before the reply is merged, and the instance must know what we announced to answer it.
    private var joinInFlight: (ticket: ObserverInstance.JoinTicket, progress: NIOLockedValueBox<JoinAttempt>)?

    init(configuration: ObserverConfiguration, transport: any MemberlistTransport) {
        self.configuration = configuration
        self.boundPort = transport.boundPort
        self.transport = transport
        self.codec = PacketCodec(configuration)
        self.instance = ObserverInstance(
            configuration: configuration, boundPort: transport.boundPort,
            firstSequenceNumber: UInt32.random(in: 0...UInt32.max / 2))
        (events, eventSink) = AsyncStream.makeStream(of: ObserverEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        (jobs, jobSink) = AsyncStream.makeStream(of: (@Sendable () async -> Void).self)
    }

    // MARK: Public API

    /// Joins through `peer` ("host:port"): push/pull with Join: true carrying our alive node state only. Merges the
    /// seed's member list; its user state is kept (see `snapshot()`) and reported as an event.
    public func join(peer: String) async throws -> JoinResult {
        let ticket = instance.beginJoin(peer: peer)
        let configuration = self.configuration
        let boundPort = self.boundPort
        let transport = self.transport
        // Once our alive state is on its way the seed may merge it, so from then on cancellation (Ctrl-C) does not
        // cut the exchange short at once: the reply gets a grace period (the leave's budget, at most --timeout), so
        // we learn whether we are in the cluster and whom the leave must reach. Cancelled before the write, nothing
        // is written: the cluster never heard of us. (Cut short right after the write, the seed merged us after our
        // leave had arrived: a dead message for a node it does not know yet is dropped, and the cluster later
        // suspected and failed the vanished node.)
        let progress = NIOLockedValueBox(JoinAttempt())
        joinInFlight = (ticket, progress)
        defer { joinInFlight = nil }
        let exchange = Task {
            try await transport.exchange(with: peer) { localHost throws in
                let (me, request) = try ObserverInstance.joinRequest(
                    ticket, configuration: configuration, boundPort: boundPort, connectionHost: localHost)
                let proceed = progress.withLockedValue { attempt in
                    guard attempt.stage == .connecting else { return false }
                    attempt.stage = .written
                    attempt.announced = me
                    return true
                }
                guard proceed else { throw CancellationError() }
                return request
            }
        }
        func settle() -> JoinAttempt {
            let attempt = progress.withLockedValue { attempt in
                attempt.grace?.cancel()
                return attempt
            }
            if attempt.stage == .written, let announced = attempt.announced {
                instance.joinWritten(ticket, announced: announced)
            }
            return attempt
        }
        let reply: (envelope: StreamEnvelope, localHost: String?)
        do {
            reply = try await withTaskCancellationHandler {
                try await exchange.value
            } onCancel: {
                let grace = min(configuration.timeout, configuration.leaveTimeout)
                let abandon = progress.withLockedValue { attempt in
                    guard attempt.stage == .connecting else {
                        if attempt.grace == nil {
                            attempt.grace = Task {
                                try? await Task.sleep(for: grace)
                                if !Task.isCancelled { exchange.cancel() }
                            }
                        }
                        return false
                    }
                    attempt.stage = .abandoned
                    return true
                }
                if abandon { exchange.cancel() }
            }
        } catch {
            _ = settle()
            throw error
        }
        if settle().stage == .abandoned { throw CancellationError() }
        let (result, directives) = try instance.onJoinReply(
            reply.envelope, ticket: ticket, connectionHost: reply.localHost, now: .now)
        perform(directives)
        return result
    }

    /// What the session knows now.
    public func snapshot() -> ObserverSnapshot { instance.snapshot }

    /// The member table (ourselves included).
    public var memberTable: MemberTable? { instance.table }

    // MARK: Directives

    /// Performs what the instance asked for; returns the stream reply among them, if any.
    @discardableResult
    private func perform(_ directives: [ObserverDirective]) -> StreamReply? {
        var reply: StreamReply?
        for directive in directives {
            switch directive {
            case .sendPacket(let packet):
                send(packet)
            case .reply(let answer):
                reply = answer
            case .schedule(let timer, let instant):
                jobSink.yield { [weak self] in
                    // Cancelled (the session ended): the timer no longer matters.
                    guard (try? await Task.sleep(until: instant, clock: .continuous)) != nil else { return }
                    await self?.fire(timer)
                }
            case .emit(let event):
                eventSink.yield(event)
            }
        }
        return reply
    }

    private func fire(_ timer: ObserverTimer) {
        perform(instance.onTimer(timer, now: .now))
    }

    /// Sends a packet in the background (a failure is recorded, not thrown).
    private func send(_ packet: OutgoingPacket) {
        let prepared: PreparedPacket
        do {
            prepared = try PreparedPacket(
                packet, codec: codec, transport: transport, sender: instance.advertisedAddress)
        } catch {
            record(error.text)
            return
        }
        jobSink.yield { [weak self] in
            if let failure = await prepared.run() { await self?.record(failure) }
        }
    }

    private func record(_ problem: String) {
        perform(instance.noteProblem(problem))
    }

    // MARK: Lifecycle

    /// Runs background sends and timers until the session finishes.
    func runJobs() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask { await job() }
            }
        }
    }

    /// Ends the event stream and the background work.
    func finish() {
        eventSink.finish()
        jobSink.finish()
    }

    // MARK: Leave

    /// Runs the leave the instance steps through: sends our dead message to every live member (and every seed we
    /// wrote to), asks the seed how it lists us, resends while the instance says so, all within the leave timeout.
    func leave() async -> LeaveOutcome {
        var step = instance.startLeave(now: .now)
        while true {
            switch step {
            case .finished(let outcome):
                return outcome
            case .send(let packets, let deadline):
                let failures = await sendLeave(packets, by: deadline)
                step = instance.onLeaveSent(failures: failures, now: .now)
            case .peek(let seed, let deadline):
                let answer: Result<[PushNodeState], MemberlistError>
                do {
                    answer = .success(try await transport.peek(seed, deadline: deadline).nodes)
                } catch {
                    answer = .failure(error)
                }
                step = instance.onLeavePeek(answer, now: .now)
            case .pause(let instant):
                try? await Task.sleep(until: instant, clock: .continuous)
                step = instance.onLeavePause(now: .now)
            }
        }
    }

    /// Sends every packet at once; returns the targets it could not reach by `deadline`, and why.
    private func sendLeave(_ packets: [OutgoingPacket], by deadline: ContinuousClock.Instant) async -> [LeaveFailure] {
        var encoded: [(String, [UInt8])] = []
        var failures: [LeaveFailure] = []
        for packet in packets {
            do {
                encoded.append((packet.peer, try codec.encode(packet)))
            } catch {
                failures.append(
                    LeaveFailure(
                        peer: packet.peer,
                        error: .io(peer: packet.peer, step: .sendPacket, reason: SocketErrorText.describe(error))))
            }
        }
        let timeout = configuration.leaveTimeout
        let sender = instance.advertisedAddress
        let transport = self.transport
        let results = await withTaskGroup(of: LeaveFailure?.self) { group in
            for (target, bytes) in encoded {
                group.addTask {
                    do {
                        try await withDeadline(
                            deadline,
                            timeoutError: MemberlistError.timedOut(peer: target, step: .sendPacket, after: timeout)
                        ) {
                            try await transport.sendPacket(bytes, to: target, sender: sender, by: deadline)
                        }
                        return nil
                    } catch let error as MemberlistError {
                        return LeaveFailure(peer: target, error: error)
                    } catch {
                        return LeaveFailure(
                            peer: target,
                            error: .io(peer: target, step: .sendPacket, reason: SocketErrorText.describe(error)))
                    }
                }
            }
            var failures: [LeaveFailure] = []
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return failures
        }
        return failures + results
    }
}

extension ObserverSession: TransportInbound {
    func packet(_ bytes: [UInt8], from: String) {
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
        noteJoinInFlightWritten()
        return perform(instance.onStream(envelope, from: peer, now: .now))
    }

    /// Tells the instance a join's request is written before its reply came, so that a push/pull arriving in
    /// between is answered with the node we announced.
    private func noteJoinInFlightWritten() {
        guard let (ticket, progress) = joinInFlight else { return }
        let attempt = progress.withLockedValue { $0 }
        if attempt.stage == .written, let announced = attempt.announced {
            instance.joinWritten(ticket, announced: announced)
        }
    }

    func problem(_ text: String) {
        record(text)
    }
}
