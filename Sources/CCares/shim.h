// c-ares for Swift: the headers, plus the function-like macros Swift cannot import.
#ifndef RINGCTL_CCARES_SHIM_H
#define RINGCTL_CCARES_SHIM_H

#include <ares.h>
#include <ares_nameser.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static inline int CCares_getsockReadable(int bits, int index) {
    return ARES_GETSOCK_READABLE(bits, index) ? 1 : 0;
}

static inline int CCares_getsockWritable(int bits, int index) {
    return ARES_GETSOCK_WRITABLE(bits, index) ? 1 : 0;
}

static inline int CCares_getsockMaxNum(void) { return ARES_GETSOCK_MAXNUM; }

static inline ares_socket_t CCares_socketBad(void) { return ARES_SOCKET_BAD; }

#endif
