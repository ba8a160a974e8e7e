/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-threads.c: incremental, stable thread ids.
 *
 * Every Message-ID a message has or refers to (In-Reply-To, References) is
 * a node in thread_refs, created the first time it is seen even when that
 * message has not arrived: a child arriving before its parent leaves the
 * parent's id in the map, and the parent finds its thread there.  A
 * message linking ids of different threads merges them into the oldest.
 *
 * Messages with neither In-Reply-To nor References also join every thread
 * holding such a message of the same account with the same (caller
 * normalized) thread_subject dated within TIDINGS_STORE_THREAD_SUBJECT_WINDOW.
 *
 * Both kinds of link are symmetric and each is examined when its second
 * end arrives, so the grouping does not depend on arrival order.  Deleting
 * a message never splits a thread (ids stay stable). */
#include "config.h"

#include <string.h>

#include "tidings-store-private.h"

/* Bounds against hostile headers: the root and the nearest ancestors are
 * what matter, so long References keep their first and last ids. */
#define MAX_REFS    64
#define MAX_ID_LEN  998

static void
add_id (GPtrArray  *ids,
        const char *start,
        gsize       len)
{
  while (len > 0 && g_ascii_isspace (*start))
    start++, len--;
  while (len > 0 && g_ascii_isspace (start[len - 1]))
    len--;
  if (len == 0 || len > MAX_ID_LEN)
    return;
  if (!g_utf8_validate_len (start, len, NULL))
    return;
  for (guint i = 0; i < ids->len; i++)
    {
      const char *known = g_ptr_array_index (ids, i);

      if (strlen (known) == len && memcmp (known, start, len) == 0)
        return;
    }
  /* Full: keep the first (the root), drop the oldest of the others. */
  if (ids->len >= MAX_REFS)
    g_ptr_array_remove_index (ids, 1);
  g_ptr_array_add (ids, g_strndup (start, len));
}

/* "<a@b> <c@d>" (or, from sloppy senders, bare "a@b c@d") -> a@b, c@d */
static void
parse_ids (const char *value,
           GPtrArray  *ids)
{
  const char *p = value;

  if (value == NULL)
    return;

  if (strchr (value, '<') != NULL)
    {
      while ((p = strchr (p, '<')) != NULL)
        {
          const char *end = strchr (p + 1, '>');

          if (end == NULL)
            break;
          add_id (ids, p + 1, (gsize) (end - p - 1));
          p = end + 1;
        }
      return;
    }

  while (*p != '\0')
    {
      gsize len;

      while (*p != '\0' && (g_ascii_isspace (*p) || *p == ','))
        p++;
      len = strcspn (p, " \t\r\n,");
      if (len > 0)
        add_id (ids, p, len);
      p += len;
    }
}

static gboolean
lookup_thread (TidingsStore  *self,
               const char    *message_id,
               GArray        *threads,
               GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "SELECT thread_id FROM thread_refs WHERE message_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _tidings_store_bind_text (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gint64 thread = sqlite3_column_int64 (stmt, 0);
      gboolean known = FALSE;

      for (guint i = 0; i < threads->len && !known; i++)
        known = g_array_index (threads, gint64, i) == thread;
      if (!known)
        g_array_append_val (threads, thread);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  _tidings_store_set_db_error (self, error, rc);
  return FALSE;
}

static gboolean
lookup_subject_threads (TidingsStore               *self,
                        const TidingsStoreMessage  *message,
                        GArray                     *threads,
                        GError                    **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "SELECT DISTINCT m.thread_id FROM messages m"
                            " JOIN folders f ON f.id = m.folder_id"
                            " WHERE m.thread_subject = ?1 AND m.date BETWEEN ?2 AND ?3"
                            "   AND f.account_id = (SELECT account_id FROM folders WHERE id = ?4)",
                            error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _tidings_store_bind_text (stmt, 1, message->thread_subject);
  sqlite3_bind_int64 (stmt, 2, message->date - TIDINGS_STORE_THREAD_SUBJECT_WINDOW);
  sqlite3_bind_int64 (stmt, 3, message->date + TIDINGS_STORE_THREAD_SUBJECT_WINDOW);
  sqlite3_bind_int64 (stmt, 4, message->folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 thread = sqlite3_column_int64 (stmt, 0);
      gboolean known = FALSE;

      for (guint i = 0; i < threads->len && !known; i++)
        known = g_array_index (threads, gint64, i) == thread;
      if (!known)
        g_array_append_val (threads, thread);
    }
  if (rc != SQLITE_DONE)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
new_thread (TidingsStore  *self,
            gint64        *out_thread,
            GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self, "INSERT INTO threads DEFAULT VALUES", error);

  if (stmt == NULL || !_tidings_store_step_done (self, stmt, error))
    return FALSE;
  *out_thread = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
merge_thread (TidingsStore  *self,
              gint64         from,
              gint64         into,
              GError       **error)
{
  int rc;

  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self,
                              "UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2"
                              " RETURNING id, folder_id",
                              error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, into);
    sqlite3_bind_int64 (stmt, 2, from);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      _tidings_store_changes_message_changed (_tidings_store_changes (self),
                                              sqlite3_column_int64 (stmt, 1),
                                              sqlite3_column_int64 (stmt, 0));
    if (rc != SQLITE_DONE)
      {
        _tidings_store_set_db_error (self, error, rc);
        return FALSE;
      }
  }
  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self, "UPDATE thread_refs SET thread_id = ?1 WHERE thread_id = ?2", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, into);
    sqlite3_bind_int64 (stmt, 2, from);
    if (!_tidings_store_step_done (self, stmt, error))
      return FALSE;
  }
  {
    g_autoptr(TidingsStoreStmt) stmt =
      _tidings_store_prepare (self, "DELETE FROM threads WHERE id = ?1", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, from);
    return _tidings_store_step_done (self, stmt, error);
  }
}

static gboolean
map_id (TidingsStore  *self,
        const char    *message_id,
        gint64         thread,
        GError       **error)
{
  g_autoptr(TidingsStoreStmt) stmt =
    _tidings_store_prepare (self,
                            "INSERT INTO thread_refs (message_id, thread_id) VALUES (?1, ?2)"
                            " ON CONFLICT (message_id) DO UPDATE SET thread_id = excluded.thread_id"
                            " WHERE thread_id <> excluded.thread_id",
                            error);

  if (stmt == NULL)
    return FALSE;
  _tidings_store_bind_text (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, thread);
  return _tidings_store_step_done (self, stmt, error);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 ia = *(const gint64 *) a, ib = *(const gint64 *) b;

  return ia < ib ? -1 : (ia > ib);
}

gboolean
_tidings_store_threads_assign (TidingsStore               *self,
                               const TidingsStoreMessage  *message,
                               gint64                     *out_thread_id,
                               gboolean                   *out_use_subject,
                               GError                    **error)
{
  g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GArray) threads = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean use_subject;
  gint64 target;

  parse_ids (message->message_id, own);
  if (own->len > 1)
    g_ptr_array_set_size (own, 1);
  parse_ids (message->references, refs);
  parse_ids (message->in_reply_to, refs);
  /* A message referring to itself is no reply. */
  for (guint i = 0; own->len == 1 && i < refs->len; i++)
    if (strcmp (g_ptr_array_index (refs, i), g_ptr_array_index (own, 0)) == 0)
      {
        g_ptr_array_remove_index (refs, i);
        break;
      }

  if (own->len == 1)
    g_ptr_array_add (nodes, g_ptr_array_index (own, 0));
  for (guint i = 0; i < refs->len; i++)
    g_ptr_array_add (nodes, g_ptr_array_index (refs, i));

  for (guint i = 0; i < nodes->len; i++)
    if (!lookup_thread (self, g_ptr_array_index (nodes, i), threads, error))
      return FALSE;

  use_subject = refs->len == 0 && message->thread_subject != NULL
                && message->thread_subject[0] != '\0' && message->date > 0;
  if (use_subject && !lookup_subject_threads (self, message, threads, error))
    return FALSE;

  if (threads->len == 0)
    {
      if (!new_thread (self, &target, error))
        return FALSE;
    }
  else
    {
      /* Merge into the oldest thread, so the busiest ids tend to survive. */
      g_array_sort (threads, compare_ids);
      target = g_array_index (threads, gint64, 0);
      for (guint i = 1; i < threads->len; i++)
        if (!merge_thread (self, g_array_index (threads, gint64, i), target, error))
          return FALSE;
    }

  for (guint i = 0; i < nodes->len; i++)
    if (!map_id (self, g_ptr_array_index (nodes, i), target, error))
      return FALSE;

  *out_thread_id = target;
  *out_use_subject = use_subject;
  return TRUE;
}
