extension Duration {
    /// The duration as a number of seconds (attoseconds kept to a double's precision). Every module that turns a
    /// Duration into seconds (timeouts as TimeIntervals, suspicion arithmetic, reports and figures) reads this.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
