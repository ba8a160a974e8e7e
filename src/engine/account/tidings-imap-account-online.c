/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-account-online.c: the online mode of an IMAP account.
 *
 * A second connection watches INBOX:
 *
 *   login -> sync INBOX -> IDLE --news--> DONE -> sync INBOX -> IDLE ...
 *                            \--every idle_seconds: DONE, IDLE again
 *
 * "News" is anything unsolicited (EXISTS, EXPUNGE, VANISHED, FETCH): the
 * INBOX pass that follows (SELECT with QRESYNC where enabled) gets the
 * changes themselves, so there is one way data enters the store. Without
 * IDLE, NOOP every noop_seconds plays the same part. The other folders are
 * compared by STATUS on the work connection every status_seconds. A drop
 * reconnects after 1, 2, 4 ... 300 s, or at once when the network comes
 * back. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "imap/tidings-imap-error.h"
#include "tidings-imap-account-private.h"
#include "tidings-imap-folder-list.h"

#define MAX_BACKOFF_SECONDS 300
/* Gathers a burst of news into one pass. */
#define NEWS_DELAY_MS 50

static void idle_connect (TidingsImapAccount *self);
static void idle_sync_inbox (TidingsImapAccount *self);

static guint
add_timeout (TidingsImapAccount *self,
             guint               ms,
             GSourceFunc         func)
{
  GSource *source = g_timeout_source_new (ms);
  guint id;

  g_source_set_callback (source, func, self, NULL);
  id = g_source_attach (source, self->context);
  g_source_unref (source);
  return id;
}

static void
remove_source (TidingsImapAccount *self,
               guint              *id)
{
  if (*id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, *id);

      if (source != NULL)
        g_source_destroy (source);
      *id = 0;
    }
}

/* Drops and reconnects ----------------------------------------------- */

static void
drop_idle_client (TidingsImapAccount *self)
{
  remove_source (self, &self->idle_renew_source);
  remove_source (self, &self->idle_news_source);
  remove_source (self, &self->noop_source);
  if (self->idle != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->idle_handlers); i++)
        g_clear_signal_handler (&self->idle_handlers[i], self->idle);
      tidings_imap_client_close (self->idle);
      g_clear_object (&self->idle);
    }
  self->idle_busy = FALSE;
  self->idle_news = FALSE;
}

static gboolean
reconnect_cb (gpointer user_data)
{
  TidingsImapAccount *self = user_data;

  self->reconnect_source = 0;
  idle_connect (self);
  return G_SOURCE_REMOVE;
}

static void
connection_lost (TidingsImapAccount *self,
                 const GError       *error)
{
  drop_idle_client (self);
  if (!self->started || (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    return;
  if (error != NULL)
    _tidings_imap_account_set_error_state (self, error);
  else
    _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_OFFLINE,
                                     _("The connection to the server was lost."));
  self->backoff = self->backoff == 0 ? 1 : MIN (self->backoff * 2, MAX_BACKOFF_SECONDS);
  remove_source (self, &self->reconnect_source);
  self->reconnect_source = add_timeout (self, self->backoff * 1000, reconnect_cb);
}

static void
on_network_changed (TidingsNetworkWatch *watch,
                    gboolean             available,
                    gpointer             user_data)
{
  TidingsImapAccount *self = user_data;

  if (!self->started)
    return;
  if (!available)
    {
      _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_OFFLINE,
                                       _("The network is not available."));
      return;
    }
  /* Back online: do not wait out the backoff. */
  if (self->idle == NULL)
    {
      remove_source (self, &self->reconnect_source);
      self->backoff = 0;
      idle_connect (self);
    }
  _tidings_imap_account_queue_replay (self);
}

/* IDLE ---------------------------------------------------------------- */

static gboolean
renew_idle_cb (gpointer user_data)
{
  TidingsImapAccount *self = user_data;

  self->idle_renew_source = 0;
  if (self->idle != NULL)
    tidings_imap_client_idle_done (self->idle);
  return G_SOURCE_REMOVE;
}

static gboolean
news_cb (gpointer user_data)
{
  TidingsImapAccount *self = user_data;

  self->idle_news_source = 0;
  if (self->idle != NULL && tidings_imap_client_is_idling (self->idle))
    tidings_imap_client_idle_done (self->idle);
  return G_SOURCE_REMOVE;
}

static void
news_arrived (TidingsImapAccount *self)
{
  self->idle_news = TRUE;
  if (self->idle_busy || self->idle_news_source != 0)
    return;
  if (self->idle != NULL && tidings_imap_client_is_idling (self->idle))
    self->idle_news_source = add_timeout (self, NEWS_DELAY_MS, news_cb);
}

static void
on_idle_exists (TidingsImapClient *client,
                guint              count,
                gpointer           user_data)
{
  news_arrived (user_data);
}

static void
on_idle_expunge (TidingsImapClient *client,
                 guint              seq,
                 gpointer           user_data)
{
  news_arrived (user_data);
}

static void
on_idle_vanished (TidingsImapClient      *client,
                  TidingsImapSequenceSet *uids,
                  gboolean                earlier,
                  gpointer                user_data)
{
  TidingsImapAccount *self = user_data;

  /* During the INBOX pass its own handlers apply these. */
  if (!self->idle_busy)
    news_arrived (self);
}

static void
on_idle_fetch (TidingsImapClient *client,
               TidingsImapFetch  *fetch,
               gpointer           user_data)
{
  TidingsImapAccount *self = user_data;

  if (!self->idle_busy)
    news_arrived (self);
}

static void
on_idle_closed (TidingsImapClient *client,
                const GError      *error,
                gpointer           user_data)
{
  TidingsImapAccount *self = user_data;

  /* Let the running command fail first; then drop the client. */
  if (self->idle == client && !self->idle_busy && !tidings_imap_client_is_idling (client))
    connection_lost (self, error);
}

static void enter_idle (TidingsImapAccount *self);

static void
on_idle_finished (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TidingsImapAccount *self = user_data;
  GError *error = NULL;

  remove_source (self, &self->idle_renew_source);
  if (!tidings_imap_client_idle_finish (TIDINGS_IMAP_CLIENT (source), result, &error))
    {
      if (TIDINGS_IMAP_CLIENT (source) == self->idle)
        connection_lost (self, error);
      g_error_free (error);
      g_object_unref (self);
      return;
    }
  if (self->idle_news)
    idle_sync_inbox (self);
  else
    enter_idle (self);
  g_object_unref (self);
}

static void
on_noop_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TidingsImapAccount *self = user_data;
  GError *error = NULL;

  if (!tidings_imap_client_noop_finish (TIDINGS_IMAP_CLIENT (source), result, &error))
    {
      if (TIDINGS_IMAP_CLIENT (source) == self->idle)
        connection_lost (self, error);
      g_error_free (error);
      g_object_unref (self);
      return;
    }
  if (self->idle_news)
    idle_sync_inbox (self);
  else
    enter_idle (self);
  g_object_unref (self);
}

static gboolean
noop_cb (gpointer user_data)
{
  TidingsImapAccount *self = user_data;

  self->noop_source = 0;
  if (self->idle != NULL)
    tidings_imap_client_noop_async (self->idle, self->online_cancellable, on_noop_done,
                                    g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
enter_idle (TidingsImapAccount *self)
{
  if (self->idle == NULL || !self->started)
    return;
  if (!tidings_imap_client_has_capability (self->idle, "IDLE"))
    {
      self->noop_source = add_timeout (self, self->noop_seconds * 1000, noop_cb);
      return;
    }
  self->idle_renew_source = add_timeout (self, self->idle_seconds * 1000, renew_idle_cb);
  tidings_imap_client_idle_async (self->idle, self->online_cancellable, on_idle_finished,
                                  g_object_ref (self));
}

static void
on_inbox_synced (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TidingsImapAccount *self = user_data;
  GError *error = NULL;

  self->idle_busy = FALSE;
  if (!tidings_imap_folder_sync_finish (result, NULL, &error))
    {
      connection_lost (self, error);
      g_error_free (error);
      g_object_unref (self);
      return;
    }
  if (self->idle_news)
    idle_sync_inbox (self);
  else
    enter_idle (self);
  g_object_unref (self);
}

/* Queued user actions go out first (on the work connection, so no op is
 * ever replayed twice at once); otherwise this pass would put the server's
 * old flags back in the store until the replay ran. */
static gboolean
replay_first (TidingsImapAccount *self)
{
  g_autoptr(TidingsStoreOperation) op = NULL;

  if (self->idle_replayed)
    {
      self->idle_replayed = FALSE;
      return FALSE;
    }
  if (!tidings_store_peek_operation (self->store, self->account_id, &op, NULL) || op == NULL)
    return FALSE;
  self->idle_busy = TRUE;
  self->idle_replayed = TRUE;
  _tidings_imap_account_queue_replay (self);
  return TRUE;
}

void
_tidings_imap_account_idle_sync_inbox (TidingsImapAccount *self)
{
  self->idle_busy = FALSE;
  idle_sync_inbox (self);
}

static void
idle_sync_inbox (TidingsImapAccount *self)
{
  TidingsImapSyncHooks hooks = _tidings_imap_account_hooks (self);

  if (self->idle == NULL || !self->started)
    return;
  if (replay_first (self))
    return;
  self->idle_news = FALSE;
  self->idle_busy = TRUE;
  tidings_imap_folder_sync_async (self->store, self->idle, self->inbox_id,
                                  _tidings_imap_account_folder_options (self), self->batch_size,
                                  &hooks, self->online_cancellable, on_inbox_synced,
                                  g_object_ref (self));
}

static gboolean
find_inbox (TidingsImapAccount  *self,
            GError             **error)
{
  return tidings_store_find_folder_by_role (self->store, self->account_id, TIDINGS_FOLDER_ROLE_INBOX,
                                            &self->inbox_id, error);
}

static void
on_idle_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TidingsImapAccount *self = user_data;
  g_autoptr(GPtrArray) mailboxes = NULL;
  GError *error = NULL;

  mailboxes = tidings_imap_client_list_finish (TIDINGS_IMAP_CLIENT (source), result, &error);
  if (mailboxes == NULL
      || !tidings_imap_folder_list_apply (self->store, self->account_id, mailboxes, &error)
      || !find_inbox (self, &error))
    {
      connection_lost (self, error);
      g_error_free (error);
      g_object_unref (self);
      return;
    }
  if (self->inbox_id == 0)
    {
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The server lists no INBOX."));
      _tidings_imap_account_set_error_state (self, error);
      g_error_free (error);
      drop_idle_client (self);
    }
  else
    idle_sync_inbox (self);
  g_object_unref (self);
}

static void
on_idle_logged_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TidingsImapAccount *self = TIDINGS_IMAP_ACCOUNT (source);
  GError *error = NULL;
  TidingsImapClient *client;

  client = _tidings_imap_account_login_finish (self, result, &error);
  if (client == NULL)
    {
      connection_lost (self, error);
      g_error_free (error);
      return;
    }
  if (!self->started)
    {
      tidings_imap_client_close (client);
      g_object_unref (client);
      return;
    }
  self->idle = client;
  self->backoff = 0;
  self->idle_handlers[0] = g_signal_connect (client, "exists", G_CALLBACK (on_idle_exists), self);
  self->idle_handlers[1] = g_signal_connect (client, "expunge", G_CALLBACK (on_idle_expunge), self);
  self->idle_handlers[2] = g_signal_connect (client, "vanished", G_CALLBACK (on_idle_vanished), self);
  self->idle_handlers[3] = g_signal_connect (client, "fetch", G_CALLBACK (on_idle_fetch), self);
  self->idle_handlers[4] = g_signal_connect (client, "closed", G_CALLBACK (on_idle_closed), self);
  _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_ONLINE, NULL);

  if (!find_inbox (self, &error))
    {
      connection_lost (self, error);
      g_error_free (error);
      return;
    }
  if (self->inbox_id == 0)
    tidings_imap_client_list_async (client, self->online_cancellable, on_idle_listed, g_object_ref (self));
  else
    idle_sync_inbox (self);
}

static void
idle_connect (TidingsImapAccount *self)
{
  if (!self->started || self->idle != NULL)
    return;
  _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_CONNECTING, NULL);
  _tidings_imap_account_login_async (self, self->online_cancellable, on_idle_logged_in, NULL);
}

/* STATUS checks of the other folders ----------------------------------- */

typedef struct
{
  GPtrArray         *folders;   /* TidingsStoreFolder, INBOX left out */
  guint              index;
  TidingsImapClient *client;
} StatusOp;

static void
status_op_free (StatusOp *op)
{
  g_clear_pointer (&op->folders, g_ptr_array_unref);
  g_clear_object (&op->client);
  g_free (op);
}

static void status_next (TidingsImapAccount *self, GTask *task);

static void
on_status_folder_synced (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  StatusOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_imap_folder_sync_finish (result, NULL, &error))
    {
      _tidings_imap_account_job_done (g_task_get_source_object (task), task, error);
      return;
    }
  op->index++;
  status_next (g_task_get_source_object (task), task);
}

static gboolean
folder_differs (TidingsImapAccount             *self,
                const TidingsStoreFolder       *folder,
                const TidingsImapMailboxStatus *status)
{
  if (folder->uidvalidity == 0)
    return TRUE;
  if ((status->present & TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY) && status->uidvalidity != folder->uidvalidity)
    return TRUE;
  if ((status->present & TIDINGS_IMAP_STATUS_ITEM_UIDNEXT) && status->uidnext != folder->uidnext)
    return TRUE;
  if ((status->present & TIDINGS_IMAP_STATUS_ITEM_HIGHESTMODSEQ) && folder->highestmodseq > 0)
    return status->highestmodseq != (guint64) folder->highestmodseq;
  /* Without modseqs, a count that differs means an expunge. */
  return (status->present & TIDINGS_IMAP_STATUS_ITEM_MESSAGES) && status->messages != folder->total_count;
}

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  StatusOp *op = g_task_get_task_data (task);
  const TidingsStoreFolder *folder = g_ptr_array_index (op->folders, op->index);
  g_autoptr(TidingsImapMailboxStatus) status = NULL;
  GError *error = NULL;

  status = tidings_imap_client_status_finish (op->client, result, &error);
  if (status == NULL)
    {
      _tidings_imap_account_job_done (self, task, error);
      return;
    }
  if (folder_differs (self, folder, status))
    {
      TidingsImapSyncHooks hooks = _tidings_imap_account_hooks (self);

      tidings_imap_folder_sync_async (self->store, op->client, folder->id,
                                      _tidings_imap_account_folder_options (self), self->batch_size,
                                      &hooks, g_task_get_cancellable (task),
                                      on_status_folder_synced, task);
      return;
    }
  op->index++;
  status_next (self, task);
}

static void
status_next (TidingsImapAccount *self,
             GTask              *task)
{
  StatusOp *op = g_task_get_task_data (task);
  const TidingsStoreFolder *folder;

  if (op->index >= op->folders->len)
    {
      _tidings_imap_account_job_done (self, task, NULL);
      return;
    }
  folder = g_ptr_array_index (op->folders, op->index);
  tidings_imap_client_status_async (op->client, folder->path,
                                    TIDINGS_IMAP_STATUS_ITEM_MESSAGES | TIDINGS_IMAP_STATUS_ITEM_UIDNEXT
                                    | TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY
                                    | (folder->highestmodseq > 0 ? TIDINGS_IMAP_STATUS_ITEM_HIGHESTMODSEQ : 0),
                                    g_task_get_cancellable (task), on_status, task);
}

static void
run_status (TidingsImapAccount *self,
            GTask              *task,
            TidingsImapClient  *client)
{
  StatusOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) folders = NULL;
  GError *error = NULL;

  op->client = g_object_ref (client);
  folders = tidings_store_list_folders (self->store, self->account_id, &error);
  if (folders == NULL)
    {
      _tidings_imap_account_job_done (self, task, error);
      return;
    }
  op->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_folder_free);
  for (guint i = 0; i < folders->len; i++)
    {
      const TidingsStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role != TIDINGS_FOLDER_ROLE_INBOX)
        g_ptr_array_add (op->folders, tidings_store_folder_copy (folder));
    }
  status_next (self, task);
}

static void
on_status_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Folder check failed: %s", error->message);
}

static gboolean
status_cb (gpointer user_data)
{
  TidingsImapAccount *self = user_data;
  GTask *task = g_task_new (self, self->online_cancellable, on_status_done, NULL);

  g_task_set_source_tag (task, status_cb);
  g_task_set_task_data (task, g_new0 (StatusOp, 1), (GDestroyNotify) status_op_free);
  _tidings_imap_account_queue_job (self, task, run_status);
  return G_SOURCE_CONTINUE;
}

/* Public ----------------------------------------------------------------- */

void
tidings_imap_account_start (TidingsImapAccount *self)
{
  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->backoff = 0;
  self->online_cancellable = g_cancellable_new ();
  self->network = tidings_network_watch_new (NULL, TIDINGS_NETWORK_WATCH_DEFAULT_DEBOUNCE_MS);
  self->network_handler = g_signal_connect (self->network, "changed", G_CALLBACK (on_network_changed), self);
  /* Everything once (with offline bodies), then INBOX on its own line. */
  tidings_imap_account_sync_async (self, NULL, TIDINGS_IMAP_SYNC_NONE, self->online_cancellable,
                                   NULL, NULL);
  self->status_source = add_timeout (self, self->status_seconds * 1000, status_cb);
  idle_connect (self);
}

void
_tidings_imap_account_online_stop (TidingsImapAccount *self)
{
  if (!self->started)
    return;
  self->started = FALSE;
  g_cancellable_cancel (self->online_cancellable);
  g_clear_object (&self->online_cancellable);
  remove_source (self, &self->status_source);
  remove_source (self, &self->reconnect_source);
  drop_idle_client (self);
  if (self->network != NULL)
    g_clear_signal_handler (&self->network_handler, self->network);
  g_clear_object (&self->network);
  _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_OFFLINE, NULL);
}

void
tidings_imap_account_stop (TidingsImapAccount *self)
{
  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));

  _tidings_imap_account_online_stop (self);
}

gboolean
tidings_imap_account_is_started (TidingsImapAccount *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self), FALSE);

  return self->started;
}
