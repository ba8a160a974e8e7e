/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store.h: the mail store, the single source of truth for the UI.
 *
 * A SQLite database (WAL, foreign keys on) in a data directory, by default
 * g_get_user_data_dir()/tidings, with large message bodies in files beside
 * it named by their SHA-256.
 *
 * Threads: a TidingsStore is used from ONE thread only.  The engine thread
 * owns the read-write store (tidings_store_open()); the GTK thread opens its
 * own read-only store (tidings_store_open_readonly()) on the same directory
 * and reads while the engine writes.  Only one read-write store may be open
 * on a directory at a time.
 *
 * Writes: every write function either joins the transaction opened with
 * tidings_store_transaction_begin() or, outside one, runs in its own.  When
 * a write returns TRUE outside a transaction, or when
 * tidings_store_transaction_commit() returns TRUE, the data is on disk
 * (synchronous=FULL, body files fsynced and renamed before the commit).
 * Write functions fail with TIDINGS_STORE_ERROR_READ_ONLY on a read-only
 * store.
 *
 * Change feed: after each committed write transaction the store emits
 *   void changed (TidingsStore *store, TidingsStoreChanges *changes)
 * on the thread that committed (the engine thread).  Nothing is emitted for
 * a rolled-back transaction.  The engine forwards the (immutable, ref
 * counted) TidingsStoreChanges to the GTK thread, whose list models then
 * re-read what they show through their read-only store.
 *
 * Ids are gint64 > 0; 0 means "none" or "any" where a parameter says so.
 * Getters by id (get_message, get_folder...) fail with NOT_FOUND; lookups
 * that may legitimately find nothing (find_folder, lookup_uid, peek_operation,
 * get_pin...) return TRUE and set their out argument to 0 or NULL. */
#pragma once

#include <gio/gio.h>

#include "tidings-store-changes.h"
#include "tidings-store-types.h"

G_BEGIN_DECLS

#define TIDINGS_STORE_ERROR (tidings_store_error_quark ())
GQuark tidings_store_error_quark (void);

typedef enum
{
  TIDINGS_STORE_ERROR_FAILED,      /* anything else */
  TIDINGS_STORE_ERROR_OPEN,        /* the database could not be opened */
  TIDINGS_STORE_ERROR_CORRUPT,     /* not a database, damaged, or a body file is missing */
  TIDINGS_STORE_ERROR_TOO_NEW,     /* written by a newer Tidings */
  TIDINGS_STORE_ERROR_TOO_OLD,     /* read-only open of a database not yet upgraded */
  TIDINGS_STORE_ERROR_NOT_FOUND,   /* no such account, folder, message... */
  TIDINGS_STORE_ERROR_CONSTRAINT,  /* duplicate or inconsistent data */
  TIDINGS_STORE_ERROR_INVALID,     /* bad argument (e.g. settings not JSON) */
  TIDINGS_STORE_ERROR_IO,          /* reading or writing the disk failed */
  TIDINGS_STORE_ERROR_DISK_FULL,   /* no space left */
  TIDINGS_STORE_ERROR_BUSY,        /* another program holds the database */
  TIDINGS_STORE_ERROR_READ_ONLY,   /* write on a read-only store */
} TidingsStoreError;

/* Bodies at least this large live in files, smaller ones in the database. */
#define TIDINGS_STORE_BODY_FILE_THRESHOLD (64 * 1024)

/* Messages without references join a thread by subject only with messages
 * of the same account dated at most this far apart. */
#define TIDINGS_STORE_THREAD_SUBJECT_WINDOW (5 * 24 * 60 * 60)

#define TIDINGS_TYPE_STORE (tidings_store_get_type ())
G_DECLARE_FINAL_TYPE (TidingsStore, tidings_store, TIDINGS, STORE, GObject)

/* Opening ------------------------------------------------------------ */

char         *tidings_store_default_data_dir  (void);
TidingsStore *tidings_store_open              (const char    *data_dir,
                                               GError       **error);
TidingsStore *tidings_store_open_readonly     (const char    *data_dir,
                                               GError       **error);
const char   *tidings_store_get_data_dir      (TidingsStore  *self);
gboolean      tidings_store_is_read_only      (TidingsStore  *self);
int           tidings_store_get_schema_version (TidingsStore *self);

/* Transactions ------------------------------------------------------- */

/* Not a boxed type: a transaction cannot be copied.  Freeing one that was
 * neither committed nor rolled back rolls it back, so
 *
 *   g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (store, error);
 *   if (tx == NULL || !tidings_store_insert_message (store, msg, &id, error)
 *       || !tidings_store_pop3_add_uidl (store, account, uidl, now, error))
 *     return FALSE;                        (rolled back here)
 *   return tidings_store_transaction_commit (tx, error);
 *
 * After any failed write inside it the transaction can only be rolled
 * back: commit then fails with the first error's code. */
typedef struct _TidingsStoreTransaction TidingsStoreTransaction;

TidingsStoreTransaction *tidings_store_transaction_begin    (TidingsStore            *self,
                                                             GError                 **error);
gboolean                 tidings_store_transaction_commit   (TidingsStoreTransaction *tx,
                                                             GError                 **error);
void                     tidings_store_transaction_rollback (TidingsStoreTransaction *tx);
void                     tidings_store_transaction_free     (TidingsStoreTransaction *tx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreTransaction, tidings_store_transaction_free)

/* Accounts ----------------------------------------------------------- */

gboolean             tidings_store_add_account    (TidingsStore              *self,
                                                   const TidingsStoreAccount *account,
                                                   gint64                    *out_id,
                                                   GError                   **error);
gboolean             tidings_store_update_account (TidingsStore              *self,
                                                   const TidingsStoreAccount *account,
                                                   GError                   **error);
gboolean             tidings_store_remove_account (TidingsStore              *self,
                                                   gint64                     account_id,
                                                   GError                   **error);
TidingsStoreAccount *tidings_store_get_account    (TidingsStore              *self,
                                                   gint64                     account_id,
                                                   GError                   **error);
GPtrArray           *tidings_store_list_accounts  (TidingsStore              *self,
                                                   GError                   **error);

/* Folders ------------------------------------------------------------ */

gboolean            tidings_store_add_folder            (TidingsStore             *self,
                                                         const TidingsStoreFolder *folder,
                                                         gint64                   *out_id,
                                                         GError                  **error);
gboolean            tidings_store_update_folder         (TidingsStore             *self,
                                                         const TidingsStoreFolder *folder,
                                                         GError                  **error);
gboolean            tidings_store_set_folder_sync_state (TidingsStore             *self,
                                                         gint64                    folder_id,
                                                         gint64                    uidvalidity,
                                                         gint64                    uidnext,
                                                         gint64                    highestmodseq,
                                                         GError                  **error);
gboolean            tidings_store_remove_folder         (TidingsStore             *self,
                                                         gint64                    folder_id,
                                                         GError                  **error);
TidingsStoreFolder *tidings_store_get_folder            (TidingsStore             *self,
                                                         gint64                    folder_id,
                                                         GError                  **error);
gboolean            tidings_store_find_folder           (TidingsStore             *self,
                                                         gint64                    account_id,
                                                         const char               *path,
                                                         gint64                   *out_id,
                                                         GError                  **error);
gboolean            tidings_store_find_folder_by_role   (TidingsStore             *self,
                                                         gint64                    account_id,
                                                         TidingsFolderRole         role,
                                                         gint64                   *out_id,
                                                         GError                  **error);
GPtrArray          *tidings_store_list_folders          (TidingsStore             *self,
                                                         gint64                    account_id,
                                                         GError                  **error);

/* Messages: writes --------------------------------------------------- */

gboolean tidings_store_insert_message (TidingsStore              *self,
                                       const TidingsStoreMessage *message,
                                       gint64                    *out_id,
                                       GError                   **error);
gboolean tidings_store_set_flags      (TidingsStore              *self,
                                       gint64                     message_id,
                                       guint                      flags,
                                       GError                   **error);
gboolean tidings_store_change_flags   (TidingsStore              *self,
                                       const gint64              *message_ids,
                                       guint                      n_ids,
                                       guint                      add,
                                       guint                      remove,
                                       GError                   **error);
gboolean tidings_store_set_keywords   (TidingsStore              *self,
                                       gint64                     message_id,
                                       const char                *keywords,
                                       GError                   **error);
gboolean tidings_store_set_server_id  (TidingsStore              *self,
                                       gint64                     message_id,
                                       gint64                     uid,
                                       gint64                     modseq,
                                       GError                   **error);
gboolean tidings_store_set_body       (TidingsStore              *self,
                                       gint64                     message_id,
                                       GBytes                    *raw,
                                       TidingsBodyState           state,
                                       const char                *body_text,
                                       const char                *preview,
                                       GError                   **error);
gboolean tidings_store_move_messages  (TidingsStore              *self,
                                       const gint64              *message_ids,
                                       guint                      n_ids,
                                       gint64                     dest_folder_id,
                                       GError                   **error);
gboolean tidings_store_delete_messages (TidingsStore             *self,
                                        const gint64             *message_ids,
                                        guint                     n_ids,
                                        GError                  **error);
gboolean tidings_store_expunge_folder (TidingsStore              *self,
                                       gint64                     folder_id,
                                       guint                     *out_n_removed,
                                       GError                   **error);
gboolean tidings_store_clear_folder   (TidingsStore              *self,
                                       gint64                     folder_id,
                                       GError                   **error);

/* Messages: reads ---------------------------------------------------- */

gboolean             tidings_store_count_messages  (TidingsStore  *self,
                                                    gint64         folder_id,
                                                    guint         *out_count,
                                                    GError       **error);
GPtrArray           *tidings_store_list_messages   (TidingsStore  *self,
                                                    gint64         folder_id,
                                                    guint          offset,
                                                    guint          limit,
                                                    GError       **error);
TidingsStoreMessage *tidings_store_get_message     (TidingsStore  *self,
                                                    gint64         message_id,
                                                    GError       **error);
GBytes              *tidings_store_get_body        (TidingsStore  *self,
                                                    gint64         message_id,
                                                    GError       **error);
gboolean             tidings_store_lookup_uid      (TidingsStore  *self,
                                                    gint64         folder_id,
                                                    gint64         uid,
                                                    gint64        *out_id,
                                                    GError       **error);
/* One message as a folder sync compares it with the server. */
typedef struct
{
  gint64  id;
  gint64  uid;
  guint   flags;      /* TidingsMessageFlags */
  char   *keywords;   /* space-separated, NULL when none */
  gint64  modseq;
} TidingsStoreUidRow;

/* The messages of a folder whose UID is in [@from_uid, @to_uid], in UID
 * order, as a GArray of TidingsStoreUidRow (freeing it frees the
 * keywords). One row per stored message in the range: callers bound
 * memory by bounding the range. */
GArray              *tidings_store_list_uids       (TidingsStore  *self,
                                                    gint64         folder_id,
                                                    gint64         from_uid,
                                                    gint64         to_uid,
                                                    GError       **error);
gboolean             tidings_store_lookup_uidl     (TidingsStore  *self,
                                                    gint64         folder_id,
                                                    const char    *uidl,
                                                    gint64        *out_id,
                                                    GError       **error);
GArray              *tidings_store_list_thread     (TidingsStore  *self,
                                                    gint64         thread_id,
                                                    GError       **error);

/* Search ------------------------------------------------------------- */

typedef enum
{
  TIDINGS_STORE_SEARCH_BY_RANK,   /* best match first (bm25) */
  TIDINGS_STORE_SEARCH_BY_DATE,   /* newest first */
} TidingsStoreSearchOrder;

/* Searches subject, addresses and body text (words are prefixes, "quoted
 * phrases" match as phrases, all terms must match).  Body text still in
 * the backlog (see below) is not matched yet; subject and addresses are
 * searchable as soon as a message is stored. */
GArray *tidings_store_search (TidingsStore            *self,
                              const char              *text,
                              gint64                   account_id,
                              gint64                   folder_id,
                              TidingsStoreSearchOrder  order,
                              guint                    limit,
                              GError                 **error);

/* Body text indexing backlog.  Indexing body text costs FTS5 several times
 * more than storing a whole message, so tidings_store_insert_message() and
 * tidings_store_set_body() only queue the body text, and the engine thread
 * (the thread that owns the read-write store, like every write) calls
 *
 *   tidings_store_index_backlog (store, 200, &remaining, &error);
 *
 * from an idle callback, again while `remaining` > 0, so that each call is
 * one short transaction (about 30 ms per 200 bodies of a few KB, measured
 * with bench-store) and user actions are not kept waiting.  A bulk import may call it in a loop with
 * larger batches (e.g. 1000) at its end so that everything it imported is
 * searchable when it returns.  It emits no per-message change (rows do not
 * change, only what search finds).  The backlog survives restarts; a
 * deleted message's queued text goes with it.  get_backlog_size works on a
 * read-only store too. */
gboolean tidings_store_index_backlog    (TidingsStore  *self,
                                         guint          max_messages,
                                         guint         *out_remaining,
                                         GError       **error);
gboolean tidings_store_get_backlog_size (TidingsStore  *self,
                                         guint         *out_count,
                                         GError       **error);

/* Operation queue ---------------------------------------------------- */

gboolean               tidings_store_enqueue_operation  (TidingsStore  *self,
                                                         gint64         account_id,
                                                         const char    *kind,
                                                         const char    *payload,
                                                         gint64        *out_id,
                                                         GError       **error);
gboolean               tidings_store_peek_operation     (TidingsStore           *self,
                                                         gint64                  account_id,
                                                         TidingsStoreOperation **out_op,
                                                         GError                **error);
GPtrArray             *tidings_store_list_operations    (TidingsStore  *self,
                                                         gint64         account_id,
                                                         GError       **error);
gboolean               tidings_store_complete_operation (TidingsStore  *self,
                                                         gint64         operation_id,
                                                         GError       **error);
gboolean               tidings_store_fail_operation     (TidingsStore  *self,
                                                         gint64         operation_id,
                                                         const char    *error_text,
                                                         GError       **error);

/* Outbox ------------------------------------------------------------- */

gboolean                tidings_store_outbox_add       (TidingsStore        *self,
                                                        gint64               account_id,
                                                        const char          *sender,
                                                        const char * const  *recipients,
                                                        GBytes              *raw,
                                                        gint64              *out_id,
                                                        GError             **error);
TidingsStoreOutboxItem *tidings_store_outbox_get       (TidingsStore        *self,
                                                        gint64               item_id,
                                                        GError             **error);
gboolean                tidings_store_outbox_next_due  (TidingsStore            *self,
                                                        gint64                   now,
                                                        TidingsStoreOutboxItem **out_item,
                                                        GError                 **error);
GPtrArray              *tidings_store_outbox_list      (TidingsStore        *self,
                                                        gint64               account_id,
                                                        GError             **error);
gboolean                tidings_store_outbox_set_state (TidingsStore        *self,
                                                        gint64               item_id,
                                                        TidingsOutboxState   state,
                                                        const char          *error_text,
                                                        gint64               next_attempt,
                                                        GError             **error);
gboolean                tidings_store_outbox_remove    (TidingsStore        *self,
                                                        gint64               item_id,
                                                        GError             **error);

/* POP3 seen UIDLs ---------------------------------------------------- */

gboolean    tidings_store_pop3_add_uidl    (TidingsStore  *self,
                                            gint64         account_id,
                                            const char    *uidl,
                                            gint64         first_seen,
                                            GError       **error);
gboolean    tidings_store_pop3_has_uidl    (TidingsStore  *self,
                                            gint64         account_id,
                                            const char    *uidl,
                                            gboolean      *out_seen,
                                            gint64        *out_first_seen,
                                            GError       **error);
GHashTable *tidings_store_pop3_list_uidls  (TidingsStore  *self,
                                            gint64         account_id,
                                            GError       **error);
gboolean    tidings_store_pop3_remove_uidl (TidingsStore  *self,
                                            gint64         account_id,
                                            const char    *uidl,
                                            GError       **error);

/* Certificate pins --------------------------------------------------- */

gboolean tidings_store_set_pin    (TidingsStore  *self,
                                   gint64         account_id,
                                   const char    *host,
                                   guint16        port,
                                   const char    *sha256_hex,
                                   GError       **error);
gboolean tidings_store_get_pin    (TidingsStore  *self,
                                   gint64         account_id,
                                   const char    *host,
                                   guint16        port,
                                   char         **out_sha256_hex,
                                   GError       **error);
gboolean tidings_store_remove_pin (TidingsStore  *self,
                                   gint64         account_id,
                                   const char    *host,
                                   guint16        port,
                                   GError       **error);

/* Maintenance -------------------------------------------------------- */

gboolean tidings_store_collect_garbage (TidingsStore  *self,
                                        guint         *out_n_removed,
                                        GError       **error);
gboolean tidings_store_optimize        (TidingsStore  *self,
                                        GError       **error);

G_END_DECLS
