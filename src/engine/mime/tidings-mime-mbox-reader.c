/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeMboxReader: a streaming mbox reader with bounded memory.
 *
 * It reads the stream through a fixed 64 KiB buffer in line segments (a
 * line longer than the buffer comes in several), so memory is the buffer
 * plus the current message, and a message over the size limit is skipped
 * (its entry carries an error) without being kept. Each entry tells the
 * file offsets of its From_ line and of its end, for progress and for
 * resuming an interrupted import.
 *
 * A From_ line starts a message when it begins the data, or follows a
 * blank line and holds a time of day (as every writer's date does). The
 * blank line before a From_ line belongs to the separator, not the
 * message. CRLF files work the same way. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-mime-mbox-reader.h"
#include "tidings-mime-mbox-private.h"
#include "tidings-mime-private.h"

#define BUFFER_SIZE (64 * 1024)
#define MAX_FROM_LINE 1024

struct _TidingsMimeMboxReader
{
  GObject parent_instance;

  GInputStream *stream;
  guint8 *buf;
  gsize start;              /* unread data is buf[start, end) */
  gsize end;
  goffset offset;           /* file offset of buf[start] */
  gboolean eof;

  TidingsMimeMboxFormat format;
  gsize max_message;

  gboolean at_start;        /* nothing read yet */
  GByteArray *from_line;    /* the From_ line of the next message, when read */
  goffset from_offset;
  gboolean have_from;
};

G_DEFINE_FINAL_TYPE (TidingsMimeMboxReader, tidings_mime_mbox_reader, G_TYPE_OBJECT)

static void
tidings_mime_mbox_reader_finalize (GObject *object)
{
  TidingsMimeMboxReader *self = (TidingsMimeMboxReader *) object;

  g_clear_object (&self->stream);
  g_clear_pointer (&self->buf, g_free);
  g_clear_pointer (&self->from_line, g_byte_array_unref);

  G_OBJECT_CLASS (tidings_mime_mbox_reader_parent_class)->finalize (object);
}

static void
tidings_mime_mbox_reader_class_init (TidingsMimeMboxReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_mime_mbox_reader_finalize;
}

static void
tidings_mime_mbox_reader_init (TidingsMimeMboxReader *self)
{
  self->buf = g_malloc (BUFFER_SIZE);
  self->from_line = g_byte_array_new ();
  self->max_message = TIDINGS_MIME_MBOX_DEFAULT_MAX_MESSAGE;
  self->at_start = TRUE;
}

/**
 * tidings_mime_mbox_reader_new:
 * @stream: the mbox data, positioned at the start or at a From_ line
 * @start_offset: the file offset @stream is at (0, or an entry's end
 *   offset when resuming), so that entries report file offsets
 */
TidingsMimeMboxReader *
tidings_mime_mbox_reader_new (GInputStream *stream,
                              goffset       start_offset)
{
  TidingsMimeMboxReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_object_new (TIDINGS_TYPE_MIME_MBOX_READER, NULL);
  self->stream = g_object_ref (stream);
  self->offset = start_offset;
  return self;
}

/**
 * tidings_mime_mbox_reader_new_for_file:
 * @resume_offset: 0, or the end offset of the last entry already imported
 */
TidingsMimeMboxReader *
tidings_mime_mbox_reader_new_for_file (GFile         *file,
                                       goffset        resume_offset,
                                       GCancellable  *cancellable,
                                       GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (resume_offset >= 0, NULL);

  stream = g_file_read (file, cancellable, &local_error);
  if (stream != NULL && resume_offset > 0 &&
      !g_seekable_seek (G_SEEKABLE (stream), resume_offset, G_SEEK_SET, cancellable, &local_error))
    g_clear_object (&stream);
  if (stream == NULL)
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_IO,
                   _("Could not read the mailbox file: %s"), local_error->message);
      return NULL;
    }

  return tidings_mime_mbox_reader_new (G_INPUT_STREAM (stream), resume_offset);
}

void
tidings_mime_mbox_reader_set_format (TidingsMimeMboxReader *self,
                                     TidingsMimeMboxFormat  format)
{
  g_return_if_fail (TIDINGS_IS_MIME_MBOX_READER (self));
  self->format = format;
}

/* Messages bigger than @max_size give an entry with
 * %TIDINGS_MIME_ERROR_TOO_LARGE instead of bytes. */
void
tidings_mime_mbox_reader_set_max_message_size (TidingsMimeMboxReader *self,
                                               gsize                  max_size)
{
  g_return_if_fail (TIDINGS_IS_MIME_MBOX_READER (self));
  self->max_message = CLAMP (max_size, 1, TIDINGS_MIME_MAX_MESSAGE_SIZE);
}

/* How far the reader has read, as a file offset (for progress). */
goffset
tidings_mime_mbox_reader_get_offset (TidingsMimeMboxReader *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MBOX_READER (self), 0);
  return self->offset;
}

typedef struct {
  const char *data;
  gsize len;
  goffset offset;
  gboolean complete;        /* ends with '\n' */
} Segment;

/* The next line, or the next BUFFER_SIZE bytes of a longer one. FALSE at
 * the end of the data (error unset) or on error. */
static gboolean
read_segment (TidingsMimeMboxReader  *self,
              Segment                *segment,
              GCancellable           *cancellable,
              GError                **error)
{
  for (;;)
    {
      const guint8 *nl = NULL;
      g_autoptr(GError) io_error = NULL;
      gssize n;

      if (self->end > self->start)
        nl = memchr (self->buf + self->start, '\n', self->end - self->start);
      if (nl != NULL || (self->eof && self->end > self->start) ||
          (self->start == 0 && self->end == BUFFER_SIZE))
        {
          gsize len = nl ? (gsize) (nl + 1 - (self->buf + self->start)) : self->end - self->start;

          segment->data = (const char *) self->buf + self->start;
          segment->len = len;
          segment->offset = self->offset;
          segment->complete = nl != NULL;
          self->start += len;
          self->offset += len;
          return TRUE;
        }
      if (self->eof)
        return FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (self->start > 0)
        {
          memmove (self->buf, self->buf + self->start, self->end - self->start);
          self->end -= self->start;
          self->start = 0;
        }
      n = g_input_stream_read (self->stream, self->buf + self->end, BUFFER_SIZE - self->end,
                               cancellable, &io_error);
      if (n < 0)
        {
          if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&io_error));
          else
            g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_IO,
                         _("Could not read the mailbox file: %s"), io_error->message);
          return FALSE;
        }
      if (n == 0)
        self->eof = TRUE;
      self->end += n;
    }
}

static gboolean
is_blank (const Segment *s)
{
  return s->complete && (s->len == 1 || (s->len == 2 && s->data[0] == '\r'));
}

static gboolean
starts_from (const Segment *s)
{
  return s->len >= 5 && memcmp (s->data, "From ", 5) == 0;
}

static void
keep_from_line (TidingsMimeMboxReader *self,
                const Segment         *s)
{
  g_byte_array_set_size (self->from_line, 0);
  g_byte_array_append (self->from_line, (const guint8 *) s->data, (guint) MIN (s->len, MAX_FROM_LINE));
  self->from_offset = s->offset;
  self->have_from = TRUE;
}

/* How many leading bytes to drop from a body line: one '>' of an escaped
 * From line. */
static gsize
unescape_skip (TidingsMimeMboxReader *self,
               const Segment         *s)
{
  gsize quotes = 0;

  while (quotes < s->len && s->data[quotes] == '>')
    quotes++;
  if (quotes == 0 || s->len - quotes < 5 || memcmp (s->data + quotes, "From ", 5) != 0)
    return 0;
  if (self->format == TIDINGS_MIME_MBOX_MBOXO && quotes != 1)
    return 0;
  return 1;
}

/* Before the first From_ line: skips to it. Returns an error entry for
 * skipped data that was not just blank lines, NULL otherwise. */
static TidingsMimeMboxEntry *
find_first_from (TidingsMimeMboxReader  *self,
                 GCancellable           *cancellable,
                 GError                **error)
{
  Segment s;
  goffset junk_start = self->offset;
  gboolean junk = FALSE;
  gboolean line_start = TRUE;

  while (read_segment (self, &s, cancellable, error))
    {
      /* In data that is not a message yet, any From_ line will do. */
      if (line_start && starts_from (&s) && (self->at_start || _tidings_mime_mbox_has_time (s.data, s.len)))
        {
          self->at_start = FALSE;
          keep_from_line (self, &s);
          break;
        }
      self->at_start = FALSE;
      if (!is_blank (&s))
        junk = TRUE;
      line_start = s.complete;
    }

  if (error != NULL && *error != NULL)
    return NULL;
  if (!junk)
    return NULL;

  return _tidings_mime_mbox_entry_new (NULL,
                                       g_error_new (TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_PARSE,
                                                    _("Skipped %" G_GINT64_FORMAT " bytes that are not in mbox format."),
                                                    (gint64) ((self->have_from ? self->from_offset : self->offset) - junk_start)),
                                       junk_start, self->have_from ? self->from_offset : self->offset,
                                       NULL, 0);
}

/* Drops the blank separator line that ends a message. */
static void
strip_separator (GByteArray *message)
{
  guint len = message->len;
  const guint8 *d = message->data;

  if (len >= 2 && d[len - 1] == '\n' && d[len - 2] == '\n')
    g_byte_array_set_size (message, len - 1);
  else if (len >= 4 && memcmp (d + len - 4, "\r\n\r\n", 4) == 0)
    g_byte_array_set_size (message, len - 2);
  else if (len == 1 && d[0] == '\n')
    g_byte_array_set_size (message, 0);
  else if (len == 2 && d[0] == '\r' && d[1] == '\n')
    g_byte_array_set_size (message, 0);
}

/**
 * tidings_mime_mbox_reader_next:
 *
 * Reads the next entry. A message over the size limit, or data before the
 * first From_ line, gives an entry whose get_error() says so: keep calling
 * next() to go on.
 *
 * Returns: (transfer full) (nullable): the entry; NULL at the end of the
 *   data (@error unset) or when reading failed (@error set)
 */
TidingsMimeMboxEntry *
tidings_mime_mbox_reader_next (TidingsMimeMboxReader  *self,
                               GCancellable           *cancellable,
                               GError                **error)
{
  g_autoptr(GByteArray) message = NULL;
  g_autoptr(GByteArray) from_line = NULL;
  GError *local_error = NULL;
  goffset start;
  gboolean too_large = FALSE;
  gboolean line_start = TRUE;
  gboolean prev_blank = FALSE;
  Segment s;

  g_return_val_if_fail (TIDINGS_IS_MIME_MBOX_READER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!self->have_from)
    {
      TidingsMimeMboxEntry *junk = find_first_from (self, cancellable, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (junk != NULL)
        return junk;
      if (!self->have_from)
        return NULL;
    }

  start = self->from_offset;
  from_line = g_byte_array_sized_new (self->from_line->len);
  g_byte_array_append (from_line, self->from_line->data, self->from_line->len);
  self->have_from = FALSE;
  message = g_byte_array_new ();

  while (read_segment (self, &s, cancellable, &local_error))
    {
      gsize skip = 0;

      if (line_start && prev_blank && starts_from (&s) && _tidings_mime_mbox_has_time (s.data, s.len))
        {
          keep_from_line (self, &s);
          break;
        }

      if (line_start)
        skip = unescape_skip (self, &s);
      if (!too_large && message->len + (s.len - skip) > self->max_message)
        {
          too_large = TRUE;
          g_byte_array_set_size (message, 0);
        }
      if (!too_large)
        g_byte_array_append (message, (const guint8 *) s.data + skip, (guint) (s.len - skip));

      prev_blank = line_start && is_blank (&s);
      line_start = s.complete;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  if (too_large)
    {
      goffset end = self->have_from ? self->from_offset : self->offset;

      return _tidings_mime_mbox_entry_new (NULL,
                                           g_error_new (TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_LARGE,
                                                        _("A message of %" G_GINT64_FORMAT " bytes is larger than the limit of %" G_GSIZE_FORMAT " bytes and was skipped."),
                                                        (gint64) (end - start), self->max_message),
                                           start, end, (const char *) from_line->data, from_line->len);
    }

  strip_separator (message);
  return _tidings_mime_mbox_entry_new (g_byte_array_free_to_bytes (g_steal_pointer (&message)), NULL,
                                       start, self->have_from ? self->from_offset : self->offset,
                                       (const char *) from_line->data, from_line->len);
}
