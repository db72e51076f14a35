import Discovery
import Memberlist

/// The -memberlist.join list: resolved with dskit's semantics, then tried in order until one peer answers.
public struct Seeds: Sendable {
    /// The addresses as given (`HOST:PORT`, `dns+…`, `dnssrv+…`, `dnssrvnoa+…`).
    public var addresses: [String]
    /// How to resolve the prefixed ones.
    public var resolver: ResolverConfiguration
    /// Told when a seed that had not answered within its head start was overtaken by a later one (the CLI prints
    /// it: a wedged seed is worth knowing about even when another answered).
    public var onOvertaken: (@Sendable (SeedsOvertaken) -> Void)?

    /// A seed list.
    public init(
        _ addresses: [String], resolver: ResolverConfiguration = ResolverConfiguration(),
        onOvertaken: (@Sendable (SeedsOvertaken) -> Void)? = nil
    ) {
        self.addresses = addresses
        self.resolver = resolver
        self.onOvertaken = onOvertaken
    }

    /// How long a seed that has not answered holds back the next one: a third of the budget, at most 1s. A
    /// healthy seed answers a peek in milliseconds (a 1,000-instance ring in ~60 ms), so one that answers
    /// within its head start costs one connection only.
    public static func headStart(for budget: Duration) -> Duration { min(.seconds(1), budget / 3) }

    /// Peeks at the seeds until one answers; throws `.noSeedAnswered` listing every failure in seed order.
    /// A bad address (`DiscoveryError.invalidAddress`) is thrown as itself: it is a usage error.
    ///
    /// `configuration.timeout` bounds the whole search. Seeds are tried in order, but one that neither answers
    /// nor fails within its head start (`headStart(for:)`) no longer holds back the next: that one is dialled
    /// beside it (happy-eyeballs style), and whichever answers first is used; the others are abandoned. So a
    /// wedged seed (accepts, never answers) costs a head start, not the whole budget.
    public func peek(_ configuration: PeekConfiguration) async throws -> PeekResult {
        let deadline = ContinuousClock.now.advanced(by: configuration.timeout)
        do {
            return try await firstAnswer(
                within: configuration.timeout, headStart: Self.headStart(for: configuration.timeout)
            ) { endpoint, _ in
                var configuration = configuration
                configuration.deadline = deadline
                return try await Peek.run(peer: endpoint, configuration: configuration)
            }
        } catch InspectionError.noSeedAnswered(let failures) {
            // Seeds that closed without a word are asked once more the other way (transport, no label), so the
            // error can name the setting that is off instead of a list of suspects.
            throw InspectionError.noSeedAnswered(try await TransportProbe.diagnose(failures, configuration))
        }
    }

    /// Resolves the seeds in order and runs `attempt` on each endpoint, one at a time, until one succeeds; throws
    /// `.noSeedAnswered` listing every failure (resolution or attempt), or a bad address as itself.
    public func firstAnswer<Answer: Sendable>(
        _ attempt: @escaping @Sendable (String) async throws -> Answer
    ) async throws -> Answer {
        try await firstAnswer(within: nil, headStart: nil) { endpoint, _ in try await attempt(endpoint) }
    }

    /// `firstAnswer` under one overall `budget` (nil: none): each attempt is given the time left; endpoints
    /// reached after the budget ran out are listed as not tried (`SeedNotTried`). With a `headStart`, an attempt
    /// still running after it no longer holds back the next endpoint (both run; the first answer wins).
    public func firstAnswer<Answer: Sendable>(
        within budget: Duration?, headStart: Duration?,
        _ attempt: @escaping @Sendable (String, Duration) async throws -> Answer
    ) async throws -> Answer {
        guard !addresses.isEmpty else { throw InspectionError.noSeeds }
        var parsed: [DiscoveryAddress] = []
        for text in addresses { parsed.append(try DiscoveryAddress(parsing: text)) }
        var race = SeedRace(seeds: parsed, budget: budget, headStart: headStart)
        let resolver = self.resolver
        let outcome: SeedRace.Won<Answer> = try await withThrowingTaskGroup(of: SeedRace.Event<Answer>.self) { group in
            defer { group.cancelAll() }
            func perform(_ directives: [SeedRace.Directive]) {
                for directive in directives {
                    switch directive {
                    case .resolve(let index, let address):
                        group.addTask {
                            do {
                                let report = try await Resolver(configuration: resolver).resolve([address])
                                let resolution = report.resolutions.first
                                if let error = resolution?.error { return .resolved(index, .failure(error)) }
                                return .resolved(index, .success(resolution?.endpoints ?? []))
                            } catch {
                                return .resolved(index, .failure(error))
                            }
                        }
                    case .attempt(let id, let endpoint, let left):
                        group.addTask {
                            do {
                                return .answered(id, try await attempt(endpoint, left))
                            } catch {
                                return .failed(id, error)
                            }
                        }
                    case .startHeadStart(let id, let duration):
                        group.addTask {
                            try? await Task.sleep(for: duration)
                            return .headStartElapsed(id)
                        }
                    }
                }
            }
            perform(race.start())
            while let event = try await group.next() {
                // About us, not the seed (a node name a member holds): another seed would say the same, and it is
                // the answer even when Ctrl-C came meanwhile.
                if case .failed(_, let error as ObserverError) = event, error.endsTheSearch { throw error }
                // Interrupted (Ctrl-C): not any seed's failure, and no reason to try the next one.
                try Task.checkCancellation()
                switch event {
                case .answered(let id, let answer):
                    return SeedRace.Won(answer: answer, overtaken: race.overtaken(by: id))
                case .failed(_, let error) where error is CancellationError:
                    throw CancellationError()
                case .failed(let id, let error):
                    perform(race.failed(id, error))
                case .resolved(let index, let result):
                    perform(race.resolved(index, result))
                case .headStartElapsed(let id):
                    perform(race.headStartElapsed(id))
                }
                if race.isExhausted { break }
            }
            try Task.checkCancellation()
            throw InspectionError.noSeedAnswered(race.failures)
        }
        if let overtaken = outcome.overtaken { onOvertaken?(overtaken) }
        return outcome.answer
    }
}

/// A seed that answered after earlier ones had been silent for their head start.
public struct SeedsOvertaken: Sendable {
    /// The silent ones, as "seed" or "seed → endpoint", in seed order.
    public var silent: [String]
    /// The one whose answer was used.
    public var answered: String
    /// How long each silent one had before the next was dialled.
    public var headStart: Duration
}

/// The order in which seeds are tried, as a pure state machine: events in, directives out (no sockets; the clock
/// is passed in). Candidates are (seed, endpoint) pairs in seed order; one runs at a time until it fails or outlives
/// its head start, then the next one is started.
struct SeedRace {
    /// What the caller does next.
    enum Directive {
        case resolve(index: Int, address: DiscoveryAddress)
        case attempt(id: Int, endpoint: String, timeLeft: Duration)
        case startHeadStart(id: Int, duration: Duration)
    }

    /// What happened.
    enum Event<Answer: Sendable>: Sendable {
        case resolved(Int, Result<[String], any Error>)
        case answered(Int, Answer)
        case failed(Int, any Error)
        case headStartElapsed(Int)
    }

    struct Won<Answer: Sendable>: Sendable {
        var answer: Answer
        var overtaken: SeedsOvertaken?
    }

    private struct Candidate {
        var seed: String
        /// The endpoint the seed resolved to (nil for a literal `HOST:PORT` seed, which is its own endpoint).
        var endpoint: String?
        var target: String { endpoint ?? seed }
        var label: String { endpoint.map { "\(seed) → \($0)" } ?? seed }
    }

    private let seeds: [DiscoveryAddress]
    private let deadline: ContinuousClock.Instant?
    private let budget: Duration?
    private let headStart: Duration?
    private var nextSeed = 0
    private var resolving = false
    private var ready: [Candidate] = []
    private var launched: [Candidate] = []  // index = attempt id
    private var running: Set<Int> = []
    private var wantsNext = true
    /// Failures keyed by (seed index, order within the seed) so they are listed in seed order whatever the race.
    private var recorded: [(order: Int, failure: SeedFailure)] = []
    private var order: [String: Int] = [:]  // candidate label → its position in seed order
    private var positions = 0

    /// What time it is (the clock is passed in, so the rules test without waiting).
    private let now: @Sendable () -> ContinuousClock.Instant

    init(
        seeds: [DiscoveryAddress], budget: Duration?, headStart: Duration?,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.seeds = seeds
        self.budget = budget
        self.now = now
        self.deadline = budget.map { now().advanced(by: $0) }
        self.headStart = headStart
    }

    /// Every failure, in seed order.
    var failures: [SeedFailure] { recorded.sorted { $0.order < $1.order }.map(\.failure) }

    /// Nothing runs and nothing is left to try.
    var isExhausted: Bool { running.isEmpty && ready.isEmpty && !resolving && nextSeed == seeds.count }

    mutating func start() -> [Directive] { advance() }

    mutating func resolved(_ index: Int, _ result: Result<[String], any Error>) -> [Directive] {
        resolving = false
        let seed = seeds[index].input
        switch result {
        case .failure(let error):
            record(SeedFailure(seed: seed, error: error))
        case .success(let endpoints) where endpoints.isEmpty:
            record(SeedFailure(seed: seed, error: SeedResolvedToNothing()))
        case .success(let endpoints):
            for endpoint in endpoints { enqueue(Candidate(seed: seed, endpoint: endpoint)) }
        }
        return advance()
    }

    mutating func failed(_ id: Int, _ error: any Error) -> [Directive] {
        running.remove(id)
        let candidate = launched[id]
        record(SeedFailure(seed: candidate.seed, endpoint: candidate.endpoint, error: error))
        // The newest attempt failing frees its slot; an older one failing (already overtaken) changes nothing.
        if id == launched.count - 1 { wantsNext = true }
        return advance()
    }

    mutating func headStartElapsed(_ id: Int) -> [Directive] {
        guard running.contains(id), id == launched.count - 1 else { return [] }
        wantsNext = true
        return advance()
    }

    /// The attempts started before `id` that were still running when it answered.
    func overtaken(by id: Int) -> SeedsOvertaken? {
        let silent = running.filter { $0 < id }.sorted().map { launched[$0].label }
        guard !silent.isEmpty, let headStart else { return nil }
        return SeedsOvertaken(silent: silent, answered: launched[id].label, headStart: headStart)
    }

    private mutating func advance() -> [Directive] {
        var directives: [Directive] = []
        while wantsNext {
            if !ready.isEmpty {
                let candidate = ready.removeFirst()
                let left = deadline.map { now().duration(to: $0) } ?? .seconds(86_400)
                if let budget, left <= .milliseconds(1) {
                    record(SeedFailure(seed: candidate.seed, endpoint: candidate.endpoint, error: SeedNotTried(budget: budget)))
                    continue
                }
                let id = launched.count
                launched.append(candidate)
                running.insert(id)
                wantsNext = false
                directives.append(.attempt(id: id, endpoint: candidate.target, timeLeft: left))
                if let headStart { directives.append(.startHeadStart(id: id, duration: headStart)) }
            } else if !resolving, nextSeed < seeds.count {
                let index = nextSeed
                nextSeed += 1
                let address = seeds[index]
                if address.mode == .literal {
                    enqueue(Candidate(seed: address.input, endpoint: nil))
                } else if let budget, let deadline, now().duration(to: deadline) <= .milliseconds(1) {
                    record(SeedFailure(seed: address.input, error: SeedNotTried(budget: budget)))
                } else {
                    resolving = true
                    directives.append(.resolve(index: index, address: address))
                }
            } else {
                break
            }
        }
        return directives
    }

    private mutating func enqueue(_ candidate: Candidate) {
        order[candidate.label] = positions
        positions += 1
        ready.append(candidate)
    }

    private mutating func record(_ failure: SeedFailure) {
        let label = failure.endpoint.map { "\(failure.seed) → \($0)" } ?? failure.seed
        let position = order[label] ?? {
            positions += 1
            return positions - 1
        }()
        recorded.append((position, failure))
    }
}

/// An endpoint never tried because the command's overall --timeout had run out on the ones before it.
public struct SeedNotTried: Error, Sendable, CustomStringConvertible {
    /// The overall budget that ran out.
    public var budget: Duration
    public var description: String {
        "not tried: the \(MemberlistError.format(budget)) --timeout ran out on the seeds before it"
    }
}

/// A discovery address that gave no endpoint (NXDOMAIN or an empty answer; dskit skips such seeds too).
public struct SeedResolvedToNothing: Error, Sendable, CustomStringConvertible {
    public var description: String { "resolved to no address (NXDOMAIN or an empty answer)" }
}
