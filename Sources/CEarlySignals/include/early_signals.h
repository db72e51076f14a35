#ifndef RINGCTL_EARLY_SIGNALS_H
#define RINGCTL_EARLY_SIGNALS_H

/// Unblocks SIGINT and SIGTERM again (blocked since the process was loaded), once handlers are installed: a
/// signal that arrived in between is delivered now, to the handler.
void ringctl_unblock_early_signals(void);

#endif
