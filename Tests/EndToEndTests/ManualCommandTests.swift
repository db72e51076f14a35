import Foundation
import Testing
import TestSupport

/// The man page (`man/ringctl.1`, from scripts/generate-docs) and `--help` at 80 columns (issue 8, item 14).
@Suite("man page and --help layout (the binary)")
struct ManualCommandTests {
    static let manual = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("man/ringctl.1").path

    static let commands: [[String]] = [
        [], ["members"], ["watch"], ["kv"], ["kv", "list"], ["kv", "get"], ["resolve"], ["ring"], ["lag"], ["decode"],
        ["forget"],
    ]

    @Test("man --warnings renders man/ringctl.1 without a warning (man-db and groff from .ci/apt-packages)")
    func rendersWithoutWarnings() async throws {
        let man = "/usr/bin/man"
        try #require(FileManager.default.isExecutableFile(atPath: man), "install man-db (see .ci/apt-packages)")
        try await withFixtures { fixtures in
            let process = try fixtures.process(
                man, ["--warnings", "-l", Self.manual],
                environment: ProcessInfo.processInfo.environment.merging(["MANWIDTH": "80", "MANPAGER": "cat"]) { $1 })
            let status = try await process.wait(deadline: .seconds(30))
            #expect(status == 0, "stderr: \(process.stderr)")
            #expect(process.stderr.isEmpty, "\(process.stderr)")
            #expect(process.stdout.contains("EXIT STATUS"))
        }
    }

    @Test("EXIT STATUS is ringctl's table, not the generic 'exits 0 on success, >0 on error'")
    func exitStatusSection() throws {
        let text = try String(contentsOfFile: Self.manual, encoding: .utf8)
        let section = try #require(text.components(separatedBy: ".Sh \"EXIT STATUS\"").last)
        #expect(!section.contains(".Ex -std"))
        let codes = section.split(separator: "\n").filter { $0.hasPrefix(".It ") }.map { $0.dropFirst(4) }
        #expect(codes == ["0", "1", "64", "69", "70", "76", "78", "130"])
        #expect(section.contains("a bug: please report it"))
        #expect(section.contains("interrupted (Ctrl-C, SIGTERM)"))
    }

    @Test("--help examples and tables never wrap mid-line at 80 columns (every line of the block stays indented)")
    func examplesFitEightyColumns() async throws {
        for command in Self.commands {
            let result = try await RingctlBinary.run(command + ["--help"], environment: ["COLUMNS": "80"])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            var inBlock = false
            for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
                if line == "Examples:" || line.hasPrefix("Exit status (") { inBlock = true; continue }
                if line.isEmpty { inBlock = false; continue }
                if inBlock {
                    #expect(line.hasPrefix("  "), "\(command): a wrapped line: \"\(line)\"\n\(result.stdout)")
                }
            }
        }
    }
}
