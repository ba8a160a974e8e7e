/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "tidings-inflater-private.h"

#define RAW_SIZE (32 * 1024)  /* compressed bytes read per network read */

struct _TidingsInflater
{
  z_stream  z;
  guint8   *raw;      /* compressed bytes raw[start, end) wait for inflate */
  gsize     raw_size;
  gsize     start;
  gsize     end;
  gboolean  out_full; /* the last call filled its output: zlib may hold more */
  gboolean  ended;    /* end of the deflate stream */
  gboolean  raw_eof;  /* end of the input */
};

TidingsInflater *
tidings_inflater_new (const guint8 *initial,
                      gsize         len)
{
  TidingsInflater *self = g_new0 (TidingsInflater, 1);

  if (inflateInit2 (&self->z, -MAX_WBITS) != Z_OK)
    {
      g_free (self);
      return NULL;
    }
  self->raw_size = MAX ((gsize) RAW_SIZE, len);
  self->raw = g_malloc (self->raw_size);
  if (len > 0)
    memcpy (self->raw, initial, len);
  self->end = len;
  return self;
}

void
tidings_inflater_free (TidingsInflater *self)
{
  if (self == NULL)
    return;
  inflateEnd (&self->z);
  g_free (self->raw);
  g_free (self);
}

gssize
tidings_inflater_inflate (TidingsInflater *self,
                          guint8          *dest,
                          gsize            len)
{
  int ret;
  gsize produced;

  if (self->ended || (self->start == self->end && !self->out_full))
    return 0;

  self->z.next_in = self->raw + self->start;
  self->z.avail_in = self->end - self->start;
  self->z.next_out = dest;
  self->z.avail_out = MIN (len, (gsize) G_MAXUINT);
  ret = inflate (&self->z, Z_SYNC_FLUSH);
  self->start = self->end - self->z.avail_in;
  produced = MIN (len, (gsize) G_MAXUINT) - self->z.avail_out;
  self->out_full = (self->z.avail_out == 0);
  if (self->start == self->end)
    self->start = self->end = 0;

  if (ret == Z_STREAM_END)
    self->ended = TRUE;
  else if (ret != Z_OK && ret != Z_BUF_ERROR)
    return -1;
  return produced;
}

gboolean
tidings_inflater_at_end (TidingsInflater *self)
{
  return self->ended || (self->raw_eof && self->start == self->end && !self->out_full);
}

void
tidings_inflater_input_space (TidingsInflater  *self,
                              guint8          **space,
                              gsize            *len)
{
  /* With room to write, inflate consumes all its input, so the buffer is
   * normally empty here; keep any rest and read after it. */
  if (self->start > 0)
    {
      memmove (self->raw, self->raw + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }
  *space = self->raw + self->end;
  *len = self->raw_size - self->end;
}

void
tidings_inflater_input_added (TidingsInflater *self,
                              gsize            n)
{
  if (n == 0)
    self->raw_eof = TRUE;
  self->end += n;
}
