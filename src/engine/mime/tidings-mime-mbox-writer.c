/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeMboxWriter: mbox export (mboxrd). Each message gets a From_
 * line with the envelope sender and an asctime date in UTC, LF line ends,
 * every line matching ">*From " one more ">", and a blank line after it.
 * close() flushes and fsyncs before closing, so an export that reported
 * success is on disk. A file opened for writing (not appending) is
 * replaced atomically on close. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <gio/gfiledescriptorbased.h>
#include <glib/gi18n-lib.h>

#include "tidings-mime-mbox-writer.h"
#include "tidings-mime-private.h"

struct _TidingsMimeMboxWriter
{
  GObject parent_instance;

  GOutputStream *base;      /* the file stream, for fsync */
  GOutputStream *stream;    /* buffered on top */
  goffset offset;
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (TidingsMimeMboxWriter, tidings_mime_mbox_writer, G_TYPE_OBJECT)

static void
tidings_mime_mbox_writer_finalize (GObject *object)
{
  TidingsMimeMboxWriter *self = (TidingsMimeMboxWriter *) object;

  /* Not closed: dropping the streams closes them without fsync. */
  g_clear_object (&self->stream);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (tidings_mime_mbox_writer_parent_class)->finalize (object);
}

static void
tidings_mime_mbox_writer_class_init (TidingsMimeMboxWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_mime_mbox_writer_finalize;
}

static void
tidings_mime_mbox_writer_init (TidingsMimeMboxWriter *self)
{
}

static gboolean
io_error (GError     **error,
          GError      *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_IO,
                   _("Could not write the mailbox file: %s"), cause->message);
      g_error_free (cause);
    }
  return FALSE;
}

/* Writes to any output stream; close() fsyncs it when it is a file. */
TidingsMimeMboxWriter *
tidings_mime_mbox_writer_new_for_stream (GOutputStream *stream)
{
  TidingsMimeMboxWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  self = g_object_new (TIDINGS_TYPE_MIME_MBOX_WRITER, NULL);
  self->base = g_object_ref (stream);
  self->stream = g_buffered_output_stream_new_sized (stream, 256 * 1024);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (self->stream), TRUE);
  return self;
}

/**
 * tidings_mime_mbox_writer_new:
 * @append: add to the end of an existing mbox instead of replacing it
 */
TidingsMimeMboxWriter *
tidings_mime_mbox_writer_new (GFile         *file,
                              gboolean       append,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (append)
    stream = g_file_append_to (file, G_FILE_CREATE_NONE, cancellable, &local_error);
  else
    stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, &local_error);
  if (stream == NULL)
    {
      io_error (error, local_error);
      return NULL;
    }

  return tidings_mime_mbox_writer_new_for_stream (G_OUTPUT_STREAM (stream));
}

static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const months[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static void
append_from_line (GString    *out,
                  const char *sender,
                  GDateTime  *date)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (date);
  gsize start;

  g_string_append (out, "From ");
  start = out->len;
  for (const char *p = sender ? sender : ""; *p; p++)
    if ((guchar) *p > ' ' && *p != 0x7F && out->len - start < 256)
      g_string_append_c (out, *p);
  if (out->len == start)
    g_string_append (out, "MAILER-DAEMON");

  /* asctime(), in English whatever the locale. */
  g_string_append_printf (out, " %s %s %2d %02d:%02d:%02d %d\n",
                          weekdays[g_date_time_get_day_of_week (utc) - 1],
                          months[g_date_time_get_month (utc) - 1],
                          g_date_time_get_day_of_month (utc),
                          g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc),
                          g_date_time_get_second (utc),
                          g_date_time_get_year (utc));
}

static gboolean
write_all (TidingsMimeMboxWriter  *self,
           const char             *data,
           gsize                   len,
           GCancellable           *cancellable,
           GError                **error)
{
  GError *local_error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all (self->stream, data, len, &written, cancellable, &local_error))
    return io_error (error, local_error);
  self->offset += written;
  return TRUE;
}

/**
 * tidings_mime_mbox_writer_add:
 * @message: the raw message (CRLF or LF)
 * @envelope_sender: (nullable): the From_ line's sender; MAILER-DAEMON if
 *   NULL or empty
 * @date: (nullable): the From_ line's date; now if NULL
 */
gboolean
tidings_mime_mbox_writer_add (TidingsMimeMboxWriter  *self,
                              GBytes                 *message,
                              const char             *envelope_sender,
                              GDateTime              *date,
                              GCancellable           *cancellable,
                              GError                **error)
{
  g_autoptr(GDateTime) now = NULL;
  GString *out;
  const char *data;
  const char *end;
  const char *p;
  gsize size;
  gboolean ok;

  g_return_val_if_fail (TIDINGS_IS_MIME_MBOX_WRITER (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (!self->closed, FALSE);

  if (date == NULL)
    date = now = g_date_time_new_now_utc ();

  data = g_bytes_get_data (message, &size);
  if (data == NULL)
    data = "";
  end = data + size;
  out = g_string_sized_new (size + size / 32 + 128);
  append_from_line (out, envelope_sender, date);

  for (p = data; p < end;)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *line_end = eol ? eol : end;
      const char *q = p;

      while (q < line_end && *q == '>')
        q++;
      if (line_end - q >= 5 && memcmp (q, "From ", 5) == 0)
        g_string_append_c (out, '>');
      if (line_end > p && line_end[-1] == '\r')
        g_string_append_len (out, p, line_end - 1 - p);
      else
        g_string_append_len (out, p, line_end - p);
      g_string_append_c (out, '\n');
      p = eol ? eol + 1 : end;
    }
  g_string_append_c (out, '\n');

  ok = write_all (self, out->str, out->len, cancellable, error);
  g_string_free (out, TRUE);
  return ok;
}

/* Bytes written so far. */
goffset
tidings_mime_mbox_writer_get_offset (TidingsMimeMboxWriter *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MBOX_WRITER (self), 0);
  return self->offset;
}

/* Flushes, fsyncs (for files) and closes. Nothing may be added after. */
gboolean
tidings_mime_mbox_writer_close (TidingsMimeMboxWriter  *self,
                                GCancellable           *cancellable,
                                GError                **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (TIDINGS_IS_MIME_MBOX_WRITER (self), FALSE);

  if (self->closed)
    return TRUE;
  self->closed = TRUE;

  if (!g_output_stream_flush (self->stream, cancellable, &local_error))
    return io_error (error, local_error);
  if (G_IS_FILE_DESCRIPTOR_BASED (self->base))
    {
      int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (self->base));

      if (fsync (fd) != 0)
        {
          int saved = errno;

          return io_error (error, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved),
                                               "%s", g_strerror (saved)));
        }
    }
  if (!g_output_stream_close (self->stream, cancellable, &local_error))
    return io_error (error, local_error);
  return TRUE;
}
