/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "imap/tidings-imap-error.h"
#include "tidings-credentials.h"
#include "tidings-imap-account-private.h"
#include "tidings-imap-bodies.h"
#include "tidings-imap-replay.h"


enum
{
  SIGNAL_PROGRESS,
  SIGNAL_MESSAGE_EVENT,
  SIGNAL_STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TidingsImapAccount, tidings_imap_account, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (TidingsImapSyncStats, tidings_imap_sync_stats,
                     tidings_imap_sync_stats_copy, tidings_imap_sync_stats_free)

TidingsImapSyncStats *
tidings_imap_sync_stats_copy (const TidingsImapSyncStats *stats)
{
  return g_memdup2 (stats, sizeof *stats);
}

void
tidings_imap_sync_stats_free (TidingsImapSyncStats *stats)
{
  g_free (stats);
}

const char *
tidings_imap_account_state_to_string (TidingsImapAccountState state)
{
  switch (state)
    {
    case TIDINGS_IMAP_ACCOUNT_OFFLINE:
      return "offline";
    case TIDINGS_IMAP_ACCOUNT_CONNECTING:
      return "connecting";
    case TIDINGS_IMAP_ACCOUNT_ONLINE:
      return "online";
    case TIDINGS_IMAP_ACCOUNT_ERROR:
    default:
      return "error";
    }
}

/* State -------------------------------------------------------------- */

void
_tidings_imap_account_set_state (TidingsImapAccount      *self,
                                 TidingsImapAccountState  state,
                                 const char              *message)
{
  if (self->state == state && state != TIDINGS_IMAP_ACCOUNT_ERROR)
    return;
  self->state = state;
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, state, message);
}

static gboolean
is_auth_error (const GError *error)
{
  return g_error_matches (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_AUTHENTICATION);
}

void
_tidings_imap_account_set_error_state (TidingsImapAccount *self,
                                       const GError       *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (is_auth_error (error))
    message = g_strdup_printf (_("The server %s rejected the password for %s."),
                               self->settings->incoming.host,
                               self->settings->incoming.user != NULL ? self->settings->incoming.user
                                                                     : self->email);
  else
    message = g_strdup (error->message);
  _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_ERROR, message);
}

TidingsImapFolderSyncOptions
_tidings_imap_account_folder_options (TidingsImapAccount *self)
{
  TidingsImapFolderSyncOptions options = TIDINGS_IMAP_FOLDER_SYNC_NONE;

  if (self->options & TIDINGS_IMAP_ACCOUNT_OPTION_NO_QRESYNC)
    options |= TIDINGS_IMAP_FOLDER_SYNC_NO_QRESYNC;
  if (self->options & TIDINGS_IMAP_ACCOUNT_OPTION_NO_CONDSTORE)
    options |= TIDINGS_IMAP_FOLDER_SYNC_NO_CONDSTORE;
  return options;
}

static void
hook_event (const char *kind,
            gint64      folder_id,
            gint64      message_id,
            guint32     uid,
            gpointer    user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_MESSAGE_EVENT], 0, kind, folder_id, message_id, (guint) uid);
}

static void
hook_progress (const char *path,
               guint       done,
               guint       total,
               gpointer    user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_PROGRESS], 0, path, done, total);
}

TidingsImapSyncHooks
_tidings_imap_account_hooks (TidingsImapAccount *self)
{
  TidingsImapSyncHooks hooks = { NULL, hook_progress, self };

  /* Events cost a little per message: only when someone listens. */
  if (g_signal_has_handler_pending (self, signals[SIGNAL_MESSAGE_EVENT], 0, FALSE))
    hooks.event = hook_event;
  return hooks;
}

/* Login -------------------------------------------------------------- */

typedef struct
{
  TidingsImapClient *client;
} LoginOp;

static void
login_op_free (LoginOp *op)
{
  g_clear_object (&op->client);
  g_free (op);
}

static void
login_fail (GTask  *task,
            GError *error)
{
  LoginOp *op = g_task_get_task_data (task);

  if (op->client != NULL)
    tidings_imap_client_close (op->client);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_logged_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  LoginOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_imap_client_login_finish (op->client, result, &error))
    {
      login_fail (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&op->client), g_object_unref);
  g_object_unref (task);
}

static void
on_password (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  LoginOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  char *password;
  const char *user;

  password = tidings_credentials_get_password_finish (result, &error);
  if (password == NULL)
    {
      login_fail (task, error);
      return;
    }
  user = self->settings->incoming.user != NULL ? self->settings->incoming.user : self->email;
  tidings_imap_client_login_async (op->client, user, password, g_task_get_cancellable (task),
                                   on_logged_in, task);
  tidings_credentials_free_password (password);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  LoginOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_imap_client_connect_finish (op->client, result, &error))
    {
      login_fail (task, error);
      return;
    }
  tidings_credentials_get_password_async (&self->settings->incoming, g_task_get_cancellable (task),
                                          on_password, task);
}

void
_tidings_imap_account_login_async (TidingsImapAccount  *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(TidingsConnection) connection = NULL;
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  LoginOp *op = g_new0 (LoginOp, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, _tidings_imap_account_login_async);
  g_task_set_task_data (task, op, (GDestroyNotify) login_op_free);
  connection = tidings_credentials_new_connection (self->store, self->account_id,
                                                   &self->settings->incoming, &error);
  if (connection == NULL)
    {
      login_fail (task, error);
      return;
    }
  if (self->tls_database != NULL)
    tidings_connection_set_tls_database (connection, self->tls_database);
  op->client = tidings_imap_client_new (connection);
  if (self->options & TIDINGS_IMAP_ACCOUNT_OPTION_NO_COMPRESS)
    tidings_imap_client_set_compress (op->client, FALSE);
  tidings_imap_client_connect_async (op->client, cancellable, on_connected, task);
}

TidingsImapClient *
_tidings_imap_account_login_finish (TidingsImapAccount  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Jobs on the work client -------------------------------------------- */

static void run_next_job (TidingsImapAccount *self);

static void
on_work_closed (TidingsImapClient *client,
                const GError      *error,
                gpointer           user_data)
{
  TidingsImapAccount *self = user_data;

  /* The running job sees its command fail; the next one reconnects. */
  g_clear_signal_handler (&self->work_closed_handler, self->work);
  g_clear_object (&self->work);
}

static gboolean
run_next_job_idle (gpointer user_data)
{
  TidingsImapAccount *self = user_data;

  self->next_job_source = 0;
  run_next_job (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_next_job (TidingsImapAccount *self)
{
  GSource *source;

  if (self->next_job_source != 0 || self->current != NULL)
    return;
  source = g_idle_source_new ();
  g_source_set_callback (source, run_next_job_idle, self, NULL);
  self->next_job_source = g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
job_end (TidingsImapAccount *self,
         GTask              *task)
{
  g_assert (self->current == task);
  self->current = NULL;
  schedule_next_job (self);
  g_object_unref (task);
}

void
_tidings_imap_account_job_done (TidingsImapAccount *self,
                                GTask              *task,
                                GError             *error)
{
  if (error != NULL)
    {
      /* After a connection-level failure the client is unusable. */
      if (self->work != NULL
          && tidings_imap_client_get_state (self->work) == TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED)
        on_work_closed (self->work, NULL, self);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
  job_end (self, task);
}

void
_tidings_imap_account_job_return_pointer (TidingsImapAccount *self,
                                          GTask              *task,
                                          gpointer            result,
                                          GDestroyNotify      result_destroy)
{
  g_task_return_pointer (task, result, result_destroy);
  job_end (self, task);
}

static void
start_job (TidingsImapAccount *self,
           GTask              *task)
{
  TidingsImapJobFunc run = g_object_get_data (G_OBJECT (task), "tidings-job");
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      _tidings_imap_account_job_done (self, task, error);
      return;
    }
  run (self, task, self->work);
}

static void
on_work_logged_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TidingsImapAccount *self = TIDINGS_IMAP_ACCOUNT (source);
  GTask *task = self->current;
  GError *error = NULL;
  TidingsImapClient *client;

  client = _tidings_imap_account_login_finish (self, result, &error);
  if (client == NULL)
    {
      _tidings_imap_account_set_error_state (self, error);
      _tidings_imap_account_job_done (self, task, error);
      return;
    }
  self->work = client;
  self->work_closed_handler = g_signal_connect (client, "closed", G_CALLBACK (on_work_closed), self);
  if (!self->started)
    _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_ONLINE, NULL);
  start_job (self, task);
}

static void
run_next_job (TidingsImapAccount *self)
{
  GTask *task;

  if (self->current != NULL)
    return;
  task = g_queue_pop_head (&self->jobs);
  if (task == NULL)
    return;
  self->current = task;
  if (self->work != NULL
      && tidings_imap_client_get_state (self->work) >= TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED
      && tidings_imap_client_get_state (self->work) <= TIDINGS_IMAP_CLIENT_STATE_SELECTED)
    {
      start_job (self, task);
      return;
    }
  if (self->work != NULL)
    on_work_closed (self->work, NULL, self);
  if (self->state != TIDINGS_IMAP_ACCOUNT_ONLINE)
    _tidings_imap_account_set_state (self, TIDINGS_IMAP_ACCOUNT_CONNECTING, NULL);
  _tidings_imap_account_login_async (self, g_task_get_cancellable (task), on_work_logged_in, NULL);
}

void
_tidings_imap_account_queue_job (TidingsImapAccount *self,
                                 GTask              *task,
                                 TidingsImapJobFunc  run)
{
  g_object_set_data (G_OBJECT (task), "tidings-job", run);
  g_queue_push_tail (&self->jobs, task);
  schedule_next_job (self);
}

/* Replay only ("kick") ------------------------------------------------- */

static void
on_kick_replayed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  tidings_imap_replay_run_finish (result, NULL, &error);
  _tidings_imap_account_job_done (g_task_get_source_object (task), task, error);
}

static void
run_replay (TidingsImapAccount *self,
            GTask              *task,
            TidingsImapClient  *client)
{
  tidings_imap_replay_run_async (self->store, self->account_id, client, g_task_get_cancellable (task),
                                 on_kick_replayed, task);
}

static void
on_kick_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TidingsImapAccount *self = TIDINGS_IMAP_ACCOUNT (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Replay failed: %s", error->message);
  /* An INBOX pass of the IDLE connection was waiting for this replay. */
  if (self->idle_replayed && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _tidings_imap_account_idle_sync_inbox (self);
}

void
_tidings_imap_account_queue_replay (TidingsImapAccount *self)
{
  GTask *task = g_task_new (self, self->online_cancellable, on_kick_done, NULL);

  g_task_set_source_tag (task, _tidings_imap_account_queue_replay);
  _tidings_imap_account_queue_job (self, task, run_replay);
}

void
tidings_imap_account_kick (TidingsImapAccount *self)
{
  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));

  _tidings_imap_account_queue_replay (self);
}

/* Body on demand ------------------------------------------------------- */

static void
on_body_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  GBytes *body = tidings_imap_body_fetch_finish (result, &error);

  if (body != NULL)
    _tidings_imap_account_job_return_pointer (g_task_get_source_object (task), task, body,
                                              (GDestroyNotify) g_bytes_unref);
  else
    _tidings_imap_account_job_done (g_task_get_source_object (task), task, error);
}

static void
run_fetch_body (TidingsImapAccount *self,
                GTask              *task,
                TidingsImapClient  *client)
{
  gint64 message_id = GPOINTER_TO_SIZE (g_task_get_task_data (task));

  tidings_imap_body_fetch_async (self->store, client, message_id, g_task_get_cancellable (task),
                                 on_body_fetched, task);
}

void
tidings_imap_account_fetch_body_async (TidingsImapAccount  *self,
                                       gint64               message_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));
  g_return_if_fail (message_id > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_account_fetch_body_async);
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) message_id), NULL);
  _tidings_imap_account_queue_job (self, task, run_fetch_body);
}

GBytes *
tidings_imap_account_fetch_body_finish (TidingsImapAccount  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Object --------------------------------------------------------------- */

static void
tidings_imap_account_dispose (GObject *object)
{
  TidingsImapAccount *self = TIDINGS_IMAP_ACCOUNT (object);

  _tidings_imap_account_online_stop (self);
  if (self->next_job_source != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, self->next_job_source);

      if (source != NULL)
        g_source_destroy (source);
      self->next_job_source = 0;
    }
  if (self->work != NULL)
    {
      g_clear_signal_handler (&self->work_closed_handler, self->work);
      tidings_imap_client_close (self->work);
      g_clear_object (&self->work);
    }
  G_OBJECT_CLASS (tidings_imap_account_parent_class)->dispose (object);
}

static void
tidings_imap_account_finalize (GObject *object)
{
  TidingsImapAccount *self = TIDINGS_IMAP_ACCOUNT (object);

  g_clear_pointer (&self->settings, tidings_account_settings_free);
  g_clear_object (&self->tls_database);
  g_clear_object (&self->store);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->email);
  G_OBJECT_CLASS (tidings_imap_account_parent_class)->finalize (object);
}

static void
tidings_imap_account_class_init (TidingsImapAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_imap_account_dispose;
  object_class->finalize = tidings_imap_account_finalize;

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_MESSAGE_EVENT] =
    g_signal_new ("message-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_UINT);
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
tidings_imap_account_init (TidingsImapAccount *self)
{
  g_queue_init (&self->jobs);
  self->batch_size = TIDINGS_IMAP_FOLDER_SYNC_DEFAULT_BATCH;
  self->status_seconds = 180;
  self->noop_seconds = 60;
  self->idle_seconds = 25 * 60;
  self->state = TIDINGS_IMAP_ACCOUNT_OFFLINE;
}

/* The one place the quirk variable is read. */
static TidingsImapAccountOptions
options_from_environment (void)
{
  const char *value = g_getenv ("TIDINGS_IMAP_DISABLE");
  g_auto(GStrv) words = NULL;
  TidingsImapAccountOptions options = TIDINGS_IMAP_ACCOUNT_OPTION_NONE;

  if (value == NULL)
    return options;
  words = g_strsplit_set (value, ", ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (words[i], "qresync") == 0)
        options |= TIDINGS_IMAP_ACCOUNT_OPTION_NO_QRESYNC;
      else if (g_ascii_strcasecmp (words[i], "condstore") == 0)
        options |= TIDINGS_IMAP_ACCOUNT_OPTION_NO_CONDSTORE | TIDINGS_IMAP_ACCOUNT_OPTION_NO_QRESYNC;
      else if (g_ascii_strcasecmp (words[i], "compress") == 0)
        options |= TIDINGS_IMAP_ACCOUNT_OPTION_NO_COMPRESS;
    }
  return options;
}

TidingsImapAccount *
tidings_imap_account_new (TidingsStore  *store,
                          gint64         account_id,
                          GError       **error)
{
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsAccountSettings) settings = NULL;
  TidingsImapAccount *self;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), NULL);

  account = tidings_store_get_account (store, account_id, error);
  if (account == NULL)
    return NULL;
  if (g_strcmp0 (account->kind, "imap") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The account “%s” is not an IMAP account."), account->name);
      return NULL;
    }
  settings = tidings_account_settings_from_json (account->settings, error);
  if (settings == NULL)
    return NULL;
  if (settings->incoming.host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The account “%s” has no incoming server."), account->name);
      return NULL;
    }

  self = g_object_new (TIDINGS_TYPE_IMAP_ACCOUNT, NULL);
  self->store = g_object_ref (store);
  self->account_id = account_id;
  self->settings = g_steal_pointer (&settings);
  self->email = g_strdup (account->email);
  self->context = g_main_context_ref_thread_default ();
  self->options = options_from_environment ();
  return self;
}

gint64
tidings_imap_account_get_id (TidingsImapAccount *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self), 0);
  return self->account_id;
}

TidingsImapAccountState
tidings_imap_account_get_state (TidingsImapAccount *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self), TIDINGS_IMAP_ACCOUNT_OFFLINE);
  return self->state;
}

void
tidings_imap_account_set_options (TidingsImapAccount        *self,
                                  TidingsImapAccountOptions  options)
{
  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));
  self->options = options;
}

void
tidings_imap_account_set_batch_size (TidingsImapAccount *self,
                                     guint               batch_size)
{
  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));
  self->batch_size = batch_size > 0 ? batch_size : TIDINGS_IMAP_FOLDER_SYNC_DEFAULT_BATCH;
}

void
tidings_imap_account_set_tls_database (TidingsImapAccount *self,
                                       GTlsDatabase       *database)
{
  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));
  g_set_object (&self->tls_database, database);
}

void
tidings_imap_account_set_intervals (TidingsImapAccount *self,
                                    guint               status_seconds,
                                    guint               noop_seconds,
                                    guint               idle_seconds)
{
  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));
  self->status_seconds = MAX (status_seconds, 1);
  self->noop_seconds = MAX (noop_seconds, 1);
  self->idle_seconds = CLAMP (idle_seconds, 1, 25 * 60);
}
