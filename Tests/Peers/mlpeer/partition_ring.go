package main

// A dskit partition ring (codec "partitionRingDesc"), encoded by hand with protowire from the field numbers of
// dskit's ring/partition_ring_desc.proto, so the peer can hold one beside its ring and ringctl reads bytes that
// its own encoder did not write:
//
//	PartitionRingDesc  partitions 1 (map<int32, PartitionDesc>), owners 2 (map<string, OwnerDesc>)
//	PartitionDesc      tokens 1 (packed uint32), state 2, stateTimestamp 3, id 4, stateChangeLocked 5,
//	                   stateChangeLockedTimestamp 6
//	OwnerDesc          ownedPartition 1, state 2, updatedTimestamp 3
//	PartitionState     UNKNOWN 0, PENDING 1, ACTIVE 2, INACTIVE 3, DELETED 4; OwnerState UNKNOWN 0, ACTIVE 1, DELETED 2

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"

	"github.com/golang/snappy"
	"google.golang.org/protobuf/encoding/protowire"
)

var partitionStates = map[string]uint64{"UNKNOWN": 0, "PENDING": 1, "ACTIVE": 2, "INACTIVE": 3, "DELETED": 4}
var ownerStates = map[string]uint64{"UNKNOWN": 0, "ACTIVE": 1, "DELETED": 2}

type partitionDesc struct {
	id             int32
	tokens         []uint32
	state          uint64
	stateTimestamp int64
	locked         bool
}

type ownerDesc struct {
	partition int32
	state     uint64
	updated   int64
}

// parsePartitionRing reads --partitions "0=ACTIVE,1=PENDING[:locked]" and --partition-owners
// "ingester-0=0,ingester-1=1:DELETED" into a snappy-compressed PartitionRingDesc; each partition gets
// tokensEach distinct random tokens (sorted), every timestamp is now.
func parsePartitionRing(partitions, owners string, tokensEach int, seed int64, now int64) ([]byte, error) {
	random := rand.New(rand.NewSource(seed))
	used := map[uint32]bool{}
	parsed := map[int32]*partitionDesc{}
	for _, item := range splitList(partitions) {
		idText, stateText, _ := strings.Cut(item, "=")
		stateText, lock, _ := strings.Cut(stateText, ":")
		id, err := strconv.ParseInt(idText, 10, 32)
		state, known := partitionStates[strings.ToUpper(stateText)]
		if err != nil || !known || (lock != "" && lock != "locked") {
			return nil, fmt.Errorf("--partitions %q: give ID=PENDING|ACTIVE|INACTIVE|DELETED[:locked], comma-separated", item)
		}
		parsed[int32(id)] = &partitionDesc{
			id: int32(id), tokens: randomTokens(random, tokensEach, used), state: state, stateTimestamp: now,
			locked: lock == "locked",
		}
	}
	parsedOwners := map[string]*ownerDesc{}
	for _, item := range splitList(owners) {
		id, rest, _ := strings.Cut(item, "=")
		partitionText, stateText, _ := strings.Cut(rest, ":")
		if stateText == "" {
			stateText = "ACTIVE"
		}
		partition, err := strconv.ParseInt(partitionText, 10, 32)
		state, known := ownerStates[strings.ToUpper(stateText)]
		if id == "" || err != nil || !known {
			return nil, fmt.Errorf("--partition-owners %q: give OWNER=PARTITION[:ACTIVE|DELETED], comma-separated", item)
		}
		parsedOwners[id] = &ownerDesc{partition: int32(partition), state: state, updated: now}
	}
	return snappy.Encode(nil, marshalPartitionRing(parsed, parsedOwners)), nil
}

func splitList(text string) []string {
	var items []string
	for _, item := range strings.Split(text, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

func (p *partitionDesc) marshal() []byte {
	b := appendPackedField(nil, 1, p.tokens)
	b = appendVarintField(b, 2, p.state)
	b = appendVarintField(b, 3, uint64(p.stateTimestamp))
	// int32 is sign-extended to 64 bits on the wire, as Go's protobuf writes a negative id.
	b = appendVarintField(b, 4, uint64(int64(p.id)))
	if p.locked {
		b = appendVarintField(b, 5, 1)
		b = appendVarintField(b, 6, uint64(p.stateTimestamp))
	}
	return b
}

func (o *ownerDesc) marshal() []byte {
	var b []byte
	b = appendVarintField(b, 1, uint64(int64(o.partition)))
	b = appendVarintField(b, 2, o.state)
	b = appendVarintField(b, 3, uint64(o.updated))
	return b
}

// marshalPartitionRing encodes PartitionRingDesc with its map entries in key order.
func marshalPartitionRing(partitions map[int32]*partitionDesc, owners map[string]*ownerDesc) []byte {
	var b []byte
	ids := make([]int32, 0, len(partitions))
	for id := range partitions {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		var entry []byte
		// A map entry writes its key even when it is 0, as Go's protobuf does.
		entry = protowire.AppendTag(entry, 1, protowire.VarintType)
		entry = protowire.AppendVarint(entry, uint64(int64(id)))
		entry = protowire.AppendTag(entry, 2, protowire.BytesType)
		entry = protowire.AppendBytes(entry, partitions[id].marshal())
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, entry)
	}
	names := make([]string, 0, len(owners))
	for name := range owners {
		names = append(names, name)
	}
	return appendStringMapField(b, 2, names, func(name string) []byte { return owners[name].marshal() })
}
