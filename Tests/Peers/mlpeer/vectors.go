package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-msgpack/codec"
)

// vectorVariant is one cluster configuration; every node of the variant uses it.
type vectorVariant struct {
	name        string
	keySize     int // 0: no encryption
	protocol    uint8
	compression bool
	largeState  bool // node-a's user state is 300 bytes, so UserStateLen needs a 3-byte msgpack int
	// twoNodes: protocol 1 masks advertised ports (see nodeOptions.assumedPeerPort), so only node-a and
	// node-b run, and nothing provokes an indirect ping or a nack (they need a third node).
	twoNodes bool
}

var vectorVariants = []vectorVariant{
	{name: "plain", protocol: 2},
	{name: "lzw", protocol: 2, compression: true},
	{name: "aes128-v1", keySize: 16, protocol: 2},
	{name: "aes256-v0-lzw", keySize: 32, protocol: 1, compression: true, twoNodes: true},
	{name: "aes192-v1-lzw-p5", keySize: 24, protocol: 5, compression: true},
	{name: "plain-large-state", protocol: 2, largeState: true},
}

// Every variant must show these; the stages below provoke them in order.
var vectorStages = []struct {
	name  string
	kinds []string
}{
	{"join", []string{"stream:pushPull-join", "packet:ping", "packet:ack", "packet:alive", "packet:compound", "packet:crc"}},
	{"anti-entropy", []string{"stream:pushPull-periodic"}},
	{"user messages", []string{"packet:user", "stream:user"}},
	{"error reply", []string{"stream:err"}},
	{"unreachable over UDP", []string{"packet:indirectPing", "packet:nack", "stream:ping", "stream:ack"}},
	{"unreachable", []string{"packet:suspect", "packet:dead"}},
	{"leave", []string{"packet:dead-leave"}},
}

type variantSummary struct {
	Variant  string   `json:"variant"`
	Seen     []string `json:"seen"`
	Missing  []string `json:"missing"`
	Failures []string `json:"failures"`
	// NotExpected: kinds this variant cannot provoke (see vectorVariant.twoNodes).
	NotExpected []string `json:"not_expected"`
}

func (v vectorVariant) expects(kind string) bool {
	return !(v.twoNodes && (kind == "packet:indirectPing" || kind == "packet:nack"))
}

func runVectors(arguments []string) error {
	flags := flag.NewFlagSet("vectors", flag.ContinueOnError)
	out := flags.String("out", "", "directory to write the vectors to (created)")
	only := flags.String("variant", "", "run only this variant")
	verbose := flags.Bool("verbose", false, "memberlist logs on stderr")
	stageTimeout := flags.Duration("stage-timeout", 15*time.Second, "how long each stage may take")
	if err := flags.Parse(arguments); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("vectors: --out is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	var summaries []variantSummary
	for _, variant := range vectorVariants {
		if *only != "" && variant.name != *only {
			continue
		}
		summary, err := captureVariant(*out, variant, *stageTimeout, stderrIf(*verbose))
		if err != nil {
			return fmt.Errorf("variant %s: %v", variant.name, err)
		}
		summaries = append(summaries, summary)
	}
	if err := writeEncodedVectors(*out); err != nil {
		return err
	}
	text, _ := json.MarshalIndent(summaries, "", "  ")
	return os.WriteFile(filepath.Join(*out, "summary.json"), text, 0o644)
}

func variantKey(size int) []byte {
	key := make([]byte, size)
	for i := range key {
		key[i] = byte(i + 1)
	}
	return key
}

func captureVariant(directory string, variant vectorVariant, stageTimeout time.Duration, logs io.Writer) (variantSummary, error) {
	key := variantKey(variant.keySize)
	rec := newRecorder(directory, variant.name, key, int(variant.protocol), variant.compression)
	names := []string{"node-a", "node-b", "node-c"}
	if variant.twoNodes {
		names = names[:2]
	}
	metas := [][]byte{[]byte("meta-a"), nil, {}}
	proxies := map[string]*recordingProxy{}
	nodes := map[string]*liveNode{}
	defer func() {
		for _, node := range nodes {
			node.stop()
		}
		for _, proxy := range proxies {
			proxy.close()
		}
	}()
	for _, name := range names {
		proxy, err := newRecordingProxy(name, rec)
		if err != nil {
			return variantSummary{}, err
		}
		proxies[name] = proxy
	}
	for i, name := range names {
		proxy := proxies[name]
		assumedPeerPort := 0
		if variant.twoNodes {
			assumedPeerPort = proxies[names[1-i]].port
		}
		state := []byte("state-of-" + name)
		if variant.largeState && name == "node-a" {
			state = bytes.Repeat([]byte("large-state "), 25)
		}
		node, err := startNode(nodeOptions{
			name: name, key: key, protocol: variant.protocol, compression: variant.compression,
			meta: metas[i], userState: state, advertisePort: proxy.port, fast: true, logOutput: logs,
			assumedPeerPort: assumedPeerPort,
		})
		if err != nil {
			return variantSummary{}, err
		}
		nodes[name] = node
		proxy.target = node.boundPort
		rec.setPortName(node.boundPort, name)
		proxy.start()
	}
	a, b := nodes["node-a"], nodes["node-b"]
	seed := fmt.Sprintf("127.0.0.1:%d", proxies["node-a"].port)
	// The node made unreachable: node-c, or node-b when there are only two.
	unreachable := names[len(names)-1]
	expected := func(kinds []string) []string {
		var out []string
		for _, kind := range kinds {
			if variant.expects(kind) {
				out = append(out, kind)
			}
		}
		return out
	}

	for _, stage := range vectorStages {
		switch stage.name {
		case "join":
			if _, err := b.list.Join([]string{seed}); err != nil {
				return variantSummary{}, fmt.Errorf("node-b join: %v", err)
			}
			if c, ok := nodes["node-c"]; ok {
				if _, err := c.list.Join([]string{seed}); err != nil {
					return variantSummary{}, fmt.Errorf("node-c join: %v", err)
				}
			}
		case "user messages":
			if target := a.member("node-b"); target != nil {
				a.list.SendBestEffort(target, []byte("user-packet-from-node-a"))
				a.list.SendReliable(target, []byte("user-stream-from-node-a"))
			}
		case "error reply":
			provokeErrorReply(proxies["node-b"].port, len(key) > 0)
		case "unreachable over UDP":
			proxies[unreachable].dropUDP.Store(true)
		case "unreachable":
			proxies[unreachable].dropTCP.Store(true)
		case "leave":
			b.list.Leave(2 * time.Second)
		}
		waitForKinds(rec, expected(stage.kinds), stageTimeout)
	}

	summary := variantSummary{Variant: variant.name, Seen: []string{}, Missing: []string{}, NotExpected: []string{}}
	for _, stage := range vectorStages {
		for _, kind := range stage.kinds {
			if !variant.expects(kind) {
				summary.NotExpected = append(summary.NotExpected, kind)
			} else if rec.has(kind) {
				summary.Seen = append(summary.Seen, kind)
			} else {
				summary.Missing = append(summary.Missing, kind)
			}
		}
	}
	for _, kind := range []string{"packet:compress", "stream:pushPull"} {
		if rec.has(kind) {
			summary.Seen = append(summary.Seen, kind)
		}
	}
	rec.mu.Lock()
	summary.Failures = append([]string{}, rec.failures...)
	rec.mu.Unlock()
	return summary, nil
}

// waitForKinds polls the recorder until every kind has been recorded or the deadline passes.
func waitForKinds(rec *recorder, kinds []string, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		missing := false
		for _, kind := range kinds {
			if !rec.has(kind) {
				missing = true
			}
		}
		if !missing {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// provokeErrorReply sends a node a stream it must reject, so that it answers with memberlist's err message:
// a plain node gets an encrypt header, an encrypted node an unencrypted (unknown) type byte.
func provokeErrorReply(port int, encrypted bool) {
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(3 * time.Second))
	if encrypted {
		conn.Write([]byte{0x2a, 0x2a, 0x2a, 0x2a})
	} else {
		conn.Write([]byte{typeEncrypt, 0, 0, 0, 0})
	}
	conn.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, conn)
}

// writeEncodedVectors writes message bodies that go-msgpack 0.5.5 encodes from structs with memberlist's field
// names: values that a short run of real nodes does not produce (long names, IPv6, 512-byte meta, big ints).
func writeEncodedVectors(directory string) error {
	long := strings.Repeat("n", 40)
	ipv6 := net.ParseIP("2001:db8::7").To16()
	meta := bytes.Repeat([]byte{0xab}, 512)
	vectors := []struct {
		name string
		kind byte
		body interface{}
	}{
		{"ping-no-source", typePing, &pingBody{SeqNo: 4294967295, Node: "node-a"}},
		{"ping-ipv6-source", typePing, &pingBody{SeqNo: 300, Node: long, SourceAddr: ipv6, SourcePort: 65535, SourceNode: "src"}},
		{"indirect-ping-ipv6", typeIndirectPing, &indirectPingBody{SeqNo: 70000, Target: ipv6, Port: 7946, Node: "t", Nack: true, SourceAddr: []byte{127, 0, 0, 1}, SourcePort: 1, SourceNode: "s"}},
		{"ack-payload", typeAck, &ackBody{SeqNo: 128, Payload: []byte("payload")}},
		{"ack-empty-payload", typeAck, &ackBody{SeqNo: 1, Payload: []byte{}}},
		{"nack", typeNack, &nackBody{SeqNo: 65536}},
		{"err", typeErr, &errBody{Error: "Encryption is configured but remote state is not encrypted"}},
		{"suspect-long-names", typeSuspect, &suspectBody{Incarnation: 255, Node: long, From: long + "x"}},
		{"alive-meta-512", typeAlive, &aliveBody{Incarnation: 1 << 31, Node: "big", Addr: ipv6, Port: 7946, Meta: meta, Vsn: []uint8{1, 5, 2, 0, 0, 0}}},
		{"dead-leave", typeDead, &deadBody{Incarnation: 9, Node: "gone", From: "gone"}},
	}
	for _, vector := range vectors {
		var buffer bytes.Buffer
		buffer.WriteByte(vector.kind)
		if err := codec.NewEncoder(&buffer, &codec.MsgpackHandle{}).Encode(vector.body); err != nil {
			return err
		}
		var messages []describedMessage
		if err := describeMessage(buffer.Bytes(), &messages); err != nil {
			return fmt.Errorf("%s: %v", vector.name, err)
		}
		sidecar := vectorSidecar{
			File: "encoded-" + vector.name + ".bin", Source: "go-msgpack 0.5.5", Variant: "encoded",
			Transport: "packet", Layers: layers{EncryptionVersion: -1}, Messages: messages,
			Note: "encoded by mlpeer with go-msgpack's MsgpackHandle from a struct with memberlist's field names",
		}
		if err := os.WriteFile(filepath.Join(directory, sidecar.File), buffer.Bytes(), 0o644); err != nil {
			return err
		}
		text, _ := json.MarshalIndent(sidecar, "", "  ")
		if err := os.WriteFile(filepath.Join(directory, "encoded-"+vector.name+".json"), text, 0o644); err != nil {
			return err
		}
	}
	return nil
}
