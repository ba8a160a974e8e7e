/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeSink: a write-only GMimeStream that keeps at most `limit`
 * bytes. When full it fails the write, which stops GMime's copy loops, so
 * decoding a huge part to read its first kilobytes costs only those bytes. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "tidings-mime-sink-private.h"

struct _TidingsMimeSink
{
  GMimeStream parent_instance;

  GByteArray *data;
  gsize limit;
  gboolean truncated;
};

G_DEFINE_FINAL_TYPE (TidingsMimeSink, tidings_mime_sink, GMIME_TYPE_STREAM)

static ssize_t
tidings_mime_sink_read (GMimeStream *stream,
                        char        *buf,
                        size_t       len)
{
  errno = EBADF;
  return -1;
}

static ssize_t
tidings_mime_sink_write (GMimeStream *stream,
                         const char  *buf,
                         size_t       len)
{
  TidingsMimeSink *self = (TidingsMimeSink *) stream;
  gsize room = self->limit - self->data->len;

  if (len > room)
    {
      g_byte_array_append (self->data, (const guint8 *) buf, (guint) room);
      stream->position += room;
      self->truncated = TRUE;
      errno = ENOSPC;
      return -1;
    }

  g_byte_array_append (self->data, (const guint8 *) buf, (guint) len);
  stream->position += len;
  return (ssize_t) len;
}

static int
tidings_mime_sink_flush (GMimeStream *stream)
{
  return 0;
}

static int
tidings_mime_sink_close (GMimeStream *stream)
{
  return 0;
}

static gboolean
tidings_mime_sink_eos (GMimeStream *stream)
{
  return TRUE;
}

static int
tidings_mime_sink_reset (GMimeStream *stream)
{
  errno = EINVAL;
  return -1;
}

static gint64
tidings_mime_sink_seek (GMimeStream     *stream,
                        gint64           offset,
                        GMimeSeekWhence  whence)
{
  errno = EINVAL;
  return -1;
}

static gint64
tidings_mime_sink_tell (GMimeStream *stream)
{
  return stream->position;
}

static gint64
tidings_mime_sink_length (GMimeStream *stream)
{
  return (gint64) ((TidingsMimeSink *) stream)->data->len;
}

static GMimeStream *
tidings_mime_sink_substream (GMimeStream *stream,
                             gint64       start,
                             gint64       end)
{
  return NULL;
}

static void
tidings_mime_sink_finalize (GObject *object)
{
  TidingsMimeSink *self = (TidingsMimeSink *) object;

  g_clear_pointer (&self->data, g_byte_array_unref);

  G_OBJECT_CLASS (tidings_mime_sink_parent_class)->finalize (object);
}

static void
tidings_mime_sink_class_init (TidingsMimeSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GMimeStreamClass *stream_class = GMIME_STREAM_CLASS (klass);

  object_class->finalize = tidings_mime_sink_finalize;

  stream_class->read = tidings_mime_sink_read;
  stream_class->write = tidings_mime_sink_write;
  stream_class->flush = tidings_mime_sink_flush;
  stream_class->close = tidings_mime_sink_close;
  stream_class->eos = tidings_mime_sink_eos;
  stream_class->reset = tidings_mime_sink_reset;
  stream_class->seek = tidings_mime_sink_seek;
  stream_class->tell = tidings_mime_sink_tell;
  stream_class->length = tidings_mime_sink_length;
  stream_class->substream = tidings_mime_sink_substream;
}

static void
tidings_mime_sink_init (TidingsMimeSink *self)
{
  self->data = g_byte_array_new ();
}

GMimeStream *
tidings_mime_sink_new (gsize limit)
{
  TidingsMimeSink *self = g_object_new (TIDINGS_TYPE_MIME_SINK, NULL);

  /* GByteArray lengths are guint. */
  self->limit = MIN (limit, (gsize) G_MAXUINT - 1);
  g_mime_stream_construct (GMIME_STREAM (self), 0, -1);

  return GMIME_STREAM (self);
}

gboolean
tidings_mime_sink_get_truncated (TidingsMimeSink *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_SINK (self), FALSE);
  return self->truncated;
}

gsize
tidings_mime_sink_get_size (TidingsMimeSink *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_SINK (self), 0);
  return self->data->len;
}

const char *
tidings_mime_sink_get_data (TidingsMimeSink *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_SINK (self), NULL);
  /* Never NULL, even when nothing was written. */
  return self->data->data ? (const char *) self->data->data : "";
}

/* The sink is empty afterwards. */
GBytes *
tidings_mime_sink_steal_bytes (TidingsMimeSink *self)
{
  GByteArray *data;

  g_return_val_if_fail (TIDINGS_IS_MIME_SINK (self), NULL);

  data = g_steal_pointer (&self->data);
  self->data = g_byte_array_new ();

  return g_byte_array_free_to_bytes (data);
}
