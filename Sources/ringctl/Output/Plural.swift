/// A count with its noun, singular for one: "1 key", "3 keys", "1 address", "2 addresses".
enum Plural {
    static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
    }
}
