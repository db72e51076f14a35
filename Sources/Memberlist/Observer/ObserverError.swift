/// Why an observer session could not start.
///
/// Peer failures during the join are `MemberlistError`s (they name the peer and the step); these are about our own
/// end. Kept apart from MemberlistError so the session's errors and the peek's evolve without touching each other.
public enum ObserverError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The listener could not be bound.
    case bindFailed(address: String, reason: String)
    /// The advertise (or bind) address is not an IP literal peers could reach.
    case invalidAdvertiseAddress(String)
    /// A seed answered the join with something other than its push/pull state.
    case joinRejected(peer: String, message: String)
    /// A live member of the cluster (as the seed's list holds it) already has the node name we were given.
    case nodeNameTaken(name: String, peer: String, holder: String, state: String)

    /// True when trying another seed cannot help (the error is about our own node, not the seed).
    public var endsTheSearch: Bool {
        if case .nodeNameTaken = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .bindFailed(let address, let reason):
            return "cannot listen on \(address) for the cluster's probes and gossip: \(reason)"
        case .invalidAdvertiseAddress(let text):
            return "\"\(text)\" cannot be advertised to the cluster: give an IPv4 or IPv6 address"
        case .joinRejected(let peer, let message):
            return "\(peer) answered the join with \(message)"
        case .nodeNameTaken(let name, let peer, let holder, let state):
            return "node name \"\(name)\" belongs to a member of the cluster (\(holder), \(state) in \(peer)'s list): "
                + "ringctl will not join under it, and sent no leave in its name"
        }
    }
}
