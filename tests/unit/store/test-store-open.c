/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening the store: migrations from empty and from every intermediate
 * version, refusing newer or foreign files, the read-only connection and
 * the one-writer lock. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "store-test-util.h"

static void
exec_ok (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("SQL failed (%s): %s", message, sql);
}

static gint64
db_int (sqlite3    *db,
        const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
db_text (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static void
test_open_empty (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = tidings_store_open (dir, &error);
  g_autofree char *mode = NULL;
  sqlite3 *db;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  db = _tidings_store_get_db (store);

  g_assert_cmpint (tidings_store_get_schema_version (store), ==, _tidings_store_migrations_latest ());
  g_assert_cmpint (db_int (db, "PRAGMA user_version"), ==, _tidings_store_migrations_latest ());
  g_assert_cmpint (_tidings_store_migrations_latest (), >=, 4);
  mode = db_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (db_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (db_int (db, "PRAGMA synchronous"), ==, 2);
  for (const char *const *table = (const char *const[]) { "accounts", "folders", "messages", "bodies",
                                                          "messages_fts", "thread_refs", "operations",
                                                          "outbox", "pop3_uidls", "certificate_pins",
                                                          NULL };
       *table != NULL; table++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE name = '%s'", *table);
      g_assert_cmpint (db_int (db, sql), ==, 1);
    }
  g_assert_cmpstr (tidings_store_get_data_dir (store), ==, dir);
  g_assert_false (tidings_store_is_read_only (store));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));

  /* Opening again is a no-op migration. */
  g_clear_object (&store);
  store = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tidings_store_get_schema_version (store), ==, _tidings_store_migrations_latest ());

  g_clear_object (&store);
  store_test_remove_dir (dir);
}

static void
test_open_default_dir (void)
{
  /* main() pointed XDG_DATA_HOME at a temp dir. */
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "tidings", NULL);
  g_autofree char *dir = tidings_store_default_data_dir ();
  g_autofree char *db_path = g_build_filename (expected, "tidings.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = NULL;

  g_assert_cmpstr (dir, ==, expected);
  store = tidings_store_open (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tidings_store_get_data_dir (store), ==, expected);
  g_assert_true (g_file_test (db_path, G_FILE_TEST_EXISTS));
  g_clear_object (&store);
  store_test_remove_dir (expected);
}

/* What a version-`version` Tidings would have written, in that version's
 * schema. */
static void
write_data_at_version (sqlite3 *db,
                       int      version)
{
  exec_ok (db,
           "INSERT INTO accounts (id, name, kind, email) VALUES (1, 'Old', 'imap', 'old@example.test');"
           "INSERT INTO folders (id, account_id, path, name, role) VALUES (1, 1, 'INBOX', 'Inbox', 'inbox');"
           "INSERT INTO messages (id, folder_id, uid, message_id, subject, from_name, from_address,"
           "                      date, flags)"
           "  VALUES (1, 1, 10, 'root@old', 'Quarterly budget', 'Carol', 'carol@example.test',"
           "          1700000000, 1);"
           "INSERT INTO messages (id, folder_id, uid, message_id, subject, from_name, from_address,"
           "                      date, flags)"
           "  VALUES (2, 1, 11, 'other@old', 'Holiday photos', 'Dave', 'dave@example.test',"
           "          1700000100, 0);"
           "INSERT INTO bodies (id, size, data) VALUES (1, 5, X'68656C6C6F');");
  if (version >= 2)
    exec_ok (db,
             "INSERT INTO messages_fts (rowid, subject, addresses, body)"
             "  SELECT id, subject, from_name || ' ' || from_address, 'old body words' FROM messages;");
  if (version >= 3)
    exec_ok (db,
             "INSERT INTO threads (id) VALUES (1), (2);"
             "UPDATE messages SET thread_id = id;"
             "UPDATE messages SET thread_subject = 'holiday photos' WHERE id = 2;"
             "INSERT INTO thread_refs (message_id, thread_id) VALUES ('root@old', 1), ('other@old', 2);");
  if (version >= 4)
    exec_ok (db,
             "INSERT INTO operations (account_id, kind, payload, created)"
             "  VALUES (1, 'set-flags', '{\"uid\":10}', 1700000200);"
             "INSERT INTO pop3_uidls (account_id, uidl, first_seen) VALUES (1, 'U1', 1700000000);");
  if (version >= 5)
    exec_ok (db, "INSERT INTO fts_backlog (message_id, body_text) VALUES (2, 'pending backlog words');");
}

static void
check_migrated_data (TidingsStore *store,
                     int           from_version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) root = NULL;
  g_autoptr(TidingsStoreMessage) reply = NULL;
  g_autoptr(TidingsStoreFolder) inbox = NULL;
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  gint64 reply_id = 0;
  guint backlog = G_MAXUINT;

  inbox = tidings_store_get_folder (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->total_count, ==, 2);
  g_assert_cmpuint (inbox->unread_count, ==, 1);

  root = tidings_store_get_message (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (root->subject, ==, "Quarterly budget");
  g_assert_cmpint (root->uid, ==, 10);
  g_assert_cmpint (root->thread_id, >, 0);

  body = tidings_store_get_body (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "hello", 5);

  /* Searchable whether written before or after search existed. */
  hits = tidings_store_search (store, "quarterly", 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (g_array_index (hits, gint64, 0), ==, 1);

  /* A reply to an old message joins its thread. */
  reply = store_test_message (1, "Re: Quarterly budget", 1700001000);
  reply->in_reply_to = g_strdup ("<root@old>");
  reply->references = g_strdup ("<root@old>");
  reply->message_id = g_strdup ("<reply@new>");
  g_assert_true (tidings_store_insert_message (store, reply, &reply_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&reply, tidings_store_message_free);
  reply = tidings_store_get_message (store, reply_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reply->thread_id, ==, root->thread_id);

  ops = tidings_store_list_operations (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, from_version >= 4 ? 1 : 0);

  /* Bodies indexed before the backlog existed stay indexed; queued text
   * (the reply above queued none) is matched once indexed. */
  g_assert_true (tidings_store_get_backlog_size (store, &backlog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog, ==, from_version >= 5 ? 1 : 0);
  g_clear_pointer (&hits, g_array_unref);
  hits = tidings_store_search (store, "old body words", 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, from_version >= 2 ? 2 : 0);
  g_clear_pointer (&hits, g_array_unref);
  hits = tidings_store_search (store, "pending", 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_assert_true (tidings_store_index_backlog (store, 10, &backlog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog, ==, 0);
  g_clear_pointer (&hits, g_array_unref);
  hits = tidings_store_search (store, "pending backlog", 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, from_version >= 5 ? 1 : 0);
  if (from_version >= 5)
    g_assert_cmpint (g_array_index (hits, gint64, 0), ==, 2);
}

static void
test_migrate_every_step (void)
{
  int latest = _tidings_store_migrations_latest ();

  for (int version = 1; version <= latest; version++)
    {
      g_autofree char *dir = store_test_make_dir ();
      g_autofree char *path = g_build_filename (dir, "tidings.db", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsStore) store = NULL;
      sqlite3 *db = NULL;

      g_test_message ("from version %d", version);
      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      exec_ok (db, "PRAGMA foreign_keys = ON");
      g_assert_true (_tidings_store_migrations_apply (db, path, version, &error));
      g_assert_no_error (error);
      g_assert_cmpint (db_int (db, "PRAGMA user_version"), ==, version);
      write_data_at_version (db, version);
      g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

      store = tidings_store_open (dir, &error);
      g_assert_no_error (error);
      g_assert_cmpint (db_int (_tidings_store_get_db (store), "PRAGMA user_version"), ==, latest);
      g_assert_cmpint (db_int (_tidings_store_get_db (store),
                               "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
      check_migrated_data (store, version);

      g_clear_object (&store);
      store_test_remove_dir (dir);
    }
}

static void
test_migration_step_is_atomic (void)
{
  /* A migration that fails halfway leaves the previous version intact. */
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "tidings.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (_tidings_store_migrations_apply (db, path, 1, &error));
  /* Make 0002 fail: its table name is taken. */
  exec_ok (db, "CREATE TABLE messages_fts (x)");
  g_assert_false (_tidings_store_migrations_apply (db, path, 2, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpint (db_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_fts_delete'"),
                   ==, 0);
  sqlite3_close (db);
  g_clear_error (&error);

  store = tidings_store_open (dir, &error);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN);
  g_assert_null (store);
  store_test_remove_dir (dir);
}

static void
test_refuse_too_new (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "tidings.db", NULL);
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", _tidings_store_migrations_latest () + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_ok (db, "CREATE TABLE future (x)");
  exec_ok (db, sql);
  sqlite3_close (db);

  store = tidings_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  store = tidings_store_open_readonly (dir, &error);
  g_assert_null (store);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_TOO_NEW);
  g_clear_error (&error);

  /* The file was left alone. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (db_int (db, "PRAGMA user_version"), ==, _tidings_store_migrations_latest () + 1);
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM sqlite_schema"), ==, 1);
  sqlite3_close (db);
  store_test_remove_dir (dir);
}

static void
test_refuse_not_a_database (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "tidings.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = NULL;
  char garbage[4096];

  memset (garbage, 'x', sizeof garbage);
  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage, NULL));
  store = tidings_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  store_test_remove_dir (dir);
}

static void
test_readonly (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) writer = NULL;
  g_autoptr(TidingsStore) reader = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 account, inbox, id;
  guint count = 0;
  int rc;

  /* Nothing to read yet. */
  reader = tidings_store_open_readonly (dir, &error);
  g_assert_null (reader);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  writer = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  account = store_test_add_account (writer, "alice");
  inbox = store_test_add_folder (writer, account, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  store_test_insert (writer, inbox, "First", 1000, 0);

  reader = tidings_store_open_readonly (dir, &error);
  g_assert_no_error (error);
  g_assert_true (tidings_store_is_read_only (reader));
  g_assert_true (tidings_store_count_messages (reader, inbox, &count, &error));
  g_assert_cmpuint (count, ==, 1);

  /* Committed writes of the engine show up; uncommitted ones do not. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (writer, &error);
    g_assert_no_error (error);
    store_test_insert (writer, inbox, "Second", 2000, 0);
    g_assert_true (tidings_store_count_messages (reader, inbox, &count, &error));
    g_assert_cmpuint (count, ==, 1);
    g_assert_true (tidings_store_transaction_commit (tx, &error));
    g_assert_no_error (error);
  }
  g_assert_true (tidings_store_count_messages (reader, inbox, &count, &error));
  g_assert_cmpuint (count, ==, 2);
  rows = tidings_store_list_messages (reader, inbox, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((TidingsStoreRow *) rows->pdata[0])->subject, ==, "Second");

  /* It cannot write, neither through the API nor in SQL. */
  id = 0;
  {
    g_autoptr(TidingsStoreMessage) message = store_test_message (inbox, "Nope", 3000);
    g_assert_false (tidings_store_insert_message (reader, message, &id, &error));
    g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_READ_ONLY);
    g_clear_error (&error);
  }
  g_assert_false (tidings_store_enqueue_operation (reader, account, "x", NULL, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_null (tidings_store_transaction_begin (reader, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (tidings_store_collect_garbage (reader, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  rc = sqlite3_exec (_tidings_store_get_db (reader), "DELETE FROM messages", NULL, NULL, NULL);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_READONLY);
  g_assert_true (tidings_store_count_messages (reader, inbox, &count, &error));
  g_assert_cmpuint (count, ==, 2);

  /* The reader keeps working after the writer is gone. */
  g_clear_object (&writer);
  g_assert_true (tidings_store_count_messages (reader, inbox, &count, &error));
  g_assert_cmpuint (count, ==, 2);
  g_clear_object (&reader);

  /* And opens on its own once the writer closed cleanly. */
  reader = tidings_store_open_readonly (dir, &error);
  g_assert_no_error (error);
  g_assert_true (tidings_store_count_messages (reader, inbox, &count, &error));
  g_assert_cmpuint (count, ==, 2);
  g_clear_object (&reader);
  store_test_remove_dir (dir);
}

static void
test_readonly_too_old (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "tidings.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) reader = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (_tidings_store_migrations_apply (db, path, 1, &error));
  sqlite3_close (db);

  reader = tidings_store_open_readonly (dir, &error);
  g_assert_null (reader);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_TOO_OLD);
  store_test_remove_dir (dir);
}

static void
test_one_writer (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) first = tidings_store_open (dir, &error);
  g_autoptr(TidingsStore) second = NULL;

  g_assert_no_error (error);
  second = tidings_store_open (dir, &error);
  g_assert_null (second);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "already in use"));
  g_clear_error (&error);

  g_clear_object (&first);
  second = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  g_clear_object (&second);
  store_test_remove_dir (dir);
}

static void
test_unwritable_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = NULL;

  store = tidings_store_open ("/proc/tidings-cannot-exist/x", &error);
  g_assert_null (store);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "/proc/tidings-cannot-exist/x"));
}

int
main (int   argc,
      char *argv[])
{
  /* Not G_TEST_OPTION_ISOLATE_DIRS: GLib leaks the old values when it
   * switches dirs, which LeakSanitizer rightly reports. */
  g_autofree char *data_home = store_test_make_dir ();
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/empty", test_open_empty);
  g_test_add_func ("/store/open/default-dir", test_open_default_dir);
  g_test_add_func ("/store/open/migrate-every-step", test_migrate_every_step);
  g_test_add_func ("/store/open/migration-atomic", test_migration_step_is_atomic);
  g_test_add_func ("/store/open/too-new", test_refuse_too_new);
  g_test_add_func ("/store/open/not-a-database", test_refuse_not_a_database);
  g_test_add_func ("/store/open/readonly", test_readonly);
  g_test_add_func ("/store/open/readonly-too-old", test_readonly_too_old);
  g_test_add_func ("/store/open/one-writer", test_one_writer);
  g_test_add_func ("/store/open/unwritable", test_unwritable_dir);

  status = g_test_run ();
  store_test_remove_dir (data_home);
  return status;
}
