/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-migrations.c: the numbered SQL files in migrations/,
 * compiled into a GResource, applied in order, each in its own transaction
 * together with the PRAGMA user_version that records it. */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"
#include "tidings-store-resources.h"

#define MIGRATIONS_PATH "/io/github/tidings/store/migrations/"

/* The files are named NNNN-what.sql; returns NNNN, or 0 if not such a name. */
static int
migration_number (const char *name)
{
  char *end = NULL;
  long number;

  if (!g_ascii_isdigit (name[0]) || !g_str_has_suffix (name, ".sql"))
    return 0;
  number = strtol (name, &end, 10);
  if (end == NULL || *end != '-' || number <= 0 || number > 100000)
    return 0;
  return (int) number;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return migration_number (*(char * const *) a) - migration_number (*(char * const *) b);
}

/* Sorted file names; the numbers are checked to run 1, 2, 3... so that a
 * missing or duplicated file is caught by the tests, not by a user. */
static GPtrArray *
list_migrations (void)
{
  g_auto(GStrv) names = NULL;
  GPtrArray *sorted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  names = g_resource_enumerate_children (tidings_store_get_resource (), MIGRATIONS_PATH,
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (names == NULL)
    g_error ("Store migrations missing from the resources: %s", error->message);

  for (guint i = 0; names[i] != NULL; i++)
    if (migration_number (names[i]) > 0)
      g_ptr_array_add (sorted, g_strdup (names[i]));
  g_ptr_array_sort (sorted, compare_names);

  for (guint i = 0; i < sorted->len; i++)
    if (migration_number (g_ptr_array_index (sorted, i)) != (int) i + 1)
      g_error ("Store migrations are not numbered 1..N: %s",
               (char *) g_ptr_array_index (sorted, i));
  return sorted;
}

int
_tidings_store_migrations_latest (void)
{
  static gsize latest = 0;

  if (g_once_init_enter (&latest))
    {
      g_autoptr(GPtrArray) names = list_migrations ();
      g_once_init_leave (&latest, names->len);
    }
  return (int) latest;
}

gboolean
_tidings_store_get_user_version (sqlite3     *db,
                                 const char  *db_path,
                                 int         *out_version,
                                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      int code = ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
                 ? TIDINGS_STORE_ERROR_CORRUPT : TIDINGS_STORE_ERROR_OPEN;

      if (code == TIDINGS_STORE_ERROR_CORRUPT)
        g_set_error (error, TIDINGS_STORE_ERROR, code,
                     _("The file at “%s” is not a mail database, or it is damaged: %s"),
                     db_path, sqlite3_errmsg (db));
      else
        g_set_error (error, TIDINGS_STORE_ERROR, code,
                     _("The mail database at “%s” could not be opened: %s"),
                     db_path, sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *out_version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
apply_one (sqlite3     *db,
           const char  *db_path,
           const char  *name,
           int          number,
           GError     **error)
{
  g_autofree char *path = g_strconcat (MIGRATIONS_PATH, name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *pragma = NULL;
  char *message = NULL;
  int rc;

  bytes = g_resource_lookup_data (tidings_store_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (bytes != NULL);
  sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  pragma = g_strdup_printf ("PRAGMA user_version = %d;", number);

  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, &message);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, pragma, NULL, NULL, &message);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      int code = (rc & 0xff) == SQLITE_FULL ? TIDINGS_STORE_ERROR_DISK_FULL
               : (rc & 0xff) == SQLITE_CORRUPT ? TIDINGS_STORE_ERROR_CORRUPT
               : TIDINGS_STORE_ERROR_OPEN;

      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The mail database at “%s” could not be upgraded to format %d: %s"),
                   db_path, number, message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      if (!sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Brings the database from its user_version up to `target_version` (the
 * tests stop at intermediate versions). */
gboolean
_tidings_store_migrations_apply (sqlite3     *db,
                                 const char  *db_path,
                                 int          target_version,
                                 GError     **error)
{
  g_autoptr(GPtrArray) names = list_migrations ();
  int version = 0;

  g_return_val_if_fail (target_version <= (int) names->len, FALSE);

  if (!_tidings_store_get_user_version (db, db_path, &version, error))
    return FALSE;

  for (int number = version + 1; number <= target_version; number++)
    {
      g_debug ("Store: upgrading %s to format %d", db_path, number);
      if (!apply_one (db, db_path, g_ptr_array_index (names, number - 1), number, error))
        return FALSE;
    }
  return TRUE;
}
