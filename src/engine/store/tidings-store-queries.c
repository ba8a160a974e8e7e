/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-queries.c: reading messages for the UI's lazy list model
 * and the reader.  All of these work on read-only stores too. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"

/**
 * tidings_store_count_messages:
 *
 * The number of messages in a folder, from the folder's maintained count
 * (constant time).
 */
gboolean
tidings_store_count_messages (TidingsStore  *self,
                              gint64         folder_id,
                              guint         *out_count,
                              GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  stmt = _tidings_store_prepare (self, "SELECT total_count FROM folders WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_count = (guint) sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_FOLDER, folder_id);
  else
    _tidings_store_set_db_error (self, error, rc);
  return FALSE;
}

/**
 * tidings_store_list_messages:
 *
 * Returns: (transfer container) (element-type TidingsStoreRow): up to
 * @limit rows of the folder from @offset, newest first (date, then id,
 * descending); fewer (or none) past the end.
 */
GPtrArray *
tidings_store_list_messages (TidingsStore  *self,
                             gint64         folder_id,
                             guint          offset,
                             guint          limit,
                             GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self,
                                 "SELECT id, thread_id, date, flags, has_attachments, subject,"
                                 " from_name, from_address, preview FROM messages"
                                 " WHERE folder_id = ?1 ORDER BY date DESC, id DESC"
                                 " LIMIT ?2 OFFSET ?3",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);

  rows = g_ptr_array_new_full (MIN (limit, 1024), (GDestroyNotify) tidings_store_row_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *subject = (const char *) sqlite3_column_text (stmt, 5);
      gsize subject_len = (gsize) sqlite3_column_bytes (stmt, 5);
      const char *from_name = (const char *) sqlite3_column_text (stmt, 6);
      gsize from_name_len = (gsize) sqlite3_column_bytes (stmt, 6);
      const char *from_address = (const char *) sqlite3_column_text (stmt, 7);
      gsize from_address_len = (gsize) sqlite3_column_bytes (stmt, 7);
      const char *preview = (const char *) sqlite3_column_text (stmt, 8);
      gsize preview_len = (gsize) sqlite3_column_bytes (stmt, 8);

      g_ptr_array_add (rows,
                       _tidings_store_row_new (sqlite3_column_int64 (stmt, 0), folder_id,
                                               sqlite3_column_int64 (stmt, 1),
                                               sqlite3_column_int64 (stmt, 2),
                                               (guint) sqlite3_column_int64 (stmt, 3),
                                               sqlite3_column_int (stmt, 4) != 0,
                                               subject, subject_len,
                                               from_name, from_name_len,
                                               from_address, from_address_len,
                                               preview, preview_len));
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * tidings_store_get_message:
 *
 * Returns: (transfer full): every stored field of a message (not
 * `body_text` nor `raw`; see tidings_store_get_body()).
 */
TidingsStoreMessage *
tidings_store_get_message (TidingsStore  *self,
                           gint64         message_id,
                           GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  TidingsStoreMessage *message;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self,
                                 "SELECT folder_id, uid, uidl, modseq, message_id, in_reply_to,"
                                 " refs, subject, thread_subject, from_name, from_address, to_text,"
                                 " cc_text, date, internal_date, size, flags, keywords, thread_id,"
                                 " preview, has_attachments, body_state"
                                 " FROM messages WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_MESSAGE, message_id);
      else
        _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }

  message = tidings_store_message_new ();
  message->id = message_id;
  message->folder_id = sqlite3_column_int64 (stmt, 0);
  message->uid = sqlite3_column_int64 (stmt, 1);
  message->uidl = _tidings_store_column_dup (stmt, 2);
  message->modseq = sqlite3_column_int64 (stmt, 3);
  message->message_id = _tidings_store_column_dup (stmt, 4);
  message->in_reply_to = _tidings_store_column_dup (stmt, 5);
  message->references = _tidings_store_column_dup (stmt, 6);
  message->subject = _tidings_store_column_dup (stmt, 7);
  message->thread_subject = _tidings_store_column_dup (stmt, 8);
  message->from_name = _tidings_store_column_dup (stmt, 9);
  message->from_address = _tidings_store_column_dup (stmt, 10);
  message->to = _tidings_store_column_dup (stmt, 11);
  message->cc = _tidings_store_column_dup (stmt, 12);
  message->date = sqlite3_column_int64 (stmt, 13);
  message->internal_date = sqlite3_column_int64 (stmt, 14);
  message->size = sqlite3_column_int64 (stmt, 15);
  message->flags = (guint) sqlite3_column_int64 (stmt, 16);
  message->keywords = _tidings_store_column_dup (stmt, 17);
  message->thread_id = sqlite3_column_int64 (stmt, 18);
  message->preview = _tidings_store_column_dup (stmt, 19);
  message->has_attachments = sqlite3_column_int (stmt, 20) != 0;
  message->body_state = (TidingsBodyState) sqlite3_column_int (stmt, 21);
  return message;
}

static gboolean
lookup_id (TidingsStore      *self,
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
 * tidings_store_lookup_uid:
 * @out_id: (out): the message with that IMAP UID in the folder, 0 if none
 */
gboolean
tidings_store_lookup_uid (TidingsStore  *self,
                          gint64         folder_id,
                          gint64         uid,
                          gint64        *out_id,
                          GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_id != NULL, FALSE);

  stmt = _tidings_store_prepare (self, "SELECT id FROM messages WHERE folder_id = ?1 AND uid = ?2",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  return lookup_id (self, stmt, out_id, error);
}

static void
uid_row_clear (TidingsStoreUidRow *row)
{
  g_clear_pointer (&row->keywords, g_free);
}

/**
 * tidings_store_list_uids:
 *
 * Returns: (transfer full) (element-type TidingsStoreUidRow): the folder's
 * messages with a UID from @from_uid to @to_uid (both included), in UID
 * order; empty when there are none.
 */
GArray *
tidings_store_list_uids (TidingsStore  *self,
                         gint64         folder_id,
                         gint64         from_uid,
                         gint64         to_uid,
                         GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  /* uid >= and <= (not BETWEEN) so that the partial index on
   * (folder_id, uid) WHERE uid IS NOT NULL is used. */
  stmt = _tidings_store_prepare (self,
                                 "SELECT id, uid, flags, keywords, modseq FROM messages"
                                 " WHERE folder_id = ?1 AND uid >= ?2 AND uid <= ?3"
                                 " ORDER BY uid",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, from_uid);
  sqlite3_bind_int64 (stmt, 3, to_uid);

  rows = g_array_new (FALSE, FALSE, sizeof (TidingsStoreUidRow));
  g_array_set_clear_func (rows, (GDestroyNotify) uid_row_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TidingsStoreUidRow row;
      const char *keywords = (const char *) sqlite3_column_text (stmt, 3);

      row.id = sqlite3_column_int64 (stmt, 0);
      row.uid = sqlite3_column_int64 (stmt, 1);
      row.flags = (guint) sqlite3_column_int64 (stmt, 2);
      row.keywords = keywords != NULL && *keywords != '\0' ? g_strdup (keywords) : NULL;
      row.modseq = sqlite3_column_int64 (stmt, 4);
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * tidings_store_lookup_uidl:
 * @out_id: (out): the message with that POP3 UIDL in the folder, 0 if none
 */
gboolean
tidings_store_lookup_uidl (TidingsStore  *self,
                           gint64         folder_id,
                           const char    *uidl,
                           gint64        *out_id,
                           GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (uidl != NULL && out_id != NULL, FALSE);

  stmt = _tidings_store_prepare (self, "SELECT id FROM messages WHERE folder_id = ?1 AND uidl = ?2",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  _tidings_store_bind_text (stmt, 2, uidl);
  return lookup_id (self, stmt, out_id, error);
}

/**
 * tidings_store_list_thread:
 *
 * Returns: (transfer full) (element-type gint64): the ids of a thread's
 * messages, oldest first.
 */
GArray *
tidings_store_list_thread (TidingsStore  *self,
                           gint64         thread_id,
                           GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GArray) ids = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self,
                                 "SELECT id FROM messages WHERE thread_id = ?1 ORDER BY date, id",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* Maintenance ----------------------------------------------------------------- */

static gboolean
body_file_referenced (const char  *sha256_hex,
                      gboolean    *out_referenced,
                      gpointer     user_data,
                      GError     **error)
{
  TidingsStore *self = user_data;
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "SELECT 1 FROM bodies WHERE sha256 = ?1 LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _tidings_store_bind_text (stmt, 1, sha256_hex);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  *out_referenced = rc == SQLITE_ROW;
  return TRUE;
}

/**
 * tidings_store_collect_garbage:
 * @out_n_removed: (out) (optional): how many files were removed
 *
 * Removes body files no message references any more, and leftovers of
 * writes a crash interrupted.  Read-write stores only, outside a
 * transaction.
 */
gboolean
tidings_store_collect_garbage (TidingsStore  *self,
                               guint         *out_n_removed,
                               GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (self->read_only)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_READ_ONLY,
                   _("The mail database at “%s” is open for reading only."),
                   self->db_path);
      return FALSE;
    }
  return _tidings_store_bodies_collect (self->bodies, body_file_referenced, self,
                                        out_n_removed, error);
}

/**
 * tidings_store_optimize:
 *
 * Merges the search index into one segment (inserts leave several, see
 * migration 0002), refreshes the query planner's statistics and
 * checkpoints the write-ahead log.  Takes seconds on a large store: for
 * idle time.  Read-write stores only, outside a transaction.
 */
gboolean
tidings_store_optimize (TidingsStore  *self,
                        GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  if (!_tidings_store_write_end (self,
                                 _tidings_store_exec (self,
                                                      "INSERT INTO messages_fts (messages_fts)"
                                                      " VALUES ('optimize')",
                                                      error),
                                 error))
    return FALSE;
  return _tidings_store_exec (self, "PRAGMA optimize; PRAGMA wal_checkpoint (TRUNCATE);", error);
}
