package main

import (
	"os"
	"reflect"
	"testing"
)

// TestDecodesRealDskitState reads the KV full state at the end of a push/pull that real dskit nodes exchanged
// (Tests/DskitKVTests/Fixtures/dskit-captures, see /work/shared/spec/captures/README.md: UserStateLen 2085).
func TestDecodesRealDskitState(t *testing.T) {
	capture, err := os.ReadFile("../../DskitKVTests/Fixtures/dskit-captures/pushpull-join-nolabel.c2s.bin")
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := parseFullState(capture[len(capture)-2085:])
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 || pairs[0].Key != "ring" || pairs[0].Codec != "ringDesc" {
		t.Fatalf("pairs: %+v", pairs)
	}
	ring, err := decodeRingValue(pairs[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string]string{"peer-0": "zone-a", "peer-1": "zone-b", "peer-2": "zone-c"}
	if len(ring) != 3 {
		t.Fatalf("%d instances", len(ring))
	}
	for id, zone := range zones {
		instance := ring[id]
		if instance == nil || instance.Zone != zone || len(instance.Tokens) != 128 || instance.Timestamp == 0 ||
			instance.RegisteredTimestamp == 0 {
			t.Errorf("%s: %+v", id, instance)
		}
	}
	// What we encode decodes back to the same instances.
	again, err := unmarshalRing(marshalRing(ring))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, ring) {
		t.Errorf("round trip changed the ring")
	}
}
