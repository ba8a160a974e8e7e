/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every file of Debian's Python e-mail test corpus (messages, but also the
 * images and sounds kept there) gives a sane display model, summary, reply
 * and forward. Exits 77 (skipped) when the corpus is not installed. */
#include "config.h"

#include "mime-test-util.h"

static const char *const corpus_dirs[] = {
  "/usr/lib/python3.11/test/test_email/data",
  "/usr/lib/python3/test/test_email/data",
};

static char *corpus_dir;

static void
test_file (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = g_build_filename (corpus_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TidingsMimeMessage) message = NULL;
  g_autoptr(TidingsMimeSummary) summary = NULL;
  g_autoptr(TidingsMimeDraft) reply = NULL;
  g_autoptr(TidingsMimeDraft) forward = NULL;
  static const char *const own[] = { "bbb@ddd.com", "barry@python.org", NULL };
  char *contents;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  raw = g_bytes_new_take (contents, length);

  message = tidings_mime_message_new_from_bytes (raw, &error);
  g_assert_no_error (error);
  mime_test_assert_message_sane (message);

  summary = tidings_mime_summary_new (raw, 1, &error);
  g_assert_no_error (error);
  mime_test_assert_summary_sane (summary);
  g_assert_cmpint (summary->date, ==, tidings_mime_message_get_date_unix (message) ? tidings_mime_message_get_date_unix (message) : 1);

  reply = tidings_mime_build_reply (message, TIDINGS_MIME_REPLY_ALL, own);
  mime_test_assert_utf8 (tidings_mime_draft_get_body (reply));
  forward = tidings_mime_build_forward (message, own);
  g_assert_cmpuint (tidings_mime_draft_get_attachments (forward)->len, ==, tidings_mime_message_get_attachments (message)->len);

  /* Attached messages open as well. */
  for (guint i = 0; i < tidings_mime_message_get_attachments (message)->len; i++)
    {
      TidingsMimeAttachment *attachment = tidings_mime_message_get_attachments (message)->pdata[i];
      g_autoptr(TidingsMimeMessage) inner = NULL;

      if (!tidings_mime_attachment_is_message (attachment))
        continue;
      inner = tidings_mime_attachment_open_message (attachment, &error);
      g_assert_no_error (error);
      mime_test_assert_message_sane (inner);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  const char *env = g_getenv ("TIDINGS_EMAIL_CORPUS");
  int rc;

  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_DIR))
    corpus_dir = g_strdup (env);
  for (gsize i = 0; corpus_dir == NULL && i < G_N_ELEMENTS (corpus_dirs); i++)
    if (g_file_test (corpus_dirs[i], G_FILE_TEST_IS_DIR))
      corpus_dir = g_strdup (corpus_dirs[i]);
  if (corpus_dir == NULL)
    {
      g_printerr ("Python's e-mail test corpus is not installed (libpython3.11-testsuite): skipped\n");
      return 77;
    }

  dir = g_dir_open (corpus_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >=, 40);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/mime/corpus/%s", (char *) names->pdata[i]);

      g_test_add_data_func (path, names->pdata[i], test_file);
    }

  rc = g_test_run ();
  g_free (corpus_dir);
  return rc;
}
