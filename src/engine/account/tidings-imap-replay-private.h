/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-replay-private.h: what the replayer shares between its
 * files, and a hook for crash tests. */
#pragma once

#include <json-glib/json-glib.h>

#include "tidings-imap-replay.h"

G_BEGIN_DECLS

typedef enum
{
  REPLAY_FLAGS,
  REPLAY_MOVE,
  REPLAY_COPY,
  REPLAY_EXPUNGE,
  REPLAY_EMPTY,
  REPLAY_APPEND,
} ReplayKind;

typedef struct
{
  gint64  id;      /* the message row (for a copy: the source row) */
  gint64  uid;     /* in the operation's folder; 0 until resolved */
  char   *mid;     /* Message-ID, to find it when uid is 0 */
  gint64  copy;    /* copy: the new row in the destination */
  gboolean sent;   /* part of the command sent to the server */
} ReplayItem;

/* One operation, or several merged "flags" operations, parsed. */
typedef struct
{
  ReplayKind  kind;
  GPtrArray  *ops;          /* TidingsStoreOperation, in queue order */
  gint64      folder_id;
  char       *path;
  gint64      dest_id;
  char       *dest_path;
  GArray     *items;        /* ReplayItem */
  GPtrArray  *add;          /* char *, NULL-terminated */
  GPtrArray  *remove;       /* char *, NULL-terminated */
  gint64      message_id;   /* append */
  gint64      internal_date;
} ReplayBatch;

ReplayBatch *_tidings_imap_replay_batch_parse (const TidingsStoreOperation  *op,
                                               GError                      **error);
void         _tidings_imap_replay_batch_free  (ReplayBatch                  *batch);
/* Merges @next into @batch when both are flags changes of one folder
 * adding and removing the same flags; FALSE (nothing changed) otherwise. */
gboolean     _tidings_imap_replay_batch_merge (ReplayBatch                  *batch,
                                               const TidingsStoreOperation  *next);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReplayBatch, _tidings_imap_replay_batch_free)

/* Keys of the UIDs a run learned for rows that moved on meanwhile. */
char        *_tidings_imap_replay_resolved_key (gint64                        folder_id,
                                                gint64                        message_id);
/* After the server confirmed @batch: new UIDs (COPYUID, APPENDUID) onto
 * the waiting uid-0 rows, or into @resolved when a row moved on; rows
 * whose UID the server did not tell are removed for the sync to bring. */
gboolean     _tidings_imap_replay_apply_reply  (TidingsStore                 *store,
                                                ReplayBatch                  *batch,
                                                const TidingsImapCopyResult  *result,
                                                GHashTable                   *resolved,
                                                GError                      **error);
/* When @batch is dropped: rows it put in a destination with uid 0 go,
 * and its folders are marked for a full resync. */
gboolean     _tidings_imap_replay_apply_drop   (TidingsStore                 *store,
                                                ReplayBatch                  *batch,
                                                GError                      **error);

/* Called after the server confirmed an operation and before the store
 * transaction that completes it: crash tests kill the process there. */
typedef void (*TidingsImapReplayHook) (const char *kind,
                                       gpointer    user_data);
void _tidings_imap_replay_set_confirmed_hook (TidingsImapReplayHook hook,
                                              gpointer              user_data);

G_END_DECLS
