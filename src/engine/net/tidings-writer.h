/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-writer.h: ordered, all-or-error writes to the server.
 *
 * Writes are queued and go out in the order they were asked for; each
 * completes on its own. A write that fails half-way (timeout, I/O error,
 * cancelled after some bytes went out) fails the writer: every later write
 * fails too, since the server has seen half a command. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_WRITER (tidings_writer_get_type ())
G_DECLARE_FINAL_TYPE (TidingsWriter, tidings_writer, TIDINGS, WRITER, GObject)

typedef enum
{
  TIDINGS_WRITE_NONE      = 0,
  /* A password or SASL response: never logged, and refused with
   * TIDINGS_NET_ERROR_INSECURE on a connection that should have been
   * encrypted but is not (STARTTLS not done yet). */
  TIDINGS_WRITE_SENSITIVE = 1 << 0,
} TidingsWriteFlags;

#define TIDINGS_WRITER_DEFAULT_TIMEOUT_MS (120 * 1000)

TidingsWriter *tidings_writer_new                (GOutputStream       *base,
                                                  const char          *host,
                                                  guint16              port);
/* Inactivity timeout for each wait on the network; 0 = none. */
void           tidings_writer_set_timeout        (TidingsWriter       *self,
                                                  guint                timeout_ms);
guint          tidings_writer_get_timeout        (TidingsWriter       *self);
/* Bytes handed to the network (after compression) so far. */
guint64        tidings_writer_get_raw_bytes_written (TidingsWriter    *self);

/* Copies @data; completes when all of it was written. */
void           tidings_writer_write_async        (TidingsWriter       *self,
                                                  const void          *data,
                                                  gsize                len,
                                                  TidingsWriteFlags    flags,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* Keeps a reference to @bytes instead of copying. */
void           tidings_writer_write_bytes_async  (TidingsWriter       *self,
                                                  GBytes              *bytes,
                                                  TidingsWriteFlags    flags,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       tidings_writer_write_finish       (TidingsWriter       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Sends @count bytes of @source (-1: until its end) in pieces, e.g. a big
 * message for APPEND. Fewer than @count bytes in @source is an error. */
void           tidings_writer_write_stream_async (TidingsWriter       *self,
                                                  GInputStream        *source,
                                                  gint64               count,
                                                  TidingsWriteFlags    flags,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       tidings_writer_write_stream_finish (TidingsWriter      *self,
                                                   GAsyncResult       *result,
                                                   guint64            *written,
                                                   GError            **error);

G_END_DECLS
