// snappy's C API (block format), as dskit's KV codec and grafana/memberlist's Algo 1 use it.
#ifndef RINGCTL_CSNAPPY_SHIM_H
#define RINGCTL_CSNAPPY_SHIM_H
#include <snappy-c.h>
#endif
