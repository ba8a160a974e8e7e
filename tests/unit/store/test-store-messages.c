/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts, folders and messages: CRUD, paging order, flags, keywords,
 * moves, deletes, server ids and transactions. */
#include "config.h"

#include <string.h>

#include "store-test-util.h"

#define ADD_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

static TidingsStoreFolder *
get_folder (StoreFixture *fixture,
            gint64        id)
{
  g_autoptr(GError) error = NULL;
  TidingsStoreFolder *folder = tidings_store_get_folder (fixture->store, id, &error);

  g_assert_no_error (error);
  return folder;
}

static void
assert_counts (StoreFixture *fixture,
               gint64        folder_id,
               guint         total,
               guint         unread)
{
  g_autoptr(TidingsStoreFolder) folder = get_folder (fixture, folder_id);

  g_assert_cmpuint (folder->total_count, ==, total);
  g_assert_cmpuint (folder->unread_count, ==, unread);
}

/* Accounts ----------------------------------------------------------------- */

static void
test_accounts (StoreFixture  *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(TidingsStoreAccount) got = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  gint64 id = 0;

  account->name = g_strdup ("Work");
  account->kind = g_strdup ("pop3");
  account->email = g_strdup ("me@work.test");
  account->settings = g_strdup ("{\"host\":\"pop.work.test\",\"port\":995}");
  account->sort_order = -1;
  g_assert_true (tidings_store_add_account (fixture->store, account, &id, &error));
  g_assert_no_error (error);

  got = tidings_store_get_account (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Work");
  g_assert_cmpstr (got->kind, ==, "pop3");
  g_assert_cmpstr (got->email, ==, "me@work.test");
  g_assert_cmpstr (got->settings, ==, "{\"host\":\"pop.work.test\",\"port\":995}");
  g_assert_cmpint (got->created, >, 1600000000);

  /* Sort order first, then id. */
  accounts = tidings_store_list_accounts (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 2);
  g_assert_cmpint (((TidingsStoreAccount *) accounts->pdata[0])->id, ==, id);
  g_assert_cmpint (((TidingsStoreAccount *) accounts->pdata[1])->id, ==, fixture->account);

  g_free (got->name);
  got->name = g_strdup ("Work mail");
  g_free (got->settings);
  got->settings = NULL;
  g_assert_true (tidings_store_update_account (fixture->store, got, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, tidings_store_account_free);
  got = tidings_store_get_account (fixture->store, id, &error);
  g_assert_cmpstr (got->name, ==, "Work mail");
  g_assert_cmpstr (got->settings, ==, "{}");

  /* Settings must be a JSON object. */
  g_free (account->settings);
  account->settings = g_strdup ("{not json");
  g_assert_false (tidings_store_add_account (fixture->store, account, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (account->settings);
  account->settings = g_strdup ("[1, 2]");
  g_assert_false (tidings_store_add_account (fixture->store, account, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (tidings_store_get_account (fixture->store, 9999, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got->id = 9999;
  g_assert_false (tidings_store_update_account (fixture->store, got, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Removing an account takes everything of it along. */
  store_test_insert (fixture->store, fixture->inbox, "Hello", 100, 0);
  g_assert_true (tidings_store_remove_account (fixture->store, fixture->account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM folders"), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 0);
  g_assert_false (tidings_store_remove_account (fixture->store, fixture->account, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

/* Folders ------------------------------------------------------------------ */

static void
test_folders (StoreFixture  *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreFolder) folder = tidings_store_folder_new ();
  g_autoptr(TidingsStoreFolder) got = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  gint64 parent, child = 0, found = 0;

  parent = store_test_add_folder (fixture->store, fixture->account, "Lists", TIDINGS_FOLDER_ROLE_NONE);
  folder->account_id = fixture->account;
  folder->parent_id = parent;
  folder->path = g_strdup ("Lists/GNOME");
  folder->name = g_strdup ("GNOME");
  folder->sort_key = -5;
  folder->uidvalidity = 4000000000;
  folder->uidnext = 17;
  folder->highestmodseq = 123456789012;
  g_assert_true (tidings_store_add_folder (fixture->store, folder, &child, &error));
  g_assert_no_error (error);

  got = get_folder (fixture, child);
  g_assert_cmpint (got->account_id, ==, fixture->account);
  g_assert_cmpint (got->parent_id, ==, parent);
  g_assert_cmpstr (got->path, ==, "Lists/GNOME");
  g_assert_cmpstr (got->name, ==, "GNOME");
  g_assert_cmpint (got->role, ==, TIDINGS_FOLDER_ROLE_NONE);
  g_assert_cmpint (got->uidvalidity, ==, 4000000000);
  g_assert_cmpint (got->uidnext, ==, 17);
  g_assert_cmpint (got->highestmodseq, ==, 123456789012);
  g_assert_cmpuint (got->total_count, ==, 0);

  /* Same path twice in an account is refused; another account is fine. */
  g_assert_false (tidings_store_add_folder (fixture->store, folder, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  folder->account_id = 4242;
  folder->parent_id = 0;
  g_assert_false (tidings_store_add_folder (fixture->store, folder, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (tidings_store_find_folder (fixture->store, fixture->account, "Lists/GNOME", &found, &error));
  g_assert_cmpint (found, ==, child);
  g_assert_true (tidings_store_find_folder (fixture->store, fixture->account, "Nope", &found, &error));
  g_assert_cmpint (found, ==, 0);
  g_assert_true (tidings_store_find_folder_by_role (fixture->store, fixture->account,
                                                    TIDINGS_FOLDER_ROLE_TRASH, &found, &error));
  g_assert_cmpint (found, ==, fixture->trash);
  g_assert_true (tidings_store_find_folder_by_role (fixture->store, fixture->account,
                                                    TIDINGS_FOLDER_ROLE_JUNK, &found, &error));
  g_assert_cmpint (found, ==, 0);
  g_assert_no_error (error);

  /* Server order: sort key, then path. */
  folders = tidings_store_list_folders (fixture->store, fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 5);
  g_assert_cmpint (((TidingsStoreFolder *) folders->pdata[0])->id, ==, child);
  g_assert_cmpstr (((TidingsStoreFolder *) folders->pdata[1])->path, ==, "Archive");
  g_assert_cmpstr (((TidingsStoreFolder *) folders->pdata[2])->path, ==, "INBOX");

  /* Update and sync state. */
  g_free (got->name);
  got->name = g_strdup ("GNOME lists");
  got->role = TIDINGS_FOLDER_ROLE_JUNK;
  g_assert_true (tidings_store_update_folder (fixture->store, got, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_store_set_folder_sync_state (fixture->store, child, 5, 99, 1000, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, tidings_store_folder_free);
  got = get_folder (fixture, child);
  g_assert_cmpstr (got->name, ==, "GNOME lists");
  g_assert_cmpint (got->role, ==, TIDINGS_FOLDER_ROLE_JUNK);
  g_assert_cmpint (got->uidvalidity, ==, 5);
  g_assert_cmpint (got->uidnext, ==, 99);
  g_assert_cmpint (got->highestmodseq, ==, 1000);
  g_assert_false (tidings_store_set_folder_sync_state (fixture->store, 777, 1, 1, 1, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Removing the parent removes the child and its messages. */
  store_test_insert (fixture->store, child, "In child", 10, 0);
  g_assert_true (tidings_store_remove_folder (fixture->store, parent, &error));
  g_assert_no_error (error);
  g_assert_null (tidings_store_get_folder (fixture->store, child, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 0);

  g_assert_cmpstr (tidings_folder_role_to_string (TIDINGS_FOLDER_ROLE_SENT), ==, "sent");
}

/* Insert, list, paging ----------------------------------------------------------- */

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const gint64 *ra = a, *rb = b;   /* { date, id } */

  if (ra[0] != rb[0])
    return ra[0] > rb[0] ? -1 : 1;
  return ra[1] > rb[1] ? -1 : (ra[1] < rb[1]);
}

static void
test_insert_and_page (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  const guint n = 257;
  guint count = 0;
  guint seen = 0;

  tx = tidings_store_transaction_begin (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      /* Few distinct dates: ties are ordered by id. */
      gint64 pair[2];
      g_autofree char *subject = g_strdup_printf ("Message %u", i);

      pair[0] = 1700000000 + g_test_rand_int_range (0, 40) * 60;
      pair[1] = store_test_insert (fixture->store, fixture->inbox, subject, pair[0],
                                   i % 3 == 0 ? TIDINGS_MESSAGE_FLAG_SEEN : 0);
      g_array_append_vals (expected, pair, 1);
    }
  g_assert_true (tidings_store_transaction_commit (tx, &error));
  g_assert_no_error (error);
  g_array_sort (expected, compare_newest_first);

  g_assert_true (tidings_store_count_messages (fixture->store, fixture->inbox, &count, &error));
  g_assert_cmpuint (count, ==, n);
  assert_counts (fixture, fixture->inbox, n, n - (n + 2) / 3);

  for (guint offset = 0; offset < n + 50; offset += 50)
    {
      g_autoptr(GPtrArray) rows = tidings_store_list_messages (fixture->store, fixture->inbox,
                                                               offset, 50, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, MIN (50, n > offset ? n - offset : 0));
      for (guint i = 0; i < rows->len; i++)
        {
          TidingsStoreRow *row = rows->pdata[i];
          const gint64 *pair = &g_array_index (expected, gint64, 2 * (offset + i));

          g_assert_cmpint (row->date, ==, pair[0]);
          g_assert_cmpint (row->id, ==, pair[1]);
          g_assert_cmpint (row->folder_id, ==, fixture->inbox);
          g_assert_true (g_str_has_prefix (row->subject, "Message "));
          g_assert_cmpstr (row->from_name, ==, "Bob Example");
          seen++;
        }
    }
  g_assert_cmpuint (seen, ==, n);

  /* Other folders are empty; unknown folders have no count. */
  {
    g_autoptr(GPtrArray) rows = tidings_store_list_messages (fixture->store, fixture->archive, 0, 50, &error);
    g_assert_cmpuint (rows->len, ==, 0);
  }
  g_assert_false (tidings_store_count_messages (fixture->store, 31337, &count, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

static void
test_message_fields (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) in = tidings_store_message_new ();
  g_autoptr(TidingsStoreMessage) out = NULL;
  g_autoptr(TidingsStoreMessage) copy = NULL;
  g_autoptr(TidingsStoreRow) row_copy = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 id = 0, found = 0;

  in->folder_id = fixture->inbox;
  in->uid = 4294967295;
  in->modseq = 77;
  in->message_id = g_strdup (" <abc@example.test> ");
  in->in_reply_to = g_strdup ("<parent@example.test>");
  in->references = g_strdup ("<root@example.test> <parent@example.test>");
  in->subject = g_strdup ("Ünïcödé subject ✉");
  in->thread_subject = g_strdup ("ünïcödé subject ✉");
  in->from_name = g_strdup ("Zoë");
  in->from_address = g_strdup ("zoe@example.test");
  in->to = g_strdup ("A <a@example.test>, b@example.test");
  in->cc = g_strdup ("c@example.test");
  in->date = 1700000000;
  in->internal_date = 1700000005;
  in->size = 98765;
  in->flags = TIDINGS_MESSAGE_FLAG_FLAGGED | TIDINGS_MESSAGE_FLAG_ANSWERED | 0x100;
  in->keywords = g_strdup ("$Important work");
  in->preview = g_strdup ("Hello there");
  in->has_attachments = TRUE;
  in->body_state = TIDINGS_BODY_STATE_HEADERS;
  in->body_text = g_strdup ("the body");

  g_assert_true (tidings_store_insert_message (fixture->store, in, &id, &error));
  g_assert_no_error (error);
  out = tidings_store_get_message (fixture->store, id, &error);
  g_assert_no_error (error);

  g_assert_cmpint (out->id, ==, id);
  g_assert_cmpint (out->folder_id, ==, fixture->inbox);
  g_assert_cmpint (out->uid, ==, 4294967295);
  g_assert_null (out->uidl);
  g_assert_cmpint (out->modseq, ==, 77);
  g_assert_cmpstr (out->message_id, ==, "abc@example.test");
  g_assert_cmpstr (out->in_reply_to, ==, in->in_reply_to);
  g_assert_cmpstr (out->references, ==, in->references);
  g_assert_cmpstr (out->subject, ==, in->subject);
  /* Has references: not part of the subject fallback. */
  g_assert_null (out->thread_subject);
  g_assert_cmpstr (out->from_name, ==, "Zoë");
  g_assert_cmpstr (out->from_address, ==, "zoe@example.test");
  g_assert_cmpstr (out->to, ==, in->to);
  g_assert_cmpstr (out->cc, ==, in->cc);
  g_assert_cmpint (out->date, ==, 1700000000);
  g_assert_cmpint (out->internal_date, ==, 1700000005);
  g_assert_cmpint (out->size, ==, 98765);
  g_assert_cmpuint (out->flags, ==, TIDINGS_MESSAGE_FLAG_FLAGGED | TIDINGS_MESSAGE_FLAG_ANSWERED);
  g_assert_cmpstr (out->keywords, ==, "$Important work");
  g_assert_cmpstr (out->preview, ==, "Hello there");
  g_assert_true (out->has_attachments);
  g_assert_cmpint (out->body_state, ==, TIDINGS_BODY_STATE_HEADERS);
  g_assert_cmpint (out->thread_id, >, 0);
  g_assert_null (out->body_text);
  g_assert_null (out->raw);

  copy = tidings_store_message_copy (out);
  g_assert_cmpstr (copy->subject, ==, out->subject);
  g_assert_true (copy->subject != out->subject);

  rows = tidings_store_list_messages (fixture->store, fixture->inbox, 0, 10, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  row_copy = tidings_store_row_copy (rows->pdata[0]);
  g_assert_cmpstr (row_copy->subject, ==, "Ünïcödé subject ✉");
  g_assert_cmpstr (row_copy->preview, ==, "Hello there");
  g_assert_true (row_copy->has_attachments);

  g_assert_true (tidings_store_lookup_uid (fixture->store, fixture->inbox, 4294967295, &found, &error));
  g_assert_cmpint (found, ==, id);
  g_assert_true (tidings_store_lookup_uid (fixture->store, fixture->archive, 4294967295, &found, &error));
  g_assert_cmpint (found, ==, 0);

  /* A UID is unique within its folder. */
  in->message_id = (g_free (in->message_id), NULL);
  g_assert_false (tidings_store_insert_message (fixture->store, in, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  in->folder_id = fixture->archive;
  g_assert_true (tidings_store_insert_message (fixture->store, in, NULL, &error));
  g_assert_no_error (error);

  /* Into a folder that does not exist. */
  in->folder_id = 5555;
  g_assert_false (tidings_store_insert_message (fixture->store, in, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (tidings_store_get_message (fixture->store, 5555, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

static void
test_pop3_message (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) in = store_test_message (fixture->inbox, "Via POP3", 10);
  g_autoptr(TidingsStoreMessage) out = NULL;
  gint64 id = 0, found = 0;

  in->uidl = g_strdup ("UID-0001.abc");
  g_assert_true (tidings_store_insert_message (fixture->store, in, &id, &error));
  g_assert_no_error (error);
  out = tidings_store_get_message (fixture->store, id, &error);
  g_assert_cmpstr (out->uidl, ==, "UID-0001.abc");
  g_assert_cmpint (out->uid, ==, 0);
  g_assert_true (tidings_store_lookup_uidl (fixture->store, fixture->inbox, "UID-0001.abc", &found, &error));
  g_assert_cmpint (found, ==, id);
  g_assert_false (tidings_store_insert_message (fixture->store, in, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CONSTRAINT);
}

/* Flags and keywords ---------------------------------------------------------- */

static void
test_flags (StoreFixture  *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) got = NULL;
  gint64 ids[4];
  gint64 missing[2];

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = store_test_insert (fixture->store, fixture->inbox, "F", 100 + i, 0);
  assert_counts (fixture, fixture->inbox, 4, 4);

  g_assert_true (tidings_store_set_flags (fixture->store, ids[0], TIDINGS_MESSAGE_FLAG_SEEN, &error));
  g_assert_no_error (error);
  assert_counts (fixture, fixture->inbox, 4, 3);
  /* Setting the same flags again changes nothing. */
  g_assert_true (tidings_store_set_flags (fixture->store, ids[0], TIDINGS_MESSAGE_FLAG_SEEN, &error));
  assert_counts (fixture, fixture->inbox, 4, 3);

  g_assert_true (tidings_store_change_flags (fixture->store, ids, 4,
                                             TIDINGS_MESSAGE_FLAG_SEEN | TIDINGS_MESSAGE_FLAG_FLAGGED, 0,
                                             &error));
  g_assert_no_error (error);
  assert_counts (fixture, fixture->inbox, 4, 0);
  g_assert_true (tidings_store_change_flags (fixture->store, ids + 1, 2, 0, TIDINGS_MESSAGE_FLAG_SEEN,
                                             &error));
  assert_counts (fixture, fixture->inbox, 4, 2);

  got = tidings_store_get_message (fixture->store, ids[1], &error);
  g_assert_cmpuint (got->flags, ==, TIDINGS_MESSAGE_FLAG_FLAGGED);

  /* Missing ids in a bulk change are skipped; a single set fails. */
  missing[0] = 99999;
  missing[1] = ids[3];
  g_assert_true (tidings_store_change_flags (fixture->store, missing, 2, 0, TIDINGS_MESSAGE_FLAG_FLAGGED,
                                             &error));
  g_assert_no_error (error);
  g_assert_false (tidings_store_set_flags (fixture->store, 99999, 0, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (tidings_store_set_keywords (fixture->store, ids[2], "$Label1 $Junk", &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, tidings_store_message_free);
  got = tidings_store_get_message (fixture->store, ids[2], &error);
  g_assert_cmpstr (got->keywords, ==, "$Label1 $Junk");
  g_assert_true (tidings_store_set_keywords (fixture->store, ids[2], NULL, &error));
  g_clear_pointer (&got, tidings_store_message_free);
  got = tidings_store_get_message (fixture->store, ids[2], &error);
  g_assert_cmpstr (got->keywords, ==, "");
  g_assert_false (tidings_store_set_keywords (fixture->store, 99999, "x", &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

/* Moves and deletes ------------------------------------------------------------- */

static void
test_move (StoreFixture  *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) message = store_test_message (fixture->inbox, "Move me", 500);
  g_autoptr(TidingsStoreMessage) got = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) hits = NULL;
  gint64 ids[3];
  gint64 found = 0;

  message->uid = 42;
  g_assert_true (tidings_store_insert_message (fixture->store, message, &ids[0], &error));
  ids[1] = store_test_insert (fixture->store, fixture->inbox, "Also", 400, TIDINGS_MESSAGE_FLAG_SEEN);
  ids[2] = store_test_insert (fixture->store, fixture->inbox, "Stays", 300, 0);
  assert_counts (fixture, fixture->inbox, 3, 2);

  g_assert_true (tidings_store_move_messages (fixture->store, ids, 2, fixture->archive, &error));
  g_assert_no_error (error);
  assert_counts (fixture, fixture->inbox, 1, 1);
  assert_counts (fixture, fixture->archive, 2, 1);

  got = tidings_store_get_message (fixture->store, ids[0], &error);
  g_assert_cmpint (got->folder_id, ==, fixture->archive);
  g_assert_cmpint (got->uid, ==, 0);
  g_assert_true (tidings_store_lookup_uid (fixture->store, fixture->inbox, 42, &found, &error));
  g_assert_cmpint (found, ==, 0);

  /* The new UID arrives later. */
  g_assert_true (tidings_store_set_server_id (fixture->store, ids[0], 7, 100, &error));
  g_assert_true (tidings_store_lookup_uid (fixture->store, fixture->archive, 7, &found, &error));
  g_assert_cmpint (found, ==, ids[0]);

  rows = tidings_store_list_messages (fixture->store, fixture->archive, 0, 10, &error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (((TidingsStoreRow *) rows->pdata[0])->id, ==, ids[0]);

  /* Search follows the message. */
  hits = tidings_store_search (fixture->store, "move", 0, fixture->archive,
                               TIDINGS_STORE_SEARCH_BY_RANK, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);

  /* Moving to the same folder or a missing id is a no-op; a missing
   * destination is an error. */
  g_assert_true (tidings_store_move_messages (fixture->store, ids + 2, 1, fixture->inbox, &error));
  assert_counts (fixture, fixture->inbox, 1, 1);
  g_assert_false (tidings_store_move_messages (fixture->store, ids, 1, 8888, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  assert_counts (fixture, fixture->archive, 2, 1);
}

static void
test_delete_and_expunge (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 ids[5];
  guint removed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = store_test_insert (fixture->store, fixture->inbox, "D", 100 + i,
                                i % 2 ? TIDINGS_MESSAGE_FLAG_SEEN : 0);
  assert_counts (fixture, fixture->inbox, 5, 3);

  g_assert_true (tidings_store_delete_messages (fixture->store, ids, 1, &error));
  g_assert_no_error (error);
  assert_counts (fixture, fixture->inbox, 4, 2);
  g_assert_null (tidings_store_get_message (fixture->store, ids[0], &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Deleting again is harmless. */
  g_assert_true (tidings_store_delete_messages (fixture->store, ids, 1, &error));

  g_assert_true (tidings_store_change_flags (fixture->store, ids + 1, 2, TIDINGS_MESSAGE_FLAG_DELETED, 0,
                                             &error));
  assert_counts (fixture, fixture->inbox, 4, 2);
  g_assert_true (tidings_store_expunge_folder (fixture->store, fixture->inbox, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 2);
  assert_counts (fixture, fixture->inbox, 2, 1);

  g_assert_true (tidings_store_clear_folder (fixture->store, fixture->inbox, &error));
  assert_counts (fixture, fixture->inbox, 0, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 0);
  g_assert_false (tidings_store_expunge_folder (fixture->store, 9191, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

/* Transactions ------------------------------------------------------------------ */

static void
test_transactions (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint count = 99;

  /* Leaving the scope without commit rolls back. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    g_assert_no_error (error);
    store_test_insert (fixture->store, fixture->inbox, "Gone", 1, 0);
    g_assert_true (tidings_store_count_messages (fixture->store, fixture->inbox, &count, &error));
    g_assert_cmpuint (count, ==, 1);
  }
  g_assert_true (tidings_store_count_messages (fixture->store, fixture->inbox, &count, &error));
  g_assert_cmpuint (count, ==, 0);

  /* Explicit rollback, then the handle is inert. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    store_test_insert (fixture->store, fixture->inbox, "Gone too", 1, 0);
    tidings_store_transaction_rollback (tx);
    tidings_store_transaction_rollback (tx);
  }
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);

  /* A failed write poisons the transaction: commit refuses and rolls back. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    g_autoptr(TidingsStoreMessage) bad = store_test_message (4444, "No folder", 1);

    store_test_insert (fixture->store, fixture->inbox, "Before the failure", 1, 0);
    g_assert_false (tidings_store_insert_message (fixture->store, bad, NULL, &error));
    g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_false (tidings_store_set_flags (fixture->store, 1, 0, &error));
    g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_false (tidings_store_transaction_commit (tx, &error));
    g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
  assert_counts (fixture, fixture->inbox, 0, 0);

  /* A failed single write outside a transaction leaves nothing behind
   * (its thread bookkeeping included). */
  {
    g_autoptr(TidingsStoreMessage) bad = store_test_message (4444, "No folder", 1);
    bad->message_id = g_strdup ("<lonely@example.test>");
    g_assert_false (tidings_store_insert_message (fixture->store, bad, NULL, &error));
    g_clear_error (&error);
    g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM thread_refs"), ==, 0);
  }

  /* Commit keeps everything. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    store_test_insert (fixture->store, fixture->inbox, "Kept", 1, 0);
    g_assert_true (tidings_store_enqueue_operation (fixture->store, fixture->account, "append", "{}",
                                                    NULL, &error));
    g_assert_true (tidings_store_transaction_commit (tx, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 1);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM operations"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("/store/accounts", test_accounts);
  ADD_TEST ("/store/folders", test_folders);
  ADD_TEST ("/store/messages/insert-and-page", test_insert_and_page);
  ADD_TEST ("/store/messages/fields", test_message_fields);
  ADD_TEST ("/store/messages/pop3", test_pop3_message);
  ADD_TEST ("/store/messages/flags", test_flags);
  ADD_TEST ("/store/messages/move", test_move);
  ADD_TEST ("/store/messages/delete-expunge", test_delete_and_expunge);
  ADD_TEST ("/store/transactions", test_transactions);

  return g_test_run ();
}
