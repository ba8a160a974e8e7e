/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-account-sync.c: one sync pass of an IMAP account (a job on
 * the work connection): replay, LIST, every folder's headers (INBOX
 * first), then bodies. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-imap-account-private.h"
#include "tidings-imap-bodies.h"
#include "tidings-imap-folder-list.h"
#include "tidings-imap-replay.h"

typedef struct
{
  char                 *folder_path;
  TidingsImapSyncFlags  flags;
  TidingsImapSyncStats  stats;
  gint64                start_time;
  guint64               bytes_in_start;
  guint64               bytes_out_start;
  GArray               *folder_ids;   /* gint64, INBOX first */
  guint                 index;
  gboolean              bodies_phase;
  gint64                bodies_since; /* 0: every body */
  TidingsImapClient    *client;
} SyncOp;

static void
sync_op_free (SyncOp *op)
{
  g_free (op->folder_path);
  g_clear_pointer (&op->folder_ids, g_array_unref);
  g_clear_object (&op->client);
  g_free (op);
}

static void
sync_done (TidingsImapAccount *self,
           GTask              *task,
           GError             *error)
{
  SyncOp *op = g_task_get_task_data (task);
  TidingsConnection *connection = tidings_imap_client_get_connection (op->client);

  op->stats.elapsed = (g_get_monotonic_time () - op->start_time) / (gdouble) G_USEC_PER_SEC;
  op->stats.bytes_received = tidings_reader_get_raw_bytes_read (tidings_connection_get_reader (connection))
                             - op->bytes_in_start;
  op->stats.bytes_sent = tidings_writer_get_raw_bytes_written (tidings_connection_get_writer (connection))
                         - op->bytes_out_start;
  if (error != NULL)
    _tidings_imap_account_set_error_state (self, error);
  _tidings_imap_account_job_done (self, task, error);
}

static void sync_next_folder (TidingsImapAccount *self, GTask *task);

static void
on_bodies_synced (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  SyncOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  guint n = 0;

  if (!tidings_imap_bodies_sync_finish (result, &n, &error))
    {
      sync_done (self, task, error);
      return;
    }
  op->stats.n_bodies += n;
  op->index++;
  sync_next_folder (self, task);
}

static void
on_folder_synced (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  SyncOp *op = g_task_get_task_data (task);
  TidingsImapFolderSyncCounts counts = { 0, };
  GError *error = NULL;
  gboolean ok;

  ok = tidings_imap_folder_sync_finish (result, &counts, &error);
  op->stats.n_new += counts.n_new;
  op->stats.n_changed += counts.n_changed;
  op->stats.n_vanished += counts.n_vanished;
  if (!ok)
    {
      sync_done (self, task, error);
      return;
    }
  op->stats.n_folders++;
  op->index++;
  sync_next_folder (self, task);
}

static void
sync_next_folder (TidingsImapAccount *self,
                  GTask              *task)
{
  SyncOp *op = g_task_get_task_data (task);
  gint64 folder_id;

  if (op->index >= op->folder_ids->len)
    {
      /* Headers everywhere first, so every folder is usable soon; then
       * bodies. */
      if (op->bodies_phase || (op->flags & TIDINGS_IMAP_SYNC_NO_BODIES)
          || (!(op->flags & TIDINGS_IMAP_SYNC_BODIES) && self->settings->imap_offline_days == 0))
        {
          sync_done (self, task, NULL);
          return;
        }
      op->bodies_phase = TRUE;
      op->index = 0;
      if (!(op->flags & TIDINGS_IMAP_SYNC_BODIES))
        op->bodies_since = g_get_real_time () / G_USEC_PER_SEC
                           - (gint64) self->settings->imap_offline_days * 24 * 60 * 60;
    }
  if (op->index >= op->folder_ids->len)
    {
      sync_done (self, task, NULL);
      return;
    }
  folder_id = g_array_index (op->folder_ids, gint64, op->index);
  if (op->bodies_phase)
    tidings_imap_bodies_sync_async (self->store, op->client, folder_id, op->bodies_since,
                                    g_task_get_cancellable (task), on_bodies_synced, task);
  else
    {
      TidingsImapSyncHooks hooks = _tidings_imap_account_hooks (self);

      tidings_imap_folder_sync_async (self->store, op->client, folder_id,
                                      _tidings_imap_account_folder_options (self),
                                      self->batch_size, &hooks, g_task_get_cancellable (task),
                                      on_folder_synced, task);
    }
}

static gboolean
choose_folders (TidingsImapAccount  *self,
                SyncOp              *op,
                GError             **error)
{
  g_autoptr(GPtrArray) folders = tidings_store_list_folders (self->store, self->account_id, error);

  if (folders == NULL)
    return FALSE;
  op->folder_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < folders->len; i++)
      {
        const TidingsStoreFolder *folder = g_ptr_array_index (folders, i);
        gboolean inbox = folder->role == TIDINGS_FOLDER_ROLE_INBOX;

        if ((pass == 0) != inbox)
          continue;
        if (op->folder_path != NULL && g_strcmp0 (op->folder_path, folder->path) != 0)
          continue;
        g_array_append_val (op->folder_ids, folder->id);
      }
  if (op->folder_path != NULL && op->folder_ids->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The server has no folder “%s”."), op->folder_path);
      return FALSE;
    }
  return TRUE;
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  SyncOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) mailboxes = NULL;
  GError *error = NULL;

  mailboxes = tidings_imap_client_list_finish (op->client, result, &error);
  if (mailboxes == NULL
      || !tidings_imap_folder_list_apply (self->store, self->account_id, mailboxes, &error)
      || !choose_folders (self, op, &error))
    {
      sync_done (self, task, error);
      return;
    }
  sync_next_folder (self, task);
}

static void
sync_list (TidingsImapAccount *self,
           GTask              *task)
{
  SyncOp *op = g_task_get_task_data (task);

  tidings_imap_client_list_async (op->client, g_task_get_cancellable (task), on_listed, task);
}

static void
on_replayed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  GError *error = NULL;
  guint n_done = 0;

  /* Refusals end a run successfully; an error is the connection's or the
   * store's, and the pass could not go on either (ops stay queued). */
  if (!tidings_imap_replay_run_finish (result, &n_done, &error))
    {
      sync_done (self, task, error);
      return;
    }
  sync_list (self, task);
}

static void
run_sync (TidingsImapAccount *self,
          GTask              *task,
          TidingsImapClient  *client)
{
  SyncOp *op = g_task_get_task_data (task);
  TidingsConnection *connection = tidings_imap_client_get_connection (client);

  op->client = g_object_ref (client);
  op->start_time = g_get_monotonic_time ();
  op->bytes_in_start = tidings_reader_get_raw_bytes_read (tidings_connection_get_reader (connection));
  op->bytes_out_start = tidings_writer_get_raw_bytes_written (tidings_connection_get_writer (connection));
  tidings_imap_replay_run_async (self->store, self->account_id, client, g_task_get_cancellable (task),
                                 on_replayed, task);
}

void
tidings_imap_account_sync_async (TidingsImapAccount   *self,
                                 const char           *folder_path,
                                 TidingsImapSyncFlags  flags,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  GTask *task;
  SyncOp *op;

  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_account_sync_async);
  op = g_new0 (SyncOp, 1);
  op->folder_path = g_strdup (folder_path);
  op->flags = flags;
  g_task_set_task_data (task, op, (GDestroyNotify) sync_op_free);
  _tidings_imap_account_queue_job (self, task, run_sync);
}

gboolean
tidings_imap_account_sync_finish (TidingsImapAccount    *self,
                                  GAsyncResult          *result,
                                  TidingsImapSyncStats  *out_stats,
                                  GError               **error)
{
  SyncOp *op;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  op = g_task_get_task_data (G_TASK (result));
  if (out_stats != NULL)
    *out_stats = op->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_background_sync (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tidings_imap_account_sync_finish (TIDINGS_IMAP_ACCOUNT (source), result, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Background sync failed: %s", error->message);
}

void
_tidings_imap_account_queue_sync (TidingsImapAccount   *self,
                                  const char           *folder_path,
                                  TidingsImapSyncFlags  flags)
{
  tidings_imap_account_sync_async (self, folder_path, flags | TIDINGS_IMAP_SYNC_NO_BODIES,
                                   self->online_cancellable, on_background_sync, NULL);
}
