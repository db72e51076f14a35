import MemberlistWire
import Testing

@Suite("NodeAddress")
struct NodeAddressTests {
    @Test("IPv4-mapped Addr decodes as plain IPv4")
    func mapped() {
        let address = NodeAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1])
        #expect(address.description == "127.0.0.1")
        #expect(address.isIPv4)
        #expect(address.ipv4Bytes == [127, 0, 0, 1])
        #expect(address.hostPort(7946) == "127.0.0.1:7946")
        #expect(NodeAddress(ipv4: 127, 0, 0, 1).ipv4Mapped == address)
    }

    @Test(
        "4-byte IPv4 and 16-byte IPv6 addresses",
        arguments: [
            ([10, 0, 0, 1], "10.0.0.1"),
            ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "2001:db8::1"),
            ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "::1"),
            ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "::"),
            ([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2], "fe80::1:0:0:2"),
            ([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "2001:db8:1:1:1:1:1:1"),
        ] as [([UInt8], String)])
    func text(bytes: [UInt8], text: String) {
        let address = NodeAddress(bytes: bytes)
        #expect(address.description == text)
        #expect(NodeAddress(text)?.bytes == bytes)
    }

    @Test("IPv6 host:port has brackets")
    func hostPort() {
        #expect(NodeAddress("2001:db8::1")?.hostPort(80) == "[2001:db8::1]:80")
    }

    @Test("odd lengths are shown as hex, not guessed")
    func oddLength() {
        #expect(NodeAddress(bytes: [1, 2, 0xab]).description == "0x0102ab")
        #expect(NodeAddress(bytes: []).description == "<none>")
        #expect(NodeAddress("not an ip") == nil)
    }

    @Test("protocol versions read from Vsn and need six bytes")
    func versions() {
        #expect(ProtocolVersions(vsn: [1, 5, 2, 0, 0, 0]) == .memberlistDefault)
        #expect(ProtocolVersions(vsn: [1, 5, 2]) == nil)
        #expect(ProtocolVersions(vsn: nil) == nil)
        #expect(ProtocolVersions.memberlistDefault.vsn == [1, 5, 2, 0, 0, 0])
    }
}
