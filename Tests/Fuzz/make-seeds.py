#!/usr/bin/env python3
"""Writes Tests/Fuzz/Corpus/<Target>/ (seed inputs) and Tests/Fuzz/Dictionaries/*.dict from the test fixtures.

Seeds are the committed test vectors cut into each target's input format:
  Tests/MemberlistWireTests/Fixtures/memberlist-0.2.2/*.hex  (bytes written by hashicorp/memberlist 0.2.2)
  Tests/MemberlistWireTests/Fixtures/dskit-captures/*.bin     (TCP captures between real dskit nodes)
Run from anywhere: python3 Tests/Fuzz/make-seeds.py. Output is deterministic; commit it.
"""
import hashlib
import os
import shutil
import struct

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(FUZZ))
WIRE = os.path.join(ROOT, "Tests/MemberlistWireTests/Fixtures")
CORPUS = os.path.join(FUZZ, "Corpus")
DICTS = os.path.join(FUZZ, "Dictionaries")


def read_hex(name):
    digits = []
    with open(os.path.join(WIRE, "memberlist-0.2.2", name + ".hex")) as f:
        for line in f:
            digits.append(line.split("#", 1)[0].strip().replace(" ", ""))
    return bytes.fromhex("".join(digits))


def read_capture(name):
    with open(os.path.join(WIRE, "dskit-captures", name), "rb") as f:
        return f.read()


# --- tiny readers, enough to cut the fixtures apart ---------------------------------------------------------

def msgpack_str(data, pos):
    """(bytes, next position) of the str/bin at pos."""
    b = data[pos]
    if 0xA0 <= b <= 0xBF:
        n, pos = b & 0x1F, pos + 1
    elif b in (0xD9, 0xC4):
        n, pos = data[pos + 1], pos + 2
    elif b in (0xDA, 0xC5):
        n, pos = struct.unpack(">H", data[pos + 1:pos + 3])[0], pos + 3
    else:
        n, pos = struct.unpack(">I", data[pos + 1:pos + 5])[0], pos + 5
    return data[pos:pos + n], pos + n


def compress_buf(message):
    """The Buf of a [9][compress {Algo, Buf}] message."""
    i = message.index(b"\xa3Buf") + 4
    return msgpack_str(message, i)[0]


def protobuf_fields(data):
    """(field number, wire type, value) for each field; length-delimited values as bytes."""
    pos = 0
    while pos < len(data):
        key, pos = varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(data, pos)
        elif wire == 2:
            n, pos = varint(data, pos)
            value, pos = data[pos:pos + n], pos + n
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError("wire type %d" % wire)
        yield field, wire, value


def varint(data, pos):
    shift = value = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos


def snappy_uncompress(data):
    """Snappy block format, decoded plainly (seed preparation only)."""
    length, pos = varint(data, 0)
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            n = tag >> 2
            if n >= 60:
                extra = n - 59
                n = int.from_bytes(data[pos:pos + extra], "little")
                pos += extra
            n += 1
            out += data[pos:pos + n]
            pos += n
            continue
        if kind == 1:
            n = ((tag >> 2) & 7) + 4
            offset = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        for _ in range(n):
            out.append(out[-offset])
    assert len(out) == length
    return bytes(out)


def full_state_pairs(state):
    pos = 0
    while pos < len(state):
        n = struct.unpack(">I", state[pos:pos + 4])[0]
        yield state[pos + 4:pos + 4 + n]
        pos += 4 + n


def packet_parts(frame):
    """Sender address and memberlist packet of a dskit packet frame."""
    n = frame[1]
    return frame[2:2 + n], frame[2 + n:-16]


def compound_parts(message):
    count = message[1]
    lengths = struct.unpack(">%dH" % count, message[2:2 + 2 * count])
    pos = 2 + 2 * count
    for n in lengths:
        yield message[pos:pos + n]
        pos += n


def push_pull_user_state(stream):
    """The user state: the last UserStateLen bytes of a push/pull."""
    i = stream.index(b"\xacUserStateLen") + 13
    b = stream[i]
    if b < 0x80:
        n = b
    elif b in (0xCC, 0xD0):
        n = stream[i + 1]
    elif b in (0xCD, 0xD1):
        n = struct.unpack(">H", stream[i + 1:i + 3])[0]
    else:
        n = struct.unpack(">I", stream[i + 1:i + 5])[0]
    return stream[-n:]


# --- seeds ------------------------------------------------------------------------------------------------

seeds = {t: [] for t in ["FuzzMsgpackMessages", "FuzzFraming", "FuzzLZW", "FuzzPushPull", "FuzzDskitFrames",
                         "FuzzKVRing", "FuzzPartitionRing"]}

vectors = {name: read_hex(name) for name in [
    "ack-empty-payload", "alive-meta", "compound-ping-alive", "crc-ping", "dead-leave", "encrypt-v0-ping",
    "encrypt-v1-ping", "lzw-alive", "lzw-memberlist-ring-x64", "ping-with-source", "ping", "push-node-state",
    "push-pull-header", "suspect"]}
captures = {name: read_capture(name + ".bin") for name in [
    "packet-ack.c2s", "packet-compound-alive-kv.c2s", "pushpull-join-nolabel.c2s", "pushpull-join-nolabel.s2c",
    "pushpull-periodic-label.c2s", "pushpull-periodic-label.s2c"]}

label = b"\xf4\x0brealcluster"
packet_messages = [v for k, v in vectors.items() if k not in ("push-node-state", "push-pull-header")]
for name in ["packet-ack.c2s", "packet-compound-alive-kv.c2s"]:
    payload = packet_parts(captures[name])[1]
    packet_messages.append(payload[5:] if payload[0] == 0x0C else payload)
compound = packet_messages[-1]
parts = list(compound_parts(compound))
user_payloads = [p[1:] for p in parts if p[0] == 8]

# Messages: every packet message (its type byte doubles as the body selector for types 0...5), compound parts,
# the bodies the message layer never reaches alone behind their selectors, a user message, nested compress.
seeds["FuzzMsgpackMessages"] += packet_messages + parts
seeds["FuzzMsgpackMessages"] += [b"\x07" + vectors["push-node-state"], b"\x06" + vectors["push-pull-header"][1:],
                                 b"\x08\x81\xaaUserMsgLen\x03", b"\x09" + vectors["lzw-alive"][1:],
                                 b"\x08hello", b"\x2a\x01\x02"]
# Framing: packets with and without CRC and label; a compound with a compressed part.
seeds["FuzzFraming"] += packet_messages + [label + m for m in packet_messages[:6]]
seeds["FuzzFraming"] += [packet_parts(captures[n])[1] for n in ["packet-ack.c2s", "packet-compound-alive-kv.c2s"]]
lzw_alive = vectors["lzw-alive"]
seeds["FuzzFraming"].append(b"\x07\x02" + struct.pack(">HH", len(lzw_alive), len(vectors["ping"]))
                            + lzw_alive + vectors["ping"])
# LZW: the compressed buffers, and the plain texts they hold.
seeds["FuzzLZW"] += [compress_buf(vectors["lzw-alive"]), compress_buf(vectors["lzw-memberlist-ring-x64"]),
                     vectors["alive-meta"], b"memberlist-ring-" * 4, b""]
# Streams: [selector][stream]; selector bit 0 = listener, bit 1 = expected label "realcluster".
for name, selector in [("pushpull-join-nolabel.c2s", 0), ("pushpull-periodic-label.c2s", 2)]:
    seeds["FuzzPushPull"].append(bytes([selector]) + captures[name][1:])
for name, selector in [("pushpull-join-nolabel.s2c", 1), ("pushpull-periodic-label.s2c", 3)]:
    seeds["FuzzPushPull"].append(bytes([selector]) + captures[name])
seeds["FuzzPushPull"] += [b"\x00" + vectors["ping"], b"\x01" + vectors["ack-empty-payload"],
                          b"\x00\x08\x81\xaaUserMsgLen\x03abc", b"\x00" + vectors["push-pull-header"]
                          + vectors["push-node-state"] + b"hello",
                          b"\x00" + label + vectors["lzw-alive"][:0] + vectors["ping"]]
# dskit frames: the captures as written, and the replies.
seeds["FuzzDskitFrames"] += list(captures.values())
# KV + ring: [selector][bytes]; 0 full state, 1 KeyValuePair, 2 ringDesc value, 3 ring.Desc protobuf,
# 4 node metadata, 5 beacons protobuf, 6 beacons codec value, 7 ring JSON.
states = [push_pull_user_state(captures[n]) for n in captures if n.startswith("pushpull")]
pairs = [p for s in states for p in full_state_pairs(s)] + user_payloads
values = []
for pair in pairs:
    fields = {f: v for f, _, v in protobuf_fields(pair)}
    if fields.get(3) == b"ringDesc":
        values.append(fields[2])
seeds["FuzzKVRing"] += [b"\x00" + s for s in states[:2]] + [b"\x01" + p for p in pairs[:6]]
seeds["FuzzKVRing"] += [b"\x02" + v for v in values[:4]] + [b"\x03" + snappy_uncompress(v) for v in values[:4]]
seeds["FuzzKVRing"] += [b"\x04\x01\x01\x06zone-a", b"\x04\x01\x02\x00", b"\x04\x01\x01\x10" + b"z" * 16]
beacon = b"\x08\xe8\x07\x10\x00\x1a\x06peer-0"             # published_at 1000, deleted_at 0, published_by
beacons = b"\x0a" + bytes([len(beacon) + 4]) + b"\x08\x2a\x12" + bytes([len(beacon)]) + beacon
seeds["FuzzKVRing"] += [b"\x05" + beacons, b"\x05"]
# 7: the JSON forms of a ring (viewKey, the /ring page, kv get output).
ring_json = [
    b'{"ingesters":{"a":{"addr":"10.0.0.1:9095","timestamp":1767225600,"state":3,"tokens":[5,1],"zone":"z",'
    b'"registered_timestamp":1767225500,"read_only":true,"versions":{"1":42}},"b":{"timestamp":1}}}',
    b'{"shards":[{"id":"a","state":"UNHEALTHY","address":"10.0.0.1:9095","timestamp":"2026-01-01T00:00:00Z",'
    b'"registered_timestamp":"0001-01-01T00:00:00Z","read_only":false,'
    b'"read_only_updated_timestamp":"0001-01-01T00:00:00Z","zone":"z","tokens":[7,9]}],'
    b'"now":"2026-01-01T01:00:05.5+01:00"}',
    b'{"key":"ring","codec":"ringDesc","value":{"ingesters":{"a":{"state":"PENDING","tokens":[3]}}}}',
]
seeds["FuzzKVRing"] += [b"\x07" + j for j in ring_json]
# Partition rings: [selector][bytes]; even: PartitionRingDesc protobuf, odd: the codec value (snappy). The
# hand-written vector, a partition with a lock and a DELETED owner, two partitions sharing a token.
with open(os.path.join(ROOT, "Tests/DskitKVTests/Fixtures/partition-ring/one-partition-one-owner.hex")) as f:
    partition_vector = bytes.fromhex("".join(l.split("#", 1)[0].strip().replace(" ", "") for l in f))
locked = b"\x0a\x03\x0a\x01\x07\x10\x03\x18\x05\x20\x02\x28\x01\x30\x06"    # id 2 INACTIVE locked
partition_ring = (b"\x0a" + bytes([len(locked) + 4]) + b"\x08\x02\x12" + bytes([len(locked)]) + locked
                  + b"\x12\x0b\x0a\x01b\x12\x06\x08\x02\x10\x02\x18\x09")
shared = (b"\x0a\x0b\x08\x00\x12\x07\x0a\x01\x05\x10\x02\x18\x01"
          + b"\x0a\x0b\x08\x01\x12\x07\x0a\x01\x05\x10\x01\x18\x01")
seeds["FuzzPartitionRing"] += [b"\x00" + partition_vector, b"\x00" + partition_ring, b"\x00" + shared, b"\x00"]
seeds["FuzzPartitionRing"] += [b"\x01" + bytes([len(partition_vector)]) + b"\x00" + partition_vector]

if os.path.isdir(CORPUS):
    shutil.rmtree(CORPUS)
for target, inputs in seeds.items():
    os.makedirs(os.path.join(CORPUS, target))
    for data in dict.fromkeys(inputs):  # unique, in order
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(CORPUS, target, name), "wb") as f:
            f.write(data)

# --- dictionaries -----------------------------------------------------------------------------------------

def entry(data):
    return '"' + "".join(chr(b) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else "\\x%02X" % b
                         for b in data) + '"'


go_keys = ["SeqNo", "Node", "SourceAddr", "SourcePort", "SourceNode", "Target", "Port", "Nack", "Incarnation",
           "From", "Addr", "Meta", "Vsn", "Name", "State", "Join", "Nodes", "UserStateLen", "UserMsgLen",
           "Payload", "Error", "Algo", "Buf"]
memberlist = [bytes([0xA0 | len(k)]) + k.encode() for k in go_keys]
memberlist += [bytes([t]) for t in list(range(14)) + [0xF4]]                     # message types, hasLabel
memberlist += [b"\xf4\x0brealcluster", b"\x0c", b"\x07\x02", b"\x09\x82", b"\x0a\x00\x00\x00"]
memberlist += [bytes([b]) for b in [0xC0, 0xC2, 0xC3, 0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD9, 0xDA,
                                    0xDB, 0xC4, 0xC5, 0xC6, 0xDC, 0xDD, 0xDE, 0xDF, 0x80, 0x90]]
memberlist += [b"\x01\x05\x02\x00\x00\x00", b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x7f\x00\x00\x01",
               b"\x00\x01", b"\x01\x00"]
dskit = [b"\x01", b"\x02", b"\x0f127.0.0.1:17946", b"ringDesc", b"\x1a\x08ringDesc", b"propagationDelayTracker",
         b"partitionRingDesc", b"\x1a\x11partitionRingDesc", b"collectors/ingester-partitions",
         b"\x0a\x04ring", b"collectors/ring", b"\x01\x01\x06zone-a", b"\x01\x02\x00"]
protobuf = [b"\x0a", b"\x12", b"\x1a", b"\x20\x01", b"\x28", b"\x10", b"\x18", b"\x32", b"\x3a", b"\x40", b"\x4a",
            b"\x50", b"\x58\x01", b"\x62", b"\xff\xff\xff\xff\x0f", b"\x00\x00\x00"]
lzw = [b"\x00\x01", b"\x01\x02", b"\x00\x02", b"\xff\xff", b"\x00\x00", b"memberlist"]
dictionaries = {
    "memberlist.dict": memberlist,
    "dskit-frames.dict": memberlist + dskit,
    "kv.dict": dskit + protobuf,
    "lzw.dict": lzw,
}
os.makedirs(DICTS, exist_ok=True)
for name, entries in dictionaries.items():
    with open(os.path.join(DICTS, name), "w") as f:
        f.write("# Generated by Tests/Fuzz/make-seeds.py: libFuzzer -dict= entries.\n")
        for data in dict.fromkeys(entries):
            f.write(entry(data) + "\n")
for target in seeds:
    print(target, len(os.listdir(os.path.join(CORPUS, target))), "seeds")
