/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-private.h: what the store's files share with each other
 * (and with the store's own tests and benchmark).  Not for the rest of the
 * engine. */
#pragma once

#include <sqlite3.h>

#include "tidings-store.h"

G_BEGIN_DECLS

/* Content-addressed body files (tidings-store-bodies.c) -------------- */

typedef struct _TidingsStoreBodies TidingsStoreBodies;

/* Decides whether a file named by a SHA-256 is still referenced. */
typedef gboolean (*TidingsStoreBodiesIsReferenced) (const char  *sha256_hex,
                                                    gboolean    *out_referenced,
                                                    gpointer     user_data,
                                                    GError     **error);

TidingsStoreBodies *_tidings_store_bodies_new      (const char          *data_dir);
void                _tidings_store_bodies_free     (TidingsStoreBodies  *bodies);
char               *_tidings_store_bodies_hash     (GBytes              *raw);
gboolean            _tidings_store_bodies_write    (TidingsStoreBodies  *bodies,
                                                    const char          *sha256_hex,
                                                    GBytes              *raw,
                                                    gboolean             referenced,
                                                    GError             **error);
gboolean            _tidings_store_bodies_flush    (TidingsStoreBodies  *bodies,
                                                    GError             **error);
void                _tidings_store_bodies_committed (TidingsStoreBodies *bodies);
void                _tidings_store_bodies_discard  (TidingsStoreBodies  *bodies);
GBytes             *_tidings_store_bodies_read     (TidingsStoreBodies  *bodies,
                                                    const char          *sha256_hex,
                                                    gint64               size,
                                                    GError             **error);
char               *_tidings_store_bodies_path     (TidingsStoreBodies  *bodies,
                                                    const char          *sha256_hex);
gboolean            _tidings_store_bodies_collect  (TidingsStoreBodies  *bodies,
                                                    TidingsStoreBodiesIsReferenced is_referenced,
                                                    gpointer             user_data,
                                                    guint               *out_n_removed,
                                                    GError             **error);

/* Change sets (tidings-store-changes.c) ------------------------------ */

TidingsStoreChanges *_tidings_store_changes_new             (void);
void _tidings_store_changes_message_added    (TidingsStoreChanges *self, gint64 folder_id, gint64 id);
void _tidings_store_changes_message_changed  (TidingsStoreChanges *self, gint64 folder_id, gint64 id);
void _tidings_store_changes_message_removed  (TidingsStoreChanges *self, gint64 folder_id, gint64 id);
void _tidings_store_changes_folder_added     (TidingsStoreChanges *self, gint64 folder_id);
void _tidings_store_changes_folder_changed   (TidingsStoreChanges *self, gint64 folder_id);
void _tidings_store_changes_folder_removed   (TidingsStoreChanges *self, gint64 folder_id);
void _tidings_store_changes_accounts_changed (TidingsStoreChanges *self);
void _tidings_store_changes_operations_changed (TidingsStoreChanges *self);
void _tidings_store_changes_outbox_changed   (TidingsStoreChanges *self);
void _tidings_store_changes_seal             (TidingsStoreChanges *self);

/* Migrations (tidings-store-migrations.c) ---------------------------- */

int      _tidings_store_migrations_latest (void);
gboolean _tidings_store_migrations_apply  (sqlite3     *db,
                                           const char  *db_path,
                                           int          target_version,
                                           GError     **error);
gboolean _tidings_store_get_user_version  (sqlite3     *db,
                                           const char  *db_path,
                                           int         *out_version,
                                           GError     **error);

/* The store object (tidings-store.c) --------------------------------- */

struct _TidingsStore
{
  GObject              parent_instance;

  sqlite3             *db;
  char                *data_dir;
  char                *db_path;
  gboolean             read_only;
  int                  lock_fd;
  int                  schema_version;
  GHashTable          *statements;   /* static SQL text -> sqlite3_stmt */
  TidingsStoreBodies  *bodies;
  gsize                body_threshold;

  /* The open write transaction, if any. */
  gboolean             in_transaction;
  gboolean             explicit_transaction;
  gboolean             transaction_failed;
  int                  transaction_error_code;
  guint                write_depth;
  TidingsStoreChanges *pending_changes;

  /* messages_fts rows of messages inserted in the open transaction, not
   * yet written (see _tidings_store_fts_queue()). */
  GArray              *fts_rows;   /* TidingsStoreFtsRow */
  GString             *fts_text;   /* their subjects and addresses */
};

/* A prepared statement from the cache, reset and unbound at scope exit:
 *   g_autoptr(TidingsStoreStmt) stmt = _tidings_store_prepare (self, SQL, error); */
typedef sqlite3_stmt TidingsStoreStmt;
void _tidings_store_stmt_release (TidingsStoreStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreStmt, _tidings_store_stmt_release)

TidingsStoreStmt *_tidings_store_prepare      (TidingsStore      *self,
                                               const char        *sql,
                                               GError           **error);
gboolean          _tidings_store_step_done    (TidingsStore      *self,
                                               TidingsStoreStmt  *stmt,
                                               GError           **error);
gboolean          _tidings_store_exec         (TidingsStore      *self,
                                               const char        *sql,
                                               GError           **error);
void              _tidings_store_set_db_error (TidingsStore      *self,
                                               GError           **error,
                                               int                rc);
typedef enum
{
  TIDINGS_STORE_ITEM_ACCOUNT,
  TIDINGS_STORE_ITEM_FOLDER,
  TIDINGS_STORE_ITEM_MESSAGE,
  TIDINGS_STORE_ITEM_OPERATION,
  TIDINGS_STORE_ITEM_OUTBOX,
} TidingsStoreItem;

void              _tidings_store_set_not_found (GError          **error,
                                                TidingsStoreItem  what,
                                                gint64            id);

gint64   _tidings_store_now           (void);
gboolean _tidings_store_check_changed (TidingsStore      *self,
                                       TidingsStoreItem   what,
                                       gint64             id,
                                       GError           **error);

/* Every write function is wrapped in these: begin joins the caller's
 * transaction or opens one; end commits (or rolls back on !ok) the one it
 * opened, or marks the caller's as failed.  Returns ok && committed.
 * begin first writes the queued messages_fts rows (so that whatever the
 * function does sees them); begin_keep_fts, for inserts only, does not. */
gboolean _tidings_store_write_begin (TidingsStore  *self,
                                     GError       **error);
gboolean _tidings_store_write_begin_keep_fts (TidingsStore  *self,
                                              GError       **error);
gboolean _tidings_store_write_end   (TidingsStore  *self,
                                     gboolean       ok,
                                     GError       **error);

static inline TidingsStoreChanges *
_tidings_store_changes (TidingsStore *self)
{
  return self->pending_changes;
}

/* Binding helpers: text may be NULL (bound as SQL NULL). Strings must stay
 * alive until the statement is reset. */
static inline void
_tidings_store_bind_text (TidingsStoreStmt *stmt, int idx, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_STATIC);
}

static inline char *
_tidings_store_column_dup (TidingsStoreStmt *stmt, int idx)
{
  const unsigned char *text = sqlite3_column_text (stmt, idx);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Records (tidings-store-types.c) ------------------------------------ */

/* A row in one allocation; the strings need not be NUL-terminated. */
TidingsStoreRow *_tidings_store_row_new (gint64       id,
                                         gint64       folder_id,
                                         gint64       thread_id,
                                         gint64       date,
                                         guint        flags,
                                         gboolean     has_attachments,
                                         const char  *subject,
                                         gsize        subject_len,
                                         const char  *from_name,
                                         gsize        from_name_len,
                                         const char  *from_address,
                                         gsize        from_address_len,
                                         const char  *preview,
                                         gsize        preview_len);

/* Messages (tidings-store-messages.c, -message-bodies.c) ------------- */

#define TIDINGS_STORE_PREVIEW_MAX 1024

/* Binds text cut to `max` bytes at a character boundary ("" for NULL). */
void     _tidings_store_bind_bounded   (TidingsStoreStmt  *stmt,
                                        int                idx,
                                        const char        *text,
                                        gsize              max);
gint64   _tidings_store_message_folder (TidingsStore      *self,
                                        gint64             message_id,
                                        guint             *out_flags,
                                        GError           **error);
gboolean _tidings_store_put_body       (TidingsStore      *self,
                                        gint64             message_id,
                                        GBytes            *raw,
                                        GError           **error);

/* Threads (tidings-store-threads.c) ---------------------------------- */

/* Finds (or starts) the thread of a message about to be inserted, merging
 * the threads it links.  *out_use_subject says whether the message joins
 * the subject fallback (then its thread_subject must be stored). */
gboolean _tidings_store_threads_assign (TidingsStore              *self,
                                        const TidingsStoreMessage *message,
                                        gint64                    *out_thread_id,
                                        gboolean                  *out_use_subject,
                                        GError                   **error);

/* Search (tidings-store-search.c) ------------------------------------ */

/* Turns what a person typed into an FTS5 query that cannot be a syntax
 * error; NULL when nothing searchable is left. */
char *_tidings_store_search_build_query (const char *text);

/* A messages_fts row (subject and addresses; body '') waiting in
 * self->fts_rows.  Why they wait: once messages_fts is written in a
 * transaction, every later statement that needs a statement journal
 * (inserting a message does: triggers, foreign keys) makes SQLite 3.40's
 * FTS5 flush its pending terms into a new segment, one per message, which
 * then have to be merged.  Queued and written together, the rows of a
 * whole transaction make one segment.  Rows are written by every write
 * function but insert (see _tidings_store_write_begin()), by search, at
 * commit, and when the queue is full; dropped on rollback. */
typedef struct
{
  gint64 id;
  gsize  subject_offset;   /* into self->fts_text, NUL-terminated */
  gsize  addresses_offset;
} TidingsStoreFtsRow;

/* `subject` may be NULL; appends ' '-separated `address_parts` (NULLs skipped as ""). */
gboolean _tidings_store_fts_queue   (TidingsStore        *self,
                                     gint64               id,
                                     const char          *subject,
                                     const char * const  *address_parts,
                                     guint                n_address_parts,
                                     GError             **error);
gboolean _tidings_store_fts_flush   (TidingsStore        *self,
                                     GError             **error);
void     _tidings_store_fts_discard (TidingsStore        *self);

/* Queues a message's body text (cut to TIDINGS_STORE_BODY_TEXT_MAX) for
 * indexing, replacing any text still queued; NULL or "" queues nothing
 * and drops what was queued. */
gboolean _tidings_store_backlog_put (TidingsStore  *self,
                                     gint64         message_id,
                                     const char    *body_text,
                                     GError       **error);

/* Tests ---------------------------------------------------------------- */

sqlite3 *_tidings_store_get_db             (TidingsStore *self);
void     _tidings_store_set_body_threshold (TidingsStore *self,
                                            gsize         threshold);
gboolean _tidings_store_set_synchronous    (TidingsStore *self,
                                            const char   *mode,
                                            GError      **error);

G_END_DECLS
