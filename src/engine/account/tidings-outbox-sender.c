/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "smtp/tidings-smtp.h"
#include "tidings-account-settings.h"
#include "tidings-credentials.h"
#include "tidings-ingest.h"
#include "tidings-outbox-sender-private.h"

#define SENT_FOLDER_PATH "Sent"

struct _TidingsOutboxSender
{
  GObject                     parent_instance;

  TidingsStore               *store;
  GMainContext               *context;
  GTlsDatabase               *tls_database;
  guint                       first_retry;
  guint                       max_retry;

  gboolean                    started;
  gboolean                    running;      /* a pass is under way */
  gboolean                    recovered;    /* SENDING rows reset once */
  GSource                    *idle_source;
  GSource                    *timer_source;
  GCancellable               *cancellable;
  GPtrArray                  *drain_tasks;
  guint                       n_sent;
  guint                       n_failed;

  /* One session kept open through a pass while items of the same
   * account follow each other. */
  TidingsSmtpClient          *client;
  gint64                      client_account;
  /* Accounts whose server could not be reached in this pass: their other
   * messages wait for the next attempt without trying again. */
  GHashTable                 *unreachable;

  /* The item being sent. */
  TidingsStoreOutboxItem     *item;
  TidingsAccountSettings     *settings;

  TidingsOutboxDeliveredHook  delivered_hook;
  gpointer                    delivered_hook_data;
};

G_DEFINE_FINAL_TYPE (TidingsOutboxSender, tidings_outbox_sender, G_TYPE_OBJECT)

enum
{
  SIGNAL_SENDING,
  SIGNAL_SENT,
  SIGNAL_FAILED,
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void process_next (TidingsOutboxSender *self);
static void schedule_pass (TidingsOutboxSender *self);

static void
drop_client (TidingsOutboxSender *self)
{
  if (self->client != NULL)
    tidings_smtp_client_close (self->client);
  g_clear_object (&self->client);
  self->client_account = 0;
}

static void
clear_sources (TidingsOutboxSender *self)
{
  if (self->idle_source != NULL)
    {
      g_source_destroy (self->idle_source);
      g_clear_pointer (&self->idle_source, g_source_unref);
    }
  if (self->timer_source != NULL)
    {
      g_source_destroy (self->timer_source);
      g_clear_pointer (&self->timer_source, g_source_unref);
    }
}

static void
tidings_outbox_sender_dispose (GObject *object)
{
  TidingsOutboxSender *self = TIDINGS_OUTBOX_SENDER (object);

  clear_sources (self);
  drop_client (self);
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (tidings_outbox_sender_parent_class)->dispose (object);
}

static void
tidings_outbox_sender_finalize (GObject *object)
{
  TidingsOutboxSender *self = TIDINGS_OUTBOX_SENDER (object);

  g_clear_pointer (&self->item, tidings_store_outbox_item_free);
  g_clear_pointer (&self->settings, tidings_account_settings_free);
  g_clear_pointer (&self->unreachable, g_hash_table_unref);
  g_clear_pointer (&self->drain_tasks, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->tls_database);
  g_clear_object (&self->store);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (tidings_outbox_sender_parent_class)->finalize (object);
}

static void
tidings_outbox_sender_class_init (TidingsOutboxSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_outbox_sender_dispose;
  object_class->finalize = tidings_outbox_sender_finalize;

  signals[SIGNAL_SENDING] = g_signal_new ("sending", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                       G_TYPE_INT64, G_TYPE_STRING);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                         G_TYPE_INT64, G_TYPE_BOOLEAN, G_TYPE_STRING);
  signals[SIGNAL_IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tidings_outbox_sender_init (TidingsOutboxSender *self)
{
  self->first_retry = TIDINGS_OUTBOX_SENDER_DEFAULT_FIRST_RETRY;
  self->max_retry = TIDINGS_OUTBOX_SENDER_DEFAULT_MAX_RETRY;
  self->cancellable = g_cancellable_new ();
  self->drain_tasks = g_ptr_array_new ();
  self->unreachable = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

TidingsOutboxSender *
tidings_outbox_sender_new (TidingsStore *store)
{
  TidingsOutboxSender *self;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), NULL);
  g_return_val_if_fail (!tidings_store_is_read_only (store), NULL);

  self = g_object_new (TIDINGS_TYPE_OUTBOX_SENDER, NULL);
  self->store = g_object_ref (store);
  self->context = g_main_context_ref_thread_default ();
  return self;
}

void
tidings_outbox_sender_set_tls_database (TidingsOutboxSender *self,
                                        GTlsDatabase        *database)
{
  g_return_if_fail (TIDINGS_IS_OUTBOX_SENDER (self));
  g_set_object (&self->tls_database, database);
}

void
tidings_outbox_sender_set_backoff (TidingsOutboxSender *self,
                                   guint                first_seconds,
                                   guint                max_seconds)
{
  g_return_if_fail (TIDINGS_IS_OUTBOX_SENDER (self));
  g_return_if_fail (first_seconds > 0 && max_seconds >= first_seconds);

  self->first_retry = first_seconds;
  self->max_retry = max_seconds;
}

void
_tidings_outbox_sender_set_delivered_hook (TidingsOutboxSender        *self,
                                           TidingsOutboxDeliveredHook  hook,
                                           gpointer                    user_data)
{
  self->delivered_hook = hook;
  self->delivered_hook_data = user_data;
}

gboolean
tidings_outbox_sender_is_busy (TidingsOutboxSender *self)
{
  g_return_val_if_fail (TIDINGS_IS_OUTBOX_SENDER (self), FALSE);
  return self->running;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Seconds to wait after the @attempts-th failed attempt. */
static gint64
backoff (TidingsOutboxSender *self,
         guint                attempts)
{
  gint64 delay = self->first_retry;

  for (guint i = 1; i < attempts && delay < self->max_retry; i++)
    delay *= 2;
  return MIN (delay, (gint64) self->max_retry);
}

/* The sent copy ------------------------------------------------------------------ */

static gboolean
ensure_sent_folder (TidingsOutboxSender  *self,
                    gint64                account_id,
                    gint64               *out_folder,
                    GError              **error)
{
  g_autoptr(TidingsStoreFolder) folder = NULL;

  if (!tidings_store_find_folder_by_role (self->store, account_id, TIDINGS_FOLDER_ROLE_SENT,
                                          out_folder, error))
    return FALSE;
  if (*out_folder != 0)
    return TRUE;
  if (!tidings_store_find_folder (self->store, account_id, SENT_FOLDER_PATH, out_folder, error))
    return FALSE;
  if (*out_folder != 0)
    return TRUE;
  /* Same convention as POP3 accounts' local folders: path "Sent". */
  folder = tidings_store_folder_new ();
  folder->account_id = account_id;
  folder->path = g_strdup (SENT_FOLDER_PATH);
  folder->name = g_strdup (_("Sent"));
  folder->role = TIDINGS_FOLDER_ROLE_SENT;
  return tidings_store_add_folder (self->store, folder, out_folder, error);
}

static TidingsStoreMessage *
sent_copy (GBytes *raw,
           gint64  folder_id)
{
  g_autoptr(GError) error = NULL;
  TidingsStoreMessage *message = tidings_ingest_message (raw, folder_id, now_seconds (), &error);

  if (message == NULL)
    {
      /* Whatever was sent is kept, even if it does not parse. */
      g_warning ("Sent copy: %s", error->message);
      message = tidings_store_message_new ();
      message->folder_id = folder_id;
      message->date = message->internal_date = now_seconds ();
      message->size = g_bytes_get_size (raw);
      message->body_state = TIDINGS_BODY_STATE_FULL;
      message->raw = g_bytes_ref (raw);
    }
  message->flags |= TIDINGS_MESSAGE_FLAG_SEEN;
  return message;
}

/* Rows for recipients refused while others were accepted. */
static gboolean
requeue_rejected (TidingsOutboxSender          *self,
                  const TidingsStoreOutboxItem *item,
                  const TidingsSmtpSendResult  *result,
                  const char                   *host,
                  GError                      **error)
{
  for (int temporary = 0; temporary <= 1; temporary++)
    {
      g_autoptr(GPtrArray) rcpts = g_ptr_array_new ();
      g_autoptr(GPtrArray) refused = g_ptr_array_new ();
      g_autofree char *text = NULL;
      g_autoptr(TidingsSmtpSendResult) part = NULL;
      gint64 id = 0;

      for (guint i = 0; i < result->rejected->len; i++)
        {
          TidingsSmtpRejection *r = g_ptr_array_index (result->rejected, i);

          if ((r->code / 100 == 4) == temporary)
            {
              g_ptr_array_add (rcpts, r->address);
              g_ptr_array_add (refused, r);
            }
        }
      if (rcpts->len == 0)
        continue;
      g_ptr_array_add (rcpts, NULL);
      part = g_new0 (TidingsSmtpSendResult, 1);
      part->rejected = g_ptr_array_ref (refused);
      text = tidings_smtp_send_result_describe (part, host);
      if (!tidings_store_outbox_add (self->store, item->account_id, item->sender,
                                     (const char * const *) rcpts->pdata, item->raw, &id, error)
          || !tidings_store_outbox_set_state (self->store, id,
                                              temporary ? TIDINGS_OUTBOX_STATE_QUEUED
                                                        : TIDINGS_OUTBOX_STATE_FAILED,
                                              text,
                                              temporary ? now_seconds () + backoff (self, 1) : 0,
                                              error))
        return FALSE;
    }
  return TRUE;
}

/* The one transaction after delivery: the sent copy (and for IMAP the
 * APPEND operation), rows for refused recipients, the outbox row gone. */
static gboolean
finish_delivered (TidingsOutboxSender          *self,
                  const TidingsStoreOutboxItem *item,
                  const TidingsSmtpSendResult  *result,
                  const char                   *host,
                  GError                      **error)
{
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) raw = NULL;
  gint64 folder_id = 0;
  gint64 message_id = 0;

  account = tidings_store_get_account (self->store, item->account_id, &local_error);
  if (account == NULL && !g_error_matches (local_error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (item->raw != NULL)
    raw = g_bytes_ref (item->raw);
  else
    {
      g_autoptr(TidingsStoreOutboxItem) full = tidings_store_outbox_get (self->store, item->id, error);

      if (full == NULL)
        return FALSE;
      raw = g_bytes_ref (full->raw);
    }

  tx = tidings_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return FALSE;
  if (account != NULL)
    {
      if (!ensure_sent_folder (self, account->id, &folder_id, error))
        return FALSE;
      message = sent_copy (raw, folder_id);
      if (!tidings_store_insert_message (self->store, message, &message_id, error))
        return FALSE;
      if (g_strcmp0 (account->kind, "imap") == 0)
        {
          g_autofree char *payload =
            g_strdup_printf ("{\"message\": %" G_GINT64_FORMAT ", \"folder\": %" G_GINT64_FORMAT "}",
                             message_id, folder_id);

          if (!tidings_store_enqueue_operation (self->store, account->id, "append", payload, NULL, error))
            return FALSE;
        }
      if (result != NULL && result->rejected->len > 0)
        {
          TidingsStoreOutboxItem copy = *item;

          copy.raw = raw;
          if (!requeue_rejected (self, &copy, result, host, error))
            return FALSE;
        }
    }
  if (!tidings_store_outbox_remove (self->store, item->id, error))
    return FALSE;
  return tidings_store_transaction_commit (tx, error);
}

gboolean
tidings_outbox_sender_recover (TidingsOutboxSender  *self,
                               GError              **error)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_val_if_fail (TIDINGS_IS_OUTBOX_SENDER (self), FALSE);

  items = tidings_store_outbox_list (self->store, 0, error);
  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      TidingsStoreOutboxItem *item = g_ptr_array_index (items, i);

      if (item->state == TIDINGS_OUTBOX_STATE_SENDING && !self->running)
        {
          /* Never confirmed by the server: sending again is right. */
          if (!tidings_store_outbox_set_state (self->store, item->id, TIDINGS_OUTBOX_STATE_QUEUED,
                                               item->error, now_seconds (), error))
            return FALSE;
        }
      else if (item->state == TIDINGS_OUTBOX_STATE_DELIVERED)
        {
          /* The server has it: only the sent copy is missing. */
          if (!finish_delivered (self, item, NULL, NULL, error))
            return FALSE;
          g_signal_emit (self, signals[SIGNAL_SENT], 0, item->id, item->error);
        }
    }
  return TRUE;
}

/* Sending one item ------------------------------------------------------------- */

static void
item_done (TidingsOutboxSender *self)
{
  g_clear_pointer (&self->item, tidings_store_outbox_item_free);
  g_clear_pointer (&self->settings, tidings_account_settings_free);
  process_next (self);
}

static void
store_failed (TidingsOutboxSender *self,
              GError              *error)
{
  /* The store cannot record what happens: stop this pass. */
  g_warning ("Outbox: %s", error->message);
  for (guint i = 0; i < self->drain_tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (self->drain_tasks, i);

      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
  g_ptr_array_set_size (self->drain_tasks, 0);
  g_error_free (error);
  drop_client (self);
  g_clear_pointer (&self->item, tidings_store_outbox_item_free);
  g_clear_pointer (&self->settings, tidings_account_settings_free);
  self->running = FALSE;
}

/* Records a failed attempt; @error is taken. */
static void
item_failed (TidingsOutboxSender *self,
             GError              *error,
             gboolean             connecting)
{
  TidingsStoreOutboxItem *item = self->item;
  gboolean temporary = tidings_smtp_error_is_temporary (error);
  GError *store_error = NULL;
  gint64 next = temporary ? now_seconds () + backoff (self, item->attempts + 1) : 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Stopped: not an attempt that failed. */
      temporary = TRUE;
      next = now_seconds ();
    }
  if (self->client != NULL && !tidings_smtp_client_is_ready (self->client))
    drop_client (self);
  if (connecting && temporary)
    g_hash_table_insert (self->unreachable, g_memdup2 (&item->account_id, sizeof (gint64)),
                         g_strdup (error->message));
  if (!tidings_store_outbox_set_state (self->store, item->id,
                                       temporary ? TIDINGS_OUTBOX_STATE_QUEUED : TIDINGS_OUTBOX_STATE_FAILED,
                                       error->message, next, &store_error))
    {
      g_error_free (error);
      store_failed (self, store_error);
      return;
    }
  self->n_failed++;
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, item->id, temporary, error->message);
  g_error_free (error);
  item_done (self);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TidingsOutboxSender) self = user_data;
  g_autoptr(TidingsSmtpSendResult) sent = NULL;
  g_autofree char *warning = NULL;
  const char *host;
  GError *error = NULL;

  sent = tidings_smtp_client_send_finish (TIDINGS_SMTP_CLIENT (source), result, &error);
  if (sent == NULL)
    {
      item_failed (self, error, FALSE);
      return;
    }
  host = self->settings->smtp.host;
  warning = tidings_smtp_send_result_describe (sent, host);
  /* Committed before anything else: from here on it is never sent again. */
  if (!tidings_store_outbox_set_state (self->store, self->item->id, TIDINGS_OUTBOX_STATE_DELIVERED,
                                       warning, 0, &error))
    {
      store_failed (self, error);
      return;
    }
  if (self->delivered_hook != NULL)
    self->delivered_hook (self->item->id, self->delivered_hook_data);
  if (!finish_delivered (self, self->item, sent, host, &error))
    {
      /* The row stays DELIVERED; the next pass makes the copy. */
      g_warning ("Outbox: the sent copy could not be made: %s", error->message);
      g_clear_error (&error);
    }
  self->n_sent++;
  g_signal_emit (self, signals[SIGNAL_SENT], 0, self->item->id, warning);
  item_done (self);
}

static void
send_item (TidingsOutboxSender *self)
{
  const char * const *rcpts = (const char * const *) self->item->recipients;

  tidings_smtp_client_send_async (self->client, self->item->sender, rcpts, self->item->raw,
                                  self->cancellable, sent_cb, g_object_ref (self));
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TidingsOutboxSender) self = user_data;
  GError *error = NULL;

  if (!tidings_smtp_client_connect_finish (TIDINGS_SMTP_CLIENT (source), result, &error))
    {
      item_failed (self, error, TRUE);
      return;
    }
  send_item (self);
}

static void
password_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TidingsOutboxSender) self = user_data;
  GError *error = NULL;
  char *password;

  password = tidings_credentials_get_password_finish (result, &error);
  if (password == NULL)
    {
      item_failed (self, error, FALSE);
      return;
    }
  tidings_smtp_client_set_credentials (self->client, self->settings->smtp.user, password);
  tidings_credentials_free_password (password);
  tidings_smtp_client_connect_async (self->client, self->cancellable, connected_cb, g_object_ref (self));
}

static void
start_item (TidingsOutboxSender *self)
{
  TidingsStoreOutboxItem *item = self->item;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsConnection) connection = NULL;
  GError *error = NULL;
  const char *unreachable;

  unreachable = g_hash_table_lookup (self->unreachable, &item->account_id);
  if (unreachable != NULL)
    {
      /* Not an attempt: its server is down; wait like the others. */
      if (!tidings_store_outbox_set_state (self->store, item->id, TIDINGS_OUTBOX_STATE_QUEUED,
                                           unreachable,
                                           now_seconds () + backoff (self, MAX (item->attempts, 1)),
                                           &error))
        {
          store_failed (self, error);
          return;
        }
      item_done (self);
      return;
    }

  if (!tidings_store_outbox_set_state (self->store, item->id, TIDINGS_OUTBOX_STATE_SENDING,
                                       item->error, item->next_attempt, &error))
    {
      store_failed (self, error);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SENDING], 0, item->id);

  account = tidings_store_get_account (self->store, item->account_id, &error);
  if (account == NULL)
    {
      GError *out = g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_FAILED,
                                 _("The account of this message is gone: %s"), error->message);

      g_clear_error (&error);
      item_failed (self, out, FALSE);
      return;
    }
  self->settings = tidings_account_settings_from_json (account->settings, &error);
  if (self->settings == NULL)
    {
      item_failed (self, error, FALSE);
      return;
    }
  if (self->settings->smtp.host == NULL || *self->settings->smtp.host == '\0')
    {
      item_failed (self, g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_FAILED,
                                      _("The account %s has no server set up for sending."),
                                      account->name),
                   FALSE);
      return;
    }

  if (self->client != NULL && self->client_account == item->account_id
      && tidings_smtp_client_is_ready (self->client))
    {
      send_item (self);
      return;
    }

  drop_client (self);
  connection = tidings_credentials_new_connection (self->store, item->account_id,
                                                   &self->settings->smtp, &error);
  if (connection == NULL)
    {
      item_failed (self, error, FALSE);
      return;
    }
  if (self->tls_database != NULL)
    tidings_connection_set_tls_database (connection, self->tls_database);
  self->client = tidings_smtp_client_new (connection);
  self->client_account = item->account_id;
  if (self->settings->smtp.user != NULL && *self->settings->smtp.user != '\0')
    {
      tidings_credentials_get_password_async (&self->settings->smtp, self->cancellable,
                                              password_cb, g_object_ref (self));
      return;
    }
  tidings_smtp_client_connect_async (self->client, self->cancellable, connected_cb, g_object_ref (self));
}

/* Passes ---------------------------------------------------------------------------- */

static void
quit_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  tidings_smtp_client_quit_finish (TIDINGS_SMTP_CLIENT (source), result, NULL);
}

static gboolean
timer_cb (gpointer user_data)
{
  TidingsOutboxSender *self = user_data;

  g_clear_pointer (&self->timer_source, g_source_unref);
  schedule_pass (self);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (TidingsOutboxSender *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  gint64 earliest = G_MAXINT64;
  gint64 now = now_seconds ();

  if (self->timer_source != NULL)
    {
      g_source_destroy (self->timer_source);
      g_clear_pointer (&self->timer_source, g_source_unref);
    }
  items = tidings_store_outbox_list (self->store, 0, &error);
  if (items == NULL)
    {
      g_warning ("Outbox: %s", error->message);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      TidingsStoreOutboxItem *item = g_ptr_array_index (items, i);

      if (item->state == TIDINGS_OUTBOX_STATE_QUEUED)
        earliest = MIN (earliest, item->next_attempt);
    }
  if (earliest == G_MAXINT64)
    return;
  self->timer_source = g_timeout_source_new_seconds ((guint) CLAMP (earliest - now, 1, G_MAXINT32));
  g_source_set_callback (self->timer_source, timer_cb, self, NULL);
  g_source_attach (self->timer_source, self->context);
}

static void
pass_end (TidingsOutboxSender *self)
{
  if (self->client != NULL)
    tidings_smtp_client_quit_async (self->client, NULL, quit_done_cb, NULL);
  g_clear_object (&self->client);
  self->client_account = 0;
  g_hash_table_remove_all (self->unreachable);
  self->running = FALSE;
  for (guint i = 0; i < self->drain_tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (self->drain_tasks, i);
      guint *counts = g_new (guint, 2);

      counts[0] = self->n_sent;
      counts[1] = self->n_failed;
      g_task_return_pointer (task, counts, g_free);
      g_object_unref (task);
    }
  g_ptr_array_set_size (self->drain_tasks, 0);
  g_signal_emit (self, signals[SIGNAL_IDLE], 0);
  if (self->started)
    arm_timer (self);
}

static void
process_next (TidingsOutboxSender *self)
{
  GError *error = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      pass_end (self);
      return;
    }
  if (!tidings_store_outbox_next_due (self->store, now_seconds (), &self->item, &error))
    {
      store_failed (self, error);
      return;
    }
  if (self->item == NULL)
    {
      pass_end (self);
      return;
    }
  start_item (self);
}

static gboolean
pass_start_cb (gpointer user_data)
{
  TidingsOutboxSender *self = user_data;
  GError *error = NULL;

  g_clear_pointer (&self->idle_source, g_source_unref);
  if (self->running)
    return G_SOURCE_REMOVE;
  self->n_sent = 0;
  self->n_failed = 0;
  if (!tidings_outbox_sender_recover (self, &error))
    {
      store_failed (self, error);
      return G_SOURCE_REMOVE;
    }
  self->recovered = TRUE;
  self->running = TRUE;
  process_next (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_pass (TidingsOutboxSender *self)
{
  /* A pass under way picks up whatever became due. */
  if (self->running || self->idle_source != NULL)
    return;
  self->idle_source = g_idle_source_new ();
  g_source_set_callback (self->idle_source, pass_start_cb, self, NULL);
  g_source_attach (self->idle_source, self->context);
}

void
tidings_outbox_sender_start (TidingsOutboxSender *self)
{
  g_return_if_fail (TIDINGS_IS_OUTBOX_SENDER (self));

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  self->started = TRUE;
  schedule_pass (self);
}

void
tidings_outbox_sender_stop (TidingsOutboxSender *self)
{
  g_return_if_fail (TIDINGS_IS_OUTBOX_SENDER (self));

  self->started = FALSE;
  clear_sources (self);
  g_cancellable_cancel (self->cancellable);
}

void
tidings_outbox_sender_wake (TidingsOutboxSender *self)
{
  g_return_if_fail (TIDINGS_IS_OUTBOX_SENDER (self));

  if (self->started)
    schedule_pass (self);
}

gboolean
tidings_outbox_sender_retry_now (TidingsOutboxSender  *self,
                                 gint64                item_id,
                                 GError              **error)
{
  g_autoptr(GPtrArray) items = NULL;
  gint64 now = now_seconds ();

  g_return_val_if_fail (TIDINGS_IS_OUTBOX_SENDER (self), FALSE);

  items = tidings_store_outbox_list (self->store, 0, error);
  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      TidingsStoreOutboxItem *item = g_ptr_array_index (items, i);

      if ((item_id != 0 && item->id != item_id)
          || (item->state != TIDINGS_OUTBOX_STATE_QUEUED && item->state != TIDINGS_OUTBOX_STATE_FAILED))
        continue;
      /* The last reason stays visible until the next attempt replaces it. */
      if (!tidings_store_outbox_set_state (self->store, item->id, TIDINGS_OUTBOX_STATE_QUEUED,
                                           item->error, now, error))
        return FALSE;
    }
  g_hash_table_remove_all (self->unreachable);
  if (self->started)
    schedule_pass (self);
  return TRUE;
}

void
tidings_outbox_sender_drain_async (TidingsOutboxSender *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_OUTBOX_SENDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_outbox_sender_drain_async);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  g_ptr_array_add (self->drain_tasks, task);
  schedule_pass (self);
}

gboolean
tidings_outbox_sender_drain_finish (TidingsOutboxSender  *self,
                                    GAsyncResult         *result,
                                    guint                *out_n_sent,
                                    guint                *out_n_failed,
                                    GError              **error)
{
  g_autofree guint *counts = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  counts = g_task_propagate_pointer (G_TASK (result), error);
  if (counts == NULL)
    return FALSE;
  if (out_n_sent != NULL)
    *out_n_sent = counts[0];
  if (out_n_failed != NULL)
    *out_n_failed = counts[1];
  return TRUE;
}
