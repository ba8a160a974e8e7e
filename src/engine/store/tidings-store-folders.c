/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-folders.c: accounts and their folders. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"

#define CHANGES(self) _tidings_store_changes (self)

static gboolean
check_json (TidingsStore  *self,
            const char    *json,
            GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  if (json == NULL)
    return TRUE;
  stmt = _tidings_store_prepare (self,
                                 "SELECT CASE WHEN json_valid (?1) THEN json_type (?1) = 'object'"
                                 " ELSE 0 END",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1)
    return TRUE;
  g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID,
               _("The account settings are not a valid JSON object."));
  return FALSE;
}

/* Accounts -------------------------------------------------------------------- */

static gboolean
add_account (TidingsStore               *self,
             const TidingsStoreAccount  *account,
             gint64                     *out_id,
             GError                    **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  if (!check_json (self, account->settings, error))
    return FALSE;
  stmt = _tidings_store_prepare (self,
                                 "INSERT INTO accounts (name, kind, email, settings, sort_order)"
                                 " VALUES (?1, ?2, ?3, coalesce (?4, '{}'), ?5)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, account->name != NULL ? account->name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, account->kind != NULL ? account->kind : "local", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, account->email != NULL ? account->email : "", -1, SQLITE_STATIC);
  _tidings_store_bind_text (stmt, 4, account->settings);
  sqlite3_bind_int (stmt, 5, account->sort_order);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  _tidings_store_changes_accounts_changed (CHANGES (self));
  return TRUE;
}

gboolean
tidings_store_add_account (TidingsStore               *self,
                           const TidingsStoreAccount  *account,
                           gint64                     *out_id,
                           GError                    **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, add_account (self, account, out_id, error), error);
}

static gboolean
update_account (TidingsStore               *self,
                const TidingsStoreAccount  *account,
                GError                    **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  if (!check_json (self, account->settings, error))
    return FALSE;
  stmt = _tidings_store_prepare (self,
                                 "UPDATE accounts SET name = ?2, kind = ?3, email = ?4,"
                                 " settings = coalesce (?5, '{}'), sort_order = ?6 WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account->id);
  sqlite3_bind_text (stmt, 2, account->name != NULL ? account->name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, account->kind != NULL ? account->kind : "local", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, account->email != NULL ? account->email : "", -1, SQLITE_STATIC);
  _tidings_store_bind_text (stmt, 5, account->settings);
  sqlite3_bind_int (stmt, 6, account->sort_order);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_ACCOUNT, account->id);
      return FALSE;
    }
  _tidings_store_changes_accounts_changed (CHANGES (self));
  return TRUE;
}

gboolean
tidings_store_update_account (TidingsStore               *self,
                              const TidingsStoreAccount  *account,
                              GError                    **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, update_account (self, account, error), error);
}

static gboolean
remove_account (TidingsStore  *self,
                gint64         account_id,
                GError       **error)
{
  int rc;

  /* Report its folders first: the cascade removes them silently. */
  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self, "SELECT id FROM folders WHERE account_id = ?1", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, account_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      _tidings_store_changes_folder_removed (CHANGES (self), sqlite3_column_int64 (stmt, 0));
    if (rc != SQLITE_DONE)
      {
        _tidings_store_set_db_error (self, error, rc);
        return FALSE;
      }
  }
  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self, "DELETE FROM accounts WHERE id = ?1", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, account_id);
    if (!_tidings_store_step_done (self, stmt, error))
      return FALSE;
    if (sqlite3_changes (self->db) == 0)
      {
        _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_ACCOUNT, account_id);
        return FALSE;
      }
  }
  _tidings_store_changes_accounts_changed (CHANGES (self));
  _tidings_store_changes_operations_changed (CHANGES (self));
  _tidings_store_changes_outbox_changed (CHANGES (self));
  return TRUE;
}

/**
 * tidings_store_remove_account:
 *
 * Removes an account with its folders, messages, queued operations,
 * outbox, seen UIDLs and pins.
 */
gboolean
tidings_store_remove_account (TidingsStore  *self,
                              gint64         account_id,
                              GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, remove_account (self, account_id, error), error);
}

#define ACCOUNT_COLUMNS "id, name, kind, email, settings, sort_order, created"

static TidingsStoreAccount *
account_from_row (TidingsStoreStmt *stmt)
{
  TidingsStoreAccount *account = tidings_store_account_new ();

  account->id = sqlite3_column_int64 (stmt, 0);
  account->name = _tidings_store_column_dup (stmt, 1);
  account->kind = _tidings_store_column_dup (stmt, 2);
  account->email = _tidings_store_column_dup (stmt, 3);
  account->settings = _tidings_store_column_dup (stmt, 4);
  account->sort_order = sqlite3_column_int (stmt, 5);
  account->created = sqlite3_column_int64 (stmt, 6);
  return account;
}

TidingsStoreAccount *
tidings_store_get_account (TidingsStore  *self,
                           gint64         account_id,
                           GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return account_from_row (stmt);
  if (rc == SQLITE_DONE)
    _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_ACCOUNT, account_id);
  else
    _tidings_store_set_db_error (self, error, rc);
  return NULL;
}

/**
 * tidings_store_list_accounts:
 *
 * Returns: (transfer container) (element-type TidingsStoreAccount): all
 * accounts by sort order, then id.
 */
GPtrArray *
tidings_store_list_accounts (TidingsStore  *self,
                             GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self,
                                 "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY sort_order, id",
                                 error);
  if (stmt == NULL)
    return NULL;
  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_account_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&accounts);
}

/* Folders --------------------------------------------------------------------- */

static void
bind_folder (TidingsStoreStmt          *stmt,
             const TidingsStoreFolder  *folder)
{
  sqlite3_bind_int64 (stmt, 1, folder->account_id);
  if (folder->parent_id > 0)
    sqlite3_bind_int64 (stmt, 2, folder->parent_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_text (stmt, 3, folder->path != NULL ? folder->path : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, folder->name != NULL ? folder->name
                              : (folder->path != NULL ? folder->path : ""), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, tidings_folder_role_to_string (folder->role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, folder->sort_key);
  sqlite3_bind_int64 (stmt, 7, folder->uidvalidity);
  sqlite3_bind_int64 (stmt, 8, folder->uidnext);
  sqlite3_bind_int64 (stmt, 9, folder->highestmodseq);
}

static gboolean
add_folder (TidingsStore              *self,
            const TidingsStoreFolder  *folder,
            gint64                    *out_id,
            GError                   **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "INSERT INTO folders (account_id, parent_id, path, name, role, sort_key,"
                            " uidvalidity, uidnext, highestmodseq)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                            error);
  gint64 id;

  if (stmt == NULL)
    return FALSE;
  bind_folder (stmt, folder);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  id = sqlite3_last_insert_rowid (self->db);
  _tidings_store_changes_folder_added (CHANGES (self), id);
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/**
 * tidings_store_add_folder:
 *
 * Adds a folder; `path` must be unique in its account (CONSTRAINT
 * otherwise) and the account must exist (NOT_FOUND otherwise).
 */
gboolean
tidings_store_add_folder (TidingsStore              *self,
                          const TidingsStoreFolder  *folder,
                          gint64                    *out_id,
                          GError                   **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (folder != NULL && folder->path != NULL, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, add_folder (self, folder, out_id, error), error);
}

static gboolean
update_folder (TidingsStore              *self,
               const TidingsStoreFolder  *folder,
               GError                   **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "UPDATE folders SET account_id = ?1, parent_id = ?2, path = ?3, name = ?4,"
                            " role = ?5, sort_key = ?6, uidvalidity = ?7, uidnext = ?8,"
                            " highestmodseq = ?9 WHERE id = ?10",
                            error);

  if (stmt == NULL)
    return FALSE;
  bind_folder (stmt, folder);
  sqlite3_bind_int64 (stmt, 10, folder->id);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_FOLDER, folder->id);
      return FALSE;
    }
  _tidings_store_changes_folder_changed (CHANGES (self), folder->id);
  return TRUE;
}

/**
 * tidings_store_update_folder:
 *
 * Writes every field of @folder but the counts.
 */
gboolean
tidings_store_update_folder (TidingsStore              *self,
                             const TidingsStoreFolder  *folder,
                             GError                   **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (folder != NULL && folder->path != NULL, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, update_folder (self, folder, error), error);
}

static gboolean
set_folder_sync_state (TidingsStore  *self,
                       gint64         folder_id,
                       gint64         uidvalidity,
                       gint64         uidnext,
                       gint64         highestmodseq,
                       GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4"
                            " WHERE id = ?1",
                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uidvalidity);
  sqlite3_bind_int64 (stmt, 3, uidnext);
  sqlite3_bind_int64 (stmt, 4, highestmodseq);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_FOLDER, folder_id);
      return FALSE;
    }
  _tidings_store_changes_folder_changed (CHANGES (self), folder_id);
  return TRUE;
}

gboolean
tidings_store_set_folder_sync_state (TidingsStore  *self,
                                     gint64         folder_id,
                                     gint64         uidvalidity,
                                     gint64         uidnext,
                                     gint64         highestmodseq,
                                     GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self,
                                   set_folder_sync_state (self, folder_id, uidvalidity, uidnext,
                                                          highestmodseq, error),
                                   error);
}

static gboolean
remove_folder (TidingsStore  *self,
               gint64         folder_id,
               GError       **error)
{
  int rc;

  /* Subfolders go with their parent (ON DELETE CASCADE): report them too. */
  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self,
                              "WITH RECURSIVE tree (id) AS (SELECT ?1 UNION"
                              " SELECT f.id FROM folders f JOIN tree ON f.parent_id = tree.id)"
                              " SELECT id FROM tree",
                              error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, folder_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      _tidings_store_changes_folder_removed (CHANGES (self), sqlite3_column_int64 (stmt, 0));
    if (rc != SQLITE_DONE)
      {
        _tidings_store_set_db_error (self, error, rc);
        return FALSE;
      }
  }
  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self, "DELETE FROM folders WHERE id = ?1", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, folder_id);
    if (!_tidings_store_step_done (self, stmt, error))
      return FALSE;
    if (sqlite3_changes (self->db) == 0)
      {
        _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_FOLDER, folder_id);
        return FALSE;
      }
  }
  return TRUE;
}

/**
 * tidings_store_remove_folder:
 *
 * Removes a folder, its subfolders and all their messages.
 */
gboolean
tidings_store_remove_folder (TidingsStore  *self,
                             gint64         folder_id,
                             GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, remove_folder (self, folder_id, error), error);
}

#define FOLDER_COLUMNS \
  "id, account_id, parent_id, path, name, role, sort_key, uidvalidity, uidnext," \
  " highestmodseq, total_count, unread_count"

static TidingsStoreFolder *
folder_from_row (TidingsStoreStmt *stmt)
{
  TidingsStoreFolder *folder = tidings_store_folder_new ();

  folder->id = sqlite3_column_int64 (stmt, 0);
  folder->account_id = sqlite3_column_int64 (stmt, 1);
  folder->parent_id = sqlite3_column_int64 (stmt, 2);
  folder->path = _tidings_store_column_dup (stmt, 3);
  folder->name = _tidings_store_column_dup (stmt, 4);
  tidings_folder_role_from_string ((const char *) sqlite3_column_text (stmt, 5), &folder->role);
  folder->sort_key = sqlite3_column_int64 (stmt, 6);
  folder->uidvalidity = sqlite3_column_int64 (stmt, 7);
  folder->uidnext = sqlite3_column_int64 (stmt, 8);
  folder->highestmodseq = sqlite3_column_int64 (stmt, 9);
  folder->total_count = (guint) sqlite3_column_int64 (stmt, 10);
  folder->unread_count = (guint) sqlite3_column_int64 (stmt, 11);
  return folder;
}

TidingsStoreFolder *
tidings_store_get_folder (TidingsStore  *self,
                          gint64         folder_id,
                          GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self, "SELECT " FOLDER_COLUMNS " FROM folders WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return folder_from_row (stmt);
  if (rc == SQLITE_DONE)
    _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_FOLDER, folder_id);
  else
    _tidings_store_set_db_error (self, error, rc);
  return NULL;
}

static gboolean
find_one (TidingsStore      *self,
          TidingsStoreStmt  *stmt,
          gint64            *out_id,
          GError           **error)
{
  int rc = sqlite3_step (stmt);

  *out_id = 0;
  if (rc == SQLITE_ROW)
    *out_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

/**
 * tidings_store_find_folder:
 * @out_id: (out): the folder with that path in the account, 0 if none
 */
gboolean
tidings_store_find_folder (TidingsStore  *self,
                           gint64         account_id,
                           const char    *path,
                           gint64        *out_id,
                           GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && out_id != NULL, FALSE);

  stmt = _tidings_store_prepare (self, "SELECT id FROM folders WHERE account_id = ?1 AND path = ?2",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
  return find_one (self, stmt, out_id, error);
}

/**
 * tidings_store_find_folder_by_role:
 * @out_id: (out): the account's first folder (by sort key) with that role,
 *   0 if none
 */
gboolean
tidings_store_find_folder_by_role (TidingsStore       *self,
                                   gint64              account_id,
                                   TidingsFolderRole   role,
                                   gint64             *out_id,
                                   GError            **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_id != NULL, FALSE);

  stmt = _tidings_store_prepare (self,
                                 "SELECT id FROM folders WHERE account_id = ?1 AND role = ?2"
                                 " ORDER BY sort_key, id LIMIT 1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, tidings_folder_role_to_string (role), -1, SQLITE_STATIC);
  return find_one (self, stmt, out_id, error);
}

/**
 * tidings_store_list_folders:
 *
 * Returns: (transfer container) (element-type TidingsStoreFolder): the
 * account's folders with their counts, in server order (sort key, path).
 */
GPtrArray *
tidings_store_list_folders (TidingsStore  *self,
                            gint64         account_id,
                            GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self,
                                 "SELECT " FOLDER_COLUMNS " FROM folders WHERE account_id = ?1"
                                 " ORDER BY sort_key, path",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  folders = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_folder_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (folders, folder_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&folders);
}
