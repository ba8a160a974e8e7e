/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reads that never wait: what is already buffered (or inflatable from
 * bytes already received), or G_IO_ERROR_WOULD_BLOCK. They let a protocol
 * take a whole burst of replies in one main-loop turn. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-net-private.h"
#include "tidings-reader-private.h"
#include "tidings-reader-state-private.h"

/* What op_start() would refuse. */
static gboolean
try_check (TidingsReader  *self,
           GError        **error)
{
  if (self->busy)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           "TidingsReader: another read is in progress");
      return FALSE;
    }
  if (self->failed)
    {
      g_propagate_error (error, g_error_copy (self->failed));
      return FALSE;
    }
  if (self->base == NULL)
    {
      g_propagate_error (error, tidings_net_error_closed (self->host, self->port));
      return FALSE;
    }
  return TRUE;
}

static void
would_block (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                       "TidingsReader: not enough data buffered");
}

/* With COMPRESS on, compressed bytes already received may hold more:
 * inflate them into the buffer (never reading the network). Returns the
 * bytes added, 0 if none, -1 (reader failed) on broken data. */
static gssize
try_inflate (TidingsReader *self,
             gsize          limit)
{
  gssize n;

  if (self->inflater == NULL || self->eof || tidings_inflater_at_end (self->inflater))
    return 0;
  if (!_tidings_reader_buffer_make_room (self, limit))
    return 0;
  n = tidings_inflater_inflate (self->inflater, self->buf + self->end,
                                MIN (self->buf_size - self->end, (gsize) MAX_READ));
  if (n < 0)
    {
      g_autoptr(GError) broken = _tidings_reader_broken_compression (self);

      tidings_reader_set_failed (self, broken);
      return -1;
    }
  self->end += n;
  return n;
}

/**
 * tidings_reader_try_read_line:
 * @length: (out) (optional): the line's length
 *
 * Returns: (transfer full) (nullable): the next line if it is buffered
 * whole; NULL with G_IO_ERROR_WOULD_BLOCK if not (nothing consumed), or
 * with the error read_line would give.
 */
char *
tidings_reader_try_read_line (TidingsReader  *self,
                              gsize          *length,
                              GError        **error)
{
  gsize limit;
  gsize scanned = 0;

  g_return_val_if_fail (TIDINGS_IS_READER (self), NULL);

  if (length)
    *length = 0;
  if (!try_check (self, error))
    return NULL;
  limit = self->max_line + 2;
  for (;;)
    {
      gsize avail = self->end - self->start;
      const guint8 *lf = NULL;
      gssize n;

      if (scanned < avail)
        lf = memchr (self->buf + self->start + scanned, '\n', avail - scanned);
      if (lf)
        {
          gsize len = 0;
          char *line = _tidings_reader_take_line (self, lf, &len);

          if (line == NULL)
            break;
          if (length)
            *length = len;
          return line;
        }
      scanned = avail;
      if (avail >= limit)
        break;
      n = try_inflate (self, limit);
      if (n < 0)
        {
          g_propagate_error (error, g_error_copy (self->failed));
          return NULL;
        }
      if (n == 0)
        {
          would_block (error);
          return NULL;
        }
      /* buffer_make_room() may have moved the data: scan again from 0. */
      scanned = 0;
    }

  {
    GError *too_long = _tidings_reader_line_too_long (self);

    tidings_reader_set_failed (self, too_long);
    g_propagate_error (error, too_long);
  }
  return NULL;
}

/**
 * tidings_reader_try_read_bytes:
 *
 * Returns: (transfer full) (nullable): @count bytes if all are buffered;
 * NULL with G_IO_ERROR_WOULD_BLOCK if not (nothing consumed), or with the
 * error read_bytes would give.
 */
GBytes *
tidings_reader_try_read_bytes (TidingsReader  *self,
                               guint64         count,
                               GError        **error)
{
  GBytes *bytes;

  g_return_val_if_fail (TIDINGS_IS_READER (self), NULL);

  if (count > self->max_bytes)
    {
      g_set_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG,
                   _("%s:%u announced %" G_GUINT64_FORMAT " bytes, more than the limit of %"
                     G_GUINT64_FORMAT "."),
                   self->host, self->port, count, self->max_bytes);
      return NULL;
    }
  if (!try_check (self, error))
    return NULL;
  while ((guint64) (self->end - self->start) < count)
    {
      /* Only what fits in the buffer is worth inflating ahead. */
      gssize n = count <= BUF_MIN ? try_inflate (self, BUF_MIN) : 0;

      if (n < 0)
        {
          g_propagate_error (error, g_error_copy (self->failed));
          return NULL;
        }
      if (n == 0)
        {
          would_block (error);
          return NULL;
        }
    }
  bytes = g_bytes_new (self->buf + self->start, (gsize) count);
  self->start += (gsize) count;
  tidings_net_log (self->host, self->port, "S: <%" G_GSIZE_FORMAT " bytes>", (gsize) count);
  return bytes;
}
