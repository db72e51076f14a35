import Foundation
import MemberlistWire
import Testing

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let inputs: [String] = {
        let folder = Fixture.url("fuzz-regressions")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".bin") }.sorted()
    }()

    /// How many inputs the folder held when this was written: a folder that goes missing (or loses files in a
    /// move) must fail here, not quietly give the parameterized test below zero cases.
    static let expectedAtLeast = 1

    @Test("the regression folder is there and holds every saved input")
    func folderIsThere() throws {
        let folder = Fixture.url("fuzz-regressions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.filter { $0.hasSuffix(".bin") }.count >= Self.expectedAtLeast, "\(folder.path): \(names)")
        #expect(Self.inputs.count >= Self.expectedAtLeast)
    }

    @Test("every saved fuzz input decodes or throws through every decoder", arguments: inputs)
    func decodeOrThrow(name: String) throws {
        let bytes = Fixture.bytes("fuzz-regressions/" + name)
        _ = try? Message(bytes: bytes)
        _ = try? PacketEnvelope.decode(bytes)
        _ = try? PacketEnvelope.decode(bytes, expectedLabel: "realcluster")
        for direction in [StreamDirection.dialer, .listener] {
            _ = try? StreamEnvelope.decode(bytes, direction: direction)
            _ = try? StreamEnvelope.decodeIfComplete(bytes, direction: direction, expectedLabel: "realcluster")
        }
        _ = try? DskitFrame.decode(bytes, verifyDigest: false)
        _ = try? DskitFrame.decodeReply(bytes)
        _ = try? LZW.decompress(bytes)
        _ = try? Snappy.decompress(bytes)
    }

    @Test("LZW honours a limit below 64 bytes (lzw-limit-below-64.bin)")
    func lzwSmallLimit() throws {
        let bytes = Fixture.bytes("fuzz-regressions/lzw-limit-below-64.bin")
        let plain = try LZW.decompress(bytes)
        #expect(plain.count == 1)
        #expect(try LZW.decompress(bytes, limit: plain.count) == plain)
        let error = #expect(throws: WireError.self) { try LZW.decompress(bytes, limit: plain.count - 1) }
        guard case .limitExceeded = error else {
            Issue.record("expected .limitExceeded, got \(String(describing: error))")
            return
        }
    }

    @Test("with an expected label, every strict prefix of a dialed stream asks for more bytes")
    func labelledStreamPrefixes() throws {
        let connection = Fixture.bytes("dskit-captures/pushpull-periodic-label.c2s.bin")
        let stream = Array(connection.dropFirst())  // the dskit stream marker
        for length in 0..<stream.count {
            #expect(
                try StreamEnvelope.decodeIfComplete(Array(stream[..<length]), expectedLabel: "realcluster") == nil,
                "prefix of \(length)")
        }
        let complete = try StreamEnvelope.decodeIfComplete(stream, expectedLabel: "realcluster")
        #expect(complete?.consumed == stream.count)
        #expect(complete?.envelope.label == "realcluster")
    }
}
