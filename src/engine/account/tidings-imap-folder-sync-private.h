/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-folder-sync-private.h: what the folder sync's steps
 * (tidings-imap-folder-sync.c) share with the layer that writes changes
 * to the store (tidings-imap-folder-changes.c). */
#pragma once

#include "tidings-imap-folder-sync.h"

G_BEGIN_DECLS

typedef struct
{
  const char *kind;
  gint64      message_id;
  guint32     uid;
} Event;

typedef enum
{
  PENDING_NEW,
  PENDING_FLAGS,
  PENDING_VANISHED,
} PendingKind;

typedef struct
{
  PendingKind          kind;
  guint32              uid;
  guint                flags;
  char                *keywords;
  guint64              modseq;
  TidingsStoreMessage *message;   /* PENDING_NEW */
} Pending;

typedef struct
{
  TidingsStore                 *store;
  TidingsImapClient            *client;
  TidingsStoreFolder           *folder;
  TidingsImapFolderSyncOptions  options;
  guint                         batch_size;
  TidingsImapSyncHooks          hooks;

  /* What the store said when the pass started. */
  guint32                       uidvalidity;
  guint32                       uidnext;
  guint64                       modseq;
  gboolean                      qresync_used;
  gboolean                      condstore;
  TidingsImapSelectInfo        *info;

  GArray                       *pending;         /* Pending */
  GArray                       *events;          /* Event, until the commit */
  GError                       *error;           /* first store error from a callback */
  gulong                        vanished_handler;
  gulong                        fetch_handler;

  /* Plain comparison: the UIDs the flag fetch returned, as runs. */
  TidingsImapSequenceSet       *server_uids;
  guint32                       run_first;
  guint32                       run_last;

  /* New messages, fetched from the top down. */
  TidingsImapSequenceSet       *new_uids;
  gint                          range_index;
  guint                         in_flight;       /* batch fetches running */
  gboolean                      done;            /* finish() or fail() ran */
  guint64                       range_top;
  guint                         new_total;
  guint                         new_done;
  guint32                       max_uid;

  TidingsImapFolderSyncCounts   counts;
} FolderSync;

void     _tidings_imap_fs_pending_clear  (Pending                 *pending);
/* Writes what waits (and with @with_state the folder's new sync state) in
 * one transaction, then emits the events. */
gboolean _tidings_imap_fs_flush          (FolderSync              *fs,
                                          gboolean                 with_state,
                                          GError                 **error);
gboolean _tidings_imap_fs_queue          (FolderSync              *fs,
                                          Pending                 *pending,
                                          GError                 **error);
gboolean _tidings_imap_fs_queue_flags    (FolderSync              *fs,
                                          TidingsImapFetch        *fetch,
                                          GError                 **error);
gboolean _tidings_imap_fs_queue_vanished (FolderSync              *fs,
                                          guint32                  uid,
                                          GError                 **error);
gboolean _tidings_imap_fs_apply_vanished (FolderSync              *fs,
                                          const TidingsImapSequenceSet *uids,
                                          GError                 **error);
/* Local UIDs in [@from, @to) that @server does not hold are queued as
 * vanished. */
gboolean _tidings_imap_fs_remove_missing (FolderSync              *fs,
                                          TidingsImapSequenceSet  *server,
                                          guint64                  from,
                                          guint64                  to,
                                          GError                 **error);
/* Nothing at or above it is stored. */
guint32  _tidings_imap_fs_uid_limit      (FolderSync              *fs);
/* Keeps the first error a callback could not return. */
void     _tidings_imap_fs_keep_error     (FolderSync              *fs,
                                          GError                  *error);

G_END_DECLS
