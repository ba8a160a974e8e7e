/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-reader.h: the one bounded reader every protocol reads through.
 *
 * Lines end at LF; a CR right before it is removed too, so "a\r\n" and the
 * bare-LF "a\n" both read as "a" (a lone CR elsewhere stays in the line).
 * One read at a time (a second one fails with G_IO_ERROR_PENDING). A line
 * read that is cancelled loses nothing; any other failed read (timeout, too
 * long line, I/O error, an interrupted literal) leaves the reader failed and
 * every later read returns the same error: close the connection. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_READER (tidings_reader_get_type ())
G_DECLARE_FINAL_TYPE (TidingsReader, tidings_reader, TIDINGS, READER, GObject)

#define TIDINGS_READER_DEFAULT_MAX_LINE    (1024 * 1024)
#define TIDINGS_READER_DEFAULT_MAX_BYTES   (G_GUINT64_CONSTANT (64) * 1024 * 1024)
#define TIDINGS_READER_DEFAULT_MAX_STREAM  (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)
#define TIDINGS_READER_DEFAULT_TIMEOUT_MS  (120 * 1000)

/* Called with each piece of a streamed transfer, in order; return FALSE and
 * set @error to stop the transfer. */
typedef gboolean (*TidingsReaderChunkFunc) (const guint8  *data,
                                            gsize          len,
                                            gpointer       user_data,
                                            GError       **error);

TidingsReader *tidings_reader_new                   (GInputStream          *base,
                                                     const char            *host,
                                                     guint16                port);

void           tidings_reader_set_max_line_length   (TidingsReader         *self,
                                                     gsize                  max_line);
gsize          tidings_reader_get_max_line_length   (TidingsReader         *self);
void           tidings_reader_set_max_bytes         (TidingsReader         *self,
                                                     guint64                max_bytes);
guint64        tidings_reader_get_max_bytes         (TidingsReader         *self);
void           tidings_reader_set_max_stream_bytes  (TidingsReader         *self,
                                                     guint64                max_bytes);
guint64        tidings_reader_get_max_stream_bytes  (TidingsReader         *self);
/* Inactivity timeout for each wait on the network; 0 = none. Change it
 * between reads, e.g. longer while in IMAP IDLE. */
void           tidings_reader_set_timeout           (TidingsReader         *self,
                                                     guint                  timeout_ms);
guint          tidings_reader_get_timeout           (TidingsReader         *self);
/* Bytes received (after decompression) but not read yet. */
gsize          tidings_reader_get_buffered          (TidingsReader         *self);
/* Bytes taken from the network (before decompression) so far. */
guint64        tidings_reader_get_raw_bytes_read    (TidingsReader         *self);

/* A line without its line end, NUL-terminated (it may contain NUL bytes:
 * trust @length). Longer than the maximum: TIDINGS_NET_ERROR_LINE_TOO_LONG. */
void           tidings_reader_read_line_async       (TidingsReader         *self,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
char          *tidings_reader_read_line_finish      (TidingsReader         *self,
                                                     GAsyncResult          *result,
                                                     gsize                 *length,
                                                     GError               **error);

/* Exactly @count bytes into memory. @count over max-bytes fails with
 * TIDINGS_NET_ERROR_TOO_BIG before anything is allocated or read (the
 * caller may then skip the bytes with read_to_stream(NULL) or close). */
void           tidings_reader_read_bytes_async      (TidingsReader         *self,
                                                     guint64                count,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
GBytes        *tidings_reader_read_bytes_finish     (TidingsReader         *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);

/* Without waiting: a whole line (as read_line) if the reader already
 * holds one, else NULL with G_IO_ERROR_WOULD_BLOCK (nothing is consumed;
 * read it with read_line_async then). Same limit and errors as
 * read_line; a line too long fails the reader as read_line does. */
char          *tidings_reader_try_read_line         (TidingsReader         *self,
                                                     gsize                 *length,
                                                     GError               **error);
/* Without waiting: exactly @count bytes (as read_bytes) if the reader
 * already holds them all, else NULL with G_IO_ERROR_WOULD_BLOCK (nothing
 * is consumed). @count over max-bytes: TIDINGS_NET_ERROR_TOO_BIG. */
GBytes        *tidings_reader_try_read_bytes        (TidingsReader         *self,
                                                     guint64                count,
                                                     GError               **error);

/* Exactly @count bytes written to @sink piece by piece (NULL: discarded),
 * never held whole in memory. Limit: max-stream-bytes. */
void           tidings_reader_read_to_stream_async  (TidingsReader         *self,
                                                     guint64                count,
                                                     GOutputStream         *sink,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
gboolean       tidings_reader_read_to_stream_finish (TidingsReader         *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);

/* Exactly @count bytes handed to @func piece by piece. Limit: max-stream-bytes. */
void           tidings_reader_read_chunks_async     (TidingsReader         *self,
                                                     guint64                count,
                                                     TidingsReaderChunkFunc func,
                                                     gpointer               func_data,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
gboolean       tidings_reader_read_chunks_finish    (TidingsReader         *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);

G_END_DECLS
