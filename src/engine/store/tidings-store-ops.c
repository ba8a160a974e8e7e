/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-ops.c: what must survive a restart besides mail — the
 * operation queue, the outbox, POP3 seen UIDLs and certificate pins. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"

#define CHANGES(self) _tidings_store_changes (self)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
check_changed (TidingsStore  *self,
               const char    *what,
               gint64         id,
               GError       **error)
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
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
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
  if (!_tidings_store_step_done (self, stmt, error) || !check_changed (self, _("operation"), id, error))
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
  if (!_tidings_store_step_done (self, stmt, error) || !check_changed (self, _("operation"), id, error))
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

/* Outbox ------------------------------------------------------------------- */

static gboolean
is_one_line (const char *text)
{
  return text != NULL && strpbrk (text, "\r\n") == NULL;
}

static gboolean
outbox_add (TidingsStore        *self,
            gint64               account_id,
            const char          *sender,
            const char * const  *recipients,
            GBytes              *raw,
            gint64              *out_id,
            GError             **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autofree char *joined = NULL;
  gsize size;
  gconstpointer data;

  if (!is_one_line (sender) || recipients == NULL || recipients[0] == NULL)
    goto invalid;
  for (guint i = 0; recipients[i] != NULL; i++)
    if (!is_one_line (recipients[i]) || recipients[i][0] == '\0')
      goto invalid;

  joined = g_strjoinv ("\n", (char **) recipients);
  stmt = _tidings_store_prepare (self,
                                 "INSERT INTO outbox (account_id, sender, recipients, raw, created)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  data = g_bytes_get_data (raw, &size);
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, sender, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, joined, -1, SQLITE_STATIC);
  if (size == 0)
    sqlite3_bind_zeroblob (stmt, 4, 0);
  else
    sqlite3_bind_blob64 (stmt, 4, data, size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  _tidings_store_changes_outbox_changed (CHANGES (self));
  return TRUE;

invalid:
  g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID,
               _("The message cannot be queued for sending: its sender or recipients are invalid."));
  return FALSE;
}

/**
 * tidings_store_outbox_add:
 * @sender: the envelope sender (MAIL FROM)
 * @recipients: the envelope recipients (RCPT TO), at least one
 * @raw: the message as it will be sent
 *
 * Queues a message for sending, due at once.
 */
gboolean
tidings_store_outbox_add (TidingsStore        *self,
                          gint64               account_id,
                          const char          *sender,
                          const char * const  *recipients,
                          GBytes              *raw,
                          gint64              *out_id,
                          GError             **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (raw != NULL, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self,
                                   outbox_add (self, account_id, sender, recipients, raw, out_id, error),
                                   error);
}

static TidingsOutboxState
outbox_state_from_string (const char *text)
{
  for (int state = TIDINGS_OUTBOX_STATE_QUEUED; state <= TIDINGS_OUTBOX_STATE_FAILED; state++)
    if (g_strcmp0 (text, tidings_outbox_state_to_string (state)) == 0)
      return (TidingsOutboxState) state;
  return TIDINGS_OUTBOX_STATE_QUEUED;
}

#define OUTBOX_COLUMNS \
  "id, account_id, sender, recipients, state, error, attempts, next_attempt, created"

static TidingsStoreOutboxItem *
outbox_item_from_row (TidingsStoreStmt *stmt,
                      gboolean          with_raw)
{
  TidingsStoreOutboxItem *item = g_new0 (TidingsStoreOutboxItem, 1);
  const char *recipients = (const char *) sqlite3_column_text (stmt, 3);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->account_id = sqlite3_column_int64 (stmt, 1);
  item->sender = _tidings_store_column_dup (stmt, 2);
  item->recipients = g_strsplit (recipients != NULL ? recipients : "", "\n", -1);
  item->state = outbox_state_from_string ((const char *) sqlite3_column_text (stmt, 4));
  item->error = _tidings_store_column_dup (stmt, 5);
  item->attempts = (guint) sqlite3_column_int64 (stmt, 6);
  item->next_attempt = sqlite3_column_int64 (stmt, 7);
  item->created = sqlite3_column_int64 (stmt, 8);
  if (with_raw)
    item->raw = g_bytes_new (sqlite3_column_blob (stmt, 9), (gsize) sqlite3_column_bytes (stmt, 9));
  return item;
}

TidingsStoreOutboxItem *
tidings_store_outbox_get (TidingsStore  *self,
                          gint64         item_id,
                          GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self, "SELECT " OUTBOX_COLUMNS ", raw FROM outbox WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return outbox_item_from_row (stmt, TRUE);
  if (rc == SQLITE_DONE)
    _tidings_store_set_not_found (error, _("outgoing message"), item_id);
  else
    _tidings_store_set_db_error (self, error, rc);
  return NULL;
}

/**
 * tidings_store_outbox_next_due:
 * @out_item: (out) (transfer full): the queued message due first at @now
 *   (with its bytes), NULL if none
 */
gboolean
tidings_store_outbox_next_due (TidingsStore             *self,
                               gint64                    now,
                               TidingsStoreOutboxItem  **out_item,
                               GError                  **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_item != NULL, FALSE);

  *out_item = NULL;
  stmt = _tidings_store_prepare (self,
                                 "SELECT " OUTBOX_COLUMNS ", raw FROM outbox"
                                 " WHERE state = 'queued' AND next_attempt <= ?1"
                                 " ORDER BY next_attempt, id LIMIT 1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_item = outbox_item_from_row (stmt, TRUE);
  else if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

/**
 * tidings_store_outbox_list:
 * @account_id: the account, or 0 for all
 *
 * Returns: (transfer container) (element-type TidingsStoreOutboxItem): the
 * outbox in queue order, without the message bytes.
 */
GPtrArray *
tidings_store_outbox_list (TidingsStore  *self,
                           gint64         account_id,
                           GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) items = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self,
                                 "SELECT " OUTBOX_COLUMNS " FROM outbox"
                                 " WHERE ?1 = 0 OR account_id = ?1 ORDER BY id",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_outbox_item_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, outbox_item_from_row (stmt, FALSE));
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&items);
}

static gboolean
outbox_set_state (TidingsStore        *self,
                  gint64               id,
                  TidingsOutboxState   state,
                  const char          *error_text,
                  gint64               next_attempt,
                  GError             **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "UPDATE outbox SET state = ?2, error = ?3, next_attempt = ?4,"
                            " attempts = attempts + (?2 = 'sending') WHERE id = ?1",
                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, tidings_outbox_state_to_string (state), -1, SQLITE_STATIC);
  _tidings_store_bind_text (stmt, 3, error_text);
  sqlite3_bind_int64 (stmt, 4, next_attempt);
  if (!_tidings_store_step_done (self, stmt, error)
      || !check_changed (self, _("outgoing message"), id, error))
    return FALSE;
  _tidings_store_changes_outbox_changed (CHANGES (self));
  return TRUE;
}

/**
 * tidings_store_outbox_set_state:
 * @error_text: (nullable): why the last attempt failed
 * @next_attempt: when a QUEUED message is due again (unix time)
 *
 * SENDING counts an attempt.  A temporary failure goes back to QUEUED
 * with an error and a later @next_attempt; FAILED is final.
 */
gboolean
tidings_store_outbox_set_state (TidingsStore        *self,
                                gint64               item_id,
                                TidingsOutboxState   state,
                                const char          *error_text,
                                gint64               next_attempt,
                                GError             **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (state <= TIDINGS_OUTBOX_STATE_FAILED, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self,
                                   outbox_set_state (self, item_id, state, error_text, next_attempt, error),
                                   error);
}

static gboolean
outbox_remove (TidingsStore  *self,
               gint64         id,
               GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "DELETE FROM outbox WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!_tidings_store_step_done (self, stmt, error)
      || !check_changed (self, _("outgoing message"), id, error))
    return FALSE;
  _tidings_store_changes_outbox_changed (CHANGES (self));
  return TRUE;
}

gboolean
tidings_store_outbox_remove (TidingsStore  *self,
                             gint64         item_id,
                             GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, outbox_remove (self, item_id, error), error);
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
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
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
