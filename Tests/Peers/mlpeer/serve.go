package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
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
	if err := flags.Parse(arguments); err != nil {
		return err
	}
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
		probeInterval: *probeInterval, probeTimeout: *probeTimeout,
	}
	if *meta == "" {
		options.meta = nil
	}
	if *userState == "" {
		options.userState = nil
	}
	node, err := startNode(options)
	if err != nil {
		return err
	}
	defer node.stop()
	if *join != "" {
		if _, err := node.list.Join([]string{*join}); err != nil {
			return fmt.Errorf("serve: join %s: %v", *join, err)
		}
	}
	fmt.Printf("READY 127.0.0.1:%d\n", node.boundPort)
	os.Stdout.Sync()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	ticker := time.NewTicker(25 * time.Millisecond)
	defer ticker.Stop()
	last := ""
	for {
		select {
		case <-signals:
			return nil
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
	n.delegate.mu.Lock()
	status.UserMessages = []string{}
	for _, message := range n.delegate.userMessages {
		status.UserMessages = append(status.UserMessages, hex.EncodeToString(message))
	}
	status.RemoteStates = append([]remoteState{}, n.delegate.remoteStates...)
	n.delegate.mu.Unlock()
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
