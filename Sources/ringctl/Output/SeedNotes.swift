import Inspection
import Memberlist

/// Notes about the seed search, on stderr.
enum SeedNotes {
    /// A seed that had not answered within its head start when a later one did: worth knowing, it may be wedged.
    @Sendable static func overtaken(_ note: SeedsOvertaken) {
        let silent = note.silent.count == 1
            ? "\(note.silent[0]) had not answered after \(MemberlistError.format(note.headStart))"
            : "\(note.silent.joined(separator: ", ")) had not answered (each was given "
                + "\(MemberlistError.format(note.headStart)) before the next was tried)"
        Terminal.printError(
            "ringctl: note: \(silent); \(note.answered), tried beside \(note.silent.count == 1 ? "it" : "them"), "
                + "answered first (a seed that accepts and never answers may be wedged)")
    }
}
