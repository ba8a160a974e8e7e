/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeStream: a read-only, seekable GMimeStream over a GBytes.
 *
 * GMime's parser keeps the content of each part as a substream of the
 * stream it parses when that stream can seek, so parsing over the caller's
 * GBytes copies no body bytes at all. Substreams share the GBytes and have
 * their own position, which makes independent readers safe. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "tidings-mime-stream-private.h"

struct _TidingsMimeStream
{
  GMimeStream parent_instance;

  GBytes *bytes;
};

G_DEFINE_FINAL_TYPE (TidingsMimeStream, tidings_mime_stream, GMIME_TYPE_STREAM)

static gint64
stream_end (GMimeStream *stream)
{
  TidingsMimeStream *self = (TidingsMimeStream *) stream;
  gint64 size = (gint64) g_bytes_get_size (self->bytes);

  if (stream->bound_end != -1 && stream->bound_end < size)
    return stream->bound_end;
  return size;
}

static ssize_t
tidings_mime_stream_read (GMimeStream *stream,
                          char        *buf,
                          size_t       len)
{
  TidingsMimeStream *self = (TidingsMimeStream *) stream;
  const guint8 *data = g_bytes_get_data (self->bytes, NULL);
  gint64 end = stream_end (stream);
  gint64 n;

  if (stream->position < stream->bound_start)
    {
      errno = EINVAL;
      return -1;
    }
  if (stream->position >= end)
    return 0;

  n = MIN ((gint64) len, end - stream->position);
  memcpy (buf, data + stream->position, (size_t) n);
  stream->position += n;

  return (ssize_t) n;
}

static ssize_t
tidings_mime_stream_write (GMimeStream *stream,
                           const char  *buf,
                           size_t       len)
{
  errno = EBADF;
  return -1;
}

static int
tidings_mime_stream_flush (GMimeStream *stream)
{
  return 0;
}

static int
tidings_mime_stream_close (GMimeStream *stream)
{
  return 0;
}

static gboolean
tidings_mime_stream_eos (GMimeStream *stream)
{
  return stream->position >= stream_end (stream);
}

static int
tidings_mime_stream_reset (GMimeStream *stream)
{
  stream->position = stream->bound_start;
  return 0;
}

/* Positions are absolute in the GBytes, as with GMime's own streams. */
static gint64
tidings_mime_stream_seek (GMimeStream     *stream,
                          gint64           offset,
                          GMimeSeekWhence  whence)
{
  gint64 end = stream_end (stream);
  gint64 real;

  switch (whence)
    {
    case GMIME_STREAM_SEEK_SET:
      real = offset;
      break;
    case GMIME_STREAM_SEEK_CUR:
      real = stream->position + offset;
      break;
    case GMIME_STREAM_SEEK_END:
      real = end + offset;
      break;
    default:
      errno = EINVAL;
      return -1;
    }

  if (real < stream->bound_start || real > end)
    {
      errno = EINVAL;
      return -1;
    }

  stream->position = real;
  return real;
}

static gint64
tidings_mime_stream_tell (GMimeStream *stream)
{
  return stream->position;
}

static gint64
tidings_mime_stream_length (GMimeStream *stream)
{
  return stream_end (stream) - stream->bound_start;
}

static GMimeStream *
tidings_mime_stream_substream (GMimeStream *stream,
                               gint64       start,
                               gint64       end)
{
  TidingsMimeStream *self = (TidingsMimeStream *) stream;
  TidingsMimeStream *sub = g_object_new (TIDINGS_TYPE_MIME_STREAM, NULL);

  sub->bytes = g_bytes_ref (self->bytes);
  g_mime_stream_construct (GMIME_STREAM (sub), start, end);

  return GMIME_STREAM (sub);
}

static void
tidings_mime_stream_finalize (GObject *object)
{
  TidingsMimeStream *self = (TidingsMimeStream *) object;

  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (tidings_mime_stream_parent_class)->finalize (object);
}

static void
tidings_mime_stream_class_init (TidingsMimeStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GMimeStreamClass *stream_class = GMIME_STREAM_CLASS (klass);

  object_class->finalize = tidings_mime_stream_finalize;

  stream_class->read = tidings_mime_stream_read;
  stream_class->write = tidings_mime_stream_write;
  stream_class->flush = tidings_mime_stream_flush;
  stream_class->close = tidings_mime_stream_close;
  stream_class->eos = tidings_mime_stream_eos;
  stream_class->reset = tidings_mime_stream_reset;
  stream_class->seek = tidings_mime_stream_seek;
  stream_class->tell = tidings_mime_stream_tell;
  stream_class->length = tidings_mime_stream_length;
  stream_class->substream = tidings_mime_stream_substream;
}

static void
tidings_mime_stream_init (TidingsMimeStream *self)
{
}

GMimeStream *
tidings_mime_stream_new (GBytes *bytes)
{
  TidingsMimeStream *self;

  g_return_val_if_fail (bytes != NULL, NULL);

  self = g_object_new (TIDINGS_TYPE_MIME_STREAM, NULL);
  self->bytes = g_bytes_ref (bytes);
  g_mime_stream_construct (GMIME_STREAM (self), 0, -1);

  return GMIME_STREAM (self);
}
