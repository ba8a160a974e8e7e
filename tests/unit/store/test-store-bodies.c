/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Message bodies: small ones in the database, large ones in files named by
 * their SHA-256; garbage collection; and the crash rule: a row never names
 * a missing file, a file of a rolled-back (or crashed) transaction leaves
 * no row. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "store-test-util.h"

#define ADD_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

#define LARGE (TIDINGS_STORE_BODY_FILE_THRESHOLD + 1)

static gint64
insert_with_body (TidingsStore *store,
                  gint64        folder,
                  GBytes       *raw)
{
  g_autoptr(TidingsStoreMessage) message = store_test_message (folder, "With body", 1000);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  message->raw = g_bytes_ref (raw);
  message->body_state = TIDINGS_BODY_STATE_FULL;
  g_assert_true (tidings_store_insert_message (store, message, &id, &error));
  g_assert_no_error (error);
  return id;
}

static char *
body_path (const char *dir,
           GBytes     *raw)
{
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
  char shard[2] = { sha[0], 0 };

  return g_build_filename (dir, "bodies", shard, sha, NULL);
}

static guint
count_files (const char *dir)
{
  g_autofree char *bodies = g_build_filename (dir, "bodies", NULL);
  g_autoptr(GDir) top = g_dir_open (bodies, 0, NULL);
  const char *name;
  guint n = 0;

  while (top != NULL && (name = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *sub = g_build_filename (bodies, name, NULL);
      g_autoptr(GDir) dir = g_dir_open (sub, 0, NULL);

      while (dir != NULL && g_dir_read_name (dir) != NULL)
        n++;
    }
  return n;
}

static void
assert_body (TidingsStore *store,
             gint64        id,
             GBytes       *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = tidings_store_get_body (store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, expected));
}

/* Every row naming a file has that file, complete. */
static void
assert_rows_have_files (TidingsStore *store,
                        const char   *dir)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_tidings_store_get_db (store),
                                       "SELECT sha256, size FROM bodies WHERE sha256 IS NOT NULL",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *sha = (const char *) sqlite3_column_text (stmt, 0);
      char shard[2] = { sha[0], 0 };
      g_autofree char *path = g_build_filename (dir, "bodies", shard, sha, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *actual = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpint ((gint64) length, ==, sqlite3_column_int64 (stmt, 1));
      actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
      g_assert_cmpstr (actual, ==, sha);
    }
  sqlite3_finalize (stmt);
}

static void
test_small_in_database (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: hi\r\n\r\nhello\r\n", 22);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  gint64 id = insert_with_body (fixture->store, fixture->inbox, raw);
  gint64 empty_id = insert_with_body (fixture->store, fixture->inbox, empty);
  gint64 bare = store_test_insert (fixture->store, fixture->inbox, "No body", 1, 0);

  assert_body (fixture->store, id, raw);
  assert_body (fixture->store, empty_id, empty);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM bodies WHERE data IS NOT NULL"),
                   ==, 2);

  g_assert_null (tidings_store_get_body (fixture->store, bare, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

static void
test_large_in_file (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GBytes) raw = store_test_bytes (LARGE, 1);
  g_autoptr(GBytes) big = store_test_bytes (3 * 1024 * 1024, 2);
  g_autofree char *path = body_path (fixture->dir, raw);
  g_autofree char *contents = NULL;
  gsize length = 0;
  gint64 id, big_id;

  id = insert_with_body (fixture->store, fixture->inbox, raw);
  /* The file is there, complete, under its final name, once the insert
   * returned. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  assert_body (fixture->store, id, raw);

  big_id = insert_with_body (fixture->store, fixture->archive, big);
  assert_body (fixture->store, big_id, big);
  g_assert_cmpuint (count_files (fixture->dir), ==, 2);
  assert_rows_have_files (fixture->store, fixture->dir);

  /* Just below the threshold stays in the database. */
  {
    g_autoptr(GBytes) below = store_test_bytes (TIDINGS_STORE_BODY_FILE_THRESHOLD - 1, 3);
    gint64 below_id = insert_with_body (fixture->store, fixture->inbox, below);

    assert_body (fixture->store, below_id, below);
    g_assert_cmpuint (count_files (fixture->dir), ==, 2);
  }
}

static void
test_dedup_and_gc (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) raw = store_test_bytes (LARGE, 10);
  g_autoptr(GBytes) other = store_test_bytes (LARGE, 11);
  g_autofree char *path = body_path (fixture->dir, raw);
  g_autofree char *other_path = body_path (fixture->dir, other);
  g_autoptr(GError) error = NULL;
  gint64 a, b, c;
  guint removed = 99;

  a = insert_with_body (fixture->store, fixture->inbox, raw);
  b = insert_with_body (fixture->store, fixture->archive, raw);   /* a copy */
  c = insert_with_body (fixture->store, fixture->inbox, other);
  g_assert_cmpuint (count_files (fixture->dir), ==, 2);

  g_assert_true (tidings_store_collect_garbage (fixture->store, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 0);

  /* One copy left: the file stays. */
  g_assert_true (tidings_store_delete_messages (fixture->store, &a, 1, &error));
  g_assert_true (tidings_store_collect_garbage (fixture->store, &removed, &error));
  g_assert_cmpuint (removed, ==, 0);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_body (fixture->store, b, raw);

  /* Last reference gone: collected. */
  g_assert_true (tidings_store_delete_messages (fixture->store, &b, 1, &error));
  g_assert_true (tidings_store_collect_garbage (fixture->store, &removed, &error));
  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_path, G_FILE_TEST_EXISTS));

  /* Dropping a body with set_body (NULL) also frees its file. */
  g_assert_true (tidings_store_set_body (fixture->store, c, NULL, TIDINGS_BODY_STATE_NONE, NULL, NULL,
                                         &error));
  g_assert_no_error (error);
  g_assert_null (tidings_store_get_body (fixture->store, c, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (tidings_store_collect_garbage (fixture->store, &removed, &error));
  g_assert_cmpuint (removed, ==, 1);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);

  /* Stored again after collection: written again. */
  a = insert_with_body (fixture->store, fixture->inbox, raw);
  assert_body (fixture->store, a, raw);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* An unreferenced file under a final name (e.g. cut by a crash before
   * its commit) is never trusted, even with the right size. */
  {
    g_autofree char *junk = g_malloc0 (g_bytes_get_size (other));

    g_assert_true (g_file_set_contents (other_path, junk, (gssize) g_bytes_get_size (other), NULL));
    c = insert_with_body (fixture->store, fixture->archive, other);
    assert_body (fixture->store, c, other);
  }
}

static void
test_set_body_later (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) headers = g_bytes_new_static ("Subject: x\r\n\r\n", 14);
  g_autoptr(GBytes) full = store_test_bytes (LARGE * 2, 20);
  g_autoptr(TidingsStoreMessage) got = NULL;
  gint64 id = insert_with_body (fixture->store, fixture->inbox, headers);

  g_assert_true (tidings_store_set_body (fixture->store, id, full, TIDINGS_BODY_STATE_FULL,
                                         "now with searchable zanzibar text", "zanzibar preview", &error));
  g_assert_no_error (error);
  assert_body (fixture->store, id, full);
  got = tidings_store_get_message (fixture->store, id, &error);
  g_assert_cmpint (got->body_state, ==, TIDINGS_BODY_STATE_FULL);
  g_assert_cmpstr (got->preview, ==, "zanzibar preview");
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM bodies"), ==, 1);

  g_assert_false (tidings_store_set_body (fixture->store, 123456, full, TIDINGS_BODY_STATE_FULL,
                                          NULL, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

static void
test_rollback_leaves_no_row (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = store_test_bytes (LARGE, 30);
  g_autofree char *path = body_path (fixture->dir, raw);
  g_autofree char *tmp = g_build_filename (fixture->dir, "bodies", "tmp", NULL);
  gint64 id;
  guint removed = 0;

  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);

    id = insert_with_body (fixture->store, fixture->inbox, raw);
    /* Readable inside its own transaction, before the commit. */
    assert_body (fixture->store, id, raw);
    tidings_store_transaction_rollback (tx);
  }
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM bodies"), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_null (tidings_store_get_body (fixture->store, id, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The rolled-back write left nothing under a final name. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (tidings_store_collect_garbage (fixture->store, &removed, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GDir) dir = g_dir_open (tmp, 0, NULL);
    g_assert_true (dir == NULL || g_dir_read_name (dir) == NULL);
  }
}

static void
test_missing_file_is_corrupt (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = store_test_bytes (LARGE, 40);
  g_autofree char *path = body_path (fixture->dir, raw);
  gint64 id = insert_with_body (fixture->store, fixture->inbox, raw);

  /* Someone removed it behind the store's back. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_null (tidings_store_get_body (fixture->store, id, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* Storing the same content again repairs it. */
  id = insert_with_body (fixture->store, fixture->archive, raw);
  assert_body (fixture->store, id, raw);

  /* A truncated file is detected too. */
  g_assert_true (g_file_set_contents (path, "short", 5, NULL));
  g_assert_null (tidings_store_get_body (fixture->store, id, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CORRUPT);
}

/* Crash simulation: a child process commits some messages, then dies in
 * the middle of a transaction that already wrote (and partly renamed) body
 * files.  The parent then checks what the store says exists does exist. */

#define CRASH_COMMITTED 5
#define CRASH_RENAMED   70   /* renamed and synced, commit never reached */
#define CRASH_PENDING   3    /* still in tmp/ */

static void
crash_child (void)
{
  const char *dir = g_getenv ("TIDINGS_TEST_CRASH_DIR");
  g_autoptr(GError) error = NULL;
  TidingsStore *store;
  TidingsStoreTransaction *tx;
  gint64 account, inbox = 0;

  if (!g_test_subprocess ())
    {
      g_test_skip ("only run as the subprocess of /store/bodies/crash");
      return;
    }
  store = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  account = store_test_add_account (store, "crash");
  inbox = store_test_add_folder (store, account, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  for (guint i = 0; i < CRASH_COMMITTED; i++)
    {
      g_autoptr(GBytes) raw = store_test_bytes (LARGE + i, 100 + i);
      insert_with_body (store, inbox, raw);
    }

  tx = tidings_store_transaction_begin (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < CRASH_RENAMED; i++)
    {
      g_autoptr(GBytes) raw = store_test_bytes (LARGE + i, 1000 + i);
      insert_with_body (store, inbox, raw);
    }
  /* The first half of a commit: files under their final names, on disk... */
  g_assert_true (_tidings_store_bodies_flush (store->bodies, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < CRASH_PENDING; i++)
    {
      g_autoptr(GBytes) raw = store_test_bytes (LARGE + i, 5000 + i);
      insert_with_body (store, inbox, raw);
    }
  /* ...and the power goes out: no COMMIT, no cleanup, no atexit. */
  (void) tx;
  _exit (0);
}

static void
test_crash (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = NULL;
  guint removed = 0;

  g_setenv ("TIDINGS_TEST_CRASH_DIR", dir, TRUE);
  g_test_trap_subprocess ("/store/bodies/crash/subprocess", 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  store = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (store_test_sql_int (store, "SELECT count(*) FROM messages"), ==, CRASH_COMMITTED);
  g_assert_cmpint (store_test_sql_int (store, "SELECT count(*) FROM bodies"), ==, CRASH_COMMITTED);
  assert_rows_have_files (store, dir);
  /* Files of the lost transaction exist (renamed, or still in tmp/)... */
  g_assert_cmpuint (count_files (dir), ==, CRASH_COMMITTED + CRASH_RENAMED + CRASH_PENDING);

  /* ...and are collected; the committed ones stay. */
  g_assert_true (tidings_store_collect_garbage (store, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, CRASH_RENAMED + CRASH_PENDING);
  g_assert_cmpuint (count_files (dir), ==, CRASH_COMMITTED);
  assert_rows_have_files (store, dir);

  g_clear_object (&store);
  store_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("/store/bodies/small", test_small_in_database);
  ADD_TEST ("/store/bodies/large", test_large_in_file);
  ADD_TEST ("/store/bodies/dedup-gc", test_dedup_and_gc);
  ADD_TEST ("/store/bodies/set-later", test_set_body_later);
  ADD_TEST ("/store/bodies/rollback", test_rollback_leaves_no_row);
  ADD_TEST ("/store/bodies/missing-file", test_missing_file_is_corrupt);
  g_test_add_func ("/store/bodies/crash", test_crash);
  g_test_add_func ("/store/bodies/crash/subprocess", crash_child);

  return g_test_run ();
}
