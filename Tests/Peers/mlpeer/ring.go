package main

// The dskit KV and ring formats, encoded by hand with protowire from ringctl's spec
// (/work/shared/spec/README.md, "grafana/dskit KV store" and "grafana/dskit ring"):
//
//	KeyValuePair  key 1 (string), value 2 (bytes), codec 3 (string), deleted 4 (bool), update_time_millis 5
//	full state    [u32 big-endian length][KeyValuePair]…
//	ringDesc      snappy block of Desc { map<string, InstanceDesc> ingesters = 1 }
//	InstanceDesc  addr 1, timestamp 2, state 3, tokens 6 (packed), zone 7, registered_timestamp 8, id 9,
//	              read_only_updated_timestamp 10, read_only 11, versions 12 (map<uint64, uint64>)

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/golang/snappy"
	"google.golang.org/protobuf/encoding/protowire"
)

// Instance states (ring.proto InstanceState).
var instanceStates = []string{"ACTIVE", "LEAVING", "PENDING", "JOINING", "LEFT"}

func parseInstanceState(text string) (uint64, error) {
	for value, name := range instanceStates {
		if strings.EqualFold(text, name) {
			return uint64(value), nil
		}
	}
	return 0, fmt.Errorf("unknown instance state %q: give ACTIVE, LEAVING, PENDING, JOINING or LEFT", text)
}

func instanceStateName(state uint64) string {
	if state < uint64(len(instanceStates)) {
		return instanceStates[state]
	}
	return fmt.Sprintf("STATE(%d)", state)
}

type instanceDesc struct {
	Addr                     string
	Timestamp                int64
	State                    uint64
	Tokens                   []uint32
	Zone                     string
	RegisteredTimestamp      int64
	ID                       string
	ReadOnlyUpdatedTimestamp int64
	ReadOnly                 bool
	Versions                 map[uint64]uint64
}

type keyValuePair struct {
	Key              string
	Value            []byte
	Codec            string
	Deleted          bool
	UpdateTimeMillis int64
}

// Encoding (proto3: default values are left out).

func appendStringField(b []byte, number protowire.Number, value string) []byte {
	if value == "" {
		return b
	}
	b = protowire.AppendTag(b, number, protowire.BytesType)
	return protowire.AppendString(b, value)
}

func appendVarintField(b []byte, number protowire.Number, value uint64) []byte {
	if value == 0 {
		return b
	}
	b = protowire.AppendTag(b, number, protowire.VarintType)
	return protowire.AppendVarint(b, value)
}

// appendPackedField appends a packed repeated uint32 field (proto3's default for repeated scalars); none when empty.
func appendPackedField(b []byte, number protowire.Number, values []uint32) []byte {
	if len(values) == 0 {
		return b
	}
	var packed []byte
	for _, value := range values {
		packed = protowire.AppendVarint(packed, uint64(value))
	}
	b = protowire.AppendTag(b, number, protowire.BytesType)
	return protowire.AppendBytes(b, packed)
}

func (d *instanceDesc) marshal() []byte {
	var b []byte
	b = appendStringField(b, 1, d.Addr)
	b = appendVarintField(b, 2, uint64(d.Timestamp))
	b = appendVarintField(b, 3, d.State)
	b = appendPackedField(b, 6, d.Tokens)
	b = appendStringField(b, 7, d.Zone)
	b = appendVarintField(b, 8, uint64(d.RegisteredTimestamp))
	b = appendStringField(b, 9, d.ID)
	b = appendVarintField(b, 10, uint64(d.ReadOnlyUpdatedTimestamp))
	if d.ReadOnly {
		b = appendVarintField(b, 11, 1)
	}
	keys := make([]uint64, 0, len(d.Versions))
	for key := range d.Versions {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, key := range keys {
		var entry []byte
		entry = protowire.AppendTag(entry, 1, protowire.VarintType)
		entry = protowire.AppendVarint(entry, key)
		entry = protowire.AppendTag(entry, 2, protowire.VarintType)
		entry = protowire.AppendVarint(entry, d.Versions[key])
		b = protowire.AppendTag(b, 12, protowire.BytesType)
		b = protowire.AppendBytes(b, entry)
	}
	return b
}

// marshalRing encodes Desc with its map entries in key order.
func marshalRing(instances map[string]*instanceDesc) []byte {
	keys := make([]string, 0, len(instances))
	for key := range instances {
		keys = append(keys, key)
	}
	return appendStringMapField(nil, 1, keys, func(key string) []byte { return instances[key].marshal() })
}

// appendStringMapField appends a map<string, message> field: one entry {key 1, value 2} per key, in key order.
func appendStringMapField(b []byte, number protowire.Number, keys []string, value func(string) []byte) []byte {
	sort.Strings(keys)
	for _, key := range keys {
		var entry []byte
		entry = protowire.AppendTag(entry, 1, protowire.BytesType)
		entry = protowire.AppendString(entry, key)
		entry = protowire.AppendTag(entry, 2, protowire.BytesType)
		entry = protowire.AppendBytes(entry, value(key))
		b = protowire.AppendTag(b, number, protowire.BytesType)
		b = protowire.AppendBytes(b, entry)
	}
	return b
}

func (p *keyValuePair) marshal() []byte {
	var b []byte
	b = appendStringField(b, 1, p.Key)
	if len(p.Value) > 0 {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, p.Value)
	}
	b = appendStringField(b, 3, p.Codec)
	if p.Deleted {
		b = appendVarintField(b, 4, 1)
	}
	b = appendVarintField(b, 5, uint64(p.UpdateTimeMillis))
	return b
}

// fullState is LocalState's format: each pair with its big-endian u32 length in front.
func fullState(pairs []keyValuePair) []byte {
	var b []byte
	for i := range pairs {
		encoded := pairs[i].marshal()
		b = binary.BigEndian.AppendUint32(b, uint32(len(encoded)))
		b = append(b, encoded...)
	}
	return b
}

// Decoding (bounds-checked by protowire; unknown fields are skipped).

// eachField calls visit for every field of message b; visit gets the field's value bytes (varint-decoded value
// for varints) and returns an error to stop.
func eachField(b []byte, what string, visit func(number protowire.Number, kind protowire.Type, varint uint64, bytes []byte) error) error {
	for len(b) > 0 {
		number, kind, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%s: bad tag: %v", what, protowire.ParseError(n))
		}
		b = b[n:]
		var varint uint64
		var value []byte
		switch kind {
		case protowire.VarintType:
			varint, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			value, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(number, kind, b)
		}
		if n < 0 {
			return fmt.Errorf("%s: field %d: %v", what, number, protowire.ParseError(n))
		}
		b = b[n:]
		if err := visit(number, kind, varint, value); err != nil {
			return err
		}
	}
	return nil
}

func unmarshalInstance(b []byte) (*instanceDesc, error) {
	d := &instanceDesc{}
	err := eachField(b, "InstanceDesc", func(number protowire.Number, kind protowire.Type, varint uint64, value []byte) error {
		switch {
		case number == 1 && kind == protowire.BytesType:
			d.Addr = string(value)
		case number == 2 && kind == protowire.VarintType:
			d.Timestamp = int64(varint)
		case number == 3 && kind == protowire.VarintType:
			d.State = varint
		case number == 6 && kind == protowire.BytesType:
			for len(value) > 0 {
				token, n := protowire.ConsumeVarint(value)
				if n < 0 {
					return fmt.Errorf("InstanceDesc: packed tokens: %v", protowire.ParseError(n))
				}
				d.Tokens = append(d.Tokens, uint32(token))
				value = value[n:]
			}
		case number == 6 && kind == protowire.VarintType:
			d.Tokens = append(d.Tokens, uint32(varint))
		case number == 7 && kind == protowire.BytesType:
			d.Zone = string(value)
		case number == 8 && kind == protowire.VarintType:
			d.RegisteredTimestamp = int64(varint)
		case number == 9 && kind == protowire.BytesType:
			d.ID = string(value)
		case number == 10 && kind == protowire.VarintType:
			d.ReadOnlyUpdatedTimestamp = int64(varint)
		case number == 11 && kind == protowire.VarintType:
			d.ReadOnly = varint != 0
		case number == 12 && kind == protowire.BytesType:
			var key, version uint64
			err := eachField(value, "InstanceDesc.versions", func(number protowire.Number, kind protowire.Type, varint uint64, _ []byte) error {
				if number == 1 {
					key = varint
				} else if number == 2 {
					version = varint
				}
				return nil
			})
			if err != nil {
				return err
			}
			if d.Versions == nil {
				d.Versions = map[uint64]uint64{}
			}
			d.Versions[key] = version
		}
		return nil
	})
	return d, err
}

func unmarshalRing(b []byte) (map[string]*instanceDesc, error) {
	instances := map[string]*instanceDesc{}
	err := eachField(b, "Desc", func(number protowire.Number, kind protowire.Type, _ uint64, entry []byte) error {
		if number != 1 || kind != protowire.BytesType {
			return nil
		}
		var key string
		var instance *instanceDesc
		err := eachField(entry, "Desc.ingesters entry", func(number protowire.Number, kind protowire.Type, _ uint64, value []byte) error {
			var err error
			if number == 1 && kind == protowire.BytesType {
				key = string(value)
			} else if number == 2 && kind == protowire.BytesType {
				instance, err = unmarshalInstance(value)
			}
			return err
		})
		if err != nil {
			return err
		}
		if instance == nil {
			instance = &instanceDesc{}
		}
		instances[key] = instance
		return nil
	})
	return instances, err
}

func unmarshalPair(b []byte) (keyValuePair, error) {
	var p keyValuePair
	err := eachField(b, "KeyValuePair", func(number protowire.Number, kind protowire.Type, varint uint64, value []byte) error {
		switch {
		case number == 1 && kind == protowire.BytesType:
			p.Key = string(value)
		case number == 2 && kind == protowire.BytesType:
			p.Value = append([]byte(nil), value...)
		case number == 3 && kind == protowire.BytesType:
			p.Codec = string(value)
		case number == 4 && kind == protowire.VarintType:
			p.Deleted = varint != 0
		case number == 5 && kind == protowire.VarintType:
			p.UpdateTimeMillis = int64(varint)
		}
		return nil
	})
	return p, err
}

func parseFullState(b []byte) ([]keyValuePair, error) {
	var pairs []keyValuePair
	for offset := 0; offset < len(b); {
		if len(b)-offset < 4 {
			return pairs, fmt.Errorf("KV full state: %d bytes left at offset %d, too few for a length", len(b)-offset, offset)
		}
		length := int(binary.BigEndian.Uint32(b[offset:]))
		offset += 4
		if length > len(b)-offset {
			return pairs, fmt.Errorf("KV full state: pair at offset %d claims %d bytes, only %d left", offset-4, length, len(b)-offset)
		}
		pair, err := unmarshalPair(b[offset : offset+length])
		if err != nil {
			return pairs, err
		}
		pairs = append(pairs, pair)
		offset += length
	}
	return pairs, nil
}

// maxRingValue caps a decompressed ring (memberlist's own cap on decompressed data is 2 × 20 MiB).
const maxRingValue = 40 << 20

func decodeRingValue(value []byte) (map[string]*instanceDesc, error) {
	length, err := snappy.DecodedLen(value)
	if err != nil {
		return nil, fmt.Errorf("ringDesc value: snappy: %v", err)
	}
	if length > maxRingValue {
		return nil, fmt.Errorf("ringDesc value: decompresses to %d bytes, over %d", length, maxRingValue)
	}
	decoded, err := snappy.Decode(nil, value)
	if err != nil {
		return nil, fmt.Errorf("ringDesc value: snappy: %v", err)
	}
	return unmarshalRing(decoded)
}
