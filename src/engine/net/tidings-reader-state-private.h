/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-reader-state-private.h: TidingsReader's insides, shared by the
 * reads that wait (tidings-reader.c) and those that do not
 * (tidings-reader-try.c). Nothing outside these two files includes it. */
#pragma once

#include "tidings-reader.h"
#include "tidings-inflater-private.h"

G_BEGIN_DECLS

#define BUF_MIN      (64 * 1024)  /* the buffer never shrinks below this */
#define READ_MIN     (4 * 1024)   /* compact the buffer when less is free */
#define DIRECT_MIN   (32 * 1024)  /* big literal remainders skip the buffer */
#define MAX_READ     (1024 * 1024)

struct _TidingsReader
{
  GObject        parent_instance;

  GInputStream  *base;
  char          *host;
  guint16        port;

  /* Unread bytes are buf[start, end). */
  guint8        *buf;
  gsize          buf_size;
  gsize          start;
  gsize          end;

  gsize          max_line;
  guint64        max_bytes;
  guint64        max_stream;
  guint          timeout_ms;

  gboolean       busy;
  GCancellable  *current;    /* the pending read's own cancellable */
  gboolean       eof;
  GError        *failed;
  guint64        raw_read;

  /* COMPRESS=DEFLATE, once on. */
  TidingsInflater *inflater;
};

/* Room for more bytes at buf[end], growing the buffer up to @limit;
 * FALSE if there is none. */
gboolean  _tidings_reader_buffer_make_room   (TidingsReader *self,
                                              gsize          limit);
/* The error for a line over max-line. */
GError   *_tidings_reader_line_too_long      (TidingsReader *self);
/* The buffered line ending at @lf (its LF), without its line end. */
char     *_tidings_reader_take_line          (TidingsReader *self,
                                              const guint8  *lf,
                                              gsize         *out_len);
/* The error for broken COMPRESS data. */
GError   *_tidings_reader_broken_compression (TidingsReader *self);

G_END_DECLS
