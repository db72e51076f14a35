/// A count with its noun, singular for one: "1 key", "3 keys", "1 address", "2 addresses".
public enum Plural {
    /// "3 keys"; `plural` when adding an s does not make it.
    public static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
    }
}
