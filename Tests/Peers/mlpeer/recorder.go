package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// vectorSidecar is the .json written next to each .bin: what produced the bytes and what Go reads in them.
type vectorSidecar struct {
	File      string `json:"file"`
	Source    string `json:"source"` // "memberlist-0.2.2 node" (captured) or "go-msgpack 0.5.5" (encoded here)
	Variant   string `json:"variant"`
	Transport string `json:"transport"` // "packet" or "stream"
	// Direction of a stream: "dialer" (what the connecting side wrote) or "listener" (the reply).
	Direction   string             `json:"direction,omitempty"`
	From        string             `json:"from,omitempty"`
	To          string             `json:"to"`
	KeyHex      string             `json:"key_hex,omitempty"`
	Protocol    int                `json:"protocol"`
	Compression bool               `json:"compression_enabled"`
	Layers      layers             `json:"layers"`
	Messages    []describedMessage `json:"messages,omitempty"` // packets, flattened depth first
	Stream      *describedStream   `json:"stream,omitempty"`
	Note        string             `json:"note,omitempty"`
}

// recorder writes every recorded payload of one variant and remembers which message kinds it has seen.
type recorder struct {
	mu          sync.Mutex
	directory   string
	variant     string
	key         []byte
	protocol    int
	compression bool
	portNames   map[int]string // a node's bound port → its name (the source port of the packets it sends)
	count       int
	seen        map[string]bool
	failures    []string
}

func newRecorder(directory, variant string, key []byte, protocol int, compression bool) *recorder {
	return &recorder{
		directory: directory, variant: variant, key: key, protocol: protocol, compression: compression,
		portNames: map[int]string{}, seen: map[string]bool{},
	}
}

func (r *recorder) setPortName(port int, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.portNames[port] = name
}

func (r *recorder) has(kind string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[kind]
}

func (r *recorder) base() vectorSidecar {
	return vectorSidecar{
		Source: "memberlist-0.2.2 node", Variant: r.variant, KeyHex: hex.EncodeToString(r.key),
		Protocol: r.protocol, Compression: r.compression,
	}
}

func (r *recorder) recordPacket(fromPort int, to string, payload []byte) {
	sidecar := r.base()
	sidecar.Transport = "packet"
	sidecar.To = to
	r.mu.Lock()
	sidecar.From = r.portNames[fromPort]
	r.mu.Unlock()
	l, messages, err := describePacket(payload, r.key)
	sidecar.Layers, sidecar.Messages = l, messages
	if err != nil {
		r.fail(fmt.Sprintf("packet to %s: Go cannot read it: %v", to, err))
		return
	}
	kinds := []string{}
	for _, message := range messages {
		kinds = append(kinds, "packet:"+message.Type)
		if message.Type == "dead" && message.Fields["From"] == message.Fields["Node"] {
			kinds = append(kinds, "packet:dead-leave")
		}
	}
	if l.CRC {
		kinds = append(kinds, "packet:crc")
	}
	r.write(sidecar, payload, kinds)
}

func (r *recorder) recordStream(_ int, to string, dialer, listener []byte) {
	dialerLayers, dialerStream, dialerErr := describeStream(dialer, r.key)
	listenerLayers, listenerStream, listenerErr := describeStream(listener, r.key)
	// A dialer side that Go cannot read is the garbage mlpeer sends on purpose to provoke an err reply.
	provoked := dialerErr != nil && listenerErr == nil && listenerStream.Type == "err"
	sides := []struct {
		direction string
		bytes     []byte
		layers    layers
		stream    describedStream
		err       error
	}{
		{"dialer", dialer, dialerLayers, dialerStream, dialerErr},
		{"listener", listener, listenerLayers, listenerStream, listenerErr},
	}
	for _, side := range sides {
		if len(side.bytes) == 0 || (provoked && side.direction == "dialer") {
			continue
		}
		if side.err != nil {
			r.fail(fmt.Sprintf("stream %s side to %s: Go cannot read it: %v", side.direction, to, side.err))
			continue
		}
		sidecar := r.base()
		sidecar.Transport = "stream"
		sidecar.Direction = side.direction
		sidecar.To = to
		if side.direction == "listener" {
			sidecar.From, sidecar.To = to, ""
		}
		if provoked {
			sidecar.Note = "the node's reply to a stream that mlpeer made invalid on purpose"
		}
		stream := side.stream
		sidecar.Layers, sidecar.Stream = side.layers, &stream
		kind := "stream:" + stream.Type
		kinds := []string{kind}
		if stream.Type == "pushPull" {
			if stream.Fields["Join"] == true {
				kinds = append(kinds, kind+"-join")
			} else {
				kinds = append(kinds, kind+"-periodic")
			}
		}
		r.write(sidecar, side.bytes, kinds)
	}
}

func (r *recorder) fail(message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, message)
}

func (r *recorder) write(sidecar vectorSidecar, payload []byte, kinds []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// Keep the directory small: at most 2 recordings of each kind combination.
	signature := sidecar.Transport + sidecar.Direction + fmt.Sprint(kinds) + fmt.Sprint(sidecar.Layers)
	if r.seen["#"+signature+"#2"] {
		return
	}
	for i := 1; i <= 2; i++ {
		mark := fmt.Sprintf("#%s#%d", signature, i)
		if !r.seen[mark] {
			r.seen[mark] = true
			break
		}
	}
	for _, kind := range kinds {
		r.seen[kind] = true
	}
	r.count++
	name := fmt.Sprintf("%s-%03d-%s", r.variant, r.count, sidecar.Transport)
	if sidecar.Direction != "" {
		name += "-" + sidecar.Direction
	}
	sidecar.File = name + ".bin"
	if err := os.WriteFile(filepath.Join(r.directory, name+".bin"), payload, 0o644); err != nil {
		r.failures = append(r.failures, err.Error())
		return
	}
	text, _ := json.MarshalIndent(sidecar, "", "  ")
	if err := os.WriteFile(filepath.Join(r.directory, name+".json"), text, 0o644); err != nil {
		r.failures = append(r.failures, err.Error())
	}
}
