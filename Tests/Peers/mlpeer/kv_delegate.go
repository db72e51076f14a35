package main

// ringDelegate is a dskit-like memberlist delegate: it holds a KV store with one ring key (codec "ringDesc"),
// registers its own instance there, heartbeats it, and merges the rings that peers push or broadcast (per
// instance, the newer heartbeat wins; instances are united), so a cluster of these nodes converges through
// push/pull. With broadcastKV it also gossips each heartbeat as dskit does: a user message holding one
// KeyValuePair whose value is a Desc with only the changed instance (its own), through a TransmitLimitedQueue.
// Received broadcasts are merged but not re-broadcast (dskit re-broadcasts what changed its ring).

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang/snappy"
	"github.com/hashicorp/memberlist"
)

type ringOptions struct {
	key        string
	instanceID string
	address    string // the instance's address as registered (dskit: the service's gRPC address)
	zone       string
	tokens     int
	seed       int64
	state      uint64
	readOnly   bool
	// synthetic instances ("synthetic-0001"…), each with syntheticTokens tokens, zones zone-a/b/c.
	syntheticInstances int
	syntheticTokens    int
	heartbeatPeriod    time.Duration
	freezeHeartbeat    bool
	// broadcastKV: queue a KV broadcast of the own instance whenever its heartbeat changes (dskit's gossip).
	broadcastKV bool
	// retransmitMult is memberlist's RetransmitMult (startNode copies it from the memberlist config).
	retransmitMult int
	// partitionKey and partitionValue: a second key holding a partition ring (codec partitionRingDesc, snappy
	// protobuf, see partition_ring.go), sent as is in every full state; nil: none.
	partitionKey   string
	partitionValue []byte
}

type ringDelegate struct {
	options ringOptions
	meta    []byte
	logger  *log.Logger

	mu        sync.Mutex
	instances map[string]*instanceDesc
	frozen    bool
	// encoded caches LocalState's bytes until the ring changes.
	encoded []byte
	merges  uint64
	// mergeErrors counts remote states or messages that did not decode.
	mergeErrors uint64
	lastError   string
	// cached is the status of the instances as of generation (bumped on every ring change).
	generation       uint64
	cachedGeneration uint64
	cachedInstances  []ringInstanceStatus
	cachedDigest     string

	// broadcasts is the gossip queue of KV changes (used with options.broadcastKV); queued counts what was put
	// in it, transmitted how many times a message was handed to memberlist for a gossip packet.
	broadcasts  memberlist.TransmitLimitedQueue
	list        atomic.Pointer[memberlist.Memberlist]
	queued      atomic.Uint64
	transmitted atomic.Uint64

	stop chan struct{}
	done sync.WaitGroup
}

// kvBroadcast is one queued KV change: a marshalled KeyValuePair. A newer change of the same key invalidates an
// older one still queued, as each carries only the own instance (dskit: the newer covers the older's instances).
type kvBroadcast struct {
	key     string
	message []byte
}

func (b *kvBroadcast) Invalidates(other memberlist.Broadcast) bool {
	older, ok := other.(*kvBroadcast)
	return ok && older.key == b.key
}

func (b *kvBroadcast) Message() []byte { return b.message }

func (b *kvBroadcast) Finished() {}

func newRingDelegate(options ringOptions, meta []byte, logger *log.Logger) *ringDelegate {
	now := time.Now()
	seed := options.seed
	if seed == 0 {
		hash := fnv.New64a()
		hash.Write([]byte(options.instanceID))
		seed = int64(hash.Sum64())
	}
	random := rand.New(rand.NewSource(seed))
	used := map[uint32]bool{}
	d := &ringDelegate{
		options: options, meta: meta, logger: logger, instances: map[string]*instanceDesc{},
		frozen: options.freezeHeartbeat, stop: make(chan struct{}),
	}
	d.broadcasts.NumNodes = d.numNodes
	d.broadcasts.RetransmitMult = options.retransmitMult
	own := &instanceDesc{
		ID: options.instanceID, Addr: options.address, Zone: options.zone, State: options.state,
		Tokens: randomTokens(random, options.tokens, used), Timestamp: now.Unix(), RegisteredTimestamp: now.Unix(),
		ReadOnly: options.readOnly,
	}
	if options.readOnly {
		own.ReadOnlyUpdatedTimestamp = now.Unix()
	}
	d.instances[options.instanceID] = own
	zones := []string{"zone-a", "zone-b", "zone-c"}
	for i := 1; i <= options.syntheticInstances; i++ {
		id := fmt.Sprintf("synthetic-%04d", i)
		d.instances[id] = &instanceDesc{
			ID: id, Addr: fmt.Sprintf("127.1.%d.%d:9095", i/250, i%250+1), Zone: zones[(i-1)%len(zones)],
			Tokens: randomTokens(random, options.syntheticTokens, used), Timestamp: now.Unix(),
			RegisteredTimestamp: now.Unix(),
		}
	}
	d.done.Add(1)
	go d.heartbeat()
	return d
}

// randomTokens draws count distinct tokens (not in used), sorted as dskit keeps them.
func randomTokens(random *rand.Rand, count int, used map[uint32]bool) []uint32 {
	tokens := make([]uint32, 0, count)
	for len(tokens) < count {
		token := random.Uint32()
		if used[token] {
			continue
		}
		used[token] = true
		tokens = append(tokens, token)
	}
	sort.Slice(tokens, func(i, j int) bool { return tokens[i] < tokens[j] })
	return tokens
}

// attach gives the delegate its memberlist, whose member count scales the broadcasts' retransmits.
func (d *ringDelegate) attach(list *memberlist.Memberlist) { d.list.Store(list) }

// numNodes is the cluster size the broadcast queue scales retransmits by (1 before memberlist exists).
func (d *ringDelegate) numNodes() int {
	if list := d.list.Load(); list != nil {
		return list.NumMembers()
	}
	return 1
}

// heartbeat updates the own instance's timestamp (and the synthetic ones') every period unless frozen; with
// broadcastKV a changed own instance is queued for gossip.
func (d *ringDelegate) heartbeat() {
	defer d.done.Done()
	ticker := time.NewTicker(d.options.heartbeatPeriod)
	defer ticker.Stop()
	for {
		select {
		case <-d.stop:
			return
		case now := <-ticker.C:
			var change []byte
			d.mu.Lock()
			if !d.frozen {
				seconds := now.Unix()
				for id, instance := range d.instances {
					if id == d.options.instanceID || isSynthetic(id) && d.options.syntheticInstances > 0 {
						if instance.Timestamp != seconds {
							instance.Timestamp = seconds
							d.encoded = nil
							d.generation++
							if id == d.options.instanceID && d.options.broadcastKV {
								own := map[string]*instanceDesc{id: instance}
								pair := keyValuePair{Key: d.options.key, Codec: "ringDesc", Value: snappy.Encode(nil, marshalRing(own))}
								change = pair.marshal()
							}
						}
					}
				}
			}
			d.mu.Unlock()
			if change != nil {
				d.broadcasts.QueueBroadcast(&kvBroadcast{key: d.options.key, message: change})
				d.queued.Add(1)
			}
		}
	}
}

func isSynthetic(id string) bool { return len(id) > 10 && id[:10] == "synthetic-" }

// freeze stops (or restarts) heartbeats; SIGUSR1 toggles it.
func (d *ringDelegate) setFrozen(frozen bool) {
	d.mu.Lock()
	d.frozen = frozen
	d.mu.Unlock()
	d.logger.Printf("[INFO] ring: heartbeats frozen: %v", frozen)
}

func (d *ringDelegate) isFrozen() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.frozen
}

func (d *ringDelegate) close() {
	close(d.stop)
	d.done.Wait()
}

// memberlist.Delegate

func (d *ringDelegate) NodeMeta(limit int) []byte { return d.meta }

// NotifyMsg merges a broadcast KeyValuePair (dskit's user messages carry one each).
func (d *ringDelegate) NotifyMsg(message []byte) {
	pair, err := unmarshalPair(message)
	if err != nil {
		d.recordError(fmt.Errorf("user message: %v", err))
		return
	}
	d.mergePairs([]keyValuePair{pair})
}

// GetBroadcasts hands memberlist the queued KV changes for one gossip packet (none without broadcastKV).
func (d *ringDelegate) GetBroadcasts(overhead, limit int) [][]byte {
	if !d.options.broadcastKV {
		return nil
	}
	messages := d.broadcasts.GetBroadcasts(overhead, limit)
	d.transmitted.Add(uint64(len(messages)))
	return messages
}

// LocalState is the KV full state: one pair, the ring key.
func (d *ringDelegate) LocalState(join bool) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.encoded == nil {
		// update_time_millis stays 0: real dskit leaves it unset in the full state (spec captures).
		pairs := []keyValuePair{{Key: d.options.key, Codec: "ringDesc", Value: snappy.Encode(nil, marshalRing(d.instances))}}
		if d.options.partitionValue != nil {
			pairs = append(pairs, keyValuePair{Key: d.options.partitionKey, Codec: "partitionRingDesc", Value: d.options.partitionValue})
		}
		d.encoded = fullState(pairs)
	}
	return d.encoded
}

func (d *ringDelegate) MergeRemoteState(state []byte, join bool) {
	pairs, err := parseFullState(state)
	if err != nil {
		d.recordError(fmt.Errorf("remote state: %v", err))
	}
	d.mergePairs(pairs)
}

func (d *ringDelegate) recordError(err error) {
	d.mu.Lock()
	d.mergeErrors++
	d.lastError = err.Error()
	d.mu.Unlock()
	d.logger.Printf("[WARN] ring: %v", err)
}

// mergePairs merges the ring key's value into ours: an instance we lack is added, one we have is replaced
// when the remote heartbeat is newer; our own instance is ours alone. Other keys and codecs are ignored.
func (d *ringDelegate) mergePairs(pairs []keyValuePair) {
	for _, pair := range pairs {
		if pair.Key != d.options.key || pair.Codec != "ringDesc" || pair.Deleted {
			continue
		}
		remote, err := decodeRingValue(pair.Value)
		if err != nil {
			d.recordError(fmt.Errorf("key %q: %v", pair.Key, err))
			continue
		}
		d.mu.Lock()
		changed := false
		for id, instance := range remote {
			if id == d.options.instanceID {
				continue
			}
			if local, ok := d.instances[id]; !ok || instance.Timestamp > local.Timestamp {
				d.instances[id] = instance
				changed = true
			}
		}
		if changed {
			d.encoded = nil
			d.generation++
		}
		d.merges++
		d.mu.Unlock()
	}
}

// Status

type ringInstanceStatus struct {
	ID                       string   `json:"id"`
	Addr                     string   `json:"addr"`
	Zone                     string   `json:"zone"`
	State                    string   `json:"state"`
	TokenCount               int      `json:"token_count"`
	Tokens                   []uint32 `json:"tokens"` // all of them, except for synthetic instances: the first 8
	RegisteredTimestamp      int64    `json:"registered_timestamp"`
	HeartbeatTimestamp       int64    `json:"heartbeat_timestamp"`
	ReadOnly                 bool     `json:"read_only"`
	ReadOnlyUpdatedTimestamp int64    `json:"read_only_updated_timestamp"`
}

type ringStatus struct {
	Key             string `json:"key"`
	InstanceID      string `json:"instance_id"`
	HeartbeatFrozen bool   `json:"heartbeat_frozen"`
	Merges          uint64 `json:"merges"`
	MergeErrors     uint64 `json:"merge_errors"`
	LastMergeError  string `json:"last_merge_error"`
	// BroadcastsQueued counts KV changes queued for gossip (--broadcast-kv); BroadcastTransmissions how many
	// times one went into a gossip packet (a change goes out up to RetransmitMult × ceil(log10(nodes+1)) times).
	BroadcastsQueued       uint64               `json:"broadcasts_queued"`
	BroadcastTransmissions uint64               `json:"broadcast_transmissions"`
	Instances              []ringInstanceStatus `json:"instances"`
	// Digest is a digest of the instances (id, state, timestamps, tokens) for cheap comparisons of big rings.
	Digest string `json:"digest"`
}

func (d *ringDelegate) status() ringStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	status := ringStatus{
		Key: d.options.key, InstanceID: d.options.instanceID, HeartbeatFrozen: d.frozen, Merges: d.merges,
		MergeErrors: d.mergeErrors, LastMergeError: d.lastError,
		BroadcastsQueued: d.queued.Load(), BroadcastTransmissions: d.transmitted.Load(),
	}
	if d.cachedInstances == nil || d.cachedGeneration != d.generation {
		d.cachedInstances, d.cachedDigest = d.describeInstances()
		d.cachedGeneration = d.generation
	}
	status.Instances, status.Digest = d.cachedInstances, d.cachedDigest
	return status
}

// describeInstances lists the instances in id order with a digest of them; the caller holds mu.
func (d *ringDelegate) describeInstances() ([]ringInstanceStatus, string) {
	described := []ringInstanceStatus{}
	ids := make([]string, 0, len(d.instances))
	for id := range d.instances {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	digest := fnv.New64a()
	for _, id := range ids {
		instance := d.instances[id]
		tokens := instance.Tokens
		if isSynthetic(id) && len(tokens) > 8 {
			tokens = tokens[:8]
		}
		described = append(described, ringInstanceStatus{
			ID: id, Addr: instance.Addr, Zone: instance.Zone, State: instanceStateName(instance.State),
			TokenCount: len(instance.Tokens), Tokens: append([]uint32{}, tokens...),
			RegisteredTimestamp: instance.RegisteredTimestamp, HeartbeatTimestamp: instance.Timestamp,
			ReadOnly: instance.ReadOnly, ReadOnlyUpdatedTimestamp: instance.ReadOnlyUpdatedTimestamp,
		})
		fmt.Fprintf(digest, "%s|%d|%d|", id, instance.State, len(instance.Tokens))
		var word [4]byte
		for _, token := range instance.Tokens {
			binary.BigEndian.PutUint32(word[:], token)
			digest.Write(word[:])
		}
	}
	return described, fmt.Sprintf("%016x", digest.Sum64())
}
