// The one file that talks to c-ares (Debian 12: 1.18.1).
//
// c-ares channels are not thread-safe, so a channel lives on one thread of its own that runs the event loop
// TOOLCHAIN.md describes: ares_getsock → poll (plus a wake-up pipe for new queries) → ares_process_fd, and
// ares_process_fd(BAD, BAD) on every turn for retries and timeouts. Queries are submitted as closures that the
// loop thread runs; c-ares callbacks resume a continuation passed through the `void *arg`. Every query is bounded
// by c-ares' own timeout × tries, so nothing here can wait forever.

import CCares
import Foundation
import Synchronization

/// How the resolver reaches DNS.
public struct ResolverConfiguration: Sendable, Hashable {
    /// Servers as `IP`, `IP:PORT` or `[IPv6]:PORT`; empty means the system's (/etc/resolv.conf).
    public var servers: [String]
    /// How long to wait for an answer on the first try (c-ares doubles it on later rounds).
    public var timeout: Duration
    /// How many times each query is sent before it times out.
    public var tries: Int

    public init(servers: [String] = [], timeout: Duration = .seconds(2), tries: Int = 2) {
        self.servers = servers
        self.timeout = timeout
        self.tries = tries
    }

    /// Checks `--dns-server` values: c-ares takes IP addresses only, it cannot look a server up by name.
    public static func normalizeServer(_ text: String) throws(DiscoveryError) -> String {
        let problem = DiscoveryError.invalidServer(
            server: text, reason: "expected an IP address with an optional port: 10.0.0.10, 10.0.0.10:53, [fd00::a]:53"
        )
        if IPAddress(parsing: text) != nil { return text.contains(":") ? "[\(text)]" : text }
        guard let split = DiscoveryAddress.splitHostPort(text), IPAddress(parsing: split.host) != nil else {
            throw problem
        }
        guard let port = UInt16(split.port), port != 0 else {
            throw DiscoveryError.invalidServer(server: text, reason: "port \"\(split.port)\" is not a number from 1 to 65535")
        }
        return split.host.contains(":") ? "[\(split.host)]:\(port)" : "\(split.host):\(port)"
    }
}

/// A c-ares channel with its own event-loop thread. Use it through `withChannel`, which always shuts it down.
final class CAresChannel: Sendable {
    /// The servers the channel asks, as `IP:PORT`, for messages.
    let servers: [String]
    let tries: Int

    private struct Shared {
        var jobs: [@Sendable (ChannelHandle) -> Void] = []
        var closing = false
        var onStopped: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    private let shared = Mutex(Shared())
    /// At most this many lookups in flight (an A/AAAA lookup sends two datagrams). Sent all at once, 1,000
    /// names overflow the server's UDP receive buffer (dnsmasq 2.90 with Linux's default 208 KiB: about 200
    /// datagrams) and every dropped query waits out a whole timeout: 300+ of 1,000 names timed out after 2
    /// tries (scripts/bench-resolve). Loopback answers in microseconds, so 64 at a time costs nothing there.
    static let maxLookupsInFlight = 64
    private let slots = QuerySlots(CAresChannel.maxLookupsInFlight)
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// The ares_channel pointer. Only the loop thread touches it after `init` returns.
    private struct ChannelHandle: @unchecked Sendable {
        let pointer: ares_channel
    }

    private static let libraryInitialized: Bool = ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS

    /// Runs `body` with a fresh channel and shuts the channel down afterwards, whatever `body` does.
    static func withChannel<T: Sendable>(
        _ configuration: ResolverConfiguration,
        _ body: (CAresChannel) async throws -> T
    ) async throws -> T {
        let channel = try CAresChannel(configuration)
        do {
            let result = try await body(channel)
            await channel.shutdown()
            return result
        } catch {
            await channel.shutdown()
            throw error
        }
    }

    private init(_ configuration: ResolverConfiguration) throws(DiscoveryError) {
        guard Self.libraryInitialized else { throw .channelSetup(detail: "ares_library_init failed") }
        var options = ares_options()
        var mask: Int32 = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES
        let millis = configuration.timeout.components.seconds * 1000
            + configuration.timeout.components.attoseconds / 1_000_000_000_000_000
        options.timeout = Int32(clamping: max(1, millis))
        options.tries = Int32(clamping: max(1, configuration.tries))

        // With explicit servers the user is asking those servers, as with `dig @server`: no /etc/hosts,
        // no search domains, and the server's own answer (SERVFAIL, REFUSED) is reported as it is instead of
        // c-ares skipping to another server (NOCHECKRESP; without it c-ares reports REFUSED as ECONNREFUSED).
        // Without, the system's rules apply (hosts file, then DNS, search list, failover), as in a pod.
        let explicit = !configuration.servers.isEmpty
        let lookups = strdup("b")
        defer { free(lookups) }
        if explicit {
            mask |= ARES_OPT_FLAGS | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS
            options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP
            options.ndomains = 0
            options.lookups = lookups
        }

        var pointer: ares_channel?
        let status = ares_init_options(&pointer, &options, mask)
        guard status == ARES_SUCCESS, let pointer else {
            throw .channelSetup(detail: Self.statusText(status))
        }
        if explicit {
            let csv = configuration.servers.joined(separator: ",")
            let setStatus = ares_set_servers_ports_csv(pointer, csv)
            guard setStatus == ARES_SUCCESS else {
                ares_destroy(pointer)
                throw .invalidServer(server: csv, reason: Self.statusText(setStatus))
            }
        }
        self.servers = Self.readServers(pointer)
        self.tries = Int(options.tries)

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            ares_destroy(pointer)
            throw .channelSetup(detail: "cannot create a wake-up pipe: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        self.wakeRead = fds[0]
        self.wakeWrite = fds[1]

        let handle = ChannelHandle(pointer: pointer)
        let thread = Thread { [self] in self.runLoop(handle) }
        thread.name = "ringctl-c-ares"
        thread.start()
    }

    // MARK: Queries

    /// SRV records of `name`, unsorted, targets absolute (trailing dot) as Go returns them.
    func querySRV(_ name: String) async -> Result<[SRVRecord], DNSStatus> {
        await query { handle, arg in
            // Class IN (1), type SRV (33): RFC 1035 / RFC 2782 numbers.
            ares_search(handle.pointer, name, 1, 33, srvCallback, arg)
        }
    }

    /// A and AAAA addresses of `host` (through /etc/hosts first unless explicit servers were given).
    func lookupAddresses(_ host: String) async -> Result<[IPAddress], DNSStatus> {
        await query { handle, arg in
            var hints = ares_addrinfo_hints()
            hints.ai_family = AF_UNSPEC
            hints.ai_flags = ARES_AI_NOSORT  // sorted by the caller, deterministically
            ares_getaddrinfo(handle.pointer, host, nil, &hints, addrinfoCallback, arg)
        }
    }

    /// Runs one c-ares call on the loop thread, within the in-flight cap. `start` gets the `void *arg` to hand
    /// to c-ares: a retained `QueryBox<Value>` that the callback takes back and completes.
    private func query<Value: Sendable>(
        _ start: @escaping @Sendable (ChannelHandle, UnsafeMutableRawPointer) -> Void
    ) async -> Result<Value, DNSStatus> {
        await slots.acquire()
        defer { slots.release() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, DNSStatus>, Never>) in
            let box = QueryBox<Value>(continuation, tries: tries)
            let submitted = submit { handle in start(handle, Unmanaged.passRetained(box).toOpaque()) }
            if !submitted { box.complete(.failure(.other(code: ARES_EDESTRUCTION, message: "resolver shut down"))) }
        }
    }

    // MARK: Event loop

    private func submit(_ job: @escaping @Sendable (ChannelHandle) -> Void) -> Bool {
        let accepted = shared.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { wake() }
        return accepted
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // EAGAIN means a wake-up is already pending: fine
    }

    /// Stops the loop; queries still in flight complete with "resolver shut down".
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyStopped = shared.withLock { state -> Bool in
                state.closing = true
                if state.stopped { return true }
                state.onStopped = continuation
                return false
            }
            if alreadyStopped { continuation.resume() } else { wake() }
        }
    }

    private func runLoop(_ handle: ChannelHandle) {
        let channel = handle.pointer
        let maxSockets = Int(CCares_getsockMaxNum())
        var sockets = [ares_socket_t](repeating: CCares_socketBad(), count: maxSockets)
        var pollFDs: [pollfd] = []
        while true {
            let (jobs, closing) = shared.withLock { state in
                defer { state.jobs = [] }
                return (state.jobs, state.closing)
            }
            for job in jobs { job(handle) }
            if closing { break }

            let bits = ares_getsock(channel, &sockets, Int32(maxSockets))
            pollFDs.removeAll(keepingCapacity: true)
            pollFDs.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            for index in 0..<maxSockets {
                let readable = CCares_getsockReadable(bits, Int32(index)) != 0
                let writable = CCares_getsockWritable(bits, Int32(index)) != 0
                guard readable || writable else { continue }
                let events = (readable ? Int16(POLLIN) : 0) | (writable ? Int16(POLLOUT) : 0)
                pollFDs.append(pollfd(fd: sockets[index], events: events, revents: 0))
            }

            var maxWait = timeval()
            var wait = timeval()
            let timeoutMillis: Int32
            if let next = ares_timeout(channel, nil, &wait) {
                maxWait = next.pointee
                timeoutMillis = Int32(clamping: maxWait.tv_sec * 1000 + (maxWait.tv_usec + 999) / 1000)
            } else {
                timeoutMillis = -1  // nothing in flight: sleep until a query is submitted
            }

            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeoutMillis)
            if ready < 0 && errno != EINTR { break }
            if pollFDs[0].revents != 0 { drainWakePipe() }
            for entry in pollFDs.dropFirst() where entry.revents != 0 {
                let errorBits = Int16(POLLERR) | Int16(POLLHUP)
                let read = entry.revents & (Int16(POLLIN) | errorBits) != 0 ? entry.fd : CCares_socketBad()
                let write = entry.revents & Int16(POLLOUT) != 0 ? entry.fd : CCares_socketBad()
                ares_process_fd(channel, read, write)
            }
            ares_process_fd(channel, CCares_socketBad(), CCares_socketBad())  // retries and timeouts
        }

        ares_destroy(channel)  // completes whatever is still in flight with ARES_EDESTRUCTION
        close(wakeRead)
        close(wakeWrite)
        let waiter = shared.withLock { state in
            state.stopped = true
            state.closing = true
            defer { state.onStopped = nil }
            return state.onStopped
        }
        waiter?.resume()
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    // MARK: Helpers

    static func statusText(_ status: Int32) -> String {
        String(cString: ares_strerror(status))
    }

    static func dnsStatus(_ status: Int32, tries: Int) -> DNSStatus {
        switch status {
        case ARES_ENOTFOUND: .nxdomain
        case ARES_ENODATA: .noData
        case ARES_ESERVFAIL: .serverFailure
        case ARES_EREFUSED: .refused
        case ARES_ETIMEOUT: .timeout(tries: tries)
        case ARES_ECONNREFUSED: .connectionRefused
        case ARES_EFORMERR, ARES_EBADRESP: .badResponse
        default: .other(code: status, message: statusText(status))
        }
    }

    private static func readServers(_ channel: ares_channel) -> [String] {
        var list: UnsafeMutablePointer<ares_addr_port_node>?
        guard ares_get_servers_ports(channel, &list) == ARES_SUCCESS else { return [] }
        defer { ares_free_data(list) }
        var result: [String] = []
        var node = list
        while let current = node {
            var entry = current.pointee
            let address: IPAddress?
            if entry.family == AF_INET {
                address = withUnsafeBytes(of: &entry.addr.addr4) { IPAddress(bytes: Array($0)) }
            } else {
                address = withUnsafeBytes(of: &entry.addr.addr6) { IPAddress(bytes: Array($0)) }
            }
            if let address {
                let port = entry.udp_port == 0 ? 53 : entry.udp_port
                result.append(address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)")
            }
            node = entry.next
        }
        return result
    }
}

/// A counting semaphore for async callers, first come first served.
private final class QuerySlots: Sendable {
    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var next = 0  // waiters[..<next] have been resumed
    }

    private let state: Mutex<State>

    init(_ count: Int) {
        state = Mutex(State(free: max(1, count)))
    }

    /// Waits for a free slot.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                guard state.free == 0 else {
                    state.free -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the slot to the longest waiter, or frees it.
    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.next < state.waiters.count else {
                state.free += 1
                state.waiters.removeAll(keepingCapacity: true)
                state.next = 0
                return nil
            }
            defer { state.next += 1 }
            return state.waiters[state.next]
        }
        waiter?.resume()
    }
}

/// Carries one query's continuation through c-ares' `void *arg`.
private final class QueryBox<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Result<Value, DNSStatus>, Never>?>
    let tries: Int

    init(_ continuation: CheckedContinuation<Result<Value, DNSStatus>, Never>, tries: Int) {
        self.continuation = Mutex(continuation)
        self.tries = tries
    }

    func complete(_ result: Result<Value, DNSStatus>) {
        let pending = continuation.withLock { value in
            defer { value = nil }
            return value
        }
        pending?.resume(returning: result)
    }
}

private let srvCallback: ares_callback = { arg, status, _, answer, length in
    guard let arg else { return }
    let box = Unmanaged<QueryBox<[SRVRecord]>>.fromOpaque(arg).takeRetainedValue()
    guard status == ARES_SUCCESS else {
        box.complete(.failure(CAresChannel.dnsStatus(status, tries: box.tries)))
        return
    }
    var replies: UnsafeMutablePointer<ares_srv_reply>?
    let parsed = ares_parse_srv_reply(answer, length, &replies)
    guard parsed == ARES_SUCCESS else {
        box.complete(.failure(CAresChannel.dnsStatus(parsed, tries: box.tries)))
        return
    }
    defer { ares_free_data(replies) }
    var records: [SRVRecord] = []
    var node = replies
    while let reply = node?.pointee {
        var target = reply.host.map { String(cString: $0) } ?? ""
        if !target.hasSuffix(".") { target += "." }
        records.append(SRVRecord(priority: reply.priority, weight: reply.weight, port: reply.port, target: target))
        node = reply.next
    }
    box.complete(records.isEmpty ? .failure(.noData) : .success(records))
}

private let addrinfoCallback: ares_addrinfo_callback = { arg, status, _, result in
    guard let arg else { return }
    let box = Unmanaged<QueryBox<[IPAddress]>>.fromOpaque(arg).takeRetainedValue()
    defer { if let result { ares_freeaddrinfo(result) } }
    guard status == ARES_SUCCESS, let result else {
        box.complete(.failure(CAresChannel.dnsStatus(status == ARES_SUCCESS ? ARES_ENODATA : status, tries: box.tries)))
        return
    }
    var addresses: [IPAddress] = []
    var node = result.pointee.nodes
    while let current = node?.pointee {
        if let socketAddress = current.ai_addr {
            if current.ai_family == AF_INET {
                socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var raw = v4.pointee.sin_addr
                    if let ip = withUnsafeBytes(of: &raw, { IPAddress(bytes: Array($0)) }) { addresses.append(ip) }
                }
            } else if current.ai_family == AF_INET6 {
                socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var raw = v6.pointee.sin6_addr
                    if let ip = withUnsafeBytes(of: &raw, { IPAddress(bytes: Array($0)) }) { addresses.append(ip) }
                }
            }
        }
        node = current.ai_next
    }
    box.complete(addresses.isEmpty ? .failure(.noData) : .success(addresses))
}
