// mlpeer is a real hashicorp/memberlist 0.2.2 peer for ringctl's interop tests.
//
// It is built from Debian's Go packages in GOPATH mode (see build.sh) and has subcommands, so that later tests can
// add more ways to run a real peer without a second program:
//
//	mlpeer vectors --out DIR   run real memberlist nodes behind recording proxies and write every payload they
//	                           exchange (one .bin per packet or stream direction, with a .json sidecar)
//	mlpeer serve [flags]       run one real memberlist node until killed, printing "READY 127.0.0.1:PORT" and
//	                           writing its member list and what its delegate received to a status file;
//	                           with --transport dskit it is a dskit-shaped node: dskit's TCP-only framing,
//	                           cluster label, optional TLS, and a KV delegate holding a ring (see
//	                           dskit_transport.go, kv_delegate.go, ring.go); --http 127.0.0.1:PORT also
//	                           serves the status JSON over HTTP (printing "HTTP 127.0.0.1:PORT" before READY)
//
// Everything listens on 127.0.0.1 only.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "vectors":
		err = runVectors(os.Args[2:])
	case "serve":
		err = runServe(os.Args[2:])
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "mlpeer: unknown subcommand %q\n", os.Args[1])
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mlpeer: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: mlpeer vectors --out DIR [--verbose]")
	fmt.Fprintln(os.Stderr, "       mlpeer serve --status FILE [--name N] [--key HEX] [--protocol V] [--compression]")
	fmt.Fprintln(os.Stderr, "                    [--meta TEXT] [--user-state TEXT] [--join HOST:PORT] [--verbose]")
	fmt.Fprintln(os.Stderr, "                    [--transport standard|dskit] [--label L] [--skip-label-verification]")
	fmt.Fprintln(os.Stderr, "                    [--tls-cert F --tls-key F [--tls-ca F] [--tls-server-name N]]")
	fmt.Fprintln(os.Stderr, "                    [--ring-key K] [--instance-id ID] [--zone Z] [--role member|bridge] [--tokens N]")
	fmt.Fprintln(os.Stderr, "                    [--seed S] [--state ACTIVE|LEAVING|PENDING|JOINING|LEFT] [--read-only]")
	fmt.Fprintln(os.Stderr, "                    [--heartbeat-period D] [--freeze-heartbeat] [--broadcast-kv] [--synthetic-ring NxT]")
	fmt.Fprintln(os.Stderr, "                    [--partitions ID=STATE,... [--partition-owners OWNER=ID[:STATE],...] [--partition-key K]]")
	fmt.Fprintln(os.Stderr, "                    [--http 127.0.0.1:PORT]")
	fmt.Fprintln(os.Stderr, "                    [--push-pull-interval D] [--gossip-interval D]  (serve -h lists all)")
	os.Exit(64)
}
