/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The replayer against a scripted IMAP4rev1 server with none of MOVE,
 * UIDPLUS or LITERAL+ (what no Dovecot of the test bed does): the move
 * goes through COPY + \Deleted + EXPUNGE, COPYUID and APPENDUID are
 * missing (so the local rows go and the sync brings them), an expunge
 * waits when another message is \Deleted, and damaged payloads are dropped
 * without blocking the queue. */
#include "config.h"

#include <string.h>

#include "account/tidings-imap-replay-private.h"
#include "account/tidings-mail-actions.h"
#include "net-test-util.h"
#include "store-test-util.h"
#include "tidings-engine.h"

typedef struct
{
  gboolean  deleted_others;  /* UID SEARCH DELETED also finds UID 3 */
  GString  *log;             /* commands without tags, "\n"-joined */
  GBytes   *appended;
} Script;

static void
reply (GIOStream  *stream,
       const char *tag,
       const char *untagged,
       const char *tagged)
{
  g_autofree char *text = g_strdup_printf ("%s%s %s\r\n", untagged, tag, tagged);

  srv_write (stream, text, -1);
}

static void
serve (GIOStream *stream,
       gpointer   data)
{
  Script *script = data;
  char *line;

  srv_write (stream, "* OK [CAPABILITY IMAP4rev1] scripted\r\n", -1);
  while ((line = srv_read_line (stream)) != NULL)
    {
      g_autofree char *owned = line;
      g_autofree char *tag = NULL;
      const char *command;
      const char *space = strchr (line, ' ');
      gsize len = strlen (line);

      if (space == NULL)
        break;
      tag = g_strndup (line, space - line);
      command = space + 1;
      g_string_append_printf (script->log, "%s\n", command);

      if (g_str_has_prefix (command, "LOGIN "))
        reply (stream, tag, "", "OK [CAPABILITY IMAP4rev1] welcome");
      else if (g_str_equal (command, "CAPABILITY"))
        reply (stream, tag, "* CAPABILITY IMAP4rev1\r\n", "OK done");
      else if (g_str_has_prefix (command, "SELECT "))
        reply (stream, tag,
               "* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)\r\n"
               "* 3 EXISTS\r\n* 0 RECENT\r\n"
               "* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n",
               "OK [READ-WRITE] selected");
      else if (g_str_equal (command, "UID SEARCH DELETED"))
        reply (stream, tag, script->deleted_others ? "* SEARCH 1 3\r\n" : "* SEARCH 1 2\r\n",
               "OK searched");
      else if (g_str_has_prefix (command, "UID SEARCH "))
        reply (stream, tag, "* SEARCH\r\n", "OK searched");
      else if (g_str_equal (command, "EXPUNGE"))
        reply (stream, tag, "* 1 EXPUNGE\r\n* 1 EXPUNGE\r\n", "OK expunged");
      else if (g_str_has_prefix (command, "APPEND ") && len > 3 && line[len - 1] == '}')
        {
          const char *brace = strrchr (line, '{');
          guint64 size = g_ascii_strtoull (brace + 1, NULL, 10);
          g_autofree char *buffer = NULL;
          g_autofree char *rest = NULL;
          gsize got = 0;

          g_assert_cmpuint (size, <, 1 << 20);
          srv_write (stream, "+ go on\r\n", -1);
          buffer = g_malloc (size);
          if (!g_input_stream_read_all (g_io_stream_get_input_stream (stream), buffer, size, &got,
                                        NULL, NULL) || got != size)
            break;
          script->appended = g_bytes_new (buffer, size);
          rest = srv_read_line (stream);
          reply (stream, tag, "", "OK appended");
        }
      else if (g_str_equal (command, "LOGOUT"))
        {
          reply (stream, tag, "* BYE bye\r\n", "OK bye");
          break;
        }
      else
        reply (stream, tag, "", "OK done");
    }
}

typedef struct
{
  StoreFixture       base;
  Script             script;
  NetTestServer     *server;
  TidingsImapClient *client;
  gint64             drafts;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TidingsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  NetTestWait w = { NULL };
  g_autoptr(GAsyncResult) result = NULL;

  store_fixture_set_up (&fixture->base, data);
  fixture->drafts = store_test_add_folder (fixture->base.store, fixture->base.account, "Drafts",
                                           TIDINGS_FOLDER_ROLE_DRAFTS);
  fixture->script.log = g_string_new (NULL);
  fixture->script.deleted_others = GPOINTER_TO_INT (data);
  fixture->server = net_test_server_new (serve, &fixture->script);

  connection = new_connection (net_test_server_get_port (fixture->server), TIDINGS_SECURITY_NONE, FALSE);
  fixture->client = tidings_imap_client_new (connection);
  tidings_imap_client_connect_async (fixture->client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_imap_client_connect_finish (fixture->client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  tidings_imap_client_login_async (fixture->client, "user", "secret", NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_imap_client_login_finish (fixture->client, result, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  tidings_imap_client_close (fixture->client);
  g_clear_object (&fixture->client);
  net_test_server_free (fixture->server);
  g_string_free (fixture->script.log, TRUE);
  g_clear_pointer (&fixture->script.appended, g_bytes_unref);
  store_fixture_tear_down (&fixture->base, data);
}

static gint64
insert (TidingsStore *store,
        gint64        folder,
        gint64        uid,
        guint         flags)
{
  g_autoptr(TidingsStoreMessage) message = store_test_message (folder, "scripted", 1700000000);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  message->uid = uid;
  message->flags = flags;
  g_assert_true (tidings_store_insert_message (store, message, &id, &error));
  g_assert_no_error (error);
  return id;
}

static guint
run_replay (Fixture *fixture)
{
  NetTestWait w = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_done = 0;

  tidings_imap_replay_run_async (fixture->base.store, fixture->base.account, fixture->client, NULL,
                                 net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_imap_replay_run_finish (result, &n_done, &error));
  g_assert_no_error (error);
  return n_done;
}

static gboolean
exists (TidingsStore *store,
        gint64        id)
{
  g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (store, id, NULL);

  return message != NULL;
}

static const char draft[] =
  "From: A <a@example.test>\r\nSubject: draft\r\nMessage-ID: <d@example.test>\r\n\r\nHello\r\n";

static void
test_no_uidplus (Fixture       *fixture,
                 gconstpointer  data)
{
  TidingsStore *store = fixture->base.store;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static (draft, strlen (draft));
  g_autoptr(GPtrArray) ops = NULL;
  gint64 ids[] = {
    insert (store, fixture->base.inbox, 1, 0),
    insert (store, fixture->base.inbox, 2, 0),
    insert (store, fixture->base.inbox, 3, TIDINGS_MESSAGE_FLAG_FLAGGED),
  };
  gint64 appended = 0;
  const char *log;

  undo = tidings_mail_actions_move (store, ids, 2, fixture->base.archive, &error);
  g_assert_no_error (error);
  /* Damaged rows, as a bug or a newer version might leave them. */
  g_assert_true (tidings_store_enqueue_operation (store, fixture->base.account, "move", "{}", NULL, &error));
  g_assert_true (tidings_store_enqueue_operation (store, fixture->base.account, "teleport",
                                                  "{\"folder\": 1}", NULL, &error));
  g_assert_true (tidings_store_enqueue_operation (store, fixture->base.account, "flags",
                                                  "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [\"a b\"],"
                                                  " \"remove\": [], \"messages\": []}", NULL, &error));
  g_assert_true (tidings_mail_actions_append (store, fixture->drafts, raw, TIDINGS_MESSAGE_FLAG_DRAFT, 0,
                                              &appended, &error));
  g_assert_true (tidings_mail_actions_change_flags (store, &ids[2], 1, TIDINGS_MESSAGE_FLAG_SEEN,
                                                    TIDINGS_MESSAGE_FLAG_FLAGGED, &error));
  g_assert_no_error (error);

  g_test_expect_message ("Tidings", G_LOG_LEVEL_WARNING, "*operation “move” cannot be read*");
  g_test_expect_message ("Tidings", G_LOG_LEVEL_WARNING, "*operation “teleport” cannot be read*");
  g_test_expect_message ("Tidings", G_LOG_LEVEL_WARNING, "*operation “flags” cannot be read*");
  g_assert_cmpuint (run_replay (fixture), ==, 6);
  g_test_assert_expected_messages ();
  ops = tidings_store_list_operations (store, 0, &error);
  g_assert_cmpuint (ops->len, ==, 0);

  log = fixture->script.log->str;
  g_test_message ("%s", log);
  /* MOVE missing: COPY, \Deleted, and EXPUNGE since nothing else is. */
  g_assert_nonnull (strstr (log, "UID COPY 1:2 \"Archive\"\nUID STORE 1:2 +FLAGS.SILENT (\\Deleted)\n"));
  g_assert_nonnull (strstr (log, "\nEXPUNGE\n"));
  g_assert_null (strstr (log, "UID MOVE"));
  g_assert_null (strstr (log, "UID EXPUNGE"));
  g_assert_nonnull (strstr (log, "APPEND \"Drafts\" (\\Draft) "));
  g_assert_nonnull (fixture->script.appended);
  g_assert_true (g_bytes_equal (fixture->script.appended, raw));
  g_assert_nonnull (strstr (log, "UID STORE 3 +FLAGS.SILENT (\\Seen)\nUID STORE 3 -FLAGS.SILENT (\\Flagged)\n"));

  /* No COPYUID, no APPENDUID: the rows waiting with uid 0 go; the sync
   * brings them with their UIDs. */
  g_assert_false (exists (store, ids[0]));
  g_assert_false (exists (store, ids[1]));
  g_assert_false (exists (store, appended));
  g_assert_true (exists (store, ids[2]));
}

/* Deleting for good without UIDPLUS: EXPUNGE only when no other message
 * of the folder is \Deleted (data: whether one is). */
static void
test_expunge_without_uidplus (Fixture       *fixture,
                              gconstpointer  data)
{
  TidingsStore *store = fixture->base.store;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  gint64 ids[] = {
    insert (store, fixture->base.trash, 1, 0),
    insert (store, fixture->base.trash, 2, 0),
  };
  const char *log;

  undo = tidings_mail_actions_delete (store, ids, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_mail_undo_get_n_deleted (undo), ==, 2);
  g_assert_cmpuint (run_replay (fixture), ==, 1);

  log = fixture->script.log->str;
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "UID STORE 1:2 +FLAGS.SILENT (\\Deleted)\nUID SEARCH DELETED\n"));
  if (fixture->script.deleted_others)
    g_assert_null (strstr (log, "EXPUNGE"));
  else
    g_assert_nonnull (strstr (log, "\nEXPUNGE\n"));
}

/* Unit checks of the payload reader and the flags merge. */
static void
test_batch (void)
{
  static const char *bad[] = {
    "",
    "[]",
    "{\"folder\": \"1\", \"path\": \"INBOX\", \"add\": [], \"remove\": [], \"messages\": []}",
    "{\"folder\": 1, \"path\": \"\", \"add\": [], \"remove\": [], \"messages\": []}",
    "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [\"(\"], \"remove\": [], \"messages\": []}",
    "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [1], \"remove\": [], \"messages\": []}",
    "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [], \"remove\": [], \"messages\": [{\"uid\": 3}]}",
    "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [], \"remove\": [], \"messages\": [{\"id\": 1, \"uid\": 4294967296}]}",
    "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [], \"remove\": [], \"messages\": [{\"id\": -1}]}",
    "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [], \"remove\": [], \"messages\": {}}",
  };
  TidingsStoreOperation op = { 1, 1, (char *) "flags", NULL, 0, NULL, 0 };
  TidingsStoreOperation next = { 2, 1, (char *) "flags", NULL, 0, NULL, 0 };
  TidingsStoreOperation other = { 3, 1, (char *) "flags", NULL, 0, NULL, 0 };
  g_autoptr(ReplayBatch) batch = NULL;
  ReplayItem *item;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ReplayBatch) b = NULL;

      op.payload = (char *) bad[i];
      b = _tidings_imap_replay_batch_parse (&op, &error);
      g_assert_null (b);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  op.payload = (char *) "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [\"\\\\Seen\"], \"remove\": [],"
                        " \"messages\": [{\"id\": 5, \"uid\": 9}]}";
  next.payload = (char *) "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [\"\\\\Seen\"], \"remove\": [],"
                          " \"messages\": [{\"id\": 6, \"uid\": 0, \"mid\": \"x@y\"}]}";
  other.payload = (char *) "{\"folder\": 1, \"path\": \"INBOX\", \"add\": [\"\\\\Flagged\"], \"remove\": [],"
                           " \"messages\": [{\"id\": 7, \"uid\": 10}]}";
  batch = _tidings_imap_replay_batch_parse (&op, NULL);
  g_assert_nonnull (batch);
  g_assert_true (_tidings_imap_replay_batch_merge (batch, &next));
  g_assert_false (_tidings_imap_replay_batch_merge (batch, &other));
  g_assert_cmpuint (batch->ops->len, ==, 2);
  g_assert_cmpuint (batch->items->len, ==, 2);
  item = &g_array_index (batch->items, ReplayItem, 1);
  g_assert_cmpint (item->id, ==, 6);
  g_assert_cmpint (item->uid, ==, 0);
  g_assert_cmpstr (item->mid, ==, "x@y");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add ("/imap-replay/no-uidplus", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_no_uidplus, fixture_tear_down);
  g_test_add ("/imap-replay/expunge-without-uidplus/alone", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_expunge_without_uidplus, fixture_tear_down);
  g_test_add ("/imap-replay/expunge-without-uidplus/others-deleted", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_expunge_without_uidplus, fixture_tear_down);
  g_test_add_func ("/imap-replay/batch", test_batch);
  return g_test_run ();
}
