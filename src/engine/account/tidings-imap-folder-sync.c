/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-folder-sync.c: the steps of one folder pass (see the
 * header); writing to the store is tidings-imap-folder-changes.c. */
#include "config.h"

#include "tidings-imap-fetch-mapper.h"
#include "tidings-imap-folder-sync-private.h"

static void
disconnect_signals (FolderSync *fs)
{
  g_clear_signal_handler (&fs->vanished_handler, fs->client);
  g_clear_signal_handler (&fs->fetch_handler, fs->client);
}

static void
folder_sync_free (FolderSync *fs)
{
  disconnect_signals (fs);
  g_clear_pointer (&fs->pending, g_array_unref);
  g_clear_pointer (&fs->events, g_array_unref);
  g_clear_error (&fs->error);
  g_clear_pointer (&fs->info, tidings_imap_select_info_free);
  g_clear_pointer (&fs->folder, tidings_store_folder_free);
  g_clear_pointer (&fs->server_uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&fs->new_uids, tidings_imap_sequence_set_unref);
  g_clear_object (&fs->store);
  g_clear_object (&fs->client);
  g_free (fs);
}

/* Unsolicited data for the selected folder: QRESYNC's replies to SELECT,
 * other clients' changes seen meanwhile. */
static void
on_vanished (TidingsImapClient      *client,
             TidingsImapSequenceSet *uids,
             gboolean                earlier,
             gpointer                user_data)
{
  FolderSync *fs = user_data;
  GError *error = NULL;

  if (fs->error != NULL)
    return;
  if (!_tidings_imap_fs_apply_vanished (fs, uids, &error))
    _tidings_imap_fs_keep_error (fs, error);
}

static gboolean
apply_unsolicited_fetch (FolderSync        *fs,
                         TidingsImapFetch  *fetch,
                         GError           **error)
{
  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0
      || (fetch->present & TIDINGS_IMAP_FETCH_FLAGS) == 0)
    return TRUE;   /* without a UID a later pass sees it */
  return _tidings_imap_fs_queue_flags (fs, fetch, error);
}

static void
on_fetch (TidingsImapClient *client,
          TidingsImapFetch  *fetch,
          gpointer           user_data)
{
  FolderSync *fs = user_data;
  GError *error = NULL;

  if (fs->error == NULL && !apply_unsolicited_fetch (fs, fetch, &error))
    _tidings_imap_fs_keep_error (fs, error);
}

/* Steps ---------------------------------------------------------------- */

static void fetch_next_batch (GTask *task);

static void
fail (GTask  *task,
      GError *error)
{
  FolderSync *fs = g_task_get_task_data (task);

  disconnect_signals (fs);
  g_array_set_size (fs->pending, 0);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* A store error seen by a callback wins over the command's own result. */
static gboolean
check (GTask   *task,
       GError  *error)
{
  FolderSync *fs = g_task_get_task_data (task);

  if (fs->error != NULL)
    {
      g_clear_error (&error);
      fail (task, g_steal_pointer (&fs->error));
      return FALSE;
    }
  if (error != NULL)
    {
      fail (task, error);
      return FALSE;
    }
  return TRUE;
}

static void
finish (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  GError *error = NULL;

  /* Rows at or above N are left by a pass that was killed: those the
   * server no longer has went meanwhile. */
  if (fs->new_uids == NULL)
    fs->new_uids = tidings_imap_sequence_set_new ();
  if (!_tidings_imap_fs_remove_missing (fs, fs->new_uids, fs->uidnext, _tidings_imap_fs_uid_limit (fs), &error)
      || !_tidings_imap_fs_flush (fs, TRUE, &error))
    {
      fail (task, error);
      return;
    }
  disconnect_signals (fs);
  if (fs->hooks.progress != NULL && fs->new_total > 0)
    fs->hooks.progress (fs->folder->path, fs->new_total, fs->new_total, fs->hooks.user_data);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* New messages: the next batch_size UIDs below range_top, newest first. */
static TidingsImapSequenceSet *
take_batch (FolderSync *fs)
{
  TidingsImapSequenceSet *batch = tidings_imap_sequence_set_new ();
  guint64 room = fs->batch_size;

  while (room > 0 && fs->range_index >= 0)
    {
      guint64 first, last, low;

      tidings_imap_sequence_set_get_range (fs->new_uids, fs->range_index, &first, &last);
      last = MIN (last, fs->range_top);
      if (last < first)
        {
          fs->range_index--;
          fs->range_top = G_MAXUINT64;
          continue;
        }
      low = last - first + 1 > room ? last - room + 1 : first;
      tidings_imap_sequence_set_add_range (batch, low, last);
      room -= last - low + 1;
      if (low == first)
        {
          fs->range_index--;
          fs->range_top = G_MAXUINT64;
        }
      else
        fs->range_top = low - 1;
    }
  return batch;
}

static gboolean
on_header_fetch (TidingsImapFetch  *fetch,
                 gpointer           user_data,
                 GError           **error)
{
  FolderSync *fs = user_data;

  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0)
    return TRUE;
  if ((fetch->present & TIDINGS_IMAP_FETCH_ENVELOPE) == 0
      && (fetch->malformed & TIDINGS_IMAP_FETCH_ENVELOPE) == 0)
    return apply_unsolicited_fetch (fs, fetch, error);
  if (fetch->uid < fs->uidnext)
    return _tidings_imap_fs_queue_flags (fs, fetch, error);
  fs->max_uid = MAX (fs->max_uid, fetch->uid);
  fs->new_done++;
  {
    Pending pending = { PENDING_NEW, fetch->uid, 0, NULL, 0, NULL };

    pending.message = tidings_imap_fetch_to_message (fetch, fs->folder->id);
    if (pending.message == NULL)
      return _tidings_imap_fs_queue_flags (fs, fetch, error);
    return _tidings_imap_fs_queue (fs, &pending, error);
  }
}

/* Two batches are kept in flight: the server prepares the next one while
 * this side writes the last one to disk. Each fetch holds a reference on
 * the task; the task's own reference goes with finish() or fail(). */
#define BATCHES_IN_FLIGHT 2

static void
on_batch_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  GError *error = NULL;

  fs->in_flight--;
  tidings_imap_client_uid_fetch_finish (fs->client, result, &error);
  if (fs->done)
    {
      g_clear_error (&error);
      return;
    }
  if (!check (task, error))
    {
      fs->done = TRUE;
      return;
    }
  if (fs->range_index < 0 && fs->in_flight == 0)
    {
      fs->done = TRUE;
      finish (task);    /* the state goes into the last batch's transaction */
      return;
    }
  if (!_tidings_imap_fs_flush (fs, FALSE, &error))
    {
      fs->done = TRUE;
      fail (task, error);
      return;
    }
  if (fs->hooks.progress != NULL)
    fs->hooks.progress (fs->folder->path, fs->new_done, fs->new_total, fs->hooks.user_data);
  fetch_next_batch (task);
}

static void
fetch_next_batch (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      if (fs->in_flight == 0)
        {
          fs->done = TRUE;
          fail (task, error);
        }
      else
        g_clear_error (&error);   /* the running fetch reports it */
      return;
    }
  while (fs->in_flight < BATCHES_IN_FLIGHT && fs->range_index >= 0)
    {
      g_autoptr(TidingsImapSequenceSet) batch = take_batch (fs);

      if (tidings_imap_sequence_set_is_empty (batch))
        break;
      fs->in_flight++;
      tidings_imap_client_uid_fetch_async (fs->client, batch, TIDINGS_IMAP_HEADER_ATTRIBUTES,
                                           0, FALSE, on_header_fetch, fs,
                                           g_task_get_cancellable (task), on_batch_fetched,
                                           g_object_ref (task));
    }
  if (fs->in_flight == 0)
    {
      fs->done = TRUE;
      finish (task);
    }
}

static void
on_new_searched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  GError *error = NULL;
  guint n;

  found = tidings_imap_client_uid_search_finish (fs->client, result, &error);
  if (!check (task, error))
    return;
  /* "N:*" also matches the last message when every UID is below N. */
  tidings_imap_sequence_set_normalize (found);
  fs->new_uids = tidings_imap_sequence_set_new ();
  n = tidings_imap_sequence_set_get_n_ranges (found);
  for (guint i = 0; i < n; i++)
    {
      guint64 first, last;

      tidings_imap_sequence_set_get_range (found, i, &first, &last);
      first = MAX (first, MAX (fs->uidnext, 1));
      if (last >= TIDINGS_IMAP_SEQUENCE_STAR)
        last = TIDINGS_IMAP_SEQUENCE_STAR - 1;
      if (first <= last)
        tidings_imap_sequence_set_add_range (fs->new_uids, first, last);
    }
  fs->new_total = (guint) MIN (tidings_imap_sequence_set_get_count (fs->new_uids), G_MAXUINT);
  fs->range_index = (gint) tidings_imap_sequence_set_get_n_ranges (fs->new_uids) - 1;
  fs->range_top = G_MAXUINT64;
  if (fs->hooks.progress != NULL && fs->new_total > 0)
    fs->hooks.progress (fs->folder->path, 0, fs->new_total, fs->hooks.user_data);
  fetch_next_batch (task);
}

static void
start_new_phase (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  g_autofree char *criteria = NULL;
  GError *error = NULL;

  if (!_tidings_imap_fs_flush (fs, FALSE, &error))
    {
      fail (task, error);
      return;
    }
  /* Nothing new: the server's UIDNEXT did not move and nothing is there. */
  if (fs->info->exists == 0
      || (fs->info->uidnext != 0 && fs->info->uidnext <= fs->uidnext))
    {
      finish (task);
      return;
    }
  criteria = g_strdup_printf ("UID %u:*", MAX (fs->uidnext, 1));
  tidings_imap_client_uid_search_async (fs->client, criteria, g_task_get_cancellable (task),
                                        on_new_searched, task);
}

static void
on_known_searched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) server = NULL;
  GError *error = NULL;

  server = tidings_imap_client_uid_search_finish (fs->client, result, &error);
  if (!check (task, error))
    return;
  if (!_tidings_imap_fs_remove_missing (fs, server, 1, fs->uidnext, &error))
    {
      fail (task, error);
      return;
    }
  start_new_phase (task);
}

static gboolean
on_flags_fetch (TidingsImapFetch  *fetch,
                gpointer           user_data,
                GError           **error)
{
  FolderSync *fs = user_data;

  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0)
    return TRUE;
  if (fs->server_uids != NULL && fetch->uid < fs->uidnext)
    {
      /* Replies come in UID order: keep them as runs, not one by one. */
      if (fs->run_last != 0 && fetch->uid == fs->run_last + 1)
        fs->run_last = fetch->uid;
      else
        {
          if (fs->run_last != 0)
            tidings_imap_sequence_set_add_range (fs->server_uids, fs->run_first, fs->run_last);
          fs->run_first = fs->run_last = fetch->uid;
        }
    }
  if (!apply_unsolicited_fetch (fs, fetch, error))
    return FALSE;
  return fs->error == NULL;
}

static void
on_flags_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  g_autofree char *criteria = NULL;
  GError *error = NULL;

  tidings_imap_client_uid_fetch_finish (fs->client, result, &error);
  if (!check (task, error))
    return;
  if (!_tidings_imap_fs_flush (fs, FALSE, &error))
    {
      fail (task, error);
      return;
    }
  if (fs->server_uids != NULL)
    {
      if (fs->run_last != 0)
        tidings_imap_sequence_set_add_range (fs->server_uids, fs->run_first, fs->run_last);
      if (!_tidings_imap_fs_remove_missing (fs, fs->server_uids, 1, fs->uidnext, &error))
        {
          fail (task, error);
          return;
        }
      start_new_phase (task);
      return;
    }
  criteria = g_strdup_printf ("UID 1:%u", fs->uidnext - 1);
  tidings_imap_client_uid_search_async (fs->client, criteria, g_task_get_cancellable (task),
                                        on_known_searched, task);
}

static void
start_known_phase (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) known = NULL;
  guint64 changed_since = 0;

  if (fs->qresync_used || fs->uidnext <= 1)
    {
      start_new_phase (task);
      return;
    }
  if (fs->condstore && fs->modseq > 0)
    {
      if (fs->info->highestmodseq == fs->modseq)
        {
          start_new_phase (task);   /* CONDSTORE: nothing changed or expunged */
          return;
        }
      changed_since = fs->modseq;
    }
  else
    fs->server_uids = tidings_imap_sequence_set_new ();

  known = tidings_imap_sequence_set_new ();
  tidings_imap_sequence_set_add_range (known, 1, fs->uidnext - 1);
  tidings_imap_client_uid_fetch_async (fs->client, known, "(UID FLAGS)", changed_since, FALSE,
                                       on_flags_fetch, fs, g_task_get_cancellable (task),
                                       on_flags_fetched, task);
}

static void
on_selected (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  GError *error = NULL;

  fs->info = tidings_imap_client_select_finish (fs->client, result, &error);
  if (!check (task, error))
    return;

  fs->condstore = (fs->options & TIDINGS_IMAP_FOLDER_SYNC_NO_CONDSTORE) == 0
                  && (tidings_imap_client_is_condstore_enabled (fs->client)
                      || tidings_imap_client_is_qresync_enabled (fs->client))
                  && fs->info->highestmodseq > 0;

  if (fs->uidvalidity != fs->info->uidvalidity)
    {
      /* A new mailbox under the old name: nothing we hold is valid. */
      g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fs->store, &error);

      g_array_set_size (fs->pending, 0);
      if (tx == NULL
          || (fs->uidvalidity != 0 && !tidings_store_clear_folder (fs->store, fs->folder->id, &error))
          || !tidings_store_set_folder_sync_state (fs->store, fs->folder->id,
                                                   fs->info->uidvalidity, 0, 0, &error)
          || !tidings_store_transaction_commit (tx, &error))
        {
          fail (task, error);
          return;
        }
      fs->uidvalidity = fs->info->uidvalidity;
      fs->uidnext = 0;
      fs->modseq = 0;
      fs->qresync_used = FALSE;
    }
  start_known_phase (task);
}

/**
 * tidings_imap_folder_sync_async:
 * @batch_size: messages per header batch, 0 for the default
 */
void
tidings_imap_folder_sync_async (TidingsStore                 *store,
                                TidingsImapClient            *client,
                                gint64                        folder_id,
                                TidingsImapFolderSyncOptions  options,
                                guint                         batch_size,
                                const TidingsImapSyncHooks   *hooks,
                                GCancellable                 *cancellable,
                                GAsyncReadyCallback           callback,
                                gpointer                      user_data)
{
  GTask *task;
  FolderSync *fs;
  GError *error = NULL;
  TidingsImapQresyncParams params = { 0, };

  g_return_if_fail (TIDINGS_IS_STORE (store));
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (client));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_folder_sync_async);
  fs = g_new0 (FolderSync, 1);
  fs->store = g_object_ref (store);
  fs->client = g_object_ref (client);
  fs->options = options;
  fs->batch_size = batch_size > 0 ? batch_size : TIDINGS_IMAP_FOLDER_SYNC_DEFAULT_BATCH;
  if (hooks != NULL)
    fs->hooks = *hooks;
  fs->events = g_array_new (FALSE, FALSE, sizeof (Event));
  fs->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_array_set_clear_func (fs->pending, (GDestroyNotify) _tidings_imap_fs_pending_clear);
  g_task_set_task_data (task, fs, (GDestroyNotify) folder_sync_free);

  fs->folder = tidings_store_get_folder (store, folder_id, &error);
  if (fs->folder == NULL)
    {
      fail (task, error);
      return;
    }
  fs->uidvalidity = (guint32) fs->folder->uidvalidity;
  fs->uidnext = (guint32) fs->folder->uidnext;
  fs->modseq = (guint64) fs->folder->highestmodseq;
  fs->qresync_used = (options & (TIDINGS_IMAP_FOLDER_SYNC_NO_QRESYNC | TIDINGS_IMAP_FOLDER_SYNC_NO_CONDSTORE)) == 0
                     && tidings_imap_client_is_qresync_enabled (client)
                     && fs->uidvalidity != 0 && fs->modseq > 0;

  fs->vanished_handler = g_signal_connect (client, "vanished", G_CALLBACK (on_vanished), fs);
  fs->fetch_handler = g_signal_connect (client, "fetch", G_CALLBACK (on_fetch), fs);

  params.uidvalidity = fs->uidvalidity;
  params.modseq = fs->modseq;
  tidings_imap_client_select_async (client, fs->folder->path, FALSE,
                                    fs->qresync_used ? &params : NULL,
                                    cancellable, on_selected, task);
}

gboolean
tidings_imap_folder_sync_finish (GAsyncResult                 *result,
                                 TidingsImapFolderSyncCounts  *out_counts,
                                 GError                      **error)
{
  GTask *task = G_TASK (result);
  FolderSync *fs = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (out_counts != NULL)
    *out_counts = fs->counts;
  return g_task_propagate_boolean (task, error);
}
