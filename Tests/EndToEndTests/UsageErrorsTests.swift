import Testing
@testable import ringctl

/// `UsageErrors`: argument-parser's messages reshaped as ringctl's, the nearest command or option suggested.
@Suite("UsageErrors")
struct UsageErrorsTests {
    @Test("the nearest candidate within a typo's distance, or none")
    func nearest() {
        #expect(UsageErrors.nearest("membrs", among: ["members", "watch", "kv"]) == "members")
        #expect(UsageErrors.nearest("rign", among: ["ring", "lag"]) == "ring")
        #expect(UsageErrors.nearest("--joon", among: ["--join", "--json"]) == "--join")
        #expect(UsageErrors.nearest("frobnicate", among: ["members", "watch"]) == nil)
        #expect(UsageErrors.editDistance("kitten", "sitting") == 3)
        #expect(UsageErrors.editDistance("", "abc") == 3)
    }

    @Test("argument-parser's sentences become ringctl's: durations explained, options suggested, the rest lowercased")
    func shape() {
        let duration = UsageErrors.shape(
            "Error: The value '5' is invalid for '--timeout <duration>'", arguments: ["members", "--timeout", "5"])
        #expect(duration.message == "--timeout 5: add a unit, e.g. 5s")
        #expect(duration.hint.hasSuffix("see 'ringctl members --help'"))
        let option = UsageErrors.shape("Unknown option '--fromfile'", arguments: ["ring", "--fromfile", "x"])
        #expect(option.message == "unknown option --fromfile for 'ring'")
        #expect(option.hint.hasPrefix("did you mean --from-file?"))
        let other = UsageErrors.shape("Missing expected argument '<file>'", arguments: ["decode"])
        #expect(other.message == "missing expected argument '<file>'")
        #expect(other.hint == "see 'ringctl decode --help'")
    }

    @Test("before parsing: nothing at all, a first word that is no command, help for no command")
    func beforeParsing() {
        #expect(UsageErrors.beforeParsing([])?.message == "no command given")
        #expect(UsageErrors.beforeParsing(["membrs", "-j", "x:1"])?.hint.hasPrefix("did you mean 'members'?") == true)
        #expect(UsageErrors.beforeParsing(["help", "nosuch"])?.message == "'nosuch' is not a ringctl command")
        #expect(UsageErrors.beforeParsing(["help", "ring"]) == nil)
        #expect(UsageErrors.beforeParsing(["members", "-j", "x:1"]) == nil)
        #expect(UsageErrors.beforeParsing(["--help"]) == nil)
    }

    @Test("durations: why a text is not one")
    func durationProblems() {
        #expect(DurationArgument.problem("5") == "5: add a unit, e.g. 5s")
        #expect(DurationArgument.problem("1.5") == "1.5: add a unit, e.g. 1.5s")
        #expect(DurationArgument.problem("-5s") == "-5s: a duration here cannot be negative")
        #expect(DurationArgument.problem("5sec") == "5sec is not a duration")
        #expect(DurationArgument.problem("") == "needs a duration, e.g. 5s")
    }
}
