/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-account.h: an IMAP account kept in sync with its server.
 *
 * Runs on the thread-default GMainContext it was created in (the engine
 * thread in the app, the main context in the CLI); every call and signal
 * stays on that thread. Work (sync passes, bodies, search, replay) runs on
 * one "work" connection, one job at a time, in the order asked. In online
 * mode (start) a second connection IDLEs on INBOX.
 *
 * One sync pass (sync_async): connect + login, replay queued operations,
 * LIST -> folders (roles by SPECIAL-USE, names as fallback), each folder
 * synced (INBOX first; see tidings-imap-folder-sync.h), then bodies: of
 * every message with TIDINGS_IMAP_SYNC_BODIES, else of the last
 * offline_days days (account setting; 0 = none).
 *
 * Signals:
 *   "progress"      (const char *folder_path, guint done, guint total)
 *   "message-event" (const char *kind, gint64 folder_id, gint64 message_id,
 *                    guint uid)   kind: "new", "changed", "vanished";
 *                    emitted after the store committed the change
 *   "state-changed" (TidingsImapAccountState state, const char *message)
 *                    message: for people (NULL when online)
 *
 * Quirks for tests and odd servers: tidings_imap_account_set_options(), or
 * the environment variable TIDINGS_IMAP_DISABLE="qresync,condstore,compress" read
 * once by tidings_imap_account_new(). */
#pragma once

#include <gio/gio.h>

#include "store/tidings-store.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_SYNC_NONE   = 0,
  TIDINGS_IMAP_SYNC_BODIES = 1 << 0,   /* every body, not only offline_days */
  TIDINGS_IMAP_SYNC_NO_BODIES = 1 << 1, /* headers only, whatever the setting */
} TidingsImapSyncFlags;

typedef enum
{
  TIDINGS_IMAP_ACCOUNT_OPTION_NONE         = 0,
  TIDINGS_IMAP_ACCOUNT_OPTION_NO_QRESYNC   = 1 << 0,
  TIDINGS_IMAP_ACCOUNT_OPTION_NO_CONDSTORE = 1 << 1,
  TIDINGS_IMAP_ACCOUNT_OPTION_NO_COMPRESS  = 1 << 2,  /* e.g. on loopback */
} TidingsImapAccountOptions;

typedef enum
{
  TIDINGS_IMAP_ACCOUNT_OFFLINE,
  TIDINGS_IMAP_ACCOUNT_CONNECTING,
  TIDINGS_IMAP_ACCOUNT_ONLINE,
  TIDINGS_IMAP_ACCOUNT_ERROR,
} TidingsImapAccountState;

const char *tidings_imap_account_state_to_string (TidingsImapAccountState state);

typedef struct
{
  guint   n_folders;
  guint   n_new;
  guint   n_changed;
  guint   n_vanished;
  guint   n_bodies;
  guint64 bytes_received;   /* on the wire (after TLS, before inflate) */
  guint64 bytes_sent;
  gdouble elapsed;          /* seconds */
} TidingsImapSyncStats;

#define TIDINGS_TYPE_IMAP_SYNC_STATS (tidings_imap_sync_stats_get_type ())
GType                 tidings_imap_sync_stats_get_type (void) G_GNUC_CONST;
TidingsImapSyncStats *tidings_imap_sync_stats_copy     (const TidingsImapSyncStats *stats);
void                  tidings_imap_sync_stats_free     (TidingsImapSyncStats       *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapSyncStats, tidings_imap_sync_stats_free)

#define TIDINGS_TYPE_IMAP_ACCOUNT (tidings_imap_account_get_type ())
G_DECLARE_FINAL_TYPE (TidingsImapAccount, tidings_imap_account, TIDINGS, IMAP_ACCOUNT, GObject)

/* Reads the account and its settings; fails if it is not an IMAP account
 * with an incoming server. */
TidingsImapAccount     *tidings_imap_account_new          (TidingsStore        *store,
                                                           gint64               account_id,
                                                           GError             **error);
gint64                  tidings_imap_account_get_id       (TidingsImapAccount  *self);
TidingsImapAccountState tidings_imap_account_get_state    (TidingsImapAccount  *self);
void                    tidings_imap_account_set_options  (TidingsImapAccount  *self,
                                                           TidingsImapAccountOptions options);
/* Messages per header batch (default 2000). */
void                    tidings_imap_account_set_batch_size (TidingsImapAccount *self,
                                                             guint               batch_size);
/* For tests: a CA database instead of the system's (and the pin). */
void                    tidings_imap_account_set_tls_database (TidingsImapAccount *self,
                                                               GTlsDatabase       *database);
/* Online mode timers in seconds (defaults: STATUS every 180, NOOP every
 * 60 where IDLE is missing, IDLE renewed every 1500). */
void                    tidings_imap_account_set_intervals (TidingsImapAccount *self,
                                                            guint               status_seconds,
                                                            guint               noop_seconds,
                                                            guint               idle_seconds);

/* One pass; @folder_path NULL for every folder. */
void     tidings_imap_account_sync_async        (TidingsImapAccount    *self,
                                                 const char            *folder_path,
                                                 TidingsImapSyncFlags   flags,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data);
gboolean tidings_imap_account_sync_finish       (TidingsImapAccount    *self,
                                                 GAsyncResult          *result,
                                                 TidingsImapSyncStats  *out_stats,
                                                 GError               **error);

/* The body of @message_id from the server, stored (FULL) and returned. */
void     tidings_imap_account_fetch_body_async  (TidingsImapAccount    *self,
                                                 gint64                 message_id,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data);
GBytes  *tidings_imap_account_fetch_body_finish (TidingsImapAccount    *self,
                                                 GAsyncResult          *result,
                                                 GError               **error);

/* UID SEARCH TEXT on the server in @folder_id (0: every folder of the
 * account), headers of found messages the store lacks fetched and stored,
 * merged with tidings_store_search(): a GArray of gint64 message ids,
 * local matches first, each id once. */
void     tidings_imap_account_search_async      (TidingsImapAccount    *self,
                                                 gint64                 folder_id,
                                                 const char            *text,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data);
GArray  *tidings_imap_account_search_finish     (TidingsImapAccount    *self,
                                                 GAsyncResult          *result,
                                                 GError               **error);

/* Online mode: a full pass, then IDLE on INBOX (NOOP polling without
 * IDLE), STATUS checks of the other folders, reconnect with backoff after
 * drops and at once when the network comes back. stop() closes both
 * connections; pending jobs fail with G_IO_ERROR_CANCELLED. */
void     tidings_imap_account_start             (TidingsImapAccount    *self);
void     tidings_imap_account_stop              (TidingsImapAccount    *self);
gboolean tidings_imap_account_is_started        (TidingsImapAccount    *self);
/* Replays newly queued operations now. */
void     tidings_imap_account_kick              (TidingsImapAccount    *self);

G_END_DECLS
