/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings_store_list_uids(): a folder's (id, uid, flags, keywords,
 * modseq) rows in UID order, for the IMAP sync's comparisons. */
#include "config.h"

#include <string.h>

#include "store-test-util.h"

static gint64
insert_uid (StoreFixture *fixture,
            gint64        folder_id,
            gint64        uid,
            guint         flags,
            const char   *keywords,
            gint64        modseq)
{
  g_autoptr(TidingsStoreMessage) message = store_test_message (folder_id, "U", 1000 + uid);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  message->uid = uid;
  message->flags = flags;
  message->modseq = modseq;
  g_free (message->keywords);
  message->keywords = g_strdup (keywords);
  g_free (message->message_id);
  message->message_id = g_strdup_printf ("<%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT "@test>",
                                         folder_id, uid);
  g_assert_true (tidings_store_insert_message (fixture->store, message, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_list_uids (StoreFixture  *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) middle = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(GArray) other = NULL;
  g_autoptr(GArray) top = NULL;
  gint64 id7, id3, id12, id_max;
  const TidingsStoreUidRow *row;

  /* Inserted out of order, plus a POP3-style row without a UID and a
   * message with the same UID in another folder. */
  id12 = insert_uid (fixture, fixture->inbox, 12, TIDINGS_MESSAGE_FLAG_FLAGGED, "$Label1 work", 44);
  id3 = insert_uid (fixture, fixture->inbox, 3, TIDINGS_MESSAGE_FLAG_SEEN, NULL, 7);
  id7 = insert_uid (fixture, fixture->inbox, 7, 0, "", 0);
  id_max = insert_uid (fixture, fixture->inbox, 4294967295, TIDINGS_MESSAGE_FLAG_DRAFT, NULL, 9);
  insert_uid (fixture, fixture->archive, 7, TIDINGS_MESSAGE_FLAG_SEEN, NULL, 1);
  {
    g_autoptr(TidingsStoreMessage) pop = store_test_message (fixture->inbox, "pop", 5);

    g_free (pop->uidl);
    pop->uidl = g_strdup ("UIDL-1");
    pop->uid = 0;
    g_assert_true (tidings_store_insert_message (fixture->store, pop, NULL, &error));
    g_assert_no_error (error);
  }

  all = tidings_store_list_uids (fixture->store, fixture->inbox, 1, G_MAXUINT32, &error);
  g_assert_no_error (error);
  g_assert_nonnull (all);
  g_assert_cmpuint (all->len, ==, 4);
  row = &g_array_index (all, TidingsStoreUidRow, 0);
  g_assert_cmpint (row->id, ==, id3);
  g_assert_cmpint (row->uid, ==, 3);
  g_assert_cmpuint (row->flags, ==, TIDINGS_MESSAGE_FLAG_SEEN);
  g_assert_null (row->keywords);
  g_assert_cmpint (row->modseq, ==, 7);
  row = &g_array_index (all, TidingsStoreUidRow, 1);
  g_assert_cmpint (row->id, ==, id7);
  g_assert_cmpint (row->uid, ==, 7);
  g_assert_cmpuint (row->flags, ==, 0);
  g_assert_null (row->keywords);
  row = &g_array_index (all, TidingsStoreUidRow, 2);
  g_assert_cmpint (row->id, ==, id12);
  g_assert_cmpuint (row->flags, ==, TIDINGS_MESSAGE_FLAG_FLAGGED);
  g_assert_cmpstr (row->keywords, ==, "$Label1 work");
  g_assert_cmpint (row->modseq, ==, 44);
  row = &g_array_index (all, TidingsStoreUidRow, 3);
  g_assert_cmpint (row->id, ==, id_max);
  g_assert_cmpint (row->uid, ==, 4294967295);

  /* Both ends are included. */
  middle = tidings_store_list_uids (fixture->store, fixture->inbox, 7, 12, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (middle->len, ==, 2);
  g_assert_cmpint (g_array_index (middle, TidingsStoreUidRow, 0).uid, ==, 7);
  g_assert_cmpint (g_array_index (middle, TidingsStoreUidRow, 1).uid, ==, 12);

  none = tidings_store_list_uids (fixture->store, fixture->inbox, 8, 11, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);

  other = tidings_store_list_uids (fixture->store, fixture->archive, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 1);
  g_assert_cmpint (g_array_index (other, TidingsStoreUidRow, 0).uid, ==, 7);
  g_assert_cmpuint (g_array_index (other, TidingsStoreUidRow, 0).flags, ==, TIDINGS_MESSAGE_FLAG_SEEN);

  top = tidings_store_list_uids (fixture->store, fixture->inbox, 13, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (top->len, ==, 1);

  /* A changed row reads back changed. */
  g_assert_true (tidings_store_set_flags (fixture->store, id7, TIDINGS_MESSAGE_FLAG_ANSWERED, &error));
  g_assert_true (tidings_store_set_keywords (fixture->store, id7, "later", &error));
  g_assert_true (tidings_store_set_server_id (fixture->store, id7, 7, 99, &error));
  g_clear_pointer (&middle, g_array_unref);
  middle = tidings_store_list_uids (fixture->store, fixture->inbox, 7, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (middle->len, ==, 1);
  g_assert_cmpuint (g_array_index (middle, TidingsStoreUidRow, 0).flags, ==, TIDINGS_MESSAGE_FLAG_ANSWERED);
  g_assert_cmpstr (g_array_index (middle, TidingsStoreUidRow, 0).keywords, ==, "later");
  g_assert_cmpint (g_array_index (middle, TidingsStoreUidRow, 0).modseq, ==, 99);
}

static void
test_list_uids_uses_index (StoreFixture  *fixture,
                           gconstpointer  data)
{
  sqlite3 *db = _tidings_store_get_db (fixture->store);
  sqlite3_stmt *stmt = NULL;
  GString *plan = g_string_new (NULL);

  /* The query must walk the (folder_id, uid) index, not the table. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "EXPLAIN QUERY PLAN SELECT id, uid, flags, keywords, modseq"
                                       " FROM messages WHERE folder_id = ?1 AND uid >= ?2"
                                       " AND uid <= ?3 ORDER BY uid",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  g_test_message ("plan: %s", plan->str);
  g_assert_nonnull (strstr (plan->str, "messages_folder_uid"));
  g_assert_null (strstr (plan->str, "TEMP B-TREE"));
  g_string_free (plan, TRUE);
}

static void
test_list_uids_many (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);

  /* Every other UID of 1..4000, in one transaction. */
  for (gint64 uid = 4000; uid >= 2; uid -= 2)
    insert_uid (fixture, fixture->inbox, uid, 0, NULL, uid);
  g_assert_true (tidings_store_transaction_commit (tx, &error));
  rows = tidings_store_list_uids (fixture->store, fixture->inbox, 1001, 3000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1000);
  for (guint i = 0; i < rows->len; i++)
    {
      g_assert_cmpint (g_array_index (rows, TidingsStoreUidRow, i).uid, ==, 1002 + 2 * (gint64) i);
      g_assert_cmpint (g_array_index (rows, TidingsStoreUidRow, i).modseq, ==, 1002 + 2 * (gint64) i);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/uids/list", StoreFixture, NULL,
              store_fixture_set_up, test_list_uids, store_fixture_tear_down);
  g_test_add ("/store/uids/uses-index", StoreFixture, NULL,
              store_fixture_set_up, test_list_uids_uses_index, store_fixture_tear_down);
  g_test_add ("/store/uids/many", StoreFixture, NULL,
              store_fixture_set_up, test_list_uids_many, store_fixture_tear_down);
  return g_test_run ();
}
