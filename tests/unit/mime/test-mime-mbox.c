/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mbox import and export: round trips, offsets and resuming, From_
 * escaping, CRLF files, junk, oversized messages, long lines. */
#include "config.h"

#include <glib/gstdio.h>

#include "mime-test-util.h"

static char *tmpdir;

static GPtrArray *
read_all (TidingsMimeMboxReader *reader)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_mime_mbox_entry_unref);
  g_autoptr(GError) error = NULL;
  TidingsMimeMboxEntry *entry;

  while ((entry = tidings_mime_mbox_reader_next (reader, NULL, &error)) != NULL)
    {
      g_assert_cmpint (tidings_mime_mbox_entry_get_end_offset (entry), >=, tidings_mime_mbox_entry_get_start_offset (entry));
      g_ptr_array_add (entries, entry);
    }
  g_assert_no_error (error);
  return entries;
}

static GPtrArray *
read_string (const char            *text,
             gsize                  len,
             TidingsMimeMboxFormat  format,
             gsize                  max_size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, len);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(TidingsMimeMboxReader) reader = tidings_mime_mbox_reader_new (stream, 0);

  tidings_mime_mbox_reader_set_format (reader, format);
  if (max_size > 0)
    tidings_mime_mbox_reader_set_max_message_size (reader, max_size);
  return read_all (reader);
}

static void
assert_entry (GPtrArray  *entries,
              guint       index,
              const char *expected)
{
  TidingsMimeMboxEntry *entry;
  GBytes *bytes;

  g_assert_cmpuint (entries->len, >, index);
  entry = entries->pdata[index];
  g_assert_null (tidings_mime_mbox_entry_get_error (entry));
  bytes = tidings_mime_mbox_entry_get_bytes (entry);
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

static const char *const messages[] = {
  "From: a@example.org\nSubject: one\n\nFirst body.\n",
  "From: b@example.org\nSubject: two\n\nFrom the start of a line.\n>From already quoted.\n>>From twice.\n\nFrom me 10:00 too\n",
  "From: c@example.org\r\nSubject: three (CRLF)\r\n\r\nWindows lines.\r\n",
  "From: d@example.org\nSubject: four\n\nNo newline at the end",
  "From: e@example.org\nSubject: five\n\nEnds with a blank line.\n\n",
  "",
};

static char *
lf_and_newline (const char *message)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = message; *p; p++)
    if (!(*p == '\r' && p[1] == '\n'))
      g_string_append_c (out, *p);
  /* The writer ends every message with a newline; an empty one stays empty. */
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_round_trip (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "round-trip.mbox", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMimeMboxWriter) writer = tidings_mime_mbox_writer_new (file, FALSE, NULL, &error);
  g_autoptr(TidingsMimeMboxReader) reader = NULL;
  g_autoptr(TidingsMimeMboxReader) resumed = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(GDateTime) date = g_date_time_new_utc (2023, 3, 5, 7, 8, 9);
  g_autofree char *contents = NULL;
  gsize length;
  goffset written;

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr(GBytes) bytes = mime_test_bytes (messages[i]);

      g_assert_true (tidings_mime_mbox_writer_add (writer, bytes, i == 0 ? "sender@example.org" : NULL,
                                                   date, NULL, &error));
      g_assert_no_error (error);
    }
  written = tidings_mime_mbox_writer_get_offset (writer);
  g_assert_true (tidings_mime_mbox_writer_close (writer, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpint (written, ==, (goffset) length);
  g_assert_true (g_str_has_prefix (contents, "From sender@example.org Sun Mar  5 07:08:09 2023\n"));
  g_assert_nonnull (strstr (contents, "\nFrom MAILER-DAEMON Sun Mar  5 07:08:09 2023\n"));
  g_assert_nonnull (strstr (contents, "\n>From the start of a line.\n>>From already quoted.\n>>>From twice.\n"));
  g_assert_null (strstr (contents, "\r"));

  reader = tidings_mime_mbox_reader_new_for_file (file, 0, NULL, &error);
  g_assert_no_error (error);
  entries = read_all (reader);
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (messages));
  for (guint i = 0; i < entries->len; i++)
    {
      TidingsMimeMboxEntry *entry = entries->pdata[i];
      g_autofree char *expected = lf_and_newline (messages[i]);

      assert_entry (entries, i, expected);
      g_assert_cmpmem (contents + tidings_mime_mbox_entry_get_start_offset (entry), 5, "From ", 5);
      if (i + 1 < entries->len)
        g_assert_cmpint (tidings_mime_mbox_entry_get_end_offset (entry), ==,
                         tidings_mime_mbox_entry_get_start_offset (entries->pdata[i + 1]));
      else
        g_assert_cmpint (tidings_mime_mbox_entry_get_end_offset (entry), ==, (goffset) length);
      g_assert_nonnull (tidings_mime_mbox_entry_get_envelope_date (entry));
      g_assert_cmpint (g_date_time_to_unix (tidings_mime_mbox_entry_get_envelope_date (entry)), ==, g_date_time_to_unix (date));
    }
  g_assert_cmpstr (tidings_mime_mbox_entry_get_envelope_sender (entries->pdata[0]), ==, "sender@example.org");
  g_assert_cmpstr (tidings_mime_mbox_entry_get_envelope_sender (entries->pdata[1]), ==, "MAILER-DAEMON");

  /* Resume after the second message. */
  resumed = tidings_mime_mbox_reader_new_for_file (file, tidings_mime_mbox_entry_get_end_offset (entries->pdata[1]), NULL, &error);
  g_assert_no_error (error);
  rest = read_all (resumed);
  g_assert_cmpuint (rest->len, ==, entries->len - 2);
  for (guint i = 0; i < rest->len; i++)
    {
      g_assert_true (g_bytes_equal (tidings_mime_mbox_entry_get_bytes (rest->pdata[i]),
                                    tidings_mime_mbox_entry_get_bytes (entries->pdata[i + 2])));
      g_assert_cmpint (tidings_mime_mbox_entry_get_start_offset (rest->pdata[i]), ==,
                       tidings_mime_mbox_entry_get_start_offset (entries->pdata[i + 2]));
    }

  /* Appending adds after what is there. */
  {
    g_autoptr(TidingsMimeMboxWriter) more = tidings_mime_mbox_writer_new (file, TRUE, NULL, &error);
    g_autoptr(GBytes) bytes = mime_test_bytes ("Subject: appended\n\nbody\n");
    g_autoptr(TidingsMimeMboxReader) again = NULL;
    g_autoptr(GPtrArray) all = NULL;

    g_assert_no_error (error);
    g_assert_true (tidings_mime_mbox_writer_add (more, bytes, "x@example.org", NULL, NULL, &error));
    g_assert_true (tidings_mime_mbox_writer_close (more, NULL, &error));
    again = tidings_mime_mbox_reader_new_for_file (file, 0, NULL, &error);
    all = read_all (again);
    g_assert_cmpuint (all->len, ==, entries->len + 1);
    assert_entry (all, all->len - 1, "Subject: appended\n\nbody\n");
  }
}

static void
test_escaping (void)
{
  static const char mbox[] =
    "From a@example.org Mon Jan  2 03:04:05 2023\n"
    "Subject: escapes\n"
    "\n"
    ">From one\n"
    ">>From two\n"
    "> From not an escape\n"
    "\n"
    "From nobody, since this line has no time of day\n"
    "Not blank before:\n"
    "From x Mon Jan  2 03:04:05 2023\n"
    "\n"
    "From b@example.org Tue Jan  3 03:04:05 2023\n"
    "Subject: second\n"
    "\n"
    "body";
  g_autoptr(GPtrArray) rd = read_string (mbox, sizeof mbox - 1, TIDINGS_MIME_MBOX_MBOXRD, 0);
  g_autoptr(GPtrArray) o = read_string (mbox, sizeof mbox - 1, TIDINGS_MIME_MBOX_MBOXO, 0);
  const char *body1_rd =
    "Subject: escapes\n\nFrom one\n>From two\n> From not an escape\n\n"
    "From nobody, since this line has no time of day\nNot blank before:\nFrom x Mon Jan  2 03:04:05 2023\n";
  const char *body1_o =
    "Subject: escapes\n\nFrom one\n>>From two\n> From not an escape\n\n"
    "From nobody, since this line has no time of day\nNot blank before:\nFrom x Mon Jan  2 03:04:05 2023\n";

  g_assert_cmpuint (rd->len, ==, 2);
  assert_entry (rd, 0, body1_rd);
  assert_entry (rd, 1, "Subject: second\n\nbody");
  g_assert_cmpuint (o->len, ==, 2);
  assert_entry (o, 0, body1_o);
}

static void
test_crlf_and_junk (void)
{
  static const char crlf[] =
    "\r\n"
    "stray text before any From line\r\n"
    "From a@example.org Mon Jan  2 03:04:05 2023\r\n"
    "Subject: crlf\r\n"
    "\r\n"
    "body\r\n"
    "\r\n"
    "From b@example.org Mon Jan  2 03:04:06 2023\r\n"
    "Subject: second\r\n"
    "\r\n"
    ">From escaped\r\n";
  g_autoptr(GPtrArray) entries = read_string (crlf, sizeof crlf - 1, TIDINGS_MIME_MBOX_MBOXRD, 0);
  TidingsMimeMboxEntry *junk;
  g_autoptr(GPtrArray) none = read_string ("", 0, TIDINGS_MIME_MBOX_MBOXRD, 0);
  g_autoptr(GPtrArray) blank = read_string ("\n\n", 2, TIDINGS_MIME_MBOX_MBOXRD, 0);
  g_autoptr(GPtrArray) not_mbox = read_string ("Subject: just a message\n\nbody\n", 30, TIDINGS_MIME_MBOX_MBOXRD, 0);

  g_assert_cmpuint (entries->len, ==, 3);
  junk = entries->pdata[0];
  g_assert_null (tidings_mime_mbox_entry_get_bytes (junk));
  g_assert_error ((GError *) tidings_mime_mbox_entry_get_error (junk), TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_PARSE);
  g_assert_cmpint (tidings_mime_mbox_entry_get_start_offset (junk), ==, 0);
  g_assert_cmpint (tidings_mime_mbox_entry_get_end_offset (junk), ==, 35);
  assert_entry (entries, 1, "Subject: crlf\r\n\r\nbody\r\n");
  assert_entry (entries, 2, "Subject: second\r\n\r\nFrom escaped\r\n");
  g_assert_cmpint (tidings_mime_mbox_entry_get_start_offset (entries->pdata[1]), ==, 35);

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (blank->len, ==, 0);
  g_assert_cmpuint (not_mbox->len, ==, 1);
  g_assert_nonnull (tidings_mime_mbox_entry_get_error (not_mbox->pdata[0]));
}

static void
test_too_large (void)
{
  g_autoptr(GString) mbox = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = NULL;
  TidingsMimeMboxEntry *big;

  g_string_append (mbox, "From a Mon Jan  2 03:04:05 2023\nSubject: small\n\nok\n\n");
  g_string_append (mbox, "From b Mon Jan  2 03:04:05 2023\nSubject: big\n\n");
  for (guint i = 0; i < 5000; i++)
    g_string_append (mbox, "0123456789012345678901234567890123456789\n");
  g_string_append (mbox, "\nFrom c Mon Jan  2 03:04:05 2023\nSubject: after\n\nstill read\n");

  entries = read_string (mbox->str, mbox->len, TIDINGS_MIME_MBOX_MBOXRD, 1000);
  g_assert_cmpuint (entries->len, ==, 3);
  assert_entry (entries, 0, "Subject: small\n\nok\n");
  big = entries->pdata[1];
  g_assert_null (tidings_mime_mbox_entry_get_bytes (big));
  g_assert_error ((GError *) tidings_mime_mbox_entry_get_error (big), TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_LARGE);
  g_assert_cmpstr (tidings_mime_mbox_entry_get_envelope_sender (big), ==, "b");
  g_assert_cmpint (tidings_mime_mbox_entry_get_end_offset (big), ==,
                   tidings_mime_mbox_entry_get_start_offset (entries->pdata[2]));
  assert_entry (entries, 2, "Subject: after\n\nstill read\n");
}

static void
test_long_lines (void)
{
  g_autoptr(GString) mbox = g_string_new ("From a Mon Jan  2 03:04:05 2023\nSubject: long\n\n");
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *expected = NULL;

  /* Longer than the reader's buffer, with "From " just past a buffer end. */
  while (line->len < 300 * 1024)
    g_string_append (line, "x");
  g_string_append (line, "\nFrom not a separator 10:00 (no blank line before)\n");
  g_string_append (mbox, line->str);
  g_string_append (mbox, "\nFrom b Mon Jan  2 03:04:05 2023\n\nsecond\n");

  entries = read_string (mbox->str, mbox->len, TIDINGS_MIME_MBOX_MBOXRD, 0);
  g_assert_cmpuint (entries->len, ==, 2);
  expected = g_strconcat ("Subject: long\n\n", line->str, NULL);
  assert_entry (entries, 0, expected);
  assert_entry (entries, 1, "\nsecond\n");
}

static void
test_many (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "many.mbox", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMimeMboxWriter) writer = tidings_mime_mbox_writer_new (file, FALSE, NULL, &error);
  g_autoptr(TidingsMimeMboxReader) reader = NULL;
  TidingsMimeMboxEntry *entry;
  const guint n = 20000;
  guint count = 0;
  gint64 start;

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("From: s%u@example.org\nSubject: message %u\nMessage-ID: <m%u@x>\n\n"
                                               "Body of message %u.\nFrom here on, more text.\n", i, i, i, i);
      g_autoptr(GBytes) bytes = mime_test_bytes (text);

      g_assert_true (tidings_mime_mbox_writer_add (writer, bytes, "s@example.org", NULL, NULL, &error));
    }
  g_assert_true (tidings_mime_mbox_writer_close (writer, NULL, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  reader = tidings_mime_mbox_reader_new_for_file (file, 0, NULL, &error);
  g_assert_no_error (error);
  while ((entry = tidings_mime_mbox_reader_next (reader, NULL, &error)) != NULL)
    {
      g_autoptr(TidingsMimeSummary) summary = tidings_mime_summary_new (tidings_mime_mbox_entry_get_bytes (entry), 0, NULL);
      g_autofree char *subject = g_strdup_printf ("message %u", count);

      g_assert_cmpstr (summary->subject, ==, subject);
      g_assert_nonnull (strstr (summary->body_text, "\nFrom here on"));
      count++;
      tidings_mime_mbox_entry_unref (entry);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, n);
  g_assert_cmpint (tidings_mime_mbox_reader_get_offset (reader), ==, tidings_mime_mbox_writer_get_offset (writer));
  g_test_message ("read and summarized %u mbox messages in %.2f s", n, (g_get_monotonic_time () - start) / 1e6);
}

static void
test_cancel (void)
{
  g_autoptr(GBytes) bytes = mime_test_bytes ("From a Mon Jan  2 03:04:05 2023\n\nx\n");
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(TidingsMimeMboxReader) reader = tidings_mime_mbox_reader_new (stream, 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (tidings_mime_mbox_reader_next (reader, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  tmpdir = g_dir_make_tmp ("tidings-mbox-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/mime/mbox/round-trip", test_round_trip);
  g_test_add_func ("/mime/mbox/escaping", test_escaping);
  g_test_add_func ("/mime/mbox/crlf-and-junk", test_crlf_and_junk);
  g_test_add_func ("/mime/mbox/too-large", test_too_large);
  g_test_add_func ("/mime/mbox/long-lines", test_long_lines);
  g_test_add_func ("/mime/mbox/many", test_many);
  g_test_add_func ("/mime/mbox/cancel", test_cancel);

  rc = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return rc;
}
