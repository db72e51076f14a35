package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/memberlist"
)

// memberEvents tracks every node the local node has heard of, including dead and left ones (Members() omits them).
type memberEvents struct {
	mu    sync.Mutex
	nodes map[string]memberStatus
}

type memberStatus struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Port    int    `json:"port"`
	MetaHex string `json:"meta_hex"`
	State   string `json:"state"`
	Vsn     []int  `json:"vsn"`
}

var stateNames = map[memberlist.NodeStateType]string{
	memberlist.StateAlive: "alive", memberlist.StateSuspect: "suspect", memberlist.StateDead: "dead",
}

// update records a node; memberlist 0.2.2 keeps the live state in its private nodeState (Node.State is not kept
// current), so a leave event is what marks a node dead or left, and suspicion is not visible here at all.
func (e *memberEvents) update(node *memberlist.Node, left bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	state, ok := stateNames[node.State]
	if !ok {
		state = fmt.Sprintf("state(%d)", node.State)
	}
	if left {
		state = "dead"
	}
	e.nodes[node.Name] = memberStatus{
		Name: node.Name, Address: node.Addr.String(), Port: int(node.Port), MetaHex: hex.EncodeToString(node.Meta),
		State: state,
		Vsn:   []int{int(node.PMin), int(node.PMax), int(node.PCur), int(node.DMin), int(node.DMax), int(node.DCur)},
	}
}

func (e *memberEvents) NotifyJoin(node *memberlist.Node)   { e.update(node, false) }
func (e *memberEvents) NotifyLeave(node *memberlist.Node)  { e.update(node, true) }
func (e *memberEvents) NotifyUpdate(node *memberlist.Node) { e.update(node, false) }

// serveStatus is the status file: rewritten (atomically) whenever it changes.
type serveStatus struct {
	Name         string         `json:"name"`
	Port         int            `json:"port"`
	Members      []memberStatus `json:"members"`
	UserMessages []string       `json:"user_messages_hex"`
	RemoteStates []remoteState  `json:"remote_states"`
	// Transport is "standard" (memberlist's UDP+TCP) or "dskit"; Label the cluster label ("" for none).
	Transport string `json:"transport"`
	Label     string `json:"label"`
	// DskitTransport counts what the dskit transport accepted and rejected (absent with the standard one).
	DskitTransport *transportCounters `json:"dskit_transport,omitempty"`
	// Ring is the node's view of its ring key (absent without the KV delegate).
	Ring *ringStatus `json:"ring,omitempty"`
	// ProbesAcked counts, by member name, the probes of ours that member acked.
	ProbesAcked map[string]int `json:"probes_acked"`
}

func runServe(arguments []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	name := flags.String("name", "go-node", "node name")
	keyHex := flags.String("key", "", "secret key in hex (16, 24 or 32 bytes); empty: no encryption")
	protocol := flags.Int("protocol", 2, "memberlist protocol version (1 encrypts with version 0)")
	compression := flags.Bool("compression", false, "enable LZW compression")
	meta := flags.String("meta", "", "node metadata")
	userState := flags.String("user-state", "", "push/pull user state")
	join := flags.String("join", "", "HOST:PORT to join at start")
	statusPath := flags.String("status", "", "status file (JSON), rewritten on every change")
	verbose := flags.Bool("verbose", false, "memberlist logs on stderr")
	probeInterval := flags.Duration("probe-interval", 0, "memberlist ProbeInterval (0: the LAN default, 1s)")
	probeTimeout := flags.Duration("probe-timeout", 0, "memberlist ProbeTimeout (0: the LAN default, 500ms)")
	pushPullInterval := flags.Duration("push-pull-interval", 0, "memberlist PushPullInterval (0: the LAN default, 30s)")
	gossipInterval := flags.Duration("gossip-interval", 0, "memberlist GossipInterval (0: the LAN default, 200ms)")
	transportKind := flags.String("transport", "standard", "standard (memberlist UDP+TCP) or dskit (TCP only, dskit framing)")
	label := flags.String("label", "", "cluster label (dskit transport only)")
	skipLabel := flags.Bool("skip-label-verification", false, "accept any or no cluster label on what arrives (dskit transport)")
	streamDelay := flags.Duration("stream-delay", 0, "hold each incoming stream this long before memberlist handles it (dskit transport): a slow node, whose join reply comes late")
	tlsCert := flags.String("tls-cert", "", "PEM certificate the dskit transport serves and presents")
	tlsKey := flags.String("tls-key", "", "PEM private key of --tls-cert")
	tlsCA := flags.String("tls-ca", "", "PEM CA that peers' certificates must chain to when dialing")
	tlsServerName := flags.String("tls-server-name", "", "server name to verify when dialing (default: the dialed host)")
	ringKey := flags.String("ring-key", "ring", "KV key of the ring (the KV delegate runs with --transport dskit, or when this is given)")
	instanceID := flags.String("instance-id", "", "ring instance id (default: the node name)")
	instanceAddr := flags.String("instance-addr", "", "ring instance address (default: 127.0.0.1:<memberlist port>)")
	zone := flags.String("zone", "", "ring instance zone; also sets dskit node meta unless --meta is given")
	role := flags.String("role", "member", "dskit node meta role: member or bridge")
	tokens := flags.Int("tokens", 128, "number of ring tokens (random, distinct)")
	seed := flags.Int64("seed", 0, "token random seed (0: derived from the instance id)")
	instanceState := flags.String("state", "ACTIVE", "instance state: ACTIVE, LEAVING, PENDING, JOINING or LEFT")
	readOnly := flags.Bool("read-only", false, "register the instance read-only")
	heartbeatPeriod := flags.Duration("heartbeat-period", time.Second, "how often the instance heartbeat is updated")
	freezeHeartbeat := flags.Bool("freeze-heartbeat", false, "never update the heartbeat after registering (SIGUSR1 freezes at runtime, SIGUSR2 resumes)")
	broadcastKV := flags.Bool("broadcast-kv", false, "gossip each own heartbeat as a KV user message (dskit's broadcast of the changed instance); off: push/pull only")
	synthetic := flags.String("synthetic-ring", "", "INSTANCESxTOKENS: also hold that many fake instances (zones zone-a/b/c)")
	partitionKey := flags.String("partition-key", "collectors/ingester-partitions", "KV key of the partition ring (with --partitions or --partition-owners)")
	partitions := flags.String("partitions", "", "also hold a partition ring (codec partitionRingDesc): ID=PENDING|ACTIVE|INACTIVE|DELETED[:locked], comma-separated")
	partitionOwners := flags.String("partition-owners", "", "owners of that partition ring: OWNER=PARTITION[:ACTIVE|DELETED], comma-separated")
	partitionTokens := flags.Int("partition-tokens", 16, "tokens per partition (random, distinct)")
	httpAddr := flags.String("http", "", "127.0.0.1:PORT (loopback only): also serve the status JSON over HTTP at /, like a dskit node's /memberlist page (a baseline for benchmarks)")
	if err := flags.Parse(arguments); err != nil {
		return err
	}
	given := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *statusPath == "" {
		return fmt.Errorf("serve: --status is required")
	}
	key, err := hex.DecodeString(*keyHex)
	if err != nil {
		return fmt.Errorf("serve: --key: %v", err)
	}
	events := &memberEvents{nodes: map[string]memberStatus{}}
	options := nodeOptions{
		name: *name, key: key, protocol: uint8(*protocol), compression: *compression,
		meta: []byte(*meta), userState: []byte(*userState), logOutput: stderrIf(*verbose), events: events,
		probes: &probeCounter{acked: map[string]int{}}, probeInterval: *probeInterval, probeTimeout: *probeTimeout,
	}
	if *meta == "" {
		options.meta = nil
	}
	if *userState == "" {
		options.userState = nil
	}
	options.pushPullInterval, options.gossipInterval = *pushPullInterval, *gossipInterval
	switch *transportKind {
	case "standard", "memberlist":
		if *label != "" || given["tls-cert"] {
			return fmt.Errorf("serve: --label and --tls-* need --transport dskit (memberlist 0.2.2 has neither)")
		}
	case "dskit":
		options.dskit = true
		options.dskitConfig = dskitTransportConfig{
			label: *label, skipLabelVerification: *skipLabel, tlsServerName: *tlsServerName, streamDelay: *streamDelay,
		}
		if *tlsCert != "" || *tlsKey != "" {
			config, err := loadTLS(*tlsCert, *tlsKey, *tlsCA)
			if err != nil {
				return fmt.Errorf("serve: %v", err)
			}
			options.dskitConfig.tls = config
		}
	default:
		return fmt.Errorf("serve: --transport %q: give standard or dskit", *transportKind)
	}
	if given["broadcast-kv"] && !(options.dskit && !given["user-state"] || given["ring-key"]) {
		return fmt.Errorf("serve: --broadcast-kv needs the KV delegate (--transport dskit without --user-state, or --ring-key)")
	}
	if (options.dskit && !given["user-state"]) || given["ring-key"] {
		state, err := parseInstanceState(*instanceState)
		if err != nil {
			return fmt.Errorf("serve: --state: %v", err)
		}
		ring := ringOptions{
			key: *ringKey, instanceID: *instanceID, address: *instanceAddr, zone: *zone, tokens: *tokens, seed: *seed,
			state: state, readOnly: *readOnly, heartbeatPeriod: *heartbeatPeriod, freezeHeartbeat: *freezeHeartbeat,
			broadcastKV: *broadcastKV,
		}
		if ring.instanceID == "" {
			ring.instanceID = *name
		}
		if *synthetic != "" {
			if _, err := fmt.Sscanf(*synthetic, "%dx%d", &ring.syntheticInstances, &ring.syntheticTokens); err != nil ||
				ring.syntheticInstances < 0 || ring.syntheticTokens < 0 || ring.syntheticInstances > 100000 {
				return fmt.Errorf("serve: --synthetic-ring %q: give INSTANCESxTOKENS, e.g. 1000x512", *synthetic)
			}
		}
		if ring.tokens < 0 || ring.tokens+ring.syntheticInstances*ring.syntheticTokens > 1<<28 {
			return fmt.Errorf("serve: too many tokens")
		}
		if ring.heartbeatPeriod <= 0 {
			return fmt.Errorf("serve: --heartbeat-period must be positive")
		}
		if *partitions != "" || *partitionOwners != "" {
			if *partitionTokens < 0 || *partitionTokens > 4096 {
				return fmt.Errorf("serve: --partition-tokens must be 0 to 4096")
			}
			value, err := parsePartitionRing(*partitions, *partitionOwners, *partitionTokens, *seed+1, time.Now().Unix())
			if err != nil {
				return fmt.Errorf("serve: %v", err)
			}
			ring.partitionKey, ring.partitionValue = *partitionKey, value
		}
		options.ring = &ring
	}
	if *zone != "" && !given["meta"] {
		// dskit node meta (node_meta.go): [version 1][role: 1 member, 2 bridge][zone length][zone].
		roles := map[string]byte{"member": 1, "bridge": 2}
		roleByte, ok := roles[*role]
		if !ok || len(*zone) > 255 {
			return fmt.Errorf("serve: --role %q / --zone %q: give member or bridge and a zone of at most 255 bytes", *role, *zone)
		}
		options.meta = append([]byte{1, roleByte, byte(len(*zone))}, *zone...)
	}
	var httpListener net.Listener
	if *httpAddr != "" {
		host, _, err := net.SplitHostPort(*httpAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("serve: --http %q: give a loopback HOST:PORT, e.g. 127.0.0.1:0", *httpAddr)
		}
		if httpListener, err = net.Listen("tcp", *httpAddr); err != nil {
			return fmt.Errorf("serve: --http %s: %v", *httpAddr, err)
		}
		defer httpListener.Close()
	}
	node, err := startNode(options)
	if err != nil {
		return err
	}
	defer node.stop()
	if httpListener != nil {
		server := &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, node.status(events))
			}),
			ReadHeaderTimeout: 5 * time.Second,
		}
		go server.Serve(httpListener)
		defer server.Close()
	}
	if *join != "" {
		if _, err := node.list.Join([]string{*join}); err != nil {
			return fmt.Errorf("serve: join %s: %v", *join, err)
		}
	}
	// The status file exists before READY, so a test may read it at once.
	last := node.status(events)
	if err := writeAtomically(*statusPath, last); err != nil {
		return err
	}
	if httpListener != nil {
		fmt.Printf("HTTP %s\n", httpListener.Addr())
	}
	fmt.Printf("READY 127.0.0.1:%d\n", node.boundPort)
	os.Stdout.Sync()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	freezes := make(chan os.Signal, 4)
	signal.Notify(freezes, syscall.SIGUSR1, syscall.SIGUSR2)
	ticker := time.NewTicker(25 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-signals:
			return nil
		case received := <-freezes:
			if node.ring != nil {
				node.ring.setFrozen(received == syscall.SIGUSR1)
			}
		case <-ticker.C:
			text := node.status(events)
			if text != last {
				if err := writeAtomically(*statusPath, text); err != nil {
					return err
				}
				last = text
			}
		}
	}
}

func (n *liveNode) status(events *memberEvents) string {
	status := serveStatus{Name: n.options.name, Port: n.boundPort, Members: []memberStatus{}}
	events.mu.Lock()
	for _, member := range events.nodes {
		status.Members = append(status.Members, member)
	}
	events.mu.Unlock()
	sort.Slice(status.Members, func(i, j int) bool { return status.Members[i].Name < status.Members[j].Name })
	status.UserMessages = []string{}
	status.RemoteStates = []remoteState{}
	if n.delegate != nil {
		n.delegate.mu.Lock()
		for _, message := range n.delegate.userMessages {
			status.UserMessages = append(status.UserMessages, hex.EncodeToString(message))
		}
		status.RemoteStates = append(status.RemoteStates, n.delegate.remoteStates...)
		n.delegate.mu.Unlock()
	}
	status.Transport = "standard"
	if n.dskit != nil {
		counters := n.dskit.counters()
		status.Transport, status.Label, status.DskitTransport = "dskit", n.dskit.config.label, &counters
	}
	if n.ring != nil {
		ring := n.ring.status()
		status.Ring = &ring
	}
	status.ProbesAcked = map[string]int{}
	if n.options.probes != nil {
		status.ProbesAcked = n.options.probes.counts()
	}
	text, _ := json.MarshalIndent(status, "", "  ")
	return string(text)
}

func writeAtomically(path, text string) error {
	temporary := path + ".tmp"
	if err := os.WriteFile(temporary, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(temporary, path)
}
