/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* nftw() */
#endif
#include "config.h"

#include <ftw.h>
#include <stdio.h>

#include "store-test-util.h"

char *
store_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tidings-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                type,
              struct FTW        *ftw)
{
  return remove (path);
}

void
store_test_remove_dir (const char *dir)
{
  if (dir != NULL)
    nftw (dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

gint64
store_test_add_account (TidingsStore *store,
                        const char   *name)
{
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  account->name = g_strdup (name);
  account->kind = g_strdup ("imap");
  account->email = g_strdup_printf ("%s@example.test", name);
  g_assert_true (tidings_store_add_account (store, account, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

gint64
store_test_add_folder (TidingsStore      *store,
                       gint64             account_id,
                       const char        *path,
                       TidingsFolderRole  role)
{
  g_autoptr(TidingsStoreFolder) folder = tidings_store_folder_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  folder->account_id = account_id;
  folder->path = g_strdup (path);
  folder->name = g_strdup (path);
  folder->role = role;
  g_assert_true (tidings_store_add_folder (store, folder, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = store_test_make_dir ();
  fixture->store = tidings_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
  fixture->account = store_test_add_account (fixture->store, "alice");
  fixture->inbox = store_test_add_folder (fixture->store, fixture->account, "INBOX",
                                          TIDINGS_FOLDER_ROLE_INBOX);
  fixture->archive = store_test_add_folder (fixture->store, fixture->account, "Archive",
                                            TIDINGS_FOLDER_ROLE_ARCHIVE);
  fixture->trash = store_test_add_folder (fixture->store, fixture->account, "Trash",
                                          TIDINGS_FOLDER_ROLE_TRASH);
}

void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_clear_object (&fixture->store);
  store_test_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

TidingsStoreMessage *
store_test_message (gint64      folder_id,
                    const char *subject,
                    gint64      date)
{
  TidingsStoreMessage *message = tidings_store_message_new ();

  message->folder_id = folder_id;
  message->subject = g_strdup (subject);
  message->from_name = g_strdup ("Bob Example");
  message->from_address = g_strdup ("bob@example.test");
  message->to = g_strdup ("Alice <alice@example.test>");
  message->date = date;
  message->internal_date = date;
  message->size = 1234;
  return message;
}

gint64
store_test_insert (TidingsStore *store,
                   gint64        folder_id,
                   const char   *subject,
                   gint64        date,
                   guint         flags)
{
  g_autoptr(TidingsStoreMessage) message = store_test_message (folder_id, subject, date);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  message->flags = flags;
  g_assert_true (tidings_store_insert_message (store, message, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

gint64
store_test_sql_int (TidingsStore *store,
                    const char   *sql)
{
  sqlite3 *db = _tidings_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Deterministic pseudo-random bytes, different per seed. */
GBytes *
store_test_bytes (gsize   size,
                  guint32 seed)
{
  guint8 *data = g_malloc (size);
  guint32 x = seed * 2654435761u + 1;

  for (gsize i = 0; i < size; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      data[i] = (guint8) (x & 0xff);
    }
  return g_bytes_new_take (data, size);
}
