package main

import (
	"bytes"
	"compress/lzw"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"reflect"

	"github.com/hashicorp/go-msgpack/codec"
)

// Peeling a recorded payload in Go gives the test an independent account of what the bytes hold: the layers
// (encryption version, nonce, CRC, compression) and every message with its fields as go-msgpack decodes them into
// structs with memberlist's field names. The Swift decoder must reach the same account from the same bytes.

// describedMessage is one message, flattened in depth-first order (a compound before its parts, a compress
// before its contents), with its fields as JSON-friendly values ([]byte as hex, nil as null).
type describedMessage struct {
	Type    string                 `json:"type"`
	Fields  map[string]interface{} `json:"fields,omitempty"`
	Payload *string                `json:"payload_hex,omitempty"` // user messages
}

type layers struct {
	EncryptionVersion int    `json:"encryption_version"` // -1: not encrypted
	Nonce             string `json:"nonce_hex,omitempty"`
	CRC               bool   `json:"crc"`
	Compressed        bool   `json:"compressed"` // streams: the whole message is inside a compress
}

var msgpackHandle = &codec.MsgpackHandle{}

func fieldsOf(value interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	v := reflect.ValueOf(value).Elem()
	for i := 0; i < v.NumField(); i++ {
		field := v.Field(i)
		name := v.Type().Field(i).Name
		if field.Kind() == reflect.Slice && field.Type().Elem().Kind() == reflect.Uint8 {
			if field.IsNil() {
				out[name] = nil
			} else {
				out[name] = hex.EncodeToString(field.Bytes())
			}
			continue
		}
		out[name] = field.Interface()
	}
	return out
}

func decodeBody(body []byte, out interface{}) error {
	return codec.NewDecoder(bytes.NewReader(body), msgpackHandle).Decode(out)
}

func decrypt(key, payload, additionalData []byte) ([]byte, int, string, error) {
	if len(payload) < 1+12+16 {
		return nil, 0, "", fmt.Errorf("encrypted payload too short: %d bytes", len(payload))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, 0, "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, 0, "", err
	}
	version := int(payload[0])
	nonce := payload[1:13]
	plain, err := gcm.Open(nil, nonce, payload[13:], additionalData)
	if err != nil {
		return nil, 0, "", err
	}
	if version == 0 {
		padding := int(plain[len(plain)-1])
		plain = plain[:len(plain)-padding]
	}
	return plain, version, hex.EncodeToString(nonce), nil
}

func lzwDecompress(compressed []byte) ([]byte, error) {
	reader := lzw.NewReader(bytes.NewReader(compressed), lzw.LSB, 8)
	defer reader.Close()
	return io.ReadAll(reader)
}

// describePacket peels a UDP payload: encryption, CRC, then the message tree.
func describePacket(payload []byte, key []byte) (layers, []describedMessage, error) {
	l := layers{EncryptionVersion: -1}
	if len(key) > 0 {
		plain, version, nonce, err := decrypt(key, payload, nil)
		if err != nil {
			return l, nil, err
		}
		payload, l.EncryptionVersion, l.Nonce = plain, version, nonce
	}
	if len(payload) >= 5 && payload[0] == typeHasCRC {
		if crc32.ChecksumIEEE(payload[5:]) != binary.BigEndian.Uint32(payload[1:5]) {
			return l, nil, fmt.Errorf("CRC mismatch")
		}
		l.CRC = true
		payload = payload[5:]
	}
	var messages []describedMessage
	err := describeMessage(payload, &messages)
	return l, messages, err
}

func describeMessage(message []byte, out *[]describedMessage) error {
	if len(message) == 0 {
		return fmt.Errorf("empty message")
	}
	kind, body := message[0], message[1:]
	var value interface{}
	switch kind {
	case typePing:
		value = &pingBody{}
	case typeIndirectPing:
		value = &indirectPingBody{}
	case typeAck:
		value = &ackBody{}
	case typeNack:
		value = &nackBody{}
	case typeSuspect:
		value = &suspectBody{}
	case typeAlive:
		value = &aliveBody{}
	case typeDead:
		value = &deadBody{}
	case typeErr:
		value = &errBody{}
	case typeUser:
		payload := hex.EncodeToString(body)
		*out = append(*out, describedMessage{Type: "user", Payload: &payload})
		return nil
	case typeCompound:
		*out = append(*out, describedMessage{Type: "compound"})
		if len(body) < 1 {
			return fmt.Errorf("compound without count")
		}
		count := int(body[0])
		rest := body[1:]
		if len(rest) < 2*count {
			return fmt.Errorf("compound lengths truncated")
		}
		lengths := make([]int, count)
		for i := range lengths {
			lengths[i] = int(binary.BigEndian.Uint16(rest[2*i:]))
		}
		rest = rest[2*count:]
		for _, length := range lengths {
			if len(rest) < length {
				return fmt.Errorf("compound part truncated")
			}
			if err := describeMessage(rest[:length], out); err != nil {
				return err
			}
			rest = rest[length:]
		}
		return nil
	case typeCompress:
		var compressed compressBody
		if err := decodeBody(body, &compressed); err != nil {
			return err
		}
		*out = append(*out, describedMessage{Type: "compress", Fields: map[string]interface{}{"Algo": compressed.Algo}})
		plain, err := lzwDecompress(compressed.Buf)
		if err != nil {
			return err
		}
		return describeMessage(plain, out)
	default:
		return fmt.Errorf("unexpected message type %d in a packet", kind)
	}
	if err := decodeBody(body, value); err != nil {
		return fmt.Errorf("%s: %v", typeName(kind), err)
	}
	*out = append(*out, describedMessage{Type: typeName(kind), Fields: fieldsOf(value)})
	return nil
}

// describedStream is one direction of a stream connection.
type describedStream struct {
	Type      string                   `json:"type"`
	Fields    map[string]interface{}   `json:"fields,omitempty"` // ping, ack, err; push/pull header; user header
	Nodes     []map[string]interface{} `json:"nodes,omitempty"`  // push/pull node states
	UserBytes *string                  `json:"user_hex,omitempty"`
}

// describeStream peels one direction of a stream: encryption (additional data = type byte and length),
// compression, then the message.
func describeStream(stream []byte, key []byte) (layers, describedStream, error) {
	l := layers{EncryptionVersion: -1}
	var d describedStream
	if len(stream) == 0 {
		return l, d, fmt.Errorf("empty stream")
	}
	if stream[0] == typeEncrypt {
		if len(stream) < 5 {
			return l, d, fmt.Errorf("encrypted stream header truncated")
		}
		length := int(binary.BigEndian.Uint32(stream[1:5]))
		if len(stream) != 5+length {
			return l, d, fmt.Errorf("encrypted stream is %d bytes, header says %d", len(stream)-5, length)
		}
		plain, version, nonce, err := decrypt(key, stream[5:], stream[:5])
		if err != nil {
			return l, d, err
		}
		stream, l.EncryptionVersion, l.Nonce = plain, version, nonce
	}
	reader := bytes.NewReader(stream[1:])
	kind := stream[0]
	decoder := codec.NewDecoder(reader, msgpackHandle)
	if kind == typeCompress {
		var compressed compressBody
		if err := decoder.Decode(&compressed); err != nil {
			return l, d, err
		}
		if reader.Len() != 0 {
			return l, d, fmt.Errorf("%d bytes after the compressed stream message", reader.Len())
		}
		plain, err := lzwDecompress(compressed.Buf)
		if err != nil {
			return l, d, err
		}
		l.Compressed = true
		kind = plain[0]
		reader = bytes.NewReader(plain[1:])
		decoder = codec.NewDecoder(reader, msgpackHandle)
	}
	d.Type = typeName(kind)
	var value interface{}
	switch kind {
	case typePushPull:
		var header pushPullHeaderBody
		if err := decoder.Decode(&header); err != nil {
			return l, d, err
		}
		d.Fields = fieldsOf(&header)
		d.Nodes = []map[string]interface{}{}
		for i := 0; i < header.Nodes; i++ {
			var node pushNodeStateBody
			if err := decoder.Decode(&node); err != nil {
				return l, d, err
			}
			d.Nodes = append(d.Nodes, fieldsOf(&node))
		}
		user := make([]byte, header.UserStateLen)
		if _, err := io.ReadFull(reader, user); err != nil {
			return l, d, err
		}
		text := hex.EncodeToString(user)
		d.UserBytes = &text
	case typeUser:
		var header userMsgHeaderBody
		if err := decoder.Decode(&header); err != nil {
			return l, d, err
		}
		d.Fields = fieldsOf(&header)
		user := make([]byte, header.UserMsgLen)
		if _, err := io.ReadFull(reader, user); err != nil {
			return l, d, err
		}
		text := hex.EncodeToString(user)
		d.UserBytes = &text
	case typePing:
		value = &pingBody{}
	case typeAck:
		value = &ackBody{}
	case typeErr:
		value = &errBody{}
	default:
		return l, d, fmt.Errorf("unexpected stream message type %d", kind)
	}
	if value != nil {
		if err := decoder.Decode(value); err != nil {
			return l, d, err
		}
		d.Fields = fieldsOf(value)
	}
	if reader.Len() != 0 {
		return l, d, fmt.Errorf("%d bytes after the %s stream message", reader.Len(), d.Type)
	}
	return l, d, nil
}
