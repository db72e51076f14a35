package main

// The memberlist 0.2.2 message bodies, declared here with the exact Go field names and codec tags that
// memberlist's net.go uses (its own types are unexported), so go-msgpack reads and writes the same maps.

type pingBody struct {
	SeqNo      uint32
	Node       string
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type indirectPingBody struct {
	SeqNo      uint32
	Target     []byte
	Port       uint16
	Node       string
	Nack       bool
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type ackBody struct {
	SeqNo   uint32
	Payload []byte
}

type nackBody struct {
	SeqNo uint32
}

type errBody struct {
	Error string
}

type suspectBody struct {
	Incarnation uint32
	Node        string
	From        string
}

type aliveBody struct {
	Incarnation uint32
	Node        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Vsn         []uint8
}

type deadBody struct {
	Incarnation uint32
	Node        string
	From        string
}

type pushPullHeaderBody struct {
	Nodes        int
	UserStateLen int
	Join         bool
}

type userMsgHeaderBody struct {
	UserMsgLen int
}

type pushNodeStateBody struct {
	Name        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Incarnation uint32
	State       int
	Vsn         []uint8
}

type compressBody struct {
	Algo uint8
	Buf  []byte
}

// Message type bytes (net.go messageType).
const (
	typePing         = 0
	typeIndirectPing = 1
	typeAck          = 2
	typeSuspect      = 3
	typeAlive        = 4
	typeDead         = 5
	typePushPull     = 6
	typeCompound     = 7
	typeUser         = 8
	typeCompress     = 9
	typeEncrypt      = 10
	typeNack         = 11
	typeHasCRC       = 12
	typeErr          = 13
)

var typeNames = map[byte]string{
	typePing: "ping", typeIndirectPing: "indirectPing", typeAck: "ack", typeSuspect: "suspect",
	typeAlive: "alive", typeDead: "dead", typePushPull: "pushPull", typeCompound: "compound", typeUser: "user",
	typeCompress: "compress", typeEncrypt: "encrypt", typeNack: "nack", typeHasCRC: "hasCrc", typeErr: "err",
}

func typeName(t byte) string {
	if name, ok := typeNames[t]; ok {
		return name
	}
	return "unknown"
}
