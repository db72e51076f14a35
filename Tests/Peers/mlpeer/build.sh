#!/bin/sh
# Builds mlpeer into Tests/Peers/bin/ from Debian's Go packages (GOPATH mode, no module proxy):
#   apt-get install golang-go golang-github-hashicorp-memberlist-dev golang-github-hashicorp-go-msgpack-dev \
#                   golang-github-golang-snappy-dev golang-google-protobuf-dev
# Its Go tests (decoding real dskit bytes): GOPATH=/usr/share/gocode GO111MODULE=off go test ./Tests/Peers/mlpeer
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../bin"
mkdir -p "$out"
cd "$here"
GOPATH=${GOPATH:-/usr/share/gocode} GO111MODULE=off GOFLAGS= GOCACHE=${GOCACHE:-${TMPDIR:-/tmp}/mlpeer-gocache} \
    go build -o "$out/mlpeer.tmp" .
mv "$out/mlpeer.tmp" "$out/mlpeer"
