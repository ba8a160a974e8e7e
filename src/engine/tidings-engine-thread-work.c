/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the engine thread runs: one object per account (IMAP sync and IDLE,
 * or a POP3 schedule), the outbox sender, and the store's upkeep. All of it
 * lives on the engine thread; news goes out through _tidings_engine_thread_post. */
#include "config.h"

#include "tidings-engine-thread-private.h"
#include "account/tidings-account-settings.h"
#include "account/tidings-credentials.h"
#include "account/tidings-imap-account.h"
#include "account/tidings-outbox-sender.h"
#include "account/tidings-pop3-scheduler.h"

/* One short transaction per slice keeps user actions from waiting. */
#define BACKLOG_SLICE 200
#define UPKEEP_FIRST_SECONDS (5 * 60)
#define UPKEEP_EVERY_SECONDS (60 * 60)

typedef struct
{
  TidingsEngineThread *engine;
  gint64               account_id;
  char                *kind;
  GObject             *runner;      /* TidingsImapAccount or TidingsPop3Scheduler */
  GCancellable        *cancellable; /* the POP3 password lookup */
} EngineAccount;

typedef struct
{
  GHashTable          *accounts;    /* gint64 id -> EngineAccount */
  TidingsOutboxSender *sender;
  gulong               changed_id;
  guint                backlog_source;
  guint                upkeep_source;
} EngineWork;

static void
engine_account_free (gpointer data)
{
  EngineAccount *account = data;

  g_cancellable_cancel (account->cancellable);
  g_clear_object (&account->cancellable);
  if (TIDINGS_IS_IMAP_ACCOUNT (account->runner))
    {
      g_signal_handlers_disconnect_by_data (account->runner, account);
      tidings_imap_account_stop (TIDINGS_IMAP_ACCOUNT (account->runner));
    }
  else if (TIDINGS_IS_POP3_SCHEDULER (account->runner))
    {
      g_signal_handlers_disconnect_by_data (account->runner, account);
      tidings_pop3_scheduler_stop (TIDINGS_POP3_SCHEDULER (account->runner));
    }
  g_clear_object (&account->runner);
  g_free (account->kind);
  g_free (account);
}

static void
post_state (EngineAccount *account,
            const char    *state,
            const char    *message)
{
  _tidings_engine_thread_post (account->engine, SIGNAL_ACCOUNT_STATE, account->account_id,
                               state, message, 0, 0, NULL);
}

/* IMAP ------------------------------------------------------------------ */

static void
imap_state_cb (TidingsImapAccount      *imap,
               TidingsImapAccountState  state,
               const char              *message,
               gpointer                 user_data)
{
  post_state (user_data, tidings_imap_account_state_to_string (state), message);
}

static void
imap_message_event_cb (TidingsImapAccount *imap,
                       const char         *kind,
                       gint64              folder_id,
                       gint64              message_id,
                       guint               uid,
                       gpointer            user_data)
{
  EngineAccount *account = user_data;

  _tidings_engine_thread_post (account->engine, SIGNAL_MESSAGE_EVENT, account->account_id,
                               kind, NULL, folder_id, message_id, NULL);
}

static void
start_imap (EngineAccount *account)
{
  g_autoptr(GError) error = NULL;
  TidingsImapAccount *imap = tidings_imap_account_new (account->engine->store,
                                                       account->account_id, &error);

  if (imap == NULL)
    {
      post_state (account, "error", error->message);
      return;
    }
  account->runner = G_OBJECT (imap);
  g_signal_connect (imap, "state-changed", G_CALLBACK (imap_state_cb), account);
  g_signal_connect (imap, "message-event", G_CALLBACK (imap_message_event_cb), account);
  tidings_imap_account_start (imap);
}

/* POP3 ------------------------------------------------------------------ */

static void
pop3_started_cb (TidingsPop3Scheduler *scheduler,
                 gpointer              user_data)
{
  post_state (user_data, "connecting", NULL);
}

static void
pop3_finished_cb (TidingsPop3Scheduler *scheduler,
                  const GError         *error,
                  TidingsPop3Download  *download,
                  gpointer              user_data)
{
  post_state (user_data, error != NULL ? "error" : "online", error != NULL ? error->message : NULL);
}

static void
pop3_password_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  EngineAccount *account = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreAccount) stored = NULL;
  g_autoptr(TidingsAccountSettings) settings = NULL;
  g_autoptr(TidingsPop3Download) download = NULL;
  TidingsPop3Scheduler *scheduler;
  char *password = tidings_credentials_get_password_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the account went away meanwhile */
  stored = tidings_store_get_account (account->engine->store, account->account_id, NULL);
  settings = stored != NULL ? tidings_account_settings_from_json (stored->settings, &error) : NULL;
  if (password == NULL || settings == NULL)
    {
      post_state (account, "error", error != NULL ? error->message : NULL);
      tidings_credentials_free_password (password);
      return;
    }
  download = tidings_pop3_download_new (account->engine->store, account->account_id, settings, password);
  tidings_credentials_free_password (password);
  scheduler = tidings_pop3_scheduler_new (download, settings->pop3_check_minutes);
  account->runner = G_OBJECT (scheduler);
  g_signal_connect (scheduler, "check-started", G_CALLBACK (pop3_started_cb), account);
  g_signal_connect (scheduler, "check-finished", G_CALLBACK (pop3_finished_cb), account);
  tidings_pop3_scheduler_start (scheduler);
}

static void
start_pop3 (EngineAccount       *account,
            TidingsStoreAccount *stored)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsAccountSettings) settings = tidings_account_settings_from_json (stored->settings, &error);

  if (settings == NULL)
    {
      post_state (account, "error", error->message);
      return;
    }
  account->cancellable = g_cancellable_new ();
  tidings_credentials_get_password_async (&settings->incoming, account->cancellable,
                                          pop3_password_cb, account);
}

/* Accounts come and go with the store ------------------------------------ */

static void
sync_accounts (TidingsEngineThread *self)
{
  EngineWork *work = self->work;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GHashTable) present = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  EngineAccount *account;

  stored = tidings_store_list_accounts (self->store, &error);
  if (stored == NULL)
    {
      g_warning ("Engine: cannot read the accounts: %s", error->message);
      return;
    }
  for (guint i = 0; i < stored->len; i++)
    {
      TidingsStoreAccount *a = g_ptr_array_index (stored, i);

      if (g_strcmp0 (a->kind, "imap") != 0 && g_strcmp0 (a->kind, "pop3") != 0)
        continue;
      g_hash_table_add (present, &a->id);
      if (g_hash_table_contains (work->accounts, &a->id))
        continue;
      account = g_new0 (EngineAccount, 1);
      account->engine = self;
      account->account_id = a->id;
      account->kind = g_strdup (a->kind);
      g_hash_table_insert (work->accounts, &account->account_id, account);
      if (g_str_equal (a->kind, "imap"))
        start_imap (account);
      else
        start_pop3 (account, a);
    }

  g_hash_table_iter_init (&iter, work->accounts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &account))
    if (!g_hash_table_contains (present, &account->account_id))
      g_hash_table_iter_remove (&iter);
}

/* Store upkeep ----------------------------------------------------------- */

static gboolean
backlog_cb (gpointer data)
{
  TidingsEngineThread *self = data;
  EngineWork *work = self->work;
  g_autoptr(GError) error = NULL;
  guint remaining = 0;

  if (!tidings_store_index_backlog (self->store, BACKLOG_SLICE, &remaining, &error))
    {
      g_warning ("Engine: indexing for search failed: %s", error->message);
      remaining = 0;
    }
  if (remaining > 0)
    return G_SOURCE_CONTINUE;
  work->backlog_source = 0;
  return G_SOURCE_REMOVE;
}

static void
schedule_backlog (TidingsEngineThread *self)
{
  EngineWork *work = self->work;
  GSource *source;

  if (work->backlog_source != 0)
    return;
  /* Low priority: network and user actions come first. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, backlog_cb, self, NULL);
  work->backlog_source = g_source_attach (source, self->context);
  g_source_unref (source);
}

static gboolean
upkeep_cb (gpointer data)
{
  TidingsEngineThread *self = data;
  EngineWork *work = self->work;
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  if (!tidings_store_collect_garbage (self->store, &removed, &error)
      || !tidings_store_optimize (self->store, &error))
    g_warning ("Engine: store upkeep failed: %s", error->message);

  /* Again in an hour (the first run comes sooner). */
  {
    GSource *source = g_timeout_source_new_seconds (UPKEEP_EVERY_SECONDS);

    g_source_set_callback (source, upkeep_cb, self, NULL);
    work->upkeep_source = g_source_attach (source, self->context);
    g_source_unref (source);
  }
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (TidingsStore        *store,
                  TidingsStoreChanges *changes,
                  gpointer             user_data)
{
  TidingsEngineThread *self = user_data;
  guint n_folders = 0;

  _tidings_engine_thread_post (self, SIGNAL_STORE_CHANGED, 0, NULL, NULL, 0, 0, changes);
  tidings_store_changes_get_message_folders (changes, &n_folders);
  if (n_folders > 0)
    schedule_backlog (self);
  if (tidings_store_changes_get_accounts_changed (changes))
    sync_accounts (self);
  if (tidings_store_changes_get_outbox_changed (changes))
    tidings_outbox_sender_wake (((EngineWork *) self->work)->sender);
}

/* Outbox ----------------------------------------------------------------- */

static void
sending_cb (TidingsOutboxSender *sender,
            gint64               item_id,
            gpointer             user_data)
{
  _tidings_engine_thread_post (user_data, SIGNAL_OUTBOX_EVENT, item_id, "sending", NULL, 0, 0, NULL);
}

static void
sent_cb (TidingsOutboxSender *sender,
         gint64               item_id,
         const char          *warning,
         gpointer             user_data)
{
  _tidings_engine_thread_post (user_data, SIGNAL_OUTBOX_EVENT, item_id, "sent", warning, 0, 0, NULL);
}

static void
failed_cb (TidingsOutboxSender *sender,
           gint64               item_id,
           gboolean             temporary,
           const char          *message,
           gpointer             user_data)
{
  _tidings_engine_thread_post (user_data, SIGNAL_OUTBOX_EVENT, item_id, "failed", message, 0, 0, NULL);
}

/* Start, stop, kick ------------------------------------------------------ */

void
_tidings_engine_thread_work_start (TidingsEngineThread *self)
{
  EngineWork *work = g_new0 (EngineWork, 1);
  GSource *source;

  self->work = work;
  work->accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, engine_account_free);
  work->changed_id = g_signal_connect (self->store, "changed", G_CALLBACK (store_changed_cb), self);

  work->sender = tidings_outbox_sender_new (self->store);
  g_signal_connect (work->sender, "sending", G_CALLBACK (sending_cb), self);
  g_signal_connect (work->sender, "sent", G_CALLBACK (sent_cb), self);
  g_signal_connect (work->sender, "failed", G_CALLBACK (failed_cb), self);
  tidings_outbox_sender_start (work->sender);

  sync_accounts (self);
  schedule_backlog (self);   /* what a crash or an import left */

  source = g_timeout_source_new_seconds (UPKEEP_FIRST_SECONDS);
  g_source_set_callback (source, upkeep_cb, self, NULL);
  work->upkeep_source = g_source_attach (source, self->context);
  g_source_unref (source);
}

void
_tidings_engine_thread_work_stop (TidingsEngineThread *self)
{
  EngineWork *work = self->work;

  if (work == NULL)
    return;
  g_clear_signal_handler (&work->changed_id, self->store);
  if (work->backlog_source != 0)
    g_source_destroy (g_main_context_find_source_by_id (self->context, work->backlog_source));
  if (work->upkeep_source != 0)
    g_source_destroy (g_main_context_find_source_by_id (self->context, work->upkeep_source));
  g_hash_table_destroy (work->accounts);
  g_signal_handlers_disconnect_by_data (work->sender, self);
  tidings_outbox_sender_stop (work->sender);
  g_clear_object (&work->sender);

  /* Let closing connections finish what they started (bounded). */
  for (guint i = 0; i < 1000 && g_main_context_iteration (self->context, FALSE); i++)
    ;
  g_free (work);
  self->work = NULL;
}

void
_tidings_engine_thread_work_kick (TidingsEngineThread *self)
{
  EngineWork *work = self->work;
  GHashTableIter iter;
  EngineAccount *account;

  if (work == NULL)
    return;
  g_hash_table_iter_init (&iter, work->accounts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &account))
    if (TIDINGS_IS_IMAP_ACCOUNT (account->runner))
      tidings_imap_account_kick (TIDINGS_IMAP_ACCOUNT (account->runner));
  tidings_outbox_sender_wake (work->sender);
}
