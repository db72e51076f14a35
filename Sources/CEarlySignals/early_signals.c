// SIGINT and SIGTERM are blocked from the moment the executable is loaded (a constructor runs before Swift's
// main), so a signal that arrives while the runtime starts and the arguments are parsed waits for ringctl's own
// handler instead of killing the process half-way. main() installs the handler, then unblocks.
#include "early_signals.h"

#include <signal.h>

__attribute__((constructor)) static void ringctl_block_early_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, 0);
}

void ringctl_unblock_early_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &set, 0);
}
