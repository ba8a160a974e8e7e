/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The IMAP client against the bed's real Dovecot: STARTTLS and implicit
 * TLS, PLAIN / SCRAM-SHA-256 / LOGIN, capabilities after login, ENABLE
 * QRESYNC, LIST with special-use, many messages through pipelined APPEND
 * and a streamed UID FETCH, STORE / COPY / MOVE / EXPUNGE checked with
 * doveadm, SEARCH TEXT with a non-ASCII word, IDLE seeing an LMTP delivery,
 * COMPRESS, a QRESYNC SELECT after changes made with doveadm, LOGOUT. */
#include "config.h"

#include <string.h>

#include "imap/tidings-imap.h"
#include "net/tidings-net.h"
#include "tidings-testbed.h"

#define WAIT_MS 20000

static TidingsTestbed *bed;

/* ---- waiting ---------------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ((Wait *) data)->result = g_object_ref (result);
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
wait_result (Wait *w)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add (WAIT_MS, timed_out_cb, &timed_out);
  GAsyncResult *result;

  while (w->result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("no result within %d ms", WAIT_MS);
  g_source_remove (timer);
  result = w->result;
  w->result = NULL;
  return result;
}


/* ---- connecting ------------------------------------------------------- */

static const char *
password_of (const char *user)
{
  return tidings_testbed_password (bed, user);
}

static TidingsImapClient *
client_new (TidingsSecurity security)
{
  g_autoptr(TidingsConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  if (security == TIDINGS_SECURITY_TLS)
    {
      /* Implicit TLS: the person accepted this certificate (pin). */
      conn = tidings_connection_new (bed->host, bed->imaps_port, security);
      g_assert_true (tidings_connection_set_pinned_fingerprint (conn, bed->cert_sha256));
    }
  else
    {
      g_autoptr(GTlsDatabase) db = tidings_testbed_tls_database (bed, &error);

      g_assert_no_error (error);
      conn = tidings_connection_new (bed->host, bed->imap_port, security);
      tidings_connection_set_tls_database (conn, db);
    }
  tidings_connection_set_connect_timeout (conn, 10000);
  tidings_connection_set_timeout (conn, 15000);
  return tidings_imap_client_new (conn);
}

static void
client_connect (TidingsImapClient *client)
{
  Wait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tidings_imap_client_connect_async (client, NULL, wait_cb, &w);
  result = wait_result (&w);
  g_assert_true (tidings_imap_client_connect_finish (client, result, &error));
  g_assert_no_error (error);
}

static gboolean
client_login (TidingsImapClient *client, const char *user, const char *password, GError **error)
{
  Wait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_login_async (client, user, password, NULL, wait_cb, &w);
  result = wait_result (&w);
  return tidings_imap_client_login_finish (client, result, error);
}

static TidingsImapClient *
logged_in (const char *user, TidingsSecurity security)
{
  TidingsImapClient *client = client_new (security);
  g_autoptr(GError) error = NULL;

  client_connect (client);
  g_assert_true (client_login (client, user, password_of (user), &error));
  g_assert_no_error (error);
  return client;
}

static void
client_logout (TidingsImapClient *client)
{
  Wait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tidings_imap_client_logout_async (client, NULL, wait_cb, &w);
  result = wait_result (&w);
  g_assert_true (tidings_imap_client_logout_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_client_get_state (client), ==, TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED);
}

static TidingsImapSelectInfo *
client_select (TidingsImapClient *client, const char *mailbox, const TidingsImapQresyncParams *qresync)
{
  Wait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TidingsImapSelectInfo *info;

  tidings_imap_client_select_async (client, mailbox, FALSE, qresync, NULL, wait_cb, &w);
  result = wait_result (&w);
  info = tidings_imap_client_select_finish (client, result, &error);
  g_assert_no_error (error);
  return info;
}

static GBytes *
make_message (guint n, const char *body)
{
  g_autofree char *text = g_strdup_printf ("From: Ann <ann@example.test>\r\n"
                                           "To: Bob <bob@example.test>\r\n"
                                           "Subject: Message %u\r\n"
                                           "Message-ID: <m%u@example.test>\r\n"
                                           "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
                                           "\r\n"
                                           "%s\r\n", n, n, body ? body : "Just text.");

  return g_bytes_new (text, strlen (text));
}

static char *
server_fetch (const char *user, const char *mailbox, const char *fields)
{
  g_autoptr(GError) error = NULL;
  char *out = tidings_testbed_fetch (bed, user, mailbox, fields, &error);

  g_assert_no_error (error);
  return out;
}

/* ---- tests ------------------------------------------------------------ */

static void
test_starttls_plain (void)
{
  g_autoptr(TidingsImapClient) client = client_new (TIDINGS_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  const char *user = bed->users[0];

  client_connect (client);
  g_assert_true (tidings_connection_is_encrypted (tidings_imap_client_get_connection (client)));
  g_assert_false (tidings_imap_client_has_capability (client, "STARTTLS"));
  g_assert_true (tidings_imap_client_has_capability (client, "AUTH=PLAIN"));
  g_assert_false (tidings_imap_client_has_capability (client, "QRESYNC"));
  tidings_imap_client_set_sasl_mechanism (client, TIDINGS_SASL_MECHANISM_PLAIN);
  tidings_imap_client_set_compress (client, FALSE);
  g_assert_true (client_login (client, user, password_of (user), &error));
  g_assert_no_error (error);
  /* Capabilities were refreshed after login. */
  g_assert_true (tidings_imap_client_has_capability (client, "QRESYNC"));
  g_assert_true (tidings_imap_client_has_capability (client, "MOVE"));
  g_assert_true (tidings_imap_client_is_qresync_enabled (client));
  g_assert_false (tidings_connection_is_compressed (tidings_imap_client_get_connection (client)));
  g_assert_nonnull (tidings_imap_client_get_server_id (client));
  g_assert_cmpstr (g_hash_table_lookup (tidings_imap_client_get_server_id (client), "name"), ==, "Dovecot");

  /* No such folder: _NONEXISTENT for SELECT and APPEND ([TRYCREATE]). */
  {
    Wait w = { 0 };
    g_autoptr(GAsyncResult) r1 = NULL;
    g_autoptr(GAsyncResult) r2 = NULL;
    g_autoptr(GBytes) msg = make_message (1, NULL);

    tidings_imap_client_select_async (client, "Nowhere", FALSE, NULL, NULL, wait_cb, &w);
    r1 = wait_result (&w);
    g_assert_null (tidings_imap_client_select_finish (client, r1, &error));
    g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NONEXISTENT);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
    g_assert_cmpint (tidings_imap_client_get_state (client), ==, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED);
    tidings_imap_client_append_async (client, "Nowhere", NULL, 0, msg, NULL, wait_cb, &w);
    r2 = wait_result (&w);
    g_assert_null (tidings_imap_client_append_finish (client, r2, &error));
    g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NONEXISTENT);
    g_clear_error (&error);
  }
  client_logout (client);
}

static void
on_closed (TidingsImapClient *client, const GError *error, gpointer data)
{
  *(int *) data = error == NULL ? 1 : 2;
}

static void
test_imaps_scram_list (void)
{
  g_autoptr(TidingsImapClient) client = client_new (TIDINGS_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) boxes = NULL;
  g_autoptr(TidingsImapNamespaces) ns = NULL;
  g_autoptr(TidingsImapMailboxStatus) status = NULL;
  Wait w = { 0 };
  const char *user = bed->users[0];
  TidingsImapMailboxAttributes roles = 0;
  int closed = 0;

  g_signal_connect (client, "closed", G_CALLBACK (on_closed), &closed);
  client_connect (client);
  tidings_imap_client_set_sasl_mechanism (client, TIDINGS_SASL_MECHANISM_SCRAM_SHA_256);
  g_assert_true (client_login (client, user, password_of (user), &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_compressed (tidings_imap_client_get_connection (client)));

  tidings_imap_client_list_async (client, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    boxes = tidings_imap_client_list_finish (client, r, &error);
  }
  g_assert_no_error (error);
  for (guint i = 0; i < boxes->len; i++)
    {
      TidingsImapMailboxInfo *info = g_ptr_array_index (boxes, i);

      g_test_message ("LIST %s 0x%x", info->name, info->attributes);
      roles |= info->attributes & TIDINGS_IMAP_MAILBOX_SPECIAL_USE_MASK;
    }
  g_assert_cmpuint (roles, ==, TIDINGS_IMAP_MAILBOX_DRAFTS | TIDINGS_IMAP_MAILBOX_SENT
                               | TIDINGS_IMAP_MAILBOX_TRASH | TIDINGS_IMAP_MAILBOX_JUNK
                               | TIDINGS_IMAP_MAILBOX_ARCHIVE);

  tidings_imap_client_namespace_async (client, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    ns = tidings_imap_client_namespace_finish (client, r, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (ns->n_personal, ==, 1);

  tidings_imap_client_status_async (client, "Sent",
                                    TIDINGS_IMAP_STATUS_ITEM_MESSAGES | TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY
                                    | TIDINGS_IMAP_STATUS_ITEM_HIGHESTMODSEQ,
                                    NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    status = tidings_imap_client_status_finish (client, r, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (status->name, ==, "Sent");
  g_assert_true (status->present & TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY);
  g_assert_cmpuint (status->uidvalidity, >, 0);

  client_logout (client);
  g_assert_cmpint (closed, ==, 1);  /* "closed" with NULL after LOGOUT */
}

static void
test_login_command_and_wrong_password (void)
{
  g_autoptr(TidingsImapClient) client = client_new (TIDINGS_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  const char *user = bed->users[0];

  client_connect (client);
  tidings_imap_client_set_prefer_login_command (client, TRUE);
  g_assert_false (client_login (client, user, "not the password", &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_AUTHENTICATION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, user));
  g_clear_error (&error);
  g_assert_true (client_login (client, user, password_of (user), &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_client_get_state (client), ==, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED);
  client_logout (client);
}

typedef struct
{
  guint   count;
  guint32 max_uid;
  guint   with_envelope;
} FetchStats;

static gboolean
count_headers (TidingsImapFetch *fetch, gpointer data, GError **error)
{
  FetchStats *stats = data;

  stats->count++;
  stats->max_uid = MAX (stats->max_uid, fetch->uid);
  if ((fetch->present & TIDINGS_IMAP_FETCH_ENVELOPE) && fetch->envelope
      && g_str_has_prefix (fetch->envelope->subject, "Message "))
    stats->with_envelope++;
  return TRUE;
}

typedef struct
{
  guint                  left;
  guint                  with_appenduid;
  guint32                last_uid;
} AppendStats;

static void
append_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AppendStats *stats = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsImapCopyResult) copy =
    tidings_imap_client_append_finish (TIDINGS_IMAP_CLIENT (source), result, &error);

  g_assert_no_error (error);
  if (copy && copy->uidvalidity > 0 && copy->dest_uids)
    {
      guint64 first, last;

      stats->with_appenduid++;
      tidings_imap_sequence_set_get_range (copy->dest_uids, 0, &first, &last);
      stats->last_uid = last;
    }
  stats->left--;
}

/* Whether the doveadm output line of @uid holds @word. */
static gboolean
line_has (const char *out, const char *uid, const char *word)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 1; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 2);

      if (fields[0] && g_str_equal (fields[0], uid))
        return fields[1] != NULL && strstr (fields[1], word) != NULL;
    }
  return FALSE;
}

static TidingsImapSequenceSet *
uids (const char *text)
{
  return tidings_imap_sequence_set_parse (text, -1, NULL);
}

static void
test_messages (void)
{
  const char *user = bed->users[1];
  g_autoptr(TidingsImapClient) client = logged_in (user, TIDINGS_SECURITY_TLS);
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsImapSequenceSet) all = uids ("1:*");
  g_autoptr(TidingsImapSequenceSet) first3 = uids ("1:3");
  g_autoptr(TidingsImapSequenceSet) four = uids ("4");
  g_autoptr(TidingsImapSequenceSet) five_six = uids ("5:6");
  g_autoptr(TidingsImapSequenceSet) seven = uids ("7");
  g_autoptr(TidingsImapCopyResult) copy = NULL;
  g_autoptr(TidingsImapCopyResult) moved = NULL;
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  g_autoptr(TidingsImapSequenceSet) modified = NULL;
  g_autofree char *found_text = NULL;
  g_autofree char *flags_out = NULL;
  g_autofree char *trash_out = NULL;
  AppendStats astats = { 201, 0, 0 };
  FetchStats fstats = { 0 };
  const char *seen[] = { "\\Seen", NULL };
  const char *flagged[] = { "\\Flagged", NULL };
  const char *deleted[] = { "\\Deleted", NULL };
  Wait w = { 0 };
  gint64 start;

  /* 200 pipelined APPENDs (LITERAL+) and one with a non-ASCII word. */
  start = g_get_monotonic_time ();
  for (guint i = 1; i <= 200; i++)
    {
      g_autoptr(GBytes) msg = make_message (i, NULL);

      tidings_imap_client_append_async (client, "INBOX", i <= 2 ? seen : NULL, 0, msg, NULL, append_cb, &astats);
    }
  {
    g_autoptr(GBytes) msg = make_message (201, "Viele Grüße aus Köln");

    tidings_imap_client_append_async (client, "INBOX", NULL, 0, msg, NULL, append_cb, &astats);
  }
  {
    gboolean timed_out = FALSE;
    guint timer = g_timeout_add (WAIT_MS, timed_out_cb, &timed_out);

    while (astats.left > 0 && !timed_out)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (timed_out);
    g_source_remove (timer);
  }
  g_test_message ("201 APPENDs in %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (astats.with_appenduid, ==, 201);
  g_assert_cmpuint (astats.last_uid, ==, 201);
  g_assert_cmpint (tidings_testbed_status (bed, user, "INBOX", "messages", NULL), ==, 201);

  info = client_select (client, "INBOX", NULL);
  g_assert_cmpuint (info->exists, ==, 201);
  g_assert_cmpuint (info->uidnext, ==, 202);
  g_assert_cmpuint (info->highestmodseq, >, 0);

  /* Headers of every message, streamed. */
  start = g_get_monotonic_time ();
  tidings_imap_client_uid_fetch_async (client, all,
                                       "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE "
                                       "BODY.PEEK[HEADER.FIELDS (REFERENCES)])",
                                       0, FALSE, count_headers, &fstats, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    g_assert_true (tidings_imap_client_uid_fetch_finish (client, r, &error));
  }
  g_assert_no_error (error);
  g_test_message ("headers of 201 messages in %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (fstats.count, ==, 201);
  g_assert_cmpuint (fstats.with_envelope, ==, 201);
  g_assert_cmpuint (fstats.max_uid, ==, 201);

  /* STORE: \Flagged on 1:3; UNCHANGEDSINCE 1 fails for all → MODIFIED. */
  tidings_imap_client_uid_store_async (client, first3, TIDINGS_IMAP_STORE_ADD, flagged, 0, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    g_assert_true (tidings_imap_client_uid_store_finish (client, r, NULL, &error));
  }
  g_assert_no_error (error);
  tidings_imap_client_uid_store_async (client, first3, TIDINGS_IMAP_STORE_REMOVE, seen, 1, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    g_assert_true (tidings_imap_client_uid_store_finish (client, r, &modified, &error));
  }
  g_assert_no_error (error);
  g_assert_nonnull (modified);
  g_assert_true (tidings_imap_sequence_set_contains (modified, 1));
  flags_out = server_fetch (user, "INBOX", "uid flags");
  g_test_message ("%s", flags_out);
  /* UNCHANGEDSINCE 1 failed for all: \Seen stays where it was. */
  g_assert_true (line_has (flags_out, "1", "\\Flagged") && line_has (flags_out, "1", "\\Seen"));
  g_assert_true (line_has (flags_out, "3", "\\Flagged") && !line_has (flags_out, "3", "\\Seen"));
  g_assert_false (line_has (flags_out, "4", "\\Flagged"));

  /* COPY 4 to Archive, MOVE 5:6 to Trash. */
  tidings_imap_client_uid_copy_async (client, four, "Archive", NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    copy = tidings_imap_client_uid_copy_finish (client, r, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_true (tidings_imap_sequence_set_contains (copy->source_uids, 4));
  g_assert_cmpint (tidings_testbed_status (bed, user, "Archive", "messages", NULL), ==, 1);

  tidings_imap_client_uid_move_async (client, five_six, "Trash", NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    moved = tidings_imap_client_uid_move_finish (client, r, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (moved);
  g_assert_cmpuint (tidings_imap_sequence_set_get_count (moved->dest_uids), ==, 2);
  g_assert_cmpint (tidings_testbed_status (bed, user, "Trash", "messages", NULL), ==, 2);
  trash_out = server_fetch (user, "Trash", "hdr.subject");
  g_assert_nonnull (strstr (trash_out, "Message 5"));
  g_assert_nonnull (strstr (trash_out, "Message 6"));
  g_assert_cmpint (tidings_testbed_status (bed, user, "INBOX", "messages", NULL), ==, 199);
  g_assert_cmpuint (tidings_imap_client_get_selected (client)->exists, ==, 199);

  /* EXPUNGE 7 after \Deleted. */
  tidings_imap_client_uid_store_async (client, seven, TIDINGS_IMAP_STORE_ADD, deleted, 0, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    g_assert_true (tidings_imap_client_uid_store_finish (client, r, NULL, &error));
  }
  tidings_imap_client_expunge_async (client, seven, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    g_assert_true (tidings_imap_client_expunge_finish (client, r, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpint (tidings_testbed_status (bed, user, "INBOX", "messages", NULL), ==, 198);

  /* SEARCH TEXT with a non-ASCII word (CHARSET UTF-8 and a literal). */
  tidings_imap_client_uid_search_text_async (client, "Grüße", NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    found = tidings_imap_client_uid_search_finish (client, r, &error);
  }
  g_assert_no_error (error);
  found_text = tidings_imap_sequence_set_to_string (found);
  g_assert_cmpstr (found_text, ==, "201");
  g_clear_pointer (&found, tidings_imap_sequence_set_unref);
  tidings_imap_client_uid_search_async (client, "FLAGGED", NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    found = tidings_imap_client_uid_search_finish (client, r, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_imap_sequence_set_get_count (found), ==, 3);

  client_logout (client);
}

static void
on_exists (TidingsImapClient *client, guint count, gpointer data)
{
  gint64 *when = data;

  if (*when == 0)
    *when = g_get_monotonic_time ();
  tidings_imap_client_idle_done (client);
}

static void
test_idle_lmtp (void)
{
  const char *user = bed->users[0];
  g_autoptr(TidingsImapClient) client = logged_in (user, TIDINGS_SECURITY_STARTTLS);
  g_autoptr(TidingsImapSelectInfo) info = client_select (client, "INBOX", NULL);
  g_autoptr(GBytes) msg = make_message (1000, "pushed");
  g_autoptr(GError) error = NULL;
  gint64 exists_at = 0;
  gint64 delivered_at;
  Wait w = { 0 };
  guint before = info->exists;

  g_signal_connect (client, "exists", G_CALLBACK (on_exists), &exists_at);
  tidings_imap_client_idle_async (client, NULL, wait_cb, &w);
  /* Let the server say "+ idling" first. */
  while (!tidings_imap_client_is_idling (client))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tidings_testbed_lmtp_deliver (bed, user, msg, &error));
  g_assert_no_error (error);
  delivered_at = g_get_monotonic_time ();
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    g_assert_true (tidings_imap_client_idle_finish (client, r, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpint (exists_at, >, 0);
  g_test_message ("EXISTS %.0f ms after the LMTP delivery returned",
                  (exists_at - delivered_at) / 1000.0);
  g_assert_cmpint (exists_at - delivered_at, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (tidings_imap_client_get_selected (client)->exists, ==, before + 1);
  client_logout (client);
}

typedef struct
{
  GString *vanished;
  GString *fetched;
} QresyncEvents;

static void
on_vanished (TidingsImapClient *client, TidingsImapSequenceSet *set, gboolean earlier, QresyncEvents *ev)
{
  g_autofree char *text = tidings_imap_sequence_set_to_string (set);

  g_string_append_printf (ev->vanished, "%s%s;", text, earlier ? " earlier" : "");
}

static void
on_fetch (TidingsImapClient *client, TidingsImapFetch *fetch, QresyncEvents *ev)
{
  g_string_append_printf (ev->fetched, "%u%s;", fetch->uid,
                          tidings_imap_fetch_has_flag (fetch, "\\Seen") ? " seen" : "");
}

static gboolean
count_changed (TidingsImapFetch *fetch, gpointer data, GError **error)
{
  g_string_append_printf (data, "%u;", fetch->uid);
  return TRUE;
}

static void
test_qresync (void)
{
  const char *user = bed->users[2];
  g_autoptr(TidingsImapClient) first = NULL;
  g_autoptr(TidingsImapClient) second = NULL;
  g_autoptr(TidingsImapSelectInfo) before = NULL;
  g_autoptr(TidingsImapSelectInfo) after = NULL;
  g_autoptr(TidingsImapSequenceSet) known = uids ("1:5");
  g_autoptr(TidingsImapSequenceSet) all = uids ("1:*");
  g_autoptr(GString) changed = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  QresyncEvents ev = { g_string_new (NULL), g_string_new (NULL) };
  TidingsImapQresyncParams params = { 0 };
  Wait w = { 0 };

  for (guint i = 1; i <= 5; i++)
    {
      g_autoptr(GBytes) msg = make_message (i, NULL);
      guint32 uid = 0;

      g_assert_true (tidings_testbed_inject (bed, user, NULL, NULL, msg, &uid, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (uid, ==, i);
    }
  first = logged_in (user, TIDINGS_SECURITY_TLS);
  g_assert_true (tidings_imap_client_is_qresync_enabled (first));
  {
    Wait w0 = { 0 };
    g_autoptr(GAsyncResult) r = NULL;
    g_autoptr(TidingsImapSelectInfo) examined = NULL;

    tidings_imap_client_select_async (first, "INBOX", TRUE, NULL, NULL, wait_cb, &w0);
    r = wait_result (&w0);
    examined = tidings_imap_client_select_finish (first, r, &error);
    g_assert_no_error (error);
    g_assert_true (examined->read_only);
    g_assert_cmpuint (examined->exists, ==, 5);
  }
  before = client_select (first, "INBOX", NULL);
  g_assert_cmpuint (before->exists, ==, 5);
  g_assert_cmpuint (before->highestmodseq, >, 0);
  client_logout (first);

  /* Another device: \Seen on 2, 3 expunged. */
  out = tidings_testbed_doveadm (bed, &error, "flags", "add", "-u", user, "\\Seen",
                                 "mailbox", "INBOX", "uid", "2", NULL);
  g_assert_no_error (error);
  g_clear_pointer (&out, g_free);
  out = tidings_testbed_doveadm (bed, &error, "expunge", "-u", user, "mailbox", "INBOX", "uid", "3", NULL);
  g_assert_no_error (error);

  second = logged_in (user, TIDINGS_SECURITY_TLS);
  g_signal_connect (second, "vanished", G_CALLBACK (on_vanished), &ev);
  g_signal_connect (second, "fetch", G_CALLBACK (on_fetch), &ev);
  params.uidvalidity = before->uidvalidity;
  params.modseq = before->highestmodseq;
  params.known_uids = known;
  after = client_select (second, "INBOX", &params);
  g_test_message ("vanished: %s fetched: %s", ev.vanished->str, ev.fetched->str);
  g_assert_cmpstr (ev.vanished->str, ==, "3 earlier;");
  g_assert_cmpstr (ev.fetched->str, ==, "2 seen;");
  g_assert_cmpuint (after->exists, ==, 4);
  g_assert_cmpuint (after->highestmodseq, >, before->highestmodseq);
  g_assert_false (after->read_only);

  /* CHANGEDSINCE + VANISHED in a UID FETCH, after one more change. */
  g_clear_pointer (&out, g_free);
  out = tidings_testbed_doveadm (bed, &error, "flags", "add", "-u", user, "\\Flagged",
                                 "mailbox", "INBOX", "uid", "4", NULL);
  g_assert_no_error (error);
  g_string_truncate (ev.vanished, 0);
  tidings_imap_client_uid_fetch_async (second, all, "(UID FLAGS)", after->highestmodseq, TRUE,
                                       count_changed, changed, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);
    g_assert_true (tidings_imap_client_uid_fetch_finish (second, r, &error));
  }
  g_assert_no_error (error);
  /* Only UID 4 changed. Dovecot may also announce that change with an
   * unsolicited FETCH during the command, which goes to the callback too
   * (the header's contract), so 4 can come twice. */
  g_test_message ("changed since: %s", changed->str);
  g_assert_true (g_str_equal (changed->str, "4;") || g_str_equal (changed->str, "4;4;"));
  client_logout (second);
  g_string_free (ev.vanished, TRUE);
  g_string_free (ev.fetched, TRUE);
}

static void
on_closed_error (TidingsImapClient *client, const GError *error, gpointer data)
{
  GError **out = data;

  g_assert_null (*out);
  *out = error ? g_error_copy (error) : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no error");
}

/* The servers stop while a session sits selected with no command running:
 * "closed" fires on its own (BYE, or the drop), and commands then fail. */
static void
test_server_stops (void)
{
  const char *user = bed->users[0];
  g_autoptr(TidingsImapClient) client = logged_in (user, TIDINGS_SECURITY_TLS);
  g_autoptr(TidingsImapSelectInfo) info = client_select (client, "INBOX", NULL);
  g_autoptr(GError) closed_error = NULL;
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  guint timer;
  Wait w = { 0 };

  g_signal_connect (client, "closed", G_CALLBACK (on_closed_error), &closed_error);
  g_assert_true (tidings_testbed_stop_servers (bed, "mail", FALSE, &error));
  g_assert_no_error (error);
  timer = g_timeout_add (WAIT_MS, timed_out_cb, &timed_out);
  while (closed_error == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timer);
  g_test_message ("closed: %s", closed_error->message);
  g_assert_true (g_error_matches (closed_error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE)
                 || closed_error->domain == TIDINGS_NET_ERROR);
  tidings_imap_client_noop_async (client, NULL, wait_cb, &w);
  {
    g_autoptr(GAsyncResult) r = wait_result (&w);

    g_assert_false (tidings_imap_client_noop_finish (client, r, &error));
  }
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_true (tidings_testbed_start_servers (bed, "mail", &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  bed = tidings_testbed_get_or_skip ();

  g_test_add_func ("/imap/dovecot/starttls-plain", test_starttls_plain);
  g_test_add_func ("/imap/dovecot/imaps-scram-list", test_imaps_scram_list);
  g_test_add_func ("/imap/dovecot/login-command", test_login_command_and_wrong_password);
  g_test_add_func ("/imap/dovecot/messages", test_messages);
  g_test_add_func ("/imap/dovecot/idle-lmtp", test_idle_lmtp);
  g_test_add_func ("/imap/dovecot/qresync", test_qresync);
  g_test_add_func ("/imap/dovecot/server-stops", test_server_stops);

  status = g_test_run ();
  tidings_testbed_unref (bed);
  return status;
}
