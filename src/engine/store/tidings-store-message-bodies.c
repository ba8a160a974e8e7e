/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-message-bodies.c: the raw bytes of messages.  Small ones
 * are rows of the bodies table; large ones are files of
 * tidings-store-bodies.c that a row names by SHA-256. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-store-private.h"

#define CHANGES(self) _tidings_store_changes (self)

/* Whether a row (committed, or earlier in this transaction) names the file:
 * only then is an existing file with that name known to be complete. */
static gboolean
body_file_referenced (TidingsStore  *self,
                      const char    *sha256,
                      gboolean      *out_referenced,
                      GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "SELECT 1 FROM bodies WHERE sha256 = ?1 LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  *out_referenced = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
_tidings_store_put_body (TidingsStore  *self,
                         gint64         message_id,
                         GBytes        *raw,
                         GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "INSERT OR REPLACE INTO bodies (id, size, data, sha256)"
                            " VALUES (?1, ?2, ?3, ?4)",
                            error);
  g_autofree char *sha256 = NULL;
  gsize size;
  gconstpointer data;

  if (stmt == NULL)
    return FALSE;
  data = g_bytes_get_data (raw, &size);
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, (gint64) size);
  if (size >= self->body_threshold)
    {
      gboolean referenced = FALSE;

      sha256 = _tidings_store_bodies_hash (raw);
      if (!body_file_referenced (self, sha256, &referenced, error)
          || !_tidings_store_bodies_write (self->bodies, sha256, raw, referenced, error))
        return FALSE;
      sqlite3_bind_null (stmt, 3);
      sqlite3_bind_text (stmt, 4, sha256, -1, SQLITE_STATIC);
    }
  else
    {
      if (size == 0)
        sqlite3_bind_zeroblob (stmt, 3, 0);
      else
        sqlite3_bind_blob64 (stmt, 3, data, size, SQLITE_STATIC);
      sqlite3_bind_null (stmt, 4);
    }
  return _tidings_store_step_done (self, stmt, error);
}

static gboolean
set_body (TidingsStore      *self,
          gint64             message_id,
          GBytes            *raw,
          TidingsBodyState   state,
          const char        *body_text,
          const char        *preview,
          GError           **error)
{
  gint64 folder_id = _tidings_store_message_folder (self, message_id, NULL, error);

  if (folder_id == 0)
    return FALSE;

  if (raw != NULL)
    {
      if (!_tidings_store_put_body (self, message_id, raw, error))
        return FALSE;
    }
  else
    {
      g_autoptr(TidingsStoreStmt) stmt =
        _tidings_store_prepare (self, "DELETE FROM bodies WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      if (!_tidings_store_step_done (self, stmt, error))
        return FALSE;
    }

  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self,
                              "UPDATE messages SET body_state = ?2, preview = coalesce (?3, preview)"
                              " WHERE id = ?1",
                              error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, message_id);
    sqlite3_bind_int (stmt, 2, CLAMP ((int) state, 0, 3));
    if (preview != NULL)
      _tidings_store_bind_bounded (stmt, 3, preview, TIDINGS_STORE_PREVIEW_MAX);
    if (!_tidings_store_step_done (self, stmt, error))
      return FALSE;
  }

  if (body_text != NULL)
    {
      /* The old indexed text must stop matching now; the new one is
       * indexed with the backlog.  Usually there is none (the envelope
       * came first), and then the FTS row is left alone. */
      g_autoptr(TidingsStoreStmt) stmt =
        _tidings_store_prepare (self,
                                "UPDATE messages_fts SET body = '' WHERE rowid = ?1 AND body <> ''",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      if (!_tidings_store_step_done (self, stmt, error)
          || !_tidings_store_backlog_put (self, message_id, body_text, error))
        return FALSE;
    }

  _tidings_store_changes_message_changed (CHANGES (self), folder_id, message_id);
  return TRUE;
}

/**
 * tidings_store_set_body:
 * @raw: (nullable): the message bytes; NULL drops a stored body
 * @body_text: (nullable): new searchable text; NULL keeps the current one.
 *   The old text stops matching at once; the new one matches once
 *   tidings_store_index_backlog() has indexed it.
 * @preview: (nullable): new preview; NULL keeps the current one
 *
 * Stores a body fetched after the envelope (or drops one to save space).
 */
gboolean
tidings_store_set_body (TidingsStore      *self,
                        gint64             message_id,
                        GBytes            *raw,
                        TidingsBodyState   state,
                        const char        *body_text,
                        const char        *preview,
                        GError           **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);

  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self,
                                   set_body (self, message_id, raw, state, body_text, preview, error),
                                   error);
}

/**
 * tidings_store_get_body:
 *
 * Returns: (transfer full): the raw bytes stored for a message; fails with
 * NOT_FOUND when none are stored, CORRUPT when its file is missing.
 */
GBytes *
tidings_store_get_body (TidingsStore  *self,
                        gint64         message_id,
                        GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  stmt = _tidings_store_prepare (self, "SELECT size, data, sha256 FROM bodies WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gint64 size = sqlite3_column_int64 (stmt, 0);

      if (sqlite3_column_type (stmt, 2) == SQLITE_TEXT)
        return _tidings_store_bodies_read (self->bodies,
                                           (const char *) sqlite3_column_text (stmt, 2),
                                           size, error);
      return g_bytes_new (sqlite3_column_blob (stmt, 1), (gsize) sqlite3_column_bytes (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND,
               _("The content of message %" G_GINT64_FORMAT " has not been downloaded."),
               message_id);
  return NULL;
}
