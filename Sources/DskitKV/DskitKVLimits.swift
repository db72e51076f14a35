import MemberlistWire

/// Size caps DskitKV checks before it allocates, each tied to the memberlist limit it follows.
public enum DskitKVLimits {
    /// One KeyValuePair inside a full state: it travels inside the push/pull user state, capped by memberlist.
    public static let maxPair = WireLimits.maxPushState
    /// A whole full state (the push/pull user state).
    public static let maxFullState = WireLimits.maxPushState
    /// A value after snappy: memberlist caps decompressed payloads at twice the push state, and so do we.
    public static let maxUncompressedValue = 2 * WireLimits.maxPushState
}
