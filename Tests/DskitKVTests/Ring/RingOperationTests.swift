import Testing

@testable import DskitKV

@Suite("RingOperation: dskit's operation bitmaps (healthy states, extension states)")
struct RingOperationTests {
    @Test("the bitmaps are dskit's NewOp values: bit s healthy, bit 16+s extends")
    func bitmaps() {
        // Write: ACTIVE healthy; LEAVING, PENDING, JOINING, LEFT extend.
        #expect(RingOperation.write.bits == 0x1 | 0x2_0000 | 0x4_0000 | 0x8_0000 | 0x10_0000)
        #expect(RingOperation.writeNoExtend.bits == 0x1)
        // Read: ACTIVE, LEAVING, PENDING healthy; PENDING, JOINING, LEFT extend.
        #expect(RingOperation.read.bits == 0x7 | 0x4_0000 | 0x8_0000 | 0x10_0000)
        #expect(RingOperation.reporting.bits == 0xFFFF)
    }

    @Test(
        "which states serve and which extend, per operation",
        arguments: [
            (RingOperation.write, InstanceState.active, true, false),
            (.write, .leaving, false, true), (.write, .pending, false, true), (.write, .joining, false, true),
            (.writeNoExtend, .active, true, false), (.writeNoExtend, .leaving, false, false),
            (.writeNoExtend, .joining, false, false),
            (.read, .active, true, false), (.read, .leaving, true, false), (.read, .pending, true, true),
            (.read, .joining, false, true),
            (.reporting, .left, true, false), (.reporting, .joining, true, false),
        ])
    func states(operation: RingOperation, state: InstanceState, serves: Bool, extends: Bool) {
        #expect(operation.serves(state) == serves)
        #expect(operation.extends(on: state) == extends)
    }

    @Test("a state dskit does not define never extends; only Reporting's 0xffff lets states up to 15 serve")
    func unknownStates() {
        let seven = InstanceState(rawValue: 7)
        #expect(!RingOperation.write.extends(on: seven) && !RingOperation.write.serves(seven))
        #expect(RingOperation.reporting.serves(seven))
        #expect(!RingOperation.reporting.serves(InstanceState(rawValue: 16)))
        #expect(!RingOperation.write.serves(.unknown) && !RingOperation.write.extends(on: .unknown))
        #expect(!RingOperation.read.extends(on: InstanceState(rawValue: 40)))
    }

    @Test("operations are found by name")
    func names() {
        #expect(RingOperation.named("write-no-extend") == .writeNoExtend)
        #expect(RingOperation.named("Write") == nil)
        #expect(RingOperation.all.map(\.name) == ["write", "write-no-extend", "read", "reporting"])
    }
}
