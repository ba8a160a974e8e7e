/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: bytes -> mbox reader, then every message read is
 * written out again with the mbox writer and read back; the round trip
 * must give the same messages (LF line ends, ending with a newline).
 * Byte 0 picks the format and the size limit. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidings-engine.h"
#include "mime/tidings-mime.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { g_printerr ("check failed: %s\n", #x); abort (); } } while (0)

/* What the writer makes of a message: each line loses one '\r' before
 * its '\n', and the message ends with a newline unless it is empty. */
static GBytes *
normalize (GBytes *message)
{
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  const char *end;
  GString *out;

  if (data == NULL)
    data = "";
  end = data + size;
  out = g_string_sized_new (size + 1);
  for (const char *p = data; p < end;)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *line_end = eol ? eol : end;

      if (line_end > p && line_end[-1] == '\r')
        g_string_append_len (out, p, line_end - 1 - p);
      else
        g_string_append_len (out, p, line_end - p);
      g_string_append_c (out, '\n');
      p = eol ? eol + 1 : end;
    }
  return g_string_free_to_bytes (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(TidingsMimeMboxReader) reader = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(TidingsMimeMboxWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  TidingsMimeMboxEntry *entry;
  TidingsMimeMboxFormat format;
  gsize max_size;
  goffset last_end = 0;

  tidings_engine_init ();
  if (size == 0)
    return 0;

  format = (data[0] & 1) ? TIDINGS_MIME_MBOX_MBOXO : TIDINGS_MIME_MBOX_MBOXRD;
  max_size = (data[0] & 2) ? 64 + data[0] : 1024 * 1024;
  bytes = g_bytes_new_static (data + 1, size - 1);
  stream = g_memory_input_stream_new_from_bytes (bytes);
  reader = tidings_mime_mbox_reader_new (stream, 0);
  tidings_mime_mbox_reader_set_format (reader, format);
  tidings_mime_mbox_reader_set_max_message_size (reader, max_size);

  while ((entry = tidings_mime_mbox_reader_next (reader, NULL, &error)) != NULL)
    {
      GBytes *message = tidings_mime_mbox_entry_get_bytes (entry);
      goffset start = tidings_mime_mbox_entry_get_start_offset (entry);
      goffset end = tidings_mime_mbox_entry_get_end_offset (entry);

      CHECK (start >= last_end && end >= start && end <= (goffset) (size - 1));
      CHECK ((message == NULL) != (tidings_mime_mbox_entry_get_error (entry) == NULL));
      if (message != NULL)
        {
          CHECK (g_bytes_get_size (message) <= max_size);
          CHECK (g_bytes_get_size (message) <= (gsize) (end - start));
          g_ptr_array_add (messages, g_bytes_ref (message));
        }
      if (tidings_mime_mbox_entry_get_envelope_sender (entry) != NULL)
        CHECK (g_utf8_validate (tidings_mime_mbox_entry_get_envelope_sender (entry), -1, NULL));
      last_end = end;
      tidings_mime_mbox_entry_unref (entry);
    }
  CHECK (error == NULL);
  CHECK (tidings_mime_mbox_reader_get_offset (reader) == (goffset) (size - 1));

  /* Write what was read, read it again: the same messages come back. */
  writer = tidings_mime_mbox_writer_new_for_stream (output);
  for (guint i = 0; i < messages->len; i++)
    CHECK (tidings_mime_mbox_writer_add (writer, messages->pdata[i], "fuzz@example.org", NULL, NULL, NULL));
  CHECK (tidings_mime_mbox_writer_close (writer, NULL, NULL));

  {
    g_autoptr(GBytes) written = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
    g_autoptr(GInputStream) again_stream = g_memory_input_stream_new_from_bytes (written);
    g_autoptr(TidingsMimeMboxReader) again = tidings_mime_mbox_reader_new (again_stream, 0);
    guint n = 0;

    while ((entry = tidings_mime_mbox_reader_next (again, NULL, &error)) != NULL)
      {
        g_autoptr(GBytes) expected = NULL;

        CHECK (n < messages->len);
        CHECK (tidings_mime_mbox_entry_get_error (entry) == NULL);
        expected = normalize (messages->pdata[n]);
        CHECK (g_bytes_equal (expected, tidings_mime_mbox_entry_get_bytes (entry)));
        n++;
        tidings_mime_mbox_entry_unref (entry);
      }
    CHECK (error == NULL);
    CHECK (n == messages->len);
  }

  return 0;
}
