/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-replay-apply.c: what the store learns from the server's
 * reply to a replayed operation (new UIDs, rows the sync will bring), and
 * what it undoes when an operation is dropped. Runs inside the
 * transaction that completes the operation. */
#include "config.h"

#include "tidings-imap-replay-private.h"

char *
_tidings_imap_replay_resolved_key (gint64 folder_id,
                                   gint64 message_id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, folder_id, message_id);
}

/* Rows a dropped move or copy had put into its destination with uid 0:
 * the server never got them. */
static gboolean
remove_unconfirmed_rows (TidingsStore  *store,
                         ReplayBatch   *batch,
                         GError       **error)
{
  if (batch->kind != REPLAY_MOVE && batch->kind != REPLAY_COPY)
    return TRUE;
  for (guint i = 0; i < batch->items->len; i++)
    {
      ReplayItem *item = &g_array_index (batch->items, ReplayItem, i);
      gint64 row = batch->kind == REPLAY_MOVE ? item->id : item->copy;
      g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (store, row, NULL);

      if (message != NULL && message->folder_id == batch->dest_id && message->uid == 0
          && !tidings_store_delete_messages (store, &row, 1, error))
        return FALSE;
    }
  return TRUE;
}

/* The next sync fetches every UID of the folder again (the sync treats
 * uidnext 0 as "nothing known", highestmodseq 0 as "no CONDSTORE state"). */
static gboolean
mark_resync (TidingsStore  *store,
             gint64         folder_id,
             GError       **error)
{
  g_autoptr(TidingsStoreFolder) folder = NULL;

  if (folder_id <= 0)
    return TRUE;
  folder = tidings_store_get_folder (store, folder_id, NULL);
  if (folder == NULL)
    return TRUE;
  return tidings_store_set_folder_sync_state (store, folder_id, folder->uidvalidity, 0, 0,
                                              error);
}

/* @row was @folder_id's message with uid 0 and is now known as @uid; if
 * it moved on meanwhile, a later operation of this run may need the UID. */
static gboolean
learn_uid (TidingsStore  *store,
           GHashTable    *resolved,
           gint64         folder_id,
           gint64         row,
           guint32        uid,
           GError       **error)
{
  g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (store, row, NULL);
  gint64 existing = 0;

  if (message != NULL && message->folder_id == folder_id && message->uid == 0)
    {
      /* A sync got there first (a run that was killed, then a refusal
       * that let the sync go ahead): that row is the message. */
      if (!tidings_store_lookup_uid (store, folder_id, uid, &existing, error))
        return FALSE;
      if (existing != 0)
        return tidings_store_delete_messages (store, &row, 1, error);
      return tidings_store_set_server_id (store, row, uid, 0, error);
    }
  g_hash_table_insert (resolved, _tidings_imap_replay_resolved_key (folder_id, row), g_memdup2 (&uid, sizeof uid));
  return TRUE;
}

/* The server has it, under a UID we were not told: drop the local row if
 * it still waits there with uid 0, and let the next sync bring it. */
static gboolean
forget_row (TidingsStore  *store,
            gint64         folder_id,
            gint64         row,
            GError       **error)
{
  g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (store, row, NULL);

  if (message != NULL && message->folder_id == folder_id && message->uid == 0)
    return tidings_store_delete_messages (store, &row, 1, error);
  return TRUE;
}

static gboolean
apply_transfer (TidingsStore                 *store,
                ReplayBatch                  *batch,
                const TidingsImapCopyResult  *result,
                GHashTable                   *resolved,
                GError                      **error)
{
  g_autoptr(GHashTable) map = g_hash_table_new (g_direct_hash, g_direct_equal);

  if (result != NULL && result->uidvalidity != 0 && result->source_uids != NULL
      && result->dest_uids != NULL)
    {
      TidingsImapSequenceSetIter source, dest;
      guint32 s, d;
      guint guard = 0;

      tidings_imap_sequence_set_iter_init (&source, result->source_uids);
      tidings_imap_sequence_set_iter_init (&dest, result->dest_uids);
      while (guard++ <= batch->items->len
             && tidings_imap_sequence_set_iter_next (&source, &s)
             && tidings_imap_sequence_set_iter_next (&dest, &d))
        g_hash_table_insert (map, GUINT_TO_POINTER (s), GUINT_TO_POINTER (d));
    }

  for (guint i = 0; i < batch->items->len; i++)
    {
      ReplayItem *item = &g_array_index (batch->items, ReplayItem, i);
      gint64 row = batch->kind == REPLAY_MOVE ? item->id : item->copy;
      guint32 dest_uid;

      if (!item->sent)
        continue;
      dest_uid = GPOINTER_TO_UINT (g_hash_table_lookup (map, GUINT_TO_POINTER ((guint32) item->uid)));
      if (dest_uid != 0)
        {
          if (!learn_uid (store, resolved, batch->dest_id, row, dest_uid, error))
            return FALSE;
        }
      else if (!forget_row (store, batch->dest_id, row, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_append (TidingsStore                 *store,
              ReplayBatch                  *batch,
              const TidingsImapCopyResult  *result,
              GHashTable                   *resolved,
              GError                      **error)
{
  TidingsImapSequenceSetIter iter;
  guint32 uid = 0;

  if (result != NULL && result->uidvalidity != 0 && result->dest_uids != NULL)
    {
      tidings_imap_sequence_set_iter_init (&iter, result->dest_uids);
      if (!tidings_imap_sequence_set_iter_next (&iter, &uid))
        uid = 0;
    }
  if (uid != 0)
    return learn_uid (store, resolved, batch->folder_id, batch->message_id, uid, error);
  return forget_row (store, batch->folder_id, batch->message_id, error);
}

gboolean
_tidings_imap_replay_apply_reply (TidingsStore                 *store,
                                  ReplayBatch                  *batch,
                                  const TidingsImapCopyResult  *result,
                                  GHashTable                   *resolved,
                                  GError                      **error)
{
  if (batch->kind == REPLAY_MOVE || batch->kind == REPLAY_COPY)
    return apply_transfer (store, batch, result, resolved, error);
  if (batch->kind == REPLAY_APPEND)
    return apply_append (store, batch, result, resolved, error);
  return TRUE;
}

gboolean
_tidings_imap_replay_apply_drop (TidingsStore  *store,
                                 ReplayBatch   *batch,
                                 GError       **error)
{
  return remove_unconfirmed_rows (store, batch, error)
         && mark_resync (store, batch->folder_id, error)
         && mark_resync (store, batch->dest_id, error);
}
