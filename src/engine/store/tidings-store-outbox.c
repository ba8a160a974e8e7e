/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-outbox.c: messages waiting to be sent, with their envelope,
 * state and retry schedule; they survive restarts. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"

#define CHANGES(self) _tidings_store_changes (self)

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
  sqlite3_bind_int64 (stmt, 5, _tidings_store_now ());
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
    _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_OUTBOX, item_id);
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
      || !_tidings_store_check_changed (self, TIDINGS_STORE_ITEM_OUTBOX, id, error))
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
      || !_tidings_store_check_changed (self, TIDINGS_STORE_ITEM_OUTBOX, id, error))
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
