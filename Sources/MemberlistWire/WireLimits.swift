/// Every size cap the decoders check before they allocate, each with the upstream limit it mirrors.
public enum WireLimits {
    /// hashicorp/memberlist state.go `MetaMaxSize`: node metadata.
    public static let maxMeta = 512
    /// hashicorp/memberlist net.go `maxPushStateBytes`: the whole push/pull state.
    public static let maxPushState = 20 * 1024 * 1024
    /// hashicorp/memberlist net.go `maxPushPullNodes`... the node count a push/pull header may claim.
    public static let maxPushPullNodes = 1_048_576
    /// hashicorp/memberlist label.go: the label length travels in one byte.
    public static let maxLabel = 255
}
