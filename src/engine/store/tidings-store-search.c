/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-search.c: full-text search over subject, addresses and
 * body text (FTS5, unicode61 tokenizer without diacritics), and the
 * backlog of body text waiting to be indexed (migration 0005).
 *
 * What a person types is never handed to FTS5 as syntax: it is cut into
 * words and "quoted phrases", and each becomes an FTS5 string in double
 * quotes, so AND, OR, NOT, NEAR, *, ^, :, ( and ) are plain text.  Every
 * word is a prefix ("meet" finds "meeting"); phrases match as phrases.
 * All terms must match. */
#include "config.h"

#include <string.h>

#include "tidings-store-private.h"

#define MAX_QUERY_BYTES 1024
#define MAX_TERMS       16

static gboolean
has_word_character (const char *text,
                    gsize       len)
{
  const char *end = text + len;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static void
append_term (GString    *query,
             const char *term,
             gsize       len,
             gboolean    phrase)
{
  if (query->len > 0)
    g_string_append_c (query, ' ');
  g_string_append_c (query, '"');
  for (gsize i = 0; i < len; i++)
    {
      /* Cannot happen (quotes split terms), but an FTS5 string doubles them. */
      if (term[i] == '"')
        g_string_append_c (query, '"');
      g_string_append_c (query, term[i]);
    }
  g_string_append_c (query, '"');
  if (!phrase)
    g_string_append_c (query, '*');
}

char *
_tidings_store_search_build_query (const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *normalized = NULL;
  g_autoptr(GString) query = g_string_new (NULL);
  gsize len;
  const char *p;
  guint n_terms = 0;

  if (text == NULL)
    return NULL;

  len = strlen (text);
  if (len > MAX_QUERY_BYTES)
    len = MAX_QUERY_BYTES;
  valid = g_utf8_make_valid (text, (gssize) len);
  /* Composed and decomposed accents must fold the same way. */
  normalized = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
  if (normalized == NULL)
    return NULL;

  p = normalized;
  while (*p != '\0' && n_terms < MAX_TERMS)
    {
      gunichar c = g_utf8_get_char (p);
      const char *start;
      const char *end;
      gboolean phrase = FALSE;

      if (g_unichar_isspace (c))
        {
          p = g_utf8_next_char (p);
          continue;
        }

      if (c == '"')
        {
          phrase = TRUE;
          start = p + 1;
          end = strchr (start, '"');
          if (end == NULL)
            end = start + strlen (start);
          p = *end == '"' ? end + 1 : end;
        }
      else
        {
          start = p;
          while (*p != '\0' && *p != '"' && !g_unichar_isspace (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          end = p;
        }

      if (end > start && has_word_character (start, (gsize) (end - start)))
        {
          append_term (query, start, (gsize) (end - start), phrase);
          n_terms++;
        }
    }

  if (query->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&query), FALSE);
}

enum { SCOPE_ALL, SCOPE_ACCOUNT, SCOPE_FOLDER, N_SCOPES };

/* CROSS JOIN keeps the full-text index as the outer loop. */
static const char * const search_sql[2][N_SCOPES] = {
  [TIDINGS_STORE_SEARCH_BY_RANK] = {
    [SCOPE_ALL] =
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rank LIMIT ?2",
    [SCOPE_ACCOUNT] =
      "SELECT m.id FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid"
      " WHERE messages_fts MATCH ?1"
      "   AND m.folder_id IN (SELECT id FROM folders WHERE account_id = ?3)"
      " ORDER BY messages_fts.rank LIMIT ?2",
    [SCOPE_FOLDER] =
      "SELECT m.id FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid"
      " WHERE messages_fts MATCH ?1 AND m.folder_id = ?3"
      " ORDER BY messages_fts.rank LIMIT ?2",
  },
  [TIDINGS_STORE_SEARCH_BY_DATE] = {
    [SCOPE_ALL] =
      "SELECT m.id FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid"
      " WHERE messages_fts MATCH ?1"
      " ORDER BY m.date DESC, m.id DESC LIMIT ?2",
    [SCOPE_ACCOUNT] =
      "SELECT m.id FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid"
      " WHERE messages_fts MATCH ?1"
      "   AND m.folder_id IN (SELECT id FROM folders WHERE account_id = ?3)"
      " ORDER BY m.date DESC, m.id DESC LIMIT ?2",
    [SCOPE_FOLDER] =
      "SELECT m.id FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid"
      " WHERE messages_fts MATCH ?1 AND m.folder_id = ?3"
      " ORDER BY m.date DESC, m.id DESC LIMIT ?2",
  },
};

/**
 * tidings_store_search:
 * @text: what the person typed
 * @account_id: only this account's messages, or 0 for all
 * @folder_id: only this folder's messages, or 0 for all (wins over
 *   @account_id)
 * @limit: at most this many ids, 0 for no limit
 *
 * Body text still in the backlog (queued by insert_message or set_body,
 * not yet moved by tidings_store_index_backlog()) is not matched by its
 * words; subject and addresses are.  Deliberately no fallback scan of the
 * backlog: it would make every search as slow as the backlog is long.
 *
 * Returns: (transfer full) (element-type gint64): matching message ids,
 * best or newest first; empty when @text has nothing to search for.
 */
GArray *
tidings_store_search (TidingsStore             *self,
                      const char               *text,
                      gint64                    account_id,
                      gint64                    folder_id,
                      TidingsStoreSearchOrder   order,
                      guint                     limit,
                      GError                  **error)
{
  g_autofree char *query = NULL;
  g_autoptr(TidingsStoreStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int scope = folder_id > 0 ? SCOPE_FOLDER : account_id > 0 ? SCOPE_ACCOUNT : SCOPE_ALL;
  int rc;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);
  g_return_val_if_fail (order == TIDINGS_STORE_SEARCH_BY_RANK || order == TIDINGS_STORE_SEARCH_BY_DATE,
                        NULL);

  query = _tidings_store_search_build_query (text);
  if (query == NULL)
    return g_steal_pointer (&ids);
  /* Messages inserted earlier in the open transaction. */
  if (self->fts_rows->len > 0 && !self->transaction_failed)
    {
      if (!_tidings_store_write_begin (self, error))
        return NULL;
      if (!_tidings_store_write_end (self, TRUE, error))
        return NULL;
    }

  stmt = _tidings_store_prepare (self, search_sql[order][scope], error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  if (scope != SCOPE_ALL)
    sqlite3_bind_int64 (stmt, 3, scope == SCOPE_FOLDER ? folder_id : account_id);

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

/* Queued messages_fts rows ------------------------------------------------------ */

/* Bounds what one transaction of inserts keeps in memory. */
#define FTS_QUEUE_MAX_ROWS  2000
#define FTS_QUEUE_MAX_BYTES (4 * 1024 * 1024)

gboolean
_tidings_store_fts_queue (TidingsStore        *self,
                          gint64               id,
                          const char          *subject,
                          const char * const  *address_parts,
                          guint                n_address_parts,
                          GError             **error)
{
  TidingsStoreFtsRow row = { id, 0, 0 };
  GString *text = self->fts_text;

  row.subject_offset = text->len;
  g_string_append (text, subject != NULL ? subject : "");
  g_string_append_c (text, '\0');
  row.addresses_offset = text->len;
  for (guint i = 0; i < n_address_parts; i++)
    {
      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, address_parts[i] != NULL ? address_parts[i] : "");
    }
  g_string_append_c (text, '\0');
  g_array_append_val (self->fts_rows, row);

  if (self->fts_rows->len >= FTS_QUEUE_MAX_ROWS || text->len >= FTS_QUEUE_MAX_BYTES)
    return _tidings_store_fts_flush (self, error);
  return TRUE;
}

gboolean
_tidings_store_fts_flush (TidingsStore  *self,
                          GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  if (self->fts_rows->len == 0)
    return TRUE;
  stmt = _tidings_store_prepare (self,
                                 "INSERT INTO messages_fts (rowid, subject, addresses, body)"
                                 " VALUES (?1, ?2, ?3, '')",
                                 error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < self->fts_rows->len; i++)
    {
      const TidingsStoreFtsRow *row = &g_array_index (self->fts_rows, TidingsStoreFtsRow, i);

      sqlite3_bind_int64 (stmt, 1, row->id);
      sqlite3_bind_text (stmt, 2, self->fts_text->str + row->subject_offset, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, self->fts_text->str + row->addresses_offset, -1, SQLITE_STATIC);
      if (!_tidings_store_step_done (self, stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  _tidings_store_fts_discard (self);
  return TRUE;
}

void
_tidings_store_fts_discard (TidingsStore *self)
{
  g_array_set_size (self->fts_rows, 0);
  g_string_truncate (self->fts_text, 0);
  /* Do not keep a large transaction's buffer for ever. */
  if (self->fts_text->allocated_len > 1024 * 1024)
    {
      g_string_free (self->fts_text, TRUE);
      self->fts_text = g_string_new (NULL);
    }
}

/* Backlog --------------------------------------------------------------------- */

gboolean
_tidings_store_backlog_put (TidingsStore  *self,
                            gint64         message_id,
                            const char    *body_text,
                            GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt = NULL;

  if (body_text == NULL || body_text[0] == '\0')
    {
      stmt = _tidings_store_prepare (self, "DELETE FROM fts_backlog WHERE message_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      return _tidings_store_step_done (self, stmt, error);
    }

  stmt = _tidings_store_prepare (self,
                                 "INSERT OR REPLACE INTO fts_backlog (message_id, body_text)"
                                 " VALUES (?1, ?2)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  _tidings_store_bind_bounded (stmt, 2, body_text, TIDINGS_STORE_BODY_TEXT_MAX);
  return _tidings_store_step_done (self, stmt, error);
}

static gboolean
count_backlog (TidingsStore  *self,
               guint         *out_count,
               GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "SELECT count(*) FROM fts_backlog", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  *out_count = (guint) MIN (sqlite3_column_int64 (stmt, 0), (gint64) G_MAXUINT);
  return TRUE;
}

static gboolean
index_backlog (TidingsStore  *self,
               guint          max_messages,
               guint         *out_remaining,
               GError       **error)
{
  g_autoptr(TidingsStoreStmt) next =
    _tidings_store_prepare (self,
                            "SELECT message_id, body_text FROM fts_backlog"
                            " ORDER BY message_id LIMIT ?1",
                            error);
  g_autoptr(TidingsStoreStmt) update = NULL;
  g_autoptr(TidingsStoreStmt) drop = NULL;
  guint remaining = 0;
  int rc;

  if (next == NULL)
    return FALSE;
  update = _tidings_store_prepare (self, "UPDATE messages_fts SET body = ?2 WHERE rowid = ?1", error);
  if (update == NULL)
    return FALSE;
  /* The same rows as `next`: nothing else writes inside this transaction. */
  drop = _tidings_store_prepare (self,
                                 "DELETE FROM fts_backlog WHERE message_id IN"
                                 " (SELECT message_id FROM fts_backlog ORDER BY message_id LIMIT ?1)",
                                 error);
  if (drop == NULL)
    return FALSE;

  sqlite3_bind_int64 (next, 1, max_messages);
  while ((rc = sqlite3_step (next)) == SQLITE_ROW)
    {
      /* Already cut to TIDINGS_STORE_BODY_TEXT_MAX when queued. */
      sqlite3_bind_int64 (update, 1, sqlite3_column_int64 (next, 0));
      sqlite3_bind_value (update, 2, sqlite3_column_value (next, 1));
      if (!_tidings_store_step_done (self, update, error))
        return FALSE;
      sqlite3_reset (update);
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  sqlite3_reset (next);

  sqlite3_bind_int64 (drop, 1, max_messages);
  if (!_tidings_store_step_done (self, drop, error))
    return FALSE;
  if (!count_backlog (self, &remaining, error))
    return FALSE;
  if (out_remaining != NULL)
    *out_remaining = remaining;
  return TRUE;
}

/**
 * tidings_store_index_backlog:
 * @max_messages: index at most this many queued bodies
 * @out_remaining: (out) (optional): how many are still queued afterwards
 *
 * Moves up to @max_messages queued body texts into the search index, in
 * one transaction (or the caller's).  Emits no per-message change: the
 * messages' rows do not change, only what search finds.
 */
gboolean
tidings_store_index_backlog (TidingsStore  *self,
                             guint          max_messages,
                             guint         *out_remaining,
                             GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (max_messages == 0)
    return out_remaining == NULL || tidings_store_get_backlog_size (self, out_remaining, error);
  if (!_tidings_store_write_begin (self, error))
    return FALSE;
  return _tidings_store_write_end (self, index_backlog (self, max_messages, out_remaining, error),
                                   error);
}

/**
 * tidings_store_get_backlog_size:
 * @out_count: (out): how many messages' body text is waiting to be indexed
 */
gboolean
tidings_store_get_backlog_size (TidingsStore  *self,
                                guint         *out_count,
                                GError       **error)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_count = 0;
  return count_backlog (self, out_count, error);
}
