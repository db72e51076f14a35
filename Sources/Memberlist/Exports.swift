// The pure node (member table, SWIM rules, broadcast queue) is its own target so that simulations, fuzzers and
// benchmarks build it without NIO; everyone who imports the networked Memberlist sees it too.
@_exported import MemberlistNode
