/* SPDX-License-Identifier: GPL-3.0-or-later */
/* User actions replayed to the test bed's Dovecot (tidings-mail-actions.h,
 * tidings-imap-replay.h), checked with doveadm fetch: flags and keywords,
 * move (new UIDs from COPYUID on the local rows), copy, delete to Trash
 * and for good, Empty Trash, APPEND with APPENDUID (drafts and the outbox
 * sender's "append"), a move undone before it was sent, actions taken
 * while the server is down, a process killed after the server executed a
 * MOVE but before the operation row was deleted, a folder deleted on the
 * server (refused three times, dropped, resynced), and the COPY + EXPUNGE
 * fallback when MOVE is not used; and the same with the account's real
 * folder sync.
 *
 * Each test uses its own bed user (users file next to this one). A small
 * "sync" helper (UID FETCH of every message into the store, rows gone on
 * the server removed, uid-0 rows kept) stands in for the account sync. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "account/tidings-imap-folder-sync.h"
#include "account/tidings-imap-replay-private.h"
#include "account/tidings-mail-actions.h"
#include "imap/tidings-imap-client-private.h"
#include "tidings-engine.h"
#include "tidings-testbed.h"

#define WAIT_SECONDS 30

static TidingsTestbed *bed;
static const char *self_path;

/* Waiting on the main context --------------------------------------------------- */

static gboolean
on_wait_timeout (gpointer data)
{
  g_error ("Timed out waiting for the server");
  return G_SOURCE_REMOVE;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, on_wait_timeout, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return *slot;
}

/* One account in a temporary store --------------------------------------------- */

typedef struct
{
  char              *dir;
  TidingsStore      *store;
  const char        *user;
  gint64             account;
  gint64             inbox;
  gint64             archive;
  gint64             trash;
  gint64             drafts;
  gint64             sent;
  TidingsImapClient *client;
} Env;

static gint64
add_folder (Env               *env,
            const char        *path,
            TidingsFolderRole  role)
{
  g_autoptr(TidingsStoreFolder) folder = tidings_store_folder_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  folder->account_id = env->account;
  folder->path = g_strdup (path);
  folder->name = g_strdup (path);
  folder->role = role;
  g_assert_true (tidings_store_add_folder (env->store, folder, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
env_open_store (Env *env)
{
  g_autoptr(GError) error = NULL;

  env->store = tidings_store_open (env->dir, &error);
  g_assert_no_error (error);
}

static TidingsImapClient *
connect_client (const char *user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = tidings_testbed_tls_database (bed, &error);
  g_autoptr(TidingsConnection) connection = NULL;
  g_autoptr(TidingsImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_no_error (error);
  connection = tidings_connection_new (bed->host, bed->imaps_port, TIDINGS_SECURITY_TLS);
  tidings_connection_set_tls_database (connection, database);
  client = tidings_imap_client_new (connection);
  tidings_imap_client_connect_async (client, NULL, on_result, &result);
  g_assert_true (tidings_imap_client_connect_finish (client, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  tidings_imap_client_login_async (client, user, tidings_testbed_password (bed, user), NULL,
                                   on_result, &result);
  g_assert_true (tidings_imap_client_login_finish (client, wait_result (&result), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

static Env *
env_new (const char *user)
{
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GError) error = NULL;
  Env *env = g_new0 (Env, 1);

  env->dir = g_dir_make_tmp ("tidings-imap-ops-XXXXXX", &error);
  g_assert_no_error (error);
  env_open_store (env);
  env->user = user;
  account->name = g_strdup (user);
  account->kind = g_strdup ("imap");
  account->email = g_strdup (user);
  g_assert_true (tidings_store_add_account (env->store, account, &env->account, &error));
  g_assert_no_error (error);
  env->inbox = add_folder (env, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  env->archive = add_folder (env, "Archive", TIDINGS_FOLDER_ROLE_ARCHIVE);
  env->trash = add_folder (env, "Trash", TIDINGS_FOLDER_ROLE_TRASH);
  env->drafts = add_folder (env, "Drafts", TIDINGS_FOLDER_ROLE_DRAFTS);
  env->sent = add_folder (env, "Sent", TIDINGS_FOLDER_ROLE_SENT);
  env->client = connect_client (user);
  return env;
}

static void
env_free (Env *env)
{
  g_autofree char *cmd = NULL;

  if (env->client != NULL)
    tidings_imap_client_close (env->client);
  g_clear_object (&env->client);
  g_clear_object (&env->store);
  cmd = g_strdup_printf ("rm -rf '%s'", env->dir);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (env->dir);
  g_free (env);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, env_free)

/* Server side ------------------------------------------------------------------- */

static guint32
inject (Env        *env,
        const char *mailbox,
        const char *subject,
        const char *flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("From: Bob <bob@example.test>\r\n"
                                           "To: %s\r\n"
                                           "Subject: %s\r\n"
                                           "Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n"
                                           "Message-ID: <%s.%s@example.test>\r\n"
                                           "\r\n"
                                           "Body of %s.\r\n",
                                           env->user, subject, subject, env->user, subject);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  guint32 uid = 0;

  g_assert_true (tidings_testbed_inject (bed, env->user, mailbox, flags, bytes, &uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, >, 0);
  return uid;
}

/* "uid flags subject" lines of @mailbox on the server, sorted by UID;
 * flags in the order doveadm prints them. */
static char *
server_state (Env        *env,
              const char *mailbox)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = tidings_testbed_fetch (bed, env->user, mailbox, "uid flags hdr.subject", &error);
  g_auto(GStrv) lines = NULL;
  GString *state = g_string_new (NULL);

  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 3);

      if (g_strv_length (fields) < 3)
        continue;
      g_string_append_printf (state, "%s [%s] %s\n", fields[0], fields[1], fields[2]);
    }
  return g_string_free (state, FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The same for the store: "uid [flags] subject", flags as IMAP names in
 * the order doveadm prints them (system flags, then keywords). */
static char *
local_state (Env    *env,
             gint64  folder)
{
  static const guint order[] = {
    TIDINGS_MESSAGE_FLAG_ANSWERED, TIDINGS_MESSAGE_FLAG_FLAGGED, TIDINGS_MESSAGE_FLAG_DELETED,
    TIDINGS_MESSAGE_FLAG_SEEN, TIDINGS_MESSAGE_FLAG_DRAFT,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = tidings_store_list_messages (env->store, folder, 0, 10000, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *state = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      TidingsStoreRow *row = rows->pdata[i];
      g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (env->store, row->id, &error);
      GString *flags = g_string_new (NULL);

      g_assert_no_error (error);
      for (guint f = 0; f < G_N_ELEMENTS (order); f++)
        if (message->flags & order[f])
          g_string_append_printf (flags, "%s%s", flags->len > 0 ? " " : "",
                                  tidings_mail_actions_flag_to_imap (order[f]));
      if (message->keywords != NULL && message->keywords[0] != '\0')
        g_string_append_printf (flags, "%s%s", flags->len > 0 ? " " : "", message->keywords);
      g_ptr_array_add (lines, g_strdup_printf ("%" G_GINT64_FORMAT " [%s] %s\n", message->uid,
                                               flags->str, message->subject));
      g_string_free (flags, TRUE);
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append (state, lines->pdata[i]);
  return g_string_free (state, FALSE);
}

static char *
sorted (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (list, lines[i]);
  g_ptr_array_sort (list, compare_strings);
  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (out, "%s\n", (char *) list->pdata[i]);
  return g_string_free (out, FALSE);
}

/* The store's rows of @folder are exactly the server's messages. */
static void
assert_same (Env        *env,
             gint64      folder,
             const char *mailbox)
{
  g_autofree char *server = server_state (env, mailbox);
  g_autofree char *server_sorted = sorted (server);
  g_autofree char *local = local_state (env, folder);

  g_assert_cmpstr (local, ==, server_sorted);
}

/* A stand-in for the account sync ---------------------------------------------- */

typedef struct
{
  Env        *env;
  gint64      folder;
  GHashTable *seen;   /* UIDs on the server */
  GError     *error;
} Seed;

static guint
flags_of (TidingsImapFetch *fetch,
          GString          *keywords)
{
  guint flags = 0;

  for (guint i = 0; fetch->flags[i] != NULL; i++)
    {
      guint bit = tidings_mail_actions_flag_from_imap (fetch->flags[i]);

      if (bit != 0)
        flags |= bit;
      else if (fetch->flags[i][0] != '\\')
        g_string_append_printf (keywords, "%s%s", keywords->len > 0 ? " " : "", fetch->flags[i]);
    }
  return flags;
}

static gboolean
on_seed_fetch (TidingsImapFetch  *fetch,
               gpointer           user_data,
               GError           **error)
{
  Seed *seed = user_data;
  TidingsStore *store = seed->env->store;
  g_autoptr(GString) keywords = g_string_new (NULL);
  guint flags;
  gint64 id = 0;

  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0)
    return TRUE;
  g_hash_table_add (seed->seen, GUINT_TO_POINTER (fetch->uid));
  flags = flags_of (fetch, keywords);
  if (!tidings_store_lookup_uid (store, seed->folder, fetch->uid, &id, error))
    return FALSE;
  if (id != 0)
    return tidings_store_set_flags (store, id, flags, error)
           && tidings_store_set_keywords (store, id, keywords->str, error);
  if (fetch->envelope != NULL)
    {
      g_autoptr(TidingsStoreMessage) message = tidings_store_message_new ();

      message->folder_id = seed->folder;
      message->uid = fetch->uid;
      message->subject = g_strdup (fetch->envelope->subject);
      message->message_id = g_strdup (fetch->envelope->message_id);
      message->flags = flags;
      message->keywords = g_string_free (g_steal_pointer (&keywords), FALSE);
      message->internal_date = fetch->internal_date;
      message->date = fetch->internal_date;
      message->size = (gint64) fetch->rfc822_size;
      return tidings_store_insert_message (store, message, NULL, error);
    }
  return TRUE;
}

/* Brings @folder to the server's state (uid-0 rows are kept). */
static void
sync_folder (Env    *env,
             gint64  folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreFolder) folder = tidings_store_get_folder (env->store, folder_id, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  g_autoptr(TidingsImapSequenceSet) all = tidings_imap_sequence_set_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  Seed seed = { env, folder_id, seen, NULL };

  g_assert_no_error (error);
  tidings_imap_client_select_async (env->client, folder->path, FALSE, NULL, NULL, on_result, &result);
  info = tidings_imap_client_select_finish (env->client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  tx = tidings_store_transaction_begin (env->store, &error);
  g_assert_no_error (error);
  if (info->exists > 0)
    {
      tidings_imap_sequence_set_add_range (all, 1, TIDINGS_IMAP_SEQUENCE_STAR);
      tidings_imap_client_uid_fetch_async (env->client, all, "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)",
                                           0, FALSE, on_seed_fetch, &seed, NULL, on_result, &result);
      g_assert_true (tidings_imap_client_uid_fetch_finish (env->client, wait_result (&result), &error));
      g_assert_no_error (error);
    }
  rows = tidings_store_list_messages (env->store, folder_id, 0, 10000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      TidingsStoreRow *row = rows->pdata[i];
      g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (env->store, row->id, &error);

      if (message->uid > 0 && !g_hash_table_contains (seen, GUINT_TO_POINTER ((guint32) message->uid)))
        g_assert_true (tidings_store_delete_messages (env->store, &message->id, 1, &error));
      g_assert_no_error (error);
    }
  g_assert_true (tidings_store_transaction_commit (tx, &error));
  g_assert_no_error (error);
}

static gint64
local_id (Env    *env,
          gint64  folder,
          guint32 uid)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (tidings_store_lookup_uid (env->store, folder, uid, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static guint
n_ops (Env *env)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = tidings_store_list_operations (env->store, env->account, &error);

  g_assert_no_error (error);
  return ops->len;
}

static gboolean
replay (Env     *env,
        guint   *n_done,
        GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_replay_run_async (env->store, env->account, env->client, NULL, on_result, &result);
  return tidings_imap_replay_run_finish (wait_result (&result), n_done, error);
}

static void
replay_ok (Env   *env,
           guint  expected_done)
{
  g_autoptr(GError) error = NULL;
  guint n_done = 0;

  g_assert_true (replay (env, &n_done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_done, ==, expected_done);
  g_assert_cmpuint (n_ops (env), ==, 0);
}

static TidingsStoreMessage *
get (Env    *env,
     gint64  id)
{
  g_autoptr(GError) error = NULL;
  TidingsStoreMessage *message = tidings_store_get_message (env->store, id, &error);

  g_assert_no_error (error);
  return message;
}

/* Tests ------------------------------------------------------------------------- */

static void
test_flags (void)
{
  g_autoptr(Env) env = env_new ("ops-flags@example.test");
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  const char *labels[] = { "$Label1", NULL };
  const char *old[] = { "Old", NULL };
  gint64 a, b, c;

  inject (env, "INBOX", "alpha", NULL);
  inject (env, "INBOX", "beta", NULL);
  inject (env, "INBOX", "gamma", "\\Seen Old");
  sync_folder (env, env->inbox);
  a = local_id (env, env->inbox, 1);
  b = local_id (env, env->inbox, 2);
  c = local_id (env, env->inbox, 3);

  /* Two "seen" actions in a row: merged into one UID STORE. */
  g_assert_true (tidings_mail_actions_change_flags (env->store, &a, 1, TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
  g_assert_true (tidings_mail_actions_change_flags (env->store, &b, 1, TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
  g_assert_true (tidings_mail_actions_change_flags (env->store, &b, 1, TIDINGS_MESSAGE_FLAG_FLAGGED, 0, &error));
  g_assert_true (tidings_mail_actions_change_flags (env->store, &c, 1, TIDINGS_MESSAGE_FLAG_ANSWERED,
                                                    TIDINGS_MESSAGE_FLAG_SEEN, &error));
  g_assert_true (tidings_mail_actions_change_keywords (env->store, &a, 1, labels, NULL, &error));
  g_assert_true (tidings_mail_actions_change_keywords (env->store, &c, 1, NULL, old, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (env), ==, 6);

  replay_ok (env, 6);
  server = server_state (env, "INBOX");
  g_assert_cmpstr (server, ==,
                   "1 [\\Seen $Label1] alpha\n"
                   "2 [\\Flagged \\Seen] beta\n"
                   "3 [\\Answered] gamma\n");
  assert_same (env, env->inbox, "INBOX");

  /* Nothing queued: nothing to do. */
  replay_ok (env, 0);
}

static void
test_move (void)
{
  g_autoptr(Env) env = env_new ("ops-move@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *server = NULL;
  gint64 ids[2];

  inject (env, "INBOX", "one", "\\Seen");
  inject (env, "INBOX", "two", NULL);
  inject (env, "INBOX", "stays", NULL);
  inject (env, "Archive", "already there", NULL);
  sync_folder (env, env->inbox);
  sync_folder (env, env->archive);
  ids[0] = local_id (env, env->inbox, 1);
  ids[1] = local_id (env, env->inbox, 2);

  undo = tidings_mail_actions_move (env->store, ids, 2, env->archive, &error);
  g_assert_no_error (error);
  replay_ok (env, 1);

  server = server_state (env, "Archive");
  g_assert_cmpstr (server, ==,
                   "1 [] already there\n"
                   "2 [\\Seen] one\n"
                   "3 [] two\n");
  /* COPYUID gave the rows their new UIDs: the sync finds nothing new. */
  m = get (env, ids[0]);
  g_assert_cmpint (m->uid, ==, 2);
  g_clear_pointer (&m, tidings_store_message_free);
  m = get (env, ids[1]);
  g_assert_cmpint (m->uid, ==, 3);
  assert_same (env, env->archive, "Archive");
  assert_same (env, env->inbox, "INBOX");
  sync_folder (env, env->archive);
  sync_folder (env, env->inbox);
  assert_same (env, env->archive, "Archive");
  assert_same (env, env->inbox, "INBOX");

  /* Undo after the server had it: a move back, with the new UIDs. */
  g_assert_true (tidings_mail_actions_undo (env->store, undo, &error));
  g_assert_no_error (error);
  replay_ok (env, 1);
  assert_same (env, env->archive, "Archive");
  assert_same (env, env->inbox, "INBOX");
  g_clear_pointer (&server, g_free);
  server = server_state (env, "INBOX");
  g_assert_cmpstr (server, ==,
                   "3 [] stays\n"
                   "4 [\\Seen] one\n"
                   "5 [] two\n");
}

/* Move and undo both queued before the replay: the second move's UIDs
 * come from the first's COPYUID within the run. */
static void
test_undo_before_replay (void)
{
  g_autoptr(Env) env = env_new ("ops-undo@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autofree char *inbox = NULL, *trash = NULL;
  gint64 a;

  inject (env, "INBOX", "regret", NULL);
  sync_folder (env, env->inbox);
  a = local_id (env, env->inbox, 1);
  undo = tidings_mail_actions_delete (env->store, &a, 1, &error);
  g_assert_no_error (error);
  g_assert_true (tidings_mail_actions_undo (env->store, undo, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (env), ==, 2);

  replay_ok (env, 2);
  inbox = server_state (env, "INBOX");
  trash = server_state (env, "Trash");
  g_assert_cmpstr (inbox, ==, "2 [] regret\n");
  g_assert_cmpstr (trash, ==, "");
  assert_same (env, env->inbox, "INBOX");
  assert_same (env, env->trash, "Trash");
}

static void
test_copy (void)
{
  g_autoptr(Env) env = env_new ("ops-copy@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) copies = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *inbox = NULL, *archive = NULL;
  gint64 a;

  inject (env, "INBOX", "twin", "\\Flagged");
  sync_folder (env, env->inbox);
  a = local_id (env, env->inbox, 1);
  g_assert_true (tidings_mail_actions_copy (env->store, &a, 1, env->archive, &copies, &error));
  g_assert_no_error (error);
  replay_ok (env, 1);

  inbox = server_state (env, "INBOX");
  archive = server_state (env, "Archive");
  g_assert_cmpstr (inbox, ==, "1 [\\Flagged] twin\n");
  g_assert_cmpstr (archive, ==, "1 [\\Flagged] twin\n");
  m = get (env, g_array_index (copies, gint64, 0));
  g_assert_cmpint (m->uid, ==, 1);
  g_assert_cmpint (m->folder_id, ==, env->archive);
  sync_folder (env, env->archive);
  assert_same (env, env->archive, "Archive");
  assert_same (env, env->inbox, "INBOX");
}

static void
test_delete (void)
{
  g_autoptr(Env) env = env_new ("ops-delete@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autofree char *inbox = NULL, *trash = NULL;
  gint64 a, b;

  inject (env, "INBOX", "unwanted", NULL);
  inject (env, "INBOX", "kept", NULL);
  sync_folder (env, env->inbox);
  a = local_id (env, env->inbox, 1);
  undo = tidings_mail_actions_delete (env->store, &a, 1, &error);
  g_assert_no_error (error);
  replay_ok (env, 1);
  inbox = server_state (env, "INBOX");
  trash = server_state (env, "Trash");
  g_assert_cmpstr (inbox, ==, "2 [] kept\n");
  g_assert_cmpstr (trash, ==, "1 [] unwanted\n");
  assert_same (env, env->trash, "Trash");

  /* From Trash: gone for good, and nothing else touched. */
  inject (env, "Trash", "other trash", "\\Deleted");
  sync_folder (env, env->trash);
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  undo = tidings_mail_actions_delete (env->store, &a, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_mail_undo_get_n_deleted (undo), ==, 1);
  replay_ok (env, 1);
  g_clear_pointer (&trash, g_free);
  trash = server_state (env, "Trash");
  g_assert_cmpstr (trash, ==, "2 [\\Deleted] other trash\n");
  assert_same (env, env->trash, "Trash");

  /* A message deleted twice before any replay: to Trash, then for good
   * with a UID that only the first operation's COPYUID gives. */
  b = local_id (env, env->inbox, 2);
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  undo = tidings_mail_actions_delete (env->store, &b, 1, &error);
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  undo = tidings_mail_actions_delete (env->store, &b, 1, &error);
  g_assert_no_error (error);
  replay_ok (env, 2);
  g_clear_pointer (&trash, g_free);
  g_clear_pointer (&inbox, g_free);
  trash = server_state (env, "Trash");
  inbox = server_state (env, "INBOX");
  g_assert_cmpstr (trash, ==, "2 [\\Deleted] other trash\n");
  g_assert_cmpstr (inbox, ==, "");
}

static void
test_empty_trash (void)
{
  g_autoptr(Env) env = env_new ("ops-empty@example.test");
  g_autoptr(GError) error = NULL;
  g_autofree char *trash = NULL;
  guint removed = 0;

  inject (env, "Trash", "old 1", NULL);
  inject (env, "Trash", "old 2", "\\Seen");
  sync_folder (env, env->trash);
  g_assert_true (tidings_mail_actions_empty_folder (env->store, env->trash, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 2);
  replay_ok (env, 1);
  trash = server_state (env, "Trash");
  g_assert_cmpstr (trash, ==, "");
  g_assert_cmpint (tidings_testbed_status (bed, env->user, "Trash", "messages", &error), ==, 0);

  /* Empty already: harmless. */
  g_assert_true (tidings_mail_actions_empty_folder (env->store, env->trash, &removed, &error));
  replay_ok (env, 1);
}

static const char draft_text[] =
  "From: Ops <ops@example.test>\r\n"
  "To: Bob <bob@example.test>\r\n"
  "Subject: Half written\r\n"
  "Date: Sun, 22 Nov 2026 06:30:00 +0000\r\n"
  "Message-ID: <half-written@example.test>\r\n"
  "\r\n"
  "Dear Bob,\r\n";

static void
test_append (void)
{
  g_autoptr(Env) env = env_new ("ops-append@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static (draft_text, strlen (draft_text));
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autoptr(TidingsStoreMessage) sent = NULL;
  g_autofree char *drafts = NULL, *sent_state = NULL, *payload = NULL, *body = NULL;
  gint64 id = 0, sent_id = 0;

  g_assert_true (tidings_mail_actions_append (env->store, env->drafts, raw,
                                              TIDINGS_MESSAGE_FLAG_DRAFT | TIDINGS_MESSAGE_FLAG_SEEN,
                                              0, &id, &error));
  g_assert_no_error (error);

  /* What the outbox sender queues after sending: a row in Sent, uid 0,
   * raw stored, and {"message", "folder"}. */
  sent = tidings_store_message_new ();
  sent->folder_id = env->sent;
  sent->subject = g_strdup ("Sent one");
  sent->flags = TIDINGS_MESSAGE_FLAG_SEEN;
  sent->raw = g_bytes_ref (raw);
  sent->body_state = TIDINGS_BODY_STATE_FULL;
  g_assert_true (tidings_store_insert_message (env->store, sent, &sent_id, &error));
  payload = g_strdup_printf ("{\"message\": %" G_GINT64_FORMAT ", \"folder\": %" G_GINT64_FORMAT "}",
                             sent_id, env->sent);
  g_assert_true (tidings_store_enqueue_operation (env->store, env->account, "append", payload, NULL, &error));
  g_assert_no_error (error);

  replay_ok (env, 2);
  drafts = server_state (env, "Drafts");
  g_assert_cmpstr (drafts, ==, "1 [\\Seen \\Draft] Half written\n");
  sent_state = server_state (env, "Sent");
  g_assert_cmpstr (sent_state, ==, "1 [\\Seen] Half written\n");
  m = get (env, id);
  g_assert_cmpint (m->uid, ==, 1);
  g_clear_pointer (&m, tidings_store_message_free);
  m = get (env, sent_id);
  g_assert_cmpint (m->uid, ==, 1);
  body = tidings_testbed_fetch (bed, env->user, "Drafts", "text", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (body, "Dear Bob,"));
}

/* The server is down: actions are taken, queued, and replayed after. */
static void
test_offline (void)
{
  g_autoptr(Env) env = env_new ("ops-offline@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autofree char *inbox = NULL, *archive = NULL, *trash = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  gint64 a, b, c;
  guint n_done = 99;

  inject (env, "INBOX", "to archive", NULL);
  inject (env, "INBOX", "to trash", NULL);
  inject (env, "INBOX", "to flag", NULL);
  sync_folder (env, env->inbox);
  a = local_id (env, env->inbox, 1);
  b = local_id (env, env->inbox, 2);
  c = local_id (env, env->inbox, 3);

  g_assert_true (tidings_testbed_stop_servers (bed, "mail", TRUE, &error));
  g_assert_no_error (error);

  undo = tidings_mail_actions_move (env->store, &a, 1, env->archive, &error);
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  undo = tidings_mail_actions_delete (env->store, &b, 1, &error);
  g_assert_true (tidings_mail_actions_change_flags (env->store, &c, 1, TIDINGS_MESSAGE_FLAG_FLAGGED, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (env), ==, 3);
  m = get (env, a);
  g_assert_cmpint (m->folder_id, ==, env->archive);
  g_clear_pointer (&m, tidings_store_message_free);
  m = get (env, b);
  g_assert_cmpint (m->folder_id, ==, env->trash);

  /* The old connection is dead: the replay stops, everything stays. */
  g_assert_false (replay (env, &n_done, &error));
  g_assert_nonnull (error);
  g_test_message ("offline replay: %s", error->message);
  g_assert_false (g_error_matches (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NO));
  g_clear_error (&error);
  g_assert_cmpuint (n_done, ==, 0);
  g_assert_cmpuint (n_ops (env), ==, 3);
  {
    g_autoptr(GPtrArray) ops = tidings_store_list_operations (env->store, env->account, &error);

    /* A network failure is not a refusal: no attempt counted. */
    g_assert_cmpuint (((TidingsStoreOperation *) ops->pdata[0])->attempts, ==, 0);
  }

  g_assert_true (tidings_testbed_start_servers (bed, "mail", &error));
  g_assert_no_error (error);
  g_clear_object (&env->client);
  env->client = connect_client (env->user);
  replay_ok (env, 3);

  inbox = server_state (env, "INBOX");
  archive = server_state (env, "Archive");
  trash = server_state (env, "Trash");
  g_assert_cmpstr (inbox, ==, "3 [\\Flagged] to flag\n");
  g_assert_cmpstr (archive, ==, "1 [] to archive\n");
  g_assert_cmpstr (trash, ==, "1 [] to trash\n");
  assert_same (env, env->inbox, "INBOX");
  assert_same (env, env->archive, "Archive");
  assert_same (env, env->trash, "Trash");
}

/* Crash: a driver process replays and is killed (SIGKILL, no cleanup)
 * right after the server confirmed the MOVE, before the store knew. */
static void
kill_self (const char *kind,
           gpointer    user_data)
{
  if (g_strcmp0 (kind, user_data) == 0)
    raise (SIGKILL);
}

static int
run_driver (const char *dir,
            const char *user,
            const char *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Env env = { 0, };

  env.dir = (char *) dir;
  env.user = user;
  env_open_store (&env);
  env.account = g_ascii_strtoll (account, NULL, 10);
  env.client = connect_client (user);
  _tidings_imap_replay_set_confirmed_hook (kill_self, (gpointer) "move");
  tidings_imap_replay_run_async (env.store, env.account, env.client, NULL, on_result, &result);
  tidings_imap_replay_run_finish (wait_result (&result), NULL, &error);
  g_printerr ("driver: the replay finished, it should have been killed\n");
  return 3;
}

static void
test_crash_after_move (void)
{
  g_autoptr(Env) env = env_new ("ops-crash@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autofree char *account = NULL, *inbox = NULL, *archive = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  const char *argv[] = { self_path, "--driver", NULL, NULL, NULL, NULL };
  int status = 0;
  gint64 a;

  inject (env, "INBOX", "moved once", NULL);
  inject (env, "INBOX", "left alone", NULL);
  sync_folder (env, env->inbox);
  a = local_id (env, env->inbox, 1);
  undo = tidings_mail_actions_move (env->store, &a, 1, env->archive, &error);
  g_assert_no_error (error);

  /* One read-write store per directory: the driver has it meanwhile. */
  g_clear_object (&env->store);
  account = g_strdup_printf ("%" G_GINT64_FORMAT, env->account);
  argv[2] = env->dir;
  argv[3] = env->user;
  argv[4] = account;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  env_open_store (env);

  /* The server moved it; the store still has the operation. */
  archive = server_state (env, "Archive");
  g_assert_cmpstr (archive, ==, "1 [] moved once\n");
  g_assert_cmpuint (n_ops (env), ==, 1);
  m = get (env, a);
  g_assert_cmpint (m->folder_id, ==, env->archive);
  g_assert_cmpint (m->uid, ==, 0);
  g_clear_pointer (&m, tidings_store_message_free);

  /* Again: UID MOVE of a UID no longer there does nothing; the row waits
   * for the sync, which brings it with its UID, once. */
  replay_ok (env, 1);
  inbox = server_state (env, "INBOX");
  g_clear_pointer (&archive, g_free);
  archive = server_state (env, "Archive");
  g_assert_cmpstr (inbox, ==, "2 [] left alone\n");
  g_assert_cmpstr (archive, ==, "1 [] moved once\n");
  sync_folder (env, env->archive);
  sync_folder (env, env->inbox);
  assert_same (env, env->archive, "Archive");
  assert_same (env, env->inbox, "INBOX");
}

/* The destination was deleted on the server: refused three times, then
 * dropped, the local rows put back by a full resync. */
static void
test_refused (void)
{
  g_autoptr(Env) env = env_new ("ops-refused@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autoptr(TidingsStoreFolder) folder = NULL;
  g_autofree char *out = NULL;
  gint64 gone, a;

  out = tidings_testbed_doveadm (bed, &error, "mailbox", "create", "-u", env->user, "Projects", NULL);
  g_assert_no_error (error);
  gone = add_folder (env, "Projects", TIDINGS_FOLDER_ROLE_NONE);
  inject (env, "INBOX", "for projects", NULL);
  sync_folder (env, env->inbox);
  g_assert_true (tidings_store_set_folder_sync_state (env->store, env->inbox, 1, 2, 5, &error));
  a = local_id (env, env->inbox, 1);
  g_clear_pointer (&out, g_free);
  out = tidings_testbed_doveadm (bed, &error, "mailbox", "delete", "-u", env->user, "Projects", NULL);
  g_assert_no_error (error);

  undo = tidings_mail_actions_move (env->store, &a, 1, gone, &error);
  g_assert_no_error (error);
  for (guint attempt = 1; attempt <= TIDINGS_IMAP_REPLAY_MAX_ATTEMPTS; attempt++)
    {
      g_autoptr(GPtrArray) ops = NULL;
      guint n_done = 99;

      if (attempt == TIDINGS_IMAP_REPLAY_MAX_ATTEMPTS)
        g_test_expect_message ("Tidings", G_LOG_LEVEL_WARNING, "*Dropping the queued operation*move*");
      g_assert_true (replay (env, &n_done, &error));
      g_assert_no_error (error);
      ops = tidings_store_list_operations (env->store, env->account, &error);
      if (attempt < TIDINGS_IMAP_REPLAY_MAX_ATTEMPTS)
        {
          g_assert_cmpuint (n_done, ==, 0);
          g_assert_cmpuint (ops->len, ==, 1);
          g_assert_cmpuint (((TidingsStoreOperation *) ops->pdata[0])->attempts, ==, attempt);
          g_assert_nonnull (((TidingsStoreOperation *) ops->pdata[0])->last_error);
        }
      else
        {
          g_test_assert_expected_messages ();
          g_assert_cmpuint (n_done, ==, 1);
          g_assert_cmpuint (ops->len, ==, 0);
        }
    }
  /* The unconfirmed row is gone; INBOX is marked for a full resync. */
  g_assert_false (tidings_store_get_message (env->store, a, NULL) != NULL);
  folder = tidings_store_get_folder (env->store, env->inbox, &error);
  g_assert_cmpint (folder->uidvalidity, ==, 1);
  g_assert_cmpint (folder->uidnext, ==, 0);
  g_assert_cmpint (folder->highestmodseq, ==, 0);
  sync_folder (env, env->inbox);
  assert_same (env, env->inbox, "INBOX");
}

/* The COPY + STORE \Deleted + UID EXPUNGE path of uid_move, as for a
 * server without MOVE. */
static void
test_move_fallback (void)
{
  g_autoptr(Env) env = env_new ("ops-fallback@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *inbox = NULL, *archive = NULL;
  gint64 ids[2];

  env->client->quirks |= TIDINGS_IMAP_QUIRK_NO_MOVE;
  inject (env, "INBOX", "first", NULL);
  inject (env, "INBOX", "second", "\\Seen");
  inject (env, "INBOX", "third", "\\Deleted");
  sync_folder (env, env->inbox);
  ids[0] = local_id (env, env->inbox, 1);
  ids[1] = local_id (env, env->inbox, 2);
  undo = tidings_mail_actions_move (env->store, ids, 2, env->archive, &error);
  g_assert_no_error (error);
  replay_ok (env, 1);

  inbox = server_state (env, "INBOX");
  archive = server_state (env, "Archive");
  /* UID EXPUNGE took only ours: "third" stays, \Deleted. */
  g_assert_cmpstr (inbox, ==, "3 [\\Deleted] third\n");
  g_assert_cmpstr (archive, ==, "1 [] first\n2 [\\Seen] second\n");
  m = get (env, ids[1]);
  g_assert_cmpint (m->uid, ==, 2);
  assert_same (env, env->archive, "Archive");
  sync_folder (env, env->inbox);
  assert_same (env, env->inbox, "INBOX");
}

/* Many single actions while offline, replayed at once: consecutive flag
 * operations of a folder go out as one UID STORE. Prints the time. */
static void
test_many_flags (void)
{
  g_autoptr(Env) env = env_new ("ops-many@example.test");
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  guint n = 40;
  gint64 start;

  /* APPEND through the client: doveadm save takes ~50 ms a message. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("Subject: bulk %02u\r\nMessage-ID: <bulk%u@x>\r\n\r\nx\r\n", i, i);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(TidingsImapCopyResult) appended = NULL;

      tidings_imap_client_append_async (env->client, "INBOX", NULL, 0, bytes, NULL, on_result, &result);
      appended = tidings_imap_client_append_finish (env->client, wait_result (&result), &error);
      g_assert_no_error (error);
    }
  sync_folder (env, env->inbox);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = local_id (env, env->inbox, i + 1);

      g_assert_true (tidings_mail_actions_change_flags (env->store, &id, 1, TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
    }
  for (guint i = 0; i < n; i += 2)
    {
      gint64 id = local_id (env, env->inbox, i + 1);

      g_assert_true (tidings_mail_actions_change_flags (env->store, &id, 1, TIDINGS_MESSAGE_FLAG_FLAGGED, 0, &error));
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (env), ==, n + n / 2);
  start = g_get_monotonic_time ();
  replay_ok (env, n + n / 2);
  g_test_message ("replayed %u flag operations in %.1f ms", n + n / 2,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (tidings_testbed_status (bed, env->user, "INBOX", "unseen", &error), ==, 0);
  assert_same (env, env->inbox, "INBOX");
}

/* The same with the account's real folder sync (tidings-imap-folder-sync.h)
 * instead of the stand-in: replayed actions leave nothing for it to fix,
 * and a dropped operation's "full resync" mark brings the server's truth
 * back. */
static void
account_sync (Env    *env,
              gint64  folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  TidingsImapFolderSyncCounts counts = { 0, };

  tidings_imap_folder_sync_async (env->store, env->client, folder_id, TIDINGS_IMAP_FOLDER_SYNC_NONE, 0,
                                  NULL, NULL, on_result, &result);
  g_assert_true (tidings_imap_folder_sync_finish (wait_result (&result), &counts, &error));
  g_assert_no_error (error);
  g_test_message ("sync of folder %" G_GINT64_FORMAT ": %u new, %u changed, %u vanished",
                  folder_id, counts.n_new, counts.n_changed, counts.n_vanished);
}

static void
test_with_account_sync (void)
{
  g_autoptr(Env) env = env_new ("ops-sync@example.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autofree char *out = NULL, *inbox = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  gint64 a, b, c, projects;

  inject (env, "INBOX", "archived", NULL);
  inject (env, "INBOX", "trashed", NULL);
  inject (env, "INBOX", "flagged", NULL);
  account_sync (env, env->inbox);
  account_sync (env, env->archive);
  account_sync (env, env->trash);
  a = local_id (env, env->inbox, 1);
  b = local_id (env, env->inbox, 2);
  c = local_id (env, env->inbox, 3);

  undo = tidings_mail_actions_move (env->store, &a, 1, env->archive, &error);
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  undo = tidings_mail_actions_delete (env->store, &b, 1, &error);
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  g_assert_true (tidings_mail_actions_change_flags (env->store, &c, 1, TIDINGS_MESSAGE_FLAG_FLAGGED, 0, &error));
  g_assert_no_error (error);
  replay_ok (env, 3);
  account_sync (env, env->inbox);
  account_sync (env, env->archive);
  account_sync (env, env->trash);
  assert_same (env, env->inbox, "INBOX");
  assert_same (env, env->archive, "Archive");
  assert_same (env, env->trash, "Trash");
  m = get (env, a);
  g_assert_cmpint (m->uid, ==, 1);

  /* A move to a folder deleted on the server, dropped after three
   * refusals: the next sync of INBOX brings the message back. */
  out = tidings_testbed_doveadm (bed, &error, "mailbox", "create", "-u", env->user, "Projects", NULL);
  g_assert_no_error (error);
  projects = add_folder (env, "Projects", TIDINGS_FOLDER_ROLE_NONE);
  account_sync (env, projects);
  g_clear_pointer (&out, g_free);
  out = tidings_testbed_doveadm (bed, &error, "mailbox", "delete", "-u", env->user, "Projects", NULL);
  g_assert_no_error (error);
  undo = tidings_mail_actions_move (env->store, &c, 1, projects, &error);
  g_assert_no_error (error);
  for (guint attempt = 1; attempt <= TIDINGS_IMAP_REPLAY_MAX_ATTEMPTS; attempt++)
    {
      guint n_done = 0;

      if (attempt == TIDINGS_IMAP_REPLAY_MAX_ATTEMPTS)
        g_test_expect_message ("Tidings", G_LOG_LEVEL_WARNING, "*Dropping the queued operation*");
      g_assert_true (replay (env, &n_done, &error));
      g_assert_no_error (error);
      /* The sync runs between the attempts, as the account does. */
      account_sync (env, env->inbox);
    }
  g_test_assert_expected_messages ();
  g_assert_cmpuint (n_ops (env), ==, 0);
  inbox = server_state (env, "INBOX");
  g_assert_cmpstr (inbox, ==, "3 [\\Flagged] flagged\n");
  assert_same (env, env->inbox, "INBOX");
}

int
main (int   argc,
      char *argv[])
{
  self_path = argv[0];
  if (argc == 5 && g_strcmp0 (argv[1], "--driver") == 0)
    {
      tidings_engine_init ();
      bed = tidings_testbed_get_or_skip ();
      return run_driver (argv[2], argv[3], argv[4]);
    }

  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();

  g_test_add_func ("/imap-ops/flags", test_flags);
  g_test_add_func ("/imap-ops/move", test_move);
  g_test_add_func ("/imap-ops/undo-before-replay", test_undo_before_replay);
  g_test_add_func ("/imap-ops/copy", test_copy);
  g_test_add_func ("/imap-ops/delete", test_delete);
  g_test_add_func ("/imap-ops/empty-trash", test_empty_trash);
  g_test_add_func ("/imap-ops/append", test_append);
  g_test_add_func ("/imap-ops/offline", test_offline);
  g_test_add_func ("/imap-ops/crash-after-move", test_crash_after_move);
  g_test_add_func ("/imap-ops/refused", test_refused);
  g_test_add_func ("/imap-ops/move-fallback", test_move_fallback);
  g_test_add_func ("/imap-ops/with-account-sync", test_with_account_sync);
  g_test_add_func ("/imap-ops/many-flags", test_many_flags);
  return g_test_run ();
}
