package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// nodeOptions says how to configure one real memberlist node.
type nodeOptions struct {
	name          string
	key           []byte // empty: no encryption; 16/24/32 bytes: AES-128/192/256
	protocol      uint8  // memberlist ProtocolVersion; 1 makes it encrypt with version 0 (padded)
	compression   bool   // EnableCompression (LZW)
	meta          []byte // what NodeMeta returns
	userState     []byte // what LocalState returns (the push/pull user state)
	advertisePort int    // 0: advertise the bound port; else the port of a proxy in front of the node
	fast          bool   // short probe/gossip/push-pull intervals so a run provokes every message quickly
	logOutput     io.Writer
	events        memberlist.EventDelegate // optional: told of joins, leaves and updates
	probes        *probeCounter            // optional: counts the probes each member acked
	// Protocol version 1 ignores the ports that peers advertise and assumes every peer listens on the local
	// BindPort; a two-node protocol-1 cluster behind proxies works when that is the other node's proxy port.
	assumedPeerPort  int
	probeInterval    time.Duration // 0: the default
	probeTimeout     time.Duration // 0: the default
	pushPullInterval time.Duration // 0: the default (30s)
	gossipInterval   time.Duration // 0: the default
	// dskit: the dskit TCP-only transport (dskit_transport.go) instead of memberlist's UDP+TCP one.
	dskit       bool
	dskitConfig dskitTransportConfig
	// ring: a dskit-like KV delegate holding a ring (kv_delegate.go) instead of the recording delegate.
	ring *ringOptions
}

// recordingDelegate is the node's memberlist.Delegate: fixed meta and user state, and a record of what arrived.
type recordingDelegate struct {
	mu           sync.Mutex
	meta         []byte
	userState    []byte
	userMessages [][]byte
	remoteStates []remoteState
}

type remoteState struct {
	Join  bool   `json:"join"`
	State string `json:"state_hex"`
}

func (d *recordingDelegate) NodeMeta(limit int) []byte { return d.meta }

func (d *recordingDelegate) NotifyMsg(message []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.userMessages = append(d.userMessages, append([]byte(nil), message...))
}

func (d *recordingDelegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }

func (d *recordingDelegate) LocalState(join bool) []byte { return d.userState }

func (d *recordingDelegate) MergeRemoteState(state []byte, join bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.remoteStates = append(d.remoteStates, remoteState{Join: join, State: fmt.Sprintf("%x", state)})
}

// probeCounter is a memberlist.PingDelegate counting, by member name, the probes of ours each member acked
// directly: what a test waits for to know the cluster has probed a node (rather than sleeping).
type probeCounter struct {
	mu    sync.Mutex
	acked map[string]int
}

func (p *probeCounter) AckPayload() []byte { return nil }

func (p *probeCounter) NotifyPingComplete(other *memberlist.Node, rtt time.Duration, payload []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.acked[other.Name]++
}

func (p *probeCounter) counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	counts := make(map[string]int, len(p.acked))
	for name, count := range p.acked {
		counts[name] = count
	}
	return counts
}

// liveNode is a running memberlist node with its delegate.
type liveNode struct {
	options  nodeOptions
	list     *memberlist.Memberlist
	delegate *recordingDelegate // nil when ring is set
	ring     *ringDelegate      // nil unless options.ring is set
	dskit    *dskitTransport    // nil unless options.dskit
	// boundPort is where the node really listens (TCP and UDP); its advertised port may be a proxy's.
	boundPort int
}

func startNode(options nodeOptions) (*liveNode, error) {
	logOutput := options.logOutput
	if logOutput == nil {
		logOutput = io.Discard
	}
	logger := log.New(logOutput, options.name+" ", log.Lmicroseconds)

	// Our own transport, so that the advertised port can differ from the bound one (memberlist.Create would
	// overwrite AdvertisePort when BindPort is 0).
	var transport memberlist.Transport
	var dskit *dskitTransport
	var bound int
	if options.dskit {
		config := options.dskitConfig
		config.logger = logger
		created, err := newDskitTransport(config)
		if err != nil {
			return nil, fmt.Errorf("transport for %s: %v", options.name, err)
		}
		transport, dskit, bound = created, created, created.port
	} else {
		created, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
			BindAddrs: []string{"127.0.0.1"},
			BindPort:  0,
			Logger:    logger,
		})
		if err != nil {
			return nil, fmt.Errorf("transport for %s: %v", options.name, err)
		}
		transport, bound = created, created.GetAutoBindPort()
	}

	config := memberlist.DefaultLANConfig()
	config.Name = options.name
	config.Transport = transport
	config.BindAddr = "127.0.0.1"
	config.BindPort = bound
	if options.assumedPeerPort != 0 {
		config.BindPort = options.assumedPeerPort
	}
	config.AdvertiseAddr = "127.0.0.1"
	config.AdvertisePort = bound
	if options.advertisePort != 0 {
		config.AdvertisePort = options.advertisePort
	}
	config.EnableCompression = options.compression
	if options.protocol != 0 {
		config.ProtocolVersion = options.protocol
	}
	if len(options.key) > 0 {
		config.SecretKey = options.key
	}
	var delegate *recordingDelegate
	var ring *ringDelegate
	if options.ring != nil {
		ringOptions := *options.ring
		if ringOptions.address == "" {
			ringOptions.address = fmt.Sprintf("127.0.0.1:%d", bound)
		}
		ringOptions.retransmitMult = config.RetransmitMult
		ring = newRingDelegate(ringOptions, options.meta, logger)
		config.Delegate = ring
	} else {
		delegate = &recordingDelegate{meta: options.meta, userState: options.userState}
		config.Delegate = delegate
	}
	if options.events != nil {
		config.Events = options.events
	}
	if options.probes != nil {
		config.Ping = options.probes
	}
	config.Logger = logger
	if options.fast {
		config.ProbeInterval = 150 * time.Millisecond
		config.ProbeTimeout = 60 * time.Millisecond
		config.GossipInterval = 40 * time.Millisecond
		config.PushPullInterval = 400 * time.Millisecond
		config.SuspicionMult = 1
		config.TCPTimeout = 2 * time.Second
		config.GossipToTheDeadTime = 2 * time.Second
	}

	if options.probeInterval != 0 {
		config.ProbeInterval = options.probeInterval
	}
	if options.probeTimeout != 0 {
		config.ProbeTimeout = options.probeTimeout
	}
	if options.pushPullInterval != 0 {
		config.PushPullInterval = options.pushPullInterval
	}
	if options.gossipInterval != 0 {
		config.GossipInterval = options.gossipInterval
	}

	list, err := memberlist.Create(config)
	if err != nil {
		transport.Shutdown()
		if ring != nil {
			ring.close()
		}
		return nil, fmt.Errorf("memberlist.Create %s: %v", options.name, err)
	}
	if ring != nil {
		ring.attach(list)
	}
	return &liveNode{options: options, list: list, delegate: delegate, ring: ring, dskit: dskit, boundPort: bound}, nil
}

func (n *liveNode) member(name string) *memberlist.Node {
	for _, member := range n.list.Members() {
		if member.Name == name {
			return member
		}
	}
	return nil
}

func (n *liveNode) stop() {
	n.list.Shutdown()
	if n.ring != nil {
		n.ring.close()
	}
}

func stderrIf(verbose bool) io.Writer {
	if verbose {
		return os.Stderr
	}
	return nil
}
