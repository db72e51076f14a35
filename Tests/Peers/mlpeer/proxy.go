package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// A recordingProxy stands in front of one memberlist node: the node advertises the proxy's port, so every packet
// and stream sent to the node passes through here and is recorded unchanged before it is forwarded.
type recordingProxy struct {
	name     string
	port     int
	target   int // the node's bound port, set once the node exists
	tcp      *net.TCPListener
	udp      *net.UDPConn
	recorder *recorder
	dropUDP  atomic.Bool // drop packets to the node (to provoke indirect pings and TCP fallback probes)
	dropTCP  atomic.Bool // refuse streams to the node (with dropUDP: to provoke suspect and dead)
	wg       sync.WaitGroup
}

// newRecordingProxy listens on one port for both TCP and UDP, as memberlist needs.
func newRecordingProxy(name string, recorder *recorder) (*recordingProxy, error) {
	var lastErr error
	for attempt := 0; attempt < 20; attempt++ {
		tcp, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return nil, err
		}
		port := tcp.Addr().(*net.TCPAddr).Port
		udp, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
		if err != nil {
			tcp.Close()
			lastErr = err
			continue
		}
		return &recordingProxy{name: name, port: port, tcp: tcp, udp: udp, recorder: recorder}, nil
	}
	return nil, fmt.Errorf("no port free for both TCP and UDP: %v", lastErr)
}

func (p *recordingProxy) start() {
	p.wg.Add(2)
	go p.forwardPackets()
	go p.acceptStreams()
}

func (p *recordingProxy) close() {
	p.tcp.Close()
	p.udp.Close()
	p.wg.Wait()
}

func (p *recordingProxy) forwardPackets() {
	defer p.wg.Done()
	buffer := make([]byte, 65536)
	target := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p.target}
	for {
		n, from, err := p.udp.ReadFromUDP(buffer)
		if err != nil {
			return
		}
		payload := append([]byte(nil), buffer[:n]...)
		p.recorder.recordPacket(from.Port, p.name, payload)
		if p.dropUDP.Load() {
			continue
		}
		p.udp.WriteToUDP(payload, target)
	}
}

func (p *recordingProxy) acceptStreams() {
	defer p.wg.Done()
	for {
		client, err := p.tcp.AcceptTCP()
		if err != nil {
			return
		}
		if p.dropTCP.Load() {
			client.Close()
			continue
		}
		p.wg.Add(1)
		go p.relay(client)
	}
}

// relay copies both directions of one connection and records each direction once the connection has ended.
func (p *recordingProxy) relay(client *net.TCPConn) {
	defer p.wg.Done()
	defer client.Close()
	server, err := net.DialTCP("tcp", nil, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p.target})
	if err != nil {
		return
	}
	defer server.Close()
	var dialerBytes, listenerBytes bytes.Buffer
	var done sync.WaitGroup
	done.Add(2)
	go func() {
		defer done.Done()
		io.Copy(io.MultiWriter(server, &dialerBytes), client)
		server.CloseWrite()
	}()
	go func() {
		defer done.Done()
		io.Copy(io.MultiWriter(client, &listenerBytes), server)
		client.CloseWrite()
	}()
	done.Wait()
	p.recorder.recordStream(client.RemoteAddr().(*net.TCPAddr).Port, p.name, dialerBytes.Bytes(), listenerBytes.Bytes())
}
