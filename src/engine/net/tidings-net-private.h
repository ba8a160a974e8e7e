/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-net-private.h: helpers shared inside the net module only. */
#pragma once

#include <gio/gio.h>

#include "tidings-net-error.h"

G_BEGIN_DECLS

/* One guard per I/O operation: the cancellable handed to GIO is cancelled
 * either by the caller's cancellable or by an inactivity timer, and the
 * timed_out flag tells the two apart afterwards. */
typedef struct
{
  GCancellable *cancellable;
  GCancellable *user;
  gulong        user_handler;
  GSource      *timer;
  GMainContext *context;
  guint         timeout_ms;
  gboolean      timed_out;
} TidingsNetGuard;

void      tidings_net_guard_init    (TidingsNetGuard *guard,
                                     GCancellable    *user,
                                     GMainContext    *context,
                                     guint            timeout_ms);
void      tidings_net_guard_arm     (TidingsNetGuard *guard);
void      tidings_net_guard_disarm  (TidingsNetGuard *guard);
void      tidings_net_guard_clear   (TidingsNetGuard *guard);

/* Turns a GIO/GResolver/GTls error into a TIDINGS_NET_ERROR that names the
 * host; cancellation stays G_IO_ERROR_CANCELLED unless the guard timed out. */
GError   *tidings_net_error_from_io (const GError    *error,
                                     const char      *host,
                                     guint16          port,
                                     gboolean         timed_out);
GError   *tidings_net_error_closed  (const char      *host,
                                     guint16          port);

/* Protocol logging, switched on by TIDINGS_DEBUG=net (or =all). */
gboolean  tidings_net_debug_enabled (void);
void      tidings_net_debug_set_enabled (gboolean enabled);
void      tidings_net_log_data      (const char      *host,
                                     guint16          port,
                                     gboolean         outgoing,
                                     const guint8    *data,
                                     gsize            len,
                                     gboolean         sensitive);
void      tidings_net_log           (const char      *host,
                                     guint16          port,
                                     const char      *format,
                                     ...) G_GNUC_PRINTF (3, 4);
/* One line as it would be logged: secrets of LOGIN, AUTHENTICATE, AUTH,
 * PASS and APOP replaced with "****", control bytes escaped, long lines cut. */
char     *tidings_net_redact_line   (const guint8    *line,
                                     gsize            len);

/* "ab:cd:..." lowercase SHA-256 of DER bytes. */
char     *tidings_net_fingerprint_sha256   (const guint8 *der,
                                            gsize         len);
/* 64 lowercase hex digits, or NULL if @pin is not a SHA-256 fingerprint. */
char     *tidings_net_normalize_fingerprint (const char  *pin);

G_END_DECLS
