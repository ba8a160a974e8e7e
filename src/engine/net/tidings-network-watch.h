/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-network-watch.h: "the network came back / went away", debounced,
 * for reconnect logic. A thin layer over GNetworkMonitor. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_NETWORK_WATCH (tidings_network_watch_get_type ())
G_DECLARE_FINAL_TYPE (TidingsNetworkWatch, tidings_network_watch, TIDINGS, NETWORK_WATCH, GObject)

#define TIDINGS_NETWORK_WATCH_DEFAULT_DEBOUNCE_MS 2000

/* @monitor: NULL for g_network_monitor_get_default(). Signals are emitted
 * in the thread-default main context of the caller of new().
 * Signal "changed" (gboolean available): emitted once the monitor's
 * answer has held for @debounce_ms and differs from the last one reported.
 * Property "available" (gboolean, read-only): the last reported state. */
TidingsNetworkWatch *tidings_network_watch_new           (GNetworkMonitor     *monitor,
                                                          guint                debounce_ms);
gboolean             tidings_network_watch_get_available (TidingsNetworkWatch *self);

G_END_DECLS
