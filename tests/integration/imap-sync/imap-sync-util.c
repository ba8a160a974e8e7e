/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "account/tidings-imap-fetch-mapper.h"
#include "imap-sync-util.h"

gint64
sync_test_add_account (TidingsStore   *store,
                       TidingsTestbed *bed,
                       const char     *user,
                       guint           offline_days)
{
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strdup_printf ("printf '%%s\\n' '%s'", tidings_testbed_password (bed, user));
  g_autofree char *command_json = g_strescape (command, NULL);
  gint64 id = 0;

  account->name = g_strdup (user);
  account->kind = g_strdup ("imap");
  account->email = g_strdup (user);
  account->settings = g_strdup_printf ("{\"incoming\": {\"host\": \"%s\", \"port\": %u, \"security\": \"tls\","
                                       " \"user\": \"%s\", \"password_command\": \"%s\"},"
                                       " \"imap\": {\"offline_days\": %u}}",
                                       bed->host, bed->imaps_port, user, command_json, offline_days);
  g_assert_true (tidings_store_add_account (store, account, &id, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_store_set_pin (store, id, bed->host, bed->imaps_port, bed->cert_sha256, &error));
  g_assert_no_error (error);
  return id;
}

typedef struct
{
  gboolean              done;
  gboolean              ok;
  TidingsImapSyncStats  stats;
  GError               *error;
} SyncWait;

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncWait *wait = user_data;

  wait->ok = tidings_imap_account_sync_finish (TIDINGS_IMAP_ACCOUNT (source), result,
                                               &wait->stats, &wait->error);
  wait->done = TRUE;
}

gboolean
sync_test_run (TidingsImapAccount    *account,
               const char            *folder_path,
               TidingsImapSyncFlags   flags,
               TidingsImapSyncStats  *out_stats,
               GError               **error)
{
  SyncWait wait = { 0, };

  tidings_imap_account_sync_async (account, folder_path, flags, NULL, on_synced, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (out_stats != NULL)
    *out_stats = wait.stats;
  if (!wait.ok)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sync_test_wait (gboolean *flag,
                guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}

static char *
decode_subject (const char *raw)
{
  g_autofree char *decoded = g_mime_utils_header_decode_text (NULL, raw);

  g_strstrip (decoded);
  return g_steal_pointer (&decoded);
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

guint
sync_test_assert_equal (TidingsStore   *store,
                        TidingsTestbed *bed,
                        const char     *user,
                        gint64          account_id,
                        const char     *mailbox)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 folder_id = 0;
  guint store_count = 0;
  guint n = 0;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  listing = tidings_testbed_fetch (bed, user, mailbox, "uid flags hdr.subject", &error);
  g_assert_no_error (error);
  g_assert_true (tidings_store_find_folder (store, account_id, mailbox, &folder_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (folder_id, >, 0);

  lines = g_strsplit (listing, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_auto(GStrv) flags = NULL;
      g_autoptr(TidingsStoreMessage) message = NULL;
      g_autofree char *keywords = NULL;
      gint64 uid, id = 0;
      guint bits;

      if (*lines[i] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 3);
      g_assert_nonnull (fields[0]);
      g_assert_nonnull (fields[1]);
      uid = g_ascii_strtoll (fields[0], NULL, 10);
      g_assert_true (tidings_store_lookup_uid (store, folder_id, uid, &id, &error));
      g_assert_no_error (error);
      if (id == 0)
        g_error ("%s: UID %" G_GINT64_FORMAT " is on the server, not in the store", mailbox, uid);
      message = tidings_store_get_message (store, id, &error);
      g_assert_no_error (error);
      flags = g_strsplit (fields[1], " ", -1);
      bits = tidings_imap_flags_to_store ((const char * const *) flags, &keywords);
      g_assert_cmpuint (message->flags, ==, bits);
      g_assert_cmpstr (message->keywords != NULL ? message->keywords : "", ==,
                       keywords != NULL ? keywords : "");
      if (fields[2] != NULL && is_ascii (fields[2]) && *fields[2] != '\0')
        {
          g_autofree char *subject = decode_subject (fields[2]);

          if (*subject != '\0' && g_utf8_validate (subject, -1, NULL))
            g_assert_cmpstr (message->subject, ==, subject);
        }
      n++;
    }
  /* Nothing more in the store than on the server (rows with a UID). */
  g_assert_true (tidings_store_count_messages (store, folder_id, &store_count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (store_count, ==, n);
  return n;
}

void
sync_test_generate (TidingsTestbed *bed,
                    const char     *user,
                    const char     *mailbox,
                    guint           count,
                    guint           seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("TIDINGS_TEST_SRCDIR"), "tests", "fixtures",
                                              "gen-mailbox.py", NULL);
  g_autofree char *n = g_strdup_printf ("%u", count);
  g_autofree char *s = g_strdup_printf ("%u", seed);
  int status = 0;
  const char *argv[] = { "/usr/bin/python3", script, "-n", n, "--seed", s, "--bed-user", user,
                         "--bed-mailbox", mailbox, "--dir", bed->dir, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

GBytes *
sync_test_message (const char *subject,
                   const char *body,
                   gint64      date)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (date);
  g_autofree char *date_text = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S +0000");
  g_autofree char *uuid = g_uuid_string_random ();
  char *text = g_strdup_printf ("From: Test Sender <sender@example.test>\r\n"
                                "To: alice@example.test\r\n"
                                "Subject: %s\r\n"
                                "Date: %s\r\n"
                                "Message-ID: <%s@example.test>\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "\r\n"
                                "%s\r\n",
                                subject, date_text, uuid, body);

  return g_bytes_new_take (text, strlen (text));
}
