/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-messages.c: writing messages: insert, flags, keywords,
 * server ids, moves and deletes (bodies: tidings-store-message-bodies.c;
 * reads: tidings-store-queries.c).  Folder counts follow from the triggers
 * of migration 0001. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"


#define CHANGES(self) _tidings_store_changes (self)

/* Length of `text` cut to at most `max` bytes at a character boundary. */
static gsize
bounded_length (const char *text,
                gsize       max)
{
  gsize len = strlen (text);

  if (len <= max)
    return len;
  len = max;
  while (len > 0 && ((guchar) text[len] & 0xC0) == 0x80)
    len--;
  return len;
}

void
_tidings_store_bind_bounded (TidingsStoreStmt *stmt,
                   int               idx,
                   const char       *text,
                   gsize             max)
{
  if (text == NULL)
    sqlite3_bind_text (stmt, idx, "", 0, SQLITE_STATIC);
  else
    sqlite3_bind_text (stmt, idx, text, (int) bounded_length (text, max), SQLITE_STATIC);
}

static void
bind_text_or_empty (TidingsStoreStmt *stmt,
                    int               idx,
                    const char       *text)
{
  sqlite3_bind_text (stmt, idx, text != NULL ? text : "", -1, SQLITE_STATIC);
}

/* "<id@host>" -> "id@host"; returns a pointer into `value` and a length. */
static const char *
strip_message_id (const char *value,
                  gsize      *out_len)
{
  gsize len;

  while (g_ascii_isspace (*value))
    value++;
  len = strlen (value);
  while (len > 0 && g_ascii_isspace (value[len - 1]))
    len--;
  if (len >= 2 && value[0] == '<' && value[len - 1] == '>')
    {
      value++;
      len -= 2;
    }
  *out_len = len;
  return value;
}

/* Finds a message's folder; *out_folder is 0 if there is no such message. */
static gboolean
find_message (TidingsStore  *self,
              gint64         message_id,
              gint64        *out_folder,
              guint         *out_flags,
              GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "SELECT folder_id, flags FROM messages WHERE id = ?1", error);
  int rc;

  *out_folder = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_folder = sqlite3_column_int64 (stmt, 0);
      if (out_flags != NULL)
        *out_flags = (guint) sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  _tidings_store_set_db_error (self, error, rc);
  return FALSE;
}

/* Returns the folder of a message, or 0 (with NOT_FOUND) if there is none. */
gint64
_tidings_store_message_folder (TidingsStore  *self,
                gint64         message_id,
                guint         *out_flags,
                GError       **error)
{
  gint64 folder_id = 0;

  if (!find_message (self, message_id, &folder_id, out_flags, error))
    return 0;
  if (folder_id == 0)
    _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_MESSAGE, message_id);
  return folder_id;
}

static gboolean
folder_exists (TidingsStore  *self,
               gint64         folder_id,
               GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "SELECT 1 FROM folders WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    _tidings_store_set_not_found (error, TIDINGS_STORE_ITEM_FOLDER, folder_id);
  else
    _tidings_store_set_db_error (self, error, rc);
  return FALSE;
}

/* Insert -------------------------------------------------------------------- */

/* Subject and addresses are searchable at once (the row is queued and
 * written before anything else can see messages_fts, see
 * _tidings_store_fts_queue()); the body text, which costs FTS5 far more to
 * index, waits in the backlog (tidings-store-search.c). */
static gboolean
insert_fts (TidingsStore               *self,
            gint64                      id,
            const TidingsStoreMessage  *message,
            GError                    **error)
{
  const char *addresses[] = { message->from_name, message->from_address, message->to, message->cc };

  if (!_tidings_store_fts_queue (self, id, message->subject, addresses, G_N_ELEMENTS (addresses), error))
    return FALSE;
  /* A new id: nothing queued to replace. */
  if (message->body_text == NULL || message->body_text[0] == '\0')
    return TRUE;
  return _tidings_store_backlog_put (self, id, message->body_text, error);
}

static gboolean
insert_message (TidingsStore               *self,
                const TidingsStoreMessage  *message,
                gint64                     *out_id,
                GError                    **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "INSERT INTO messages (folder_id, uid, uidl, modseq, message_id,"
                            " in_reply_to, refs, subject, from_name, from_address, to_text,"
                            " cc_text, date, internal_date, size, flags, keywords, thread_id,"
                            " preview, has_attachments, body_state, thread_subject)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                            " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                            error);
  gint64 thread_id = 0;
  gboolean use_subject = FALSE;
  gint64 id;

  if (stmt == NULL)
    return FALSE;
  if (!_tidings_store_threads_assign (self, message, &thread_id, &use_subject, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, message->folder_id);
  if (message->uid > 0)
    sqlite3_bind_int64 (stmt, 2, message->uid);
  _tidings_store_bind_text (stmt, 3, message->uidl);
  sqlite3_bind_int64 (stmt, 4, message->modseq);
  if (message->message_id != NULL)
    {
      gsize len;
      const char *mid = strip_message_id (message->message_id, &len);

      if (len > 0)
        sqlite3_bind_text (stmt, 5, mid, (int) len, SQLITE_STATIC);
    }
  _tidings_store_bind_text (stmt, 6, message->in_reply_to);
  _tidings_store_bind_text (stmt, 7, message->references);
  bind_text_or_empty (stmt, 8, message->subject);
  bind_text_or_empty (stmt, 9, message->from_name);
  bind_text_or_empty (stmt, 10, message->from_address);
  bind_text_or_empty (stmt, 11, message->to);
  bind_text_or_empty (stmt, 12, message->cc);
  sqlite3_bind_int64 (stmt, 13, message->date);
  sqlite3_bind_int64 (stmt, 14, message->internal_date);
  sqlite3_bind_int64 (stmt, 15, message->size);
  sqlite3_bind_int64 (stmt, 16, message->flags & TIDINGS_MESSAGE_FLAGS_ALL);
  bind_text_or_empty (stmt, 17, message->keywords);
  sqlite3_bind_int64 (stmt, 18, thread_id);
  _tidings_store_bind_bounded (stmt, 19, message->preview, TIDINGS_STORE_PREVIEW_MAX);
  sqlite3_bind_int (stmt, 20, message->has_attachments ? 1 : 0);
  sqlite3_bind_int (stmt, 21, CLAMP ((int) message->body_state, 0, 3));
  if (use_subject)
    sqlite3_bind_text (stmt, 22, message->thread_subject, -1, SQLITE_STATIC);

  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  id = sqlite3_last_insert_rowid (self->db);

  if (!insert_fts (self, id, message, error))
    return FALSE;
  if (message->raw != NULL && !_tidings_store_put_body (self, id, message->raw, error))
    return FALSE;

  _tidings_store_changes_message_added (CHANGES (self), message->folder_id, id);
  _tidings_store_changes_folder_changed (CHANGES (self), message->folder_id);
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/**
 * tidings_store_insert_message:
 * @message: the fields to store; `id` and `thread_id` are ignored
 * @out_id: (out) (optional): the new message's id
 *
 * Stores a message, assigns its thread, indexes its subject and addresses
 * for search, queues its body text for tidings_store_index_backlog() and,
 * when `raw` is set, stores its bytes.  For many messages, call it inside one
 * transaction.
 */
gboolean
tidings_store_insert_message (TidingsStore               *self,
                              const TidingsStoreMessage  *message,
                              gint64                     *out_id,
                              GError                    **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_tidings_store_write_begin_keep_fts (self, error))
    return FALSE;
  return _tidings_store_write_end (self, insert_message (self, message, out_id, error), error);
}

/* Flags, keywords, server ids, bodies ----------------------------------------- */

static gboolean
update_flags (TidingsStore  *self,
              gint64         message_id,
              gint64         folder_id,
              guint          old_flags,
              guint          new_flags,
              GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  new_flags &= TIDINGS_MESSAGE_FLAGS_ALL;
  if (new_flags == old_flags)
    return TRUE;

  stmt = _tidings_store_prepare (self, "UPDATE messages SET flags = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, new_flags);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;

  _tidings_store_changes_message_changed (CHANGES (self), folder_id, message_id);
  if ((old_flags ^ new_flags) & TIDINGS_MESSAGE_FLAG_SEEN)
    _tidings_store_changes_folder_changed (CHANGES (self), folder_id);
  return TRUE;
}

static gboolean
set_flags (TidingsStore  *self,
           gint64         message_id,
           guint          flags,
           GError       **error)
{
  guint old_flags = 0;
  gint64 folder_id = _tidings_store_message_folder (self, message_id, &old_flags, error);

  return folder_id != 0 && update_flags (self, message_id, folder_id, old_flags, flags, error);
}

/**
 * tidings_store_set_flags:
 *
 * Replaces a message's flags (e.g. with those the server reported).
 * Fails with NOT_FOUND if there is no such message.
 */
gboolean
tidings_store_set_flags (TidingsStore  *self,
                         gint64         message_id,
                         guint          flags,
                         GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, set_flags (self, message_id, flags, error), error);
}

static gboolean
change_flags (TidingsStore  *self,
              const gint64  *ids,
              guint          n_ids,
              guint          add,
              guint          remove,
              GError       **error)
{
  for (guint i = 0; i < n_ids; i++)
    {
      guint old_flags = 0;
      gint64 folder_id = 0;

      if (!find_message (self, ids[i], &folder_id, &old_flags, error))
        return FALSE;
      /* Gone meanwhile (e.g. expunged by a sync): nothing to change. */
      if (folder_id == 0)
        continue;
      if (!update_flags (self, ids[i], folder_id, old_flags, (old_flags | add) & ~remove, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * tidings_store_change_flags:
 *
 * Adds then removes flags on each message; ids of messages that no longer
 * exist are skipped.
 */
gboolean
tidings_store_change_flags (TidingsStore  *self,
                            const gint64  *message_ids,
                            guint          n_ids,
                            guint          add,
                            guint          remove,
                            GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self,
                                   change_flags (self, message_ids, n_ids, add, remove, error),
                                   error);
}

static gboolean
set_keywords (TidingsStore  *self,
              gint64         message_id,
              const char    *keywords,
              GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  gint64 folder_id = _tidings_store_message_folder (self, message_id, NULL, error);

  if (folder_id == 0)
    return FALSE;
  stmt = _tidings_store_prepare (self,
                                 "UPDATE messages SET keywords = ?2 WHERE id = ?1 AND keywords <> ?2",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  bind_text_or_empty (stmt, 2, keywords);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) > 0)
    _tidings_store_changes_message_changed (CHANGES (self), folder_id, message_id);
  return TRUE;
}

gboolean
tidings_store_set_keywords (TidingsStore  *self,
                            gint64         message_id,
                            const char    *keywords,
                            GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, set_keywords (self, message_id, keywords, error), error);
}

static gboolean
set_server_id (TidingsStore  *self,
               gint64         message_id,
               gint64         uid,
               gint64         modseq,
               GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  gint64 folder_id = _tidings_store_message_folder (self, message_id, NULL, error);

  if (folder_id == 0)
    return FALSE;
  stmt = _tidings_store_prepare (self,
                                 "UPDATE messages SET uid = nullif (?2, 0), modseq = ?3 WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  sqlite3_bind_int64 (stmt, 3, modseq);
  if (!_tidings_store_step_done (self, stmt, error))
    return FALSE;
  _tidings_store_changes_message_changed (CHANGES (self), folder_id, message_id);
  return TRUE;
}

/**
 * tidings_store_set_server_id:
 * @uid: the IMAP UID in the message's folder, 0 for none
 *
 * Records the server's id of a message, e.g. once a moved or appended
 * message's new UID is known.
 */
gboolean
tidings_store_set_server_id (TidingsStore  *self,
                             gint64         message_id,
                             gint64         uid,
                             gint64         modseq,
                             GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, set_server_id (self, message_id, uid, modseq, error), error);
}

/* Moves and deletes ----------------------------------------------------------- */

static gboolean
move_messages (TidingsStore  *self,
               const gint64  *ids,
               guint          n_ids,
               gint64         dest,
               GError       **error)
{
  if (!folder_exists (self, dest, error))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TidingsStoreStmt) stmt = NULL;
      gint64 source = 0;

      if (!find_message (self, ids[i], &source, NULL, error))
        return FALSE;
      if (source == 0 || source == dest)
        continue;
      /* The UID belongs to the old folder; the new one is set once the
       * server tells it. */
      stmt = _tidings_store_prepare (self,
                                     "UPDATE messages SET folder_id = ?2, uid = NULL, modseq = 0"
                                     " WHERE id = ?1",
                                     error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int64 (stmt, 2, dest);
      if (!_tidings_store_step_done (self, stmt, error))
        return FALSE;
      _tidings_store_changes_message_removed (CHANGES (self), source, ids[i]);
      _tidings_store_changes_message_added (CHANGES (self), dest, ids[i]);
      _tidings_store_changes_folder_changed (CHANGES (self), source);
      _tidings_store_changes_folder_changed (CHANGES (self), dest);
    }
  return TRUE;
}

/**
 * tidings_store_move_messages:
 *
 * Moves messages to another folder; their UIDs are cleared (see
 * tidings_store_set_server_id()).  Missing ids are skipped; a missing
 * destination fails with NOT_FOUND.
 */
gboolean
tidings_store_move_messages (TidingsStore  *self,
                             const gint64  *message_ids,
                             guint          n_ids,
                             gint64         dest_folder_id,
                             GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self,
                                   move_messages (self, message_ids, n_ids, dest_folder_id, error),
                                   error);
}

static gboolean
delete_messages (TidingsStore  *self,
                 const gint64  *ids,
                 guint          n_ids,
                 GError       **error)
{
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TidingsStoreStmt) stmt =
        _tidings_store_prepare (self, "DELETE FROM messages WHERE id = ?1 RETURNING folder_id", error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          gint64 folder_id = sqlite3_column_int64 (stmt, 0);

          _tidings_store_changes_message_removed (CHANGES (self), folder_id, ids[i]);
          _tidings_store_changes_folder_changed (CHANGES (self), folder_id);
        }
      else if (rc != SQLITE_DONE)
        {
          _tidings_store_set_db_error (self, error, rc);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * tidings_store_delete_messages:
 *
 * Removes messages from the store (their body files become garbage, see
 * tidings_store_collect_garbage()).  Missing ids are skipped.
 */
gboolean
tidings_store_delete_messages (TidingsStore  *self,
                               const gint64  *message_ids,
                               guint          n_ids,
                               GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, delete_messages (self, message_ids, n_ids, error), error);
}

static gboolean
delete_where (TidingsStore  *self,
              gint64         folder_id,
              gboolean       only_deleted,
              guint         *out_n_removed,
              GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  guint n = 0;
  int rc;

  if (!folder_exists (self, folder_id, error))
    return FALSE;
  stmt = only_deleted
    ? _tidings_store_prepare (self,
                              "DELETE FROM messages WHERE folder_id = ?1 AND (flags & 8) <> 0"
                              " RETURNING id",
                              error)
    : _tidings_store_prepare (self, "DELETE FROM messages WHERE folder_id = ?1 RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      _tidings_store_changes_message_removed (CHANGES (self), folder_id, sqlite3_column_int64 (stmt, 0));
      n++;
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  if (n > 0)
    _tidings_store_changes_folder_changed (CHANGES (self), folder_id);
  if (out_n_removed != NULL)
    *out_n_removed = n;
  return TRUE;
}

/**
 * tidings_store_expunge_folder:
 *
 * Removes the folder's messages flagged DELETED.
 */
gboolean
tidings_store_expunge_folder (TidingsStore  *self,
                              gint64         folder_id,
                              guint         *out_n_removed,
                              GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, delete_where (self, folder_id, TRUE, out_n_removed, error),
                                   error);
}

/**
 * tidings_store_clear_folder:
 *
 * Removes every message of a folder (e.g. after its UIDVALIDITY changed).
 */
gboolean
tidings_store_clear_folder (TidingsStore  *self,
                            gint64         folder_id,
                            GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, delete_where (self, folder_id, FALSE, NULL, error), error);
}
