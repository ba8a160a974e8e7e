/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-ops.c: what must survive a restart besides mail — the
 * operation queue, POP3 seen UIDLs and certificate pins (the outbox is in
 * tidings-store-outbox.c). */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"

#define CHANGES(self) _tidings_store_changes (self)

gint64
_tidings_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* After an UPDATE or DELETE by id: NOT_FOUND if it touched nothing. */
gboolean
_tidings_store_check_changed (TidingsStore      *self,
                              TidingsStoreItem   what,
                              gint64             id,
                              GError           **error)
{
  if (sqlite3_changes (self->db) > 0)
    return TRUE;
  _tidings_store_set_not_found (error, what, id);
  return FALSE;
}

/* Operation queue ---------------------------------------------------------- */

static gboolean
enqueue_operation (TidingsStore  *self,
                   gint64         account_id,
                   const char    *kind,
                   const char    *payload,
                   gint64        *out_id,
                   GError       **error)
{
  g_autoptr(TidingsStoreStmt) check = NULL;
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  payload = payload != NULL ? payload : "{}";
  check = _tidings_store_prepare (self, "SELECT json_valid (?1)", error);
  if (check == NULL)
    return FALSE;
  sqlite3_bind_text (check, 1, payload, -1, SQLITE_STATIC);
  if (sqlite3_step (check) != SQLITE_ROW || sqlite3_column_int (check, 0) != 1)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID,
                   _("The queued operation “%s” has a payload that is not valid JSON."), kind);
      return FALSE;
    }

  stmt = _tidings_store_prepare (self,
                                 "INSERT INTO operations (account_id, kind, payload, created)"
                                 " VALUES (?1, ?2, ?3, ?4)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, _tidings_store_now ());
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  _tidings_store_changes_operations_changed (CHANGES (self));
  return TRUE;
}

/**
 * tidings_store_enqueue_operation:
 * @kind: what to replay ("set-flags", "move"...), chosen by the engine
 * @payload: (nullable): a JSON text with the details; NULL for "{}"
 *
 * Queues a user action for the server.  Call it in the same transaction
 * as the local change it mirrors.
 */
gboolean
tidings_store_enqueue_operation (TidingsStore  *self,
                                 gint64         account_id,
                                 const char    *kind,
                                 const char    *payload,
                                 gint64        *out_id,
                                 GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self,
                                   enqueue_operation (self, account_id, kind, payload, out_id, error),
                                   error);
}

#define OPERATION_COLUMNS "id, account_id, kind, payload, attempts, last_error, created"

static TidingsStoreOperation *
operation_from_row (TidingsStoreStmt *stmt)
{
  TidingsStoreOperation *op = g_new0 (TidingsStoreOperation, 1);

  op->id = sqlite3_column_int64 (stmt, 0);
  op->account_id = sqlite3_column_int64 (stmt, 1);
  op->kind = _tidings_store_column_dup (stmt, 2);
  op->payload = _tidings_store_column_dup (stmt, 3);
  op->attempts = (guint) sqlite3_column_int64 (stmt, 4);
  op->last_error = _tidings_store_column_dup (stmt, 5);
  op->created = sqlite3_column_int64 (stmt, 6);
  return op;
}

static TidingsStoreStmt *
prepare_operations (TidingsStore  *self,
                    gint64         account_id,
                    gboolean       first_only,
                    GError       **error)
{
  TidingsStoreStmt *stmt;

  if (account_id > 0)
    stmt = first_only
      ? _tidings_store_prepare (self, "SELECT " OPERATION_COLUMNS " FROM operations"
                                      " WHERE account_id = ?1 ORDER BY id LIMIT 1", error)
      : _tidings_store_prepare (self, "SELECT " OPERATION_COLUMNS " FROM operations"
                                      " WHERE account_id = ?1 ORDER BY id", error);
  else
    stmt = first_only
      ? _tidings_store_prepare (self, "SELECT " OPERATION_COLUMNS " FROM operations"
                                      " ORDER BY id LIMIT 1", error)
      : _tidings_store_prepare (self, "SELECT " OPERATION_COLUMNS " FROM operations"
                                      " ORDER BY id", error);
  if (stmt != NULL && account_id > 0)
    sqlite3_bind_int64 (stmt, 1, account_id);
  return stmt;
}

/**
 * tidings_store_peek_operation:
 * @account_id: the account, or 0 for any
 * @out_op: (out) (transfer full): the oldest pending operation, NULL if none
 *
 * Operations stay queued until tidings_store_complete_operation().
 */
gboolean
tidings_store_peek_operation (TidingsStore            *self,
                              gint64                   account_id,
                              TidingsStoreOperation  **out_op,
                              GError                 **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_op != NULL, FALSE);

  *out_op = NULL;
  stmt = prepare_operations (self, account_id, TRUE, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_op = operation_from_row (stmt);
  else if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

/**
 * tidings_store_list_operations:
 * @account_id: the account, or 0 for all
 *
 * Returns: (transfer container) (element-type TidingsStoreOperation): the
 * pending operations in queue order.
 */
GPtrArray *
tidings_store_list_operations (TidingsStore  *self,
                               gint64         account_id,
                               GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = prepare_operations (self, account_id, FALSE, error);
  if (stmt == NULL)
    return NULL;
  ops = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_operation_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ops, operation_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&ops);
}

static gboolean
complete_operation (TidingsStore  *self,
                    gint64         id,
                    GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "DELETE FROM operations WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!_tidings_store_step_done (self, stmt, error)
      || !_tidings_store_check_changed (self, TIDINGS_STORE_ITEM_OPERATION, id, error))
    return FALSE;
  _tidings_store_changes_operations_changed (CHANGES (self));
  return TRUE;
}

/**
 * tidings_store_complete_operation:
 *
 * Removes an operation the server has confirmed.
 */
gboolean
tidings_store_complete_operation (TidingsStore  *self,
                                  gint64         operation_id,
                                  GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, complete_operation (self, operation_id, error), error);
}

static gboolean
fail_operation (TidingsStore  *self,
                gint64         id,
                const char    *error_text,
                GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "UPDATE operations SET attempts = attempts + 1, last_error = ?2"
                            " WHERE id = ?1",
                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  _tidings_store_bind_text (stmt, 2, error_text);
  if (!_tidings_store_step_done (self, stmt, error)
      || !_tidings_store_check_changed (self, TIDINGS_STORE_ITEM_OPERATION, id, error))
    return FALSE;
  _tidings_store_changes_operations_changed (CHANGES (self));
  return TRUE;
}

/**
 * tidings_store_fail_operation:
 *
 * Counts a failed attempt and keeps its error; the operation stays first
 * in the queue.
 */
gboolean
tidings_store_fail_operation (TidingsStore  *self,
                              gint64         operation_id,
                              const char    *error_text,
                              GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, fail_operation (self, operation_id, error_text, error), error);
}

/* POP3 seen UIDLs ------------------------------------------------------------ */

static gboolean
run_write (TidingsStore      *self,
           TidingsStoreStmt  *stmt,
           GError           **error)
{
  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, _tidings_store_step_done (self, stmt, error), error);
}

/**
 * tidings_store_pop3_add_uidl:
 *
 * Remembers a downloaded UIDL; seeing it again keeps the first time.
 * Call it in the transaction that stores the message, before any DELE.
 */
gboolean
tidings_store_pop3_add_uidl (TidingsStore  *self,
                             gint64         account_id,
                             const char    *uidl,
                             gint64         first_seen,
                             GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (uidl != NULL, FALSE);

  stmt = _tidings_store_prepare (self,
                                 "INSERT INTO pop3_uidls (account_id, uidl, first_seen)"
                                 " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, uidl, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, first_seen);
  return run_write (self, stmt, error);
}

gboolean
tidings_store_pop3_has_uidl (TidingsStore  *self,
                             gint64         account_id,
                             const char    *uidl,
                             gboolean      *out_seen,
                             gint64        *out_first_seen,
                             GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (uidl != NULL && out_seen != NULL, FALSE);

  stmt = _tidings_store_prepare (self,
                                 "SELECT first_seen FROM pop3_uidls WHERE account_id = ?1 AND uidl = ?2",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, uidl, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  *out_seen = rc == SQLITE_ROW;
  if (out_first_seen != NULL)
    *out_first_seen = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/**
 * tidings_store_pop3_list_uidls:
 *
 * Returns: (transfer full) (element-type utf8 gint64): UIDL -> pointer to
 * its first-seen time, for comparing with the server's UIDL list.
 */
GHashTable *
tidings_store_pop3_list_uidls (TidingsStore  *self,
                               gint64         account_id,
                               GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GHashTable) uidls = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self,
                                 "SELECT uidl, first_seen FROM pop3_uidls WHERE account_id = ?1",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  uidls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 first_seen = sqlite3_column_int64 (stmt, 1);

      g_hash_table_insert (uidls, _tidings_store_column_dup (stmt, 0),
                           g_memdup2 (&first_seen, sizeof first_seen));
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&uidls);
}

/**
 * tidings_store_pop3_remove_uidl:
 *
 * Forgets a UIDL, e.g. once the server no longer lists it.
 */
gboolean
tidings_store_pop3_remove_uidl (TidingsStore  *self,
                                gint64         account_id,
                                const char    *uidl,
                                GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (uidl != NULL, FALSE);

  stmt = _tidings_store_prepare (self, "DELETE FROM pop3_uidls WHERE account_id = ?1 AND uidl = ?2",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, uidl, -1, SQLITE_STATIC);
  return run_write (self, stmt, error);
}

/* Certificate pins ---------------------------------------------------------- */

/* "AB:CD:..." or "abcd..." -> "abcd...", or NULL if not a SHA-256. */
static char *
normalize_fingerprint (const char *text)
{
  GString *hex = g_string_sized_new (64);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p) || hex->len >= 64)
        {
          g_string_free (hex, TRUE);
          return NULL;
        }
      g_string_append_c (hex, g_ascii_tolower (*p));
    }
  if (hex->len != 64)
    {
      g_string_free (hex, TRUE);
      return NULL;
    }
  return g_string_free (hex, FALSE);
}

/**
 * tidings_store_set_pin:
 * @sha256_hex: the certificate's SHA-256, hex (colons allowed)
 *
 * Trusts a certificate for one account, host and port, replacing any
 * earlier pin there.
 */
gboolean
tidings_store_set_pin (TidingsStore  *self,
                       gint64         account_id,
                       const char    *host,
                       guint16        port,
                       const char    *sha256_hex,
                       GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (host != NULL && sha256_hex != NULL, FALSE);

  fingerprint = normalize_fingerprint (sha256_hex);
  if (fingerprint == NULL || port == 0)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID,
                   _("The certificate fingerprint for %s is not a valid SHA-256."), host);
      return FALSE;
    }
  stmt = _tidings_store_prepare (self,
                                 "INSERT OR REPLACE INTO certificate_pins"
                                 " (account_id, host, port, sha256, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, host, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, port);
  sqlite3_bind_text (stmt, 4, fingerprint, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, _tidings_store_now ());
  return run_write (self, stmt, error);
}

/**
 * tidings_store_get_pin:
 * @out_sha256_hex: (out) (transfer full): the pinned fingerprint (lowercase
 *   hex), NULL if none
 */
gboolean
tidings_store_get_pin (TidingsStore  *self,
                       gint64         account_id,
                       const char    *host,
                       guint16        port,
                       char         **out_sha256_hex,
                       GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (host != NULL && out_sha256_hex != NULL, FALSE);

  *out_sha256_hex = NULL;
  stmt = _tidings_store_prepare (self,
                                 "SELECT sha256 FROM certificate_pins"
                                 " WHERE account_id = ?1 AND host = ?2 AND port = ?3",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, host, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, port);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_sha256_hex = _tidings_store_column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
tidings_store_remove_pin (TidingsStore  *self,
                          gint64         account_id,
                          const char    *host,
                          guint16        port,
                          GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  stmt = _tidings_store_prepare (self,
                                 "DELETE FROM certificate_pins"
                                 " WHERE account_id = ?1 AND host = ?2 AND port = ?3",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, host, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, port);
  return run_write (self, stmt, error);
}
