/// Why a networked node could not start or do what was asked.
public enum NodeSessionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The node binds a wildcard address and no advertise address was given.
    case advertiseAddressNeeded(bindHost: String)
    /// The advertise (or bind) host is not an IP literal.
    case invalidAdvertiseAddress(String)
    /// The advertise port is not 1…65535.
    case invalidAdvertisePort(Int)
    /// No seed answered the join; every seed with why.
    case joinFailed([JoinFailure])
    /// The node was crashed on purpose (`crash()`): it does nothing any more.
    case crashed(node: String)

    /// One seed that did not let us join.
    public struct JoinFailure: Hashable, Sendable, CustomStringConvertible {
        /// The seed as given.
        public var seed: String
        /// Why, in words.
        public var reason: String

        /// A failure.
        public init(seed: String, reason: String) {
            self.seed = seed
            self.reason = reason
        }

        public var description: String { "\(seed): \(reason)" }
    }

    public var description: String {
        switch self {
        case .advertiseAddressNeeded(let host):
            return "the node binds \(host.isEmpty ? "every address" : host), which peers cannot dial: give an "
                + "advertise address (an IP of this machine the peers reach)"
        case .invalidAdvertiseAddress(let host):
            return "\"\(host)\" is not an IP address: the node advertises an IPv4 or IPv6 literal"
        case .invalidAdvertisePort(let port):
            return "\(port) is not a port to advertise: give 1…65535"
        case .joinFailed(let failures) where failures.isEmpty:
            return "joining failed: no seed was given"
        case .joinFailed(let failures):
            return "joining failed: no seed answered (" + failures.map(\.description).joined(separator: "; ")
                + "); check the addresses, the transport and the cluster label"
        case .crashed(let node):
            return "node \(node) was crashed on purpose and no longer takes part"
        }
    }
}
