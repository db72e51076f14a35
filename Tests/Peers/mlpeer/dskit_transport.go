package main

// dskitTransport is a memberlist.Transport with grafana/dskit's TCP-only framing, written from ringctl's
// spec (/work/shared/spec/README.md, "grafana/dskit TCP transport"):
//
//	packet: its own TCP connection  [1][addrLen][sender "ip:port"][payload][MD5(payload), 16 bytes]
//	stream: [2] then the memberlist stream protocol; the listener's reply carries no marker
//
// memberlist 0.2.2 knows nothing of cluster labels, so this transport adds the label header
// ([244][len][label]) in front of every outgoing packet payload (inside the MD5) and after the stream marker,
// and strips and checks it on what arrives. A missing or different label closes the connection without a
// reply, as a dskit node does. TLS, when configured, wraps every connection.

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

const (
	dskitPacketMarker = 1
	dskitStreamMarker = 2
	labelHeaderType   = 244
	// maxDskitPacket caps what one packet connection may carry (dskit sets no limit; memberlist's own limit
	// for a user message is 20 MiB).
	maxDskitPacket = 20<<20 + 1024
	// Defaults of dskit's transport: packet dial timeout 2 s, packet write timeout 5 s.
	dskitPacketDialTimeout  = 2 * time.Second
	dskitPacketWriteTimeout = 5 * time.Second
	// How long an incoming connection may take to send its marker, address or label.
	dskitHeaderTimeout = 5 * time.Second
)

// transportCounters are what the transport accepted and rejected; the status file shows them.
type transportCounters struct {
	PacketsReceived uint64 `json:"packets_received"`
	PacketsSent     uint64 `json:"packets_sent"`
	StreamsReceived uint64 `json:"streams_received"`
	StreamsOpened   uint64 `json:"streams_opened"`
	MD5Rejected     uint64 `json:"md5_rejected"`
	LabelRejected   uint64 `json:"label_rejected"`
	BadMarker       uint64 `json:"bad_marker"`
	BadPacket       uint64 `json:"bad_packet"`
}

type dskitTransportConfig struct {
	label                 string
	skipLabelVerification bool
	tls                   *tls.Config   // nil: plain TCP
	tlsServerName         string        // "": the dialed host
	streamDelay           time.Duration // held before memberlist sees an incoming stream (a slow node's join)
	logger                *log.Logger
}

type dskitTransport struct {
	config    dskitTransportConfig
	listener  net.Listener
	port      int
	packets   chan *memberlist.Packet
	streams   chan net.Conn
	shutdown  int32
	closed    chan struct{} // closed by Shutdown, so no handler blocks on a channel nobody reads any more
	waitGroup sync.WaitGroup

	packetsReceived, packetsSent, streamsReceived, streamsOpened uint64
	md5Rejected, labelRejected, badMarker, badPacket             uint64
}

func newDskitTransport(config dskitTransportConfig) (*dskitTransport, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("dskit transport: listen on 127.0.0.1: %v", err)
	}
	if config.tls != nil {
		listener = tls.NewListener(listener, config.tls)
	}
	if len(config.label) > 255 {
		listener.Close()
		return nil, fmt.Errorf("dskit transport: the cluster label is %d bytes; at most 255 fit its header", len(config.label))
	}
	t := &dskitTransport{
		config:   config,
		listener: listener,
		port:     listener.Addr().(*net.TCPAddr).Port,
		packets:  make(chan *memberlist.Packet, 256),
		streams:  make(chan net.Conn, 16),
		closed:   make(chan struct{}),
	}
	t.waitGroup.Add(1)
	go t.accept()
	return t, nil
}

func (t *dskitTransport) counters() transportCounters {
	return transportCounters{
		PacketsReceived: atomic.LoadUint64(&t.packetsReceived), PacketsSent: atomic.LoadUint64(&t.packetsSent),
		StreamsReceived: atomic.LoadUint64(&t.streamsReceived), StreamsOpened: atomic.LoadUint64(&t.streamsOpened),
		MD5Rejected: atomic.LoadUint64(&t.md5Rejected), LabelRejected: atomic.LoadUint64(&t.labelRejected),
		BadMarker: atomic.LoadUint64(&t.badMarker), BadPacket: atomic.LoadUint64(&t.badPacket),
	}
}

func (t *dskitTransport) advertised() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(t.port))
}

// FinalAdvertiseAddr: 127.0.0.1 and the bound port unless memberlist was given others.
func (t *dskitTransport) FinalAdvertiseAddr(ip string, port int) (net.IP, int, error) {
	address := net.ParseIP("127.0.0.1")
	if ip != "" {
		if address = net.ParseIP(ip); address == nil {
			return nil, 0, fmt.Errorf("dskit transport: advertise address %q is not an IP", ip)
		}
	}
	if port == 0 {
		port = t.port
	}
	return address, port, nil
}

func (t *dskitTransport) PacketCh() <-chan *memberlist.Packet { return t.packets }
func (t *dskitTransport) StreamCh() <-chan net.Conn           { return t.streams }

func (t *dskitTransport) labelHeader() []byte {
	if t.config.label == "" {
		return nil
	}
	return append([]byte{labelHeaderType, byte(len(t.config.label))}, t.config.label...)
}

func (t *dskitTransport) dial(address string, timeout time.Duration) (net.Conn, error) {
	dialer := &net.Dialer{Timeout: timeout}
	if t.config.tls == nil {
		return dialer.Dial("tcp", address)
	}
	config := t.config.tls.Clone()
	config.ServerName = t.config.tlsServerName
	if config.ServerName == "" {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		config.ServerName = host
	}
	return tls.DialWithDialer(dialer, "tcp", address, config)
}

// WriteTo sends one packet on its own connection and closes it.
func (t *dskitTransport) WriteTo(payload []byte, address string) (time.Time, error) {
	// As dskit's TCPTransport: a failed packet is logged and counted, and WriteTo still returns no error
	// (memberlist gives up a probe whose ping could not be sent instead of failing it, so a node whose port
	// is closed would never be suspected).
	conn, err := t.dial(address, dskitPacketDialTimeout)
	if err != nil {
		t.packetFailed(address, err)
		return time.Now(), nil
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(dskitPacketWriteTimeout))
	sender := t.advertised()
	body := append(t.labelHeader(), payload...)
	digest := md5.Sum(body)
	frame := make([]byte, 0, 2+len(sender)+len(body)+md5.Size)
	frame = append(frame, dskitPacketMarker, byte(len(sender)))
	frame = append(frame, sender...)
	frame = append(frame, body...)
	frame = append(frame, digest[:]...)
	if _, err := conn.Write(frame); err != nil {
		t.packetFailed(address, err)
		return time.Now(), nil
	}
	atomic.AddUint64(&t.packetsSent, 1)
	return time.Now(), nil
}

// packetFailed logs a packet that could not be sent, as dskit logs it.
func (t *dskitTransport) packetFailed(address string, err error) {
	log.Printf("[WARN] dskit transport: packet to %s: %v", address, err)
}

// DialTimeout opens a stream: marker, then the label header; memberlist writes the rest.
func (t *dskitTransport) DialTimeout(address string, timeout time.Duration) (net.Conn, error) {
	conn, err := t.dial(address, timeout)
	if err != nil {
		return nil, err
	}
	conn.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := conn.Write(append([]byte{dskitStreamMarker}, t.labelHeader()...)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("dskit transport: stream to %s: %v", address, err)
	}
	conn.SetWriteDeadline(time.Time{})
	atomic.AddUint64(&t.streamsOpened, 1)
	return conn, nil
}

func (t *dskitTransport) Shutdown() error {
	if !atomic.CompareAndSwapInt32(&t.shutdown, 0, 1) {
		return nil
	}
	close(t.closed)
	err := t.listener.Close()
	t.waitGroup.Wait()
	return err
}

func (t *dskitTransport) accept() {
	defer t.waitGroup.Done()
	for {
		conn, err := t.listener.Accept()
		if err != nil {
			if atomic.LoadInt32(&t.shutdown) == 1 {
				return
			}
			var netError net.Error
			if errors.As(err, &netError) && netError.Timeout() {
				continue
			}
			t.config.logger.Printf("[ERR] dskit transport: accept: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go t.handle(conn)
	}
}

// bufferedConn hands memberlist the bytes already buffered while reading the marker and label.
type bufferedConn struct {
	net.Conn
	reader *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.reader.Read(p) }

func (t *dskitTransport) handle(conn net.Conn) {
	remote := conn.RemoteAddr().String()
	conn.SetReadDeadline(time.Now().Add(dskitHeaderTimeout))
	reader := bufio.NewReader(conn)
	marker, err := reader.ReadByte()
	if err != nil {
		t.config.logger.Printf("[WARN] dskit transport: connection from %s: reading the marker: %v", remote, err)
		conn.Close()
		return
	}
	switch marker {
	case dskitPacketMarker:
		t.handlePacket(conn, reader, remote)
	case dskitStreamMarker:
		label, err := readLabel(reader)
		if err != nil {
			t.config.logger.Printf("[WARN] dskit transport: stream from %s: %v", remote, err)
			conn.Close()
			return
		}
		if !t.acceptsLabel(label, "stream", remote) {
			conn.Close()
			return
		}
		conn.SetReadDeadline(time.Time{})
		if t.config.streamDelay > 0 {
			time.Sleep(t.config.streamDelay)
		}
		atomic.AddUint64(&t.streamsReceived, 1)
		select {
		case t.streams <- &bufferedConn{Conn: conn, reader: reader}:
		case <-t.closed:
			conn.Close()
		}
	default:
		atomic.AddUint64(&t.badMarker, 1)
		t.config.logger.Printf("[WARN] dskit transport: connection from %s starts with %d, neither packet (1) nor stream (2); closing", remote, marker)
		conn.Close()
	}
}

// readLabel reads an optional label header ([244][len][label]) without consuming anything else.
func readLabel(reader *bufio.Reader) (*string, error) {
	first, err := reader.Peek(1)
	if err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the label header: %v", err)
	}
	if first[0] != labelHeaderType {
		return nil, nil
	}
	header, err := reader.Peek(2)
	if err != nil {
		return nil, fmt.Errorf("reading the label length: %v", err)
	}
	length := int(header[1])
	if length == 0 {
		return nil, fmt.Errorf("the label header has an empty label")
	}
	whole, err := reader.Peek(2 + length)
	if err != nil {
		return nil, fmt.Errorf("reading the %d-byte label: %v", length, err)
	}
	label := string(whole[2:])
	reader.Discard(2 + length)
	return &label, nil
}

// acceptsLabel says whether what arrived (nil: no label header) matches ours, logging and counting a rejection.
func (t *dskitTransport) acceptsLabel(label *string, what, remote string) bool {
	got := ""
	if label != nil {
		got = *label
	}
	if got == t.config.label || t.config.skipLabelVerification {
		return true
	}
	atomic.AddUint64(&t.labelRejected, 1)
	shown := "no label"
	if label != nil {
		shown = fmt.Sprintf("label %q", got)
	}
	t.config.logger.Printf("[WARN] dskit transport: discarding %s from %s with %s (ours: %q); closing without a reply", what, remote, shown, t.config.label)
	return false
}

func (t *dskitTransport) handlePacket(conn net.Conn, reader *bufio.Reader, remote string) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(dskitPacketWriteTimeout))
	addressLength, err := reader.ReadByte()
	if err != nil {
		atomic.AddUint64(&t.badPacket, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s: reading the address length: %v", remote, err)
		return
	}
	address := make([]byte, addressLength)
	if _, err := io.ReadFull(reader, address); err != nil {
		atomic.AddUint64(&t.badPacket, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s: reading the %d-byte sender address: %v", remote, addressLength, err)
		return
	}
	rest, err := io.ReadAll(io.LimitReader(reader, maxDskitPacket+1))
	if err != nil {
		atomic.AddUint64(&t.badPacket, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s: reading the payload: %v", remote, err)
		return
	}
	if len(rest) > maxDskitPacket {
		atomic.AddUint64(&t.badPacket, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s is over %d bytes; dropped", remote, maxDskitPacket)
		return
	}
	if len(rest) < md5.Size {
		atomic.AddUint64(&t.badPacket, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s has %d bytes after the address, fewer than the MD5 trailer; dropped", remote, len(rest))
		return
	}
	payload, trailer := rest[:len(rest)-md5.Size], rest[len(rest)-md5.Size:]
	if digest := md5.Sum(payload); !bytes.Equal(digest[:], trailer) {
		atomic.AddUint64(&t.md5Rejected, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s (sender %q): MD5 mismatch (got %x, computed %x); dropped", remote, address, trailer, digest)
		return
	}
	sender, err := net.ResolveTCPAddr("tcp", string(address))
	if err != nil {
		atomic.AddUint64(&t.badPacket, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s: sender address %q: %v; dropped", remote, address, err)
		return
	}
	labelReader := bufio.NewReader(bytes.NewReader(payload))
	label, err := readLabel(labelReader)
	if err != nil {
		atomic.AddUint64(&t.badPacket, 1)
		t.config.logger.Printf("[WARN] dskit transport: packet from %s: %v; dropped", remote, err)
		return
	}
	if !t.acceptsLabel(label, "packet", remote) {
		return
	}
	if label != nil {
		payload = payload[2+len(*label):]
	}
	atomic.AddUint64(&t.packetsReceived, 1)
	select {
	case t.packets <- &memberlist.Packet{Buf: payload, From: sender, Timestamp: time.Now()}:
	case <-t.closed:
	}
}

// loadTLS builds the transport's TLS configuration: the listener serves cert/key, dialing verifies peers
// with the CA and presents the same certificate (dskit uses one configuration for both sides).
func loadTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	certificate, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %v", err)
	}
	config := &tls.Config{Certificates: []tls.Certificate{certificate}, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := loadPool(caFile)
		if err != nil {
			return nil, err
		}
		config.RootCAs = pool
	}
	return config, nil
}

func loadPool(caFile string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("--tls-ca: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--tls-ca: %s holds no PEM certificate", caFile)
	}
	return pool, nil
}
