/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-search.c: full-text search over subject, addresses and
 * body text (FTS5, unicode61 tokenizer without diacritics).
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
