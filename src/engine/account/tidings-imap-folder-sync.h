/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-folder-sync.h: one pass of one IMAP folder into the store.
 *
 * The one sync algorithm (isync-like), on a logged-in client:
 *
 *   state  S = the folder's (uidvalidity V, uidnext N, highestmodseq M)
 *   SELECT   with QRESYNC (V M) when enabled and M > 0: changes since M
 *            arrive as FETCH / VANISHED (EARLIER) and are applied at once.
 *            UIDVALIDITY differs from V: the folder's cache is dropped.
 *   flags    of UIDs 1:N-1 (skipped with QRESYNC, or when CONDSTORE says
 *            HIGHESTMODSEQ is still M): CHANGEDSINCE M with CONDSTORE,
 *            every flag otherwise, compared with the store.
 *   vanished local UIDs < N the server no longer has (UID SEARCH, or the
 *            UIDs the flag fetch returned); rows with uid 0 (local moves
 *            not yet replayed) are never touched.
 *   new      UIDs >= N, headers only, NEWEST first, in batches of
 *            batch_size; each batch is one store transaction.
 *   S'       written in the transaction of the last batch.
 *
 * A kill at any point leaves S at a value all stored data agrees with:
 * the next pass fetches again what was not confirmed (updating rows it
 * already has) and removes what vanished meanwhile. */
#pragma once

#include "imap/tidings-imap-client.h"
#include "store/tidings-store.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_FOLDER_SYNC_NONE         = 0,
  TIDINGS_IMAP_FOLDER_SYNC_NO_QRESYNC   = 1 << 0,  /* even if enabled */
  TIDINGS_IMAP_FOLDER_SYNC_NO_CONDSTORE = 1 << 1,  /* plain UID/flag comparison */
} TidingsImapFolderSyncOptions;

typedef struct
{
  guint n_new;
  guint n_changed;
  guint n_vanished;
} TidingsImapFolderSyncCounts;

/* Called after the store committed the change. @kind: "new", "changed",
 * "vanished". */
typedef void (*TidingsImapSyncEventFunc)    (const char *kind,
                                             gint64      folder_id,
                                             gint64      message_id,
                                             guint32     uid,
                                             gpointer    user_data);
typedef void (*TidingsImapSyncProgressFunc) (const char *folder_path,
                                             guint       done,
                                             guint       total,
                                             gpointer    user_data);

typedef struct
{
  TidingsImapSyncEventFunc    event;
  TidingsImapSyncProgressFunc progress;
  gpointer                    user_data;
} TidingsImapSyncHooks;

#define TIDINGS_IMAP_FOLDER_SYNC_DEFAULT_BATCH 2000

void     tidings_imap_folder_sync_async  (TidingsStore                 *store,
                                          TidingsImapClient            *client,
                                          gint64                        folder_id,
                                          TidingsImapFolderSyncOptions  options,
                                          guint                         batch_size,
                                          const TidingsImapSyncHooks   *hooks,
                                          GCancellable                 *cancellable,
                                          GAsyncReadyCallback           callback,
                                          gpointer                      user_data);
gboolean tidings_imap_folder_sync_finish (GAsyncResult                 *result,
                                          TidingsImapFolderSyncCounts  *out_counts,
                                          GError                      **error);

G_END_DECLS
