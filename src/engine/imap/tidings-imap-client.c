/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session object: properties, signals, logging, errors and the end of
 * the session. Sending, reading and dispatch are in
 * tidings-imap-client-io.c; the commands in tidings-imap-client-login.c,
 * -mailbox.c, -messages.c and -move.c. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-client-private.h"
#include "tidings-imap-data.h"
#include "tidings-imap-parser.h"

guint tidings_imap_client_signals[TIDINGS_IMAP_CLIENT_N_SIGNALS];
#define signals tidings_imap_client_signals

G_DEFINE_FINAL_TYPE (TidingsImapClient, tidings_imap_client, G_TYPE_OBJECT)

/* ---- object ----------------------------------------------------------- */

static void
tidings_imap_client_dispose (GObject *object)
{
  TidingsImapClient *self = TIDINGS_IMAP_CLIENT (object);

  /* Nothing is running (I/O holds references): hang up quietly. */
  if (!self->closed && self->connection)
    {
      self->closed = TRUE;
      tidings_connection_close (self->connection);
    }
  G_OBJECT_CLASS (tidings_imap_client_parent_class)->dispose (object);
}

static void
tidings_imap_client_finalize (GObject *object)
{
  TidingsImapClient *self = TIDINGS_IMAP_CLIENT (object);
  TidingsImapCommand *command;

  /* Commands still queued here were never started by anyone waiting: the
   * read and write callbacks hold references while I/O is in flight. */
  while ((command = g_queue_pop_head (&self->queue)))
    tidings_imap_command_free (command);
  while ((command = g_queue_pop_head (&self->running)))
    tidings_imap_command_free (command);
  g_clear_object (&self->connection);
  g_clear_object (&self->reader);
  g_clear_object (&self->writer);
  g_clear_object (&self->parser);
  g_clear_object (&self->io_cancellable);
  g_clear_object (&self->background_cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->capabilities, tidings_imap_capabilities_unref);
  g_clear_pointer (&self->server_id, g_hash_table_unref);
  g_clear_pointer (&self->selected, tidings_imap_select_info_free);
  g_clear_pointer (&self->selecting, tidings_imap_select_info_free);
  g_clear_pointer (&self->last_line, g_free);
  g_clear_pointer (&self->greeting_text, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_error (&self->bye_error);

  G_OBJECT_CLASS (tidings_imap_client_parent_class)->finalize (object);
}

static void
tidings_imap_client_class_init (TidingsImapClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_imap_client_dispose;
  object_class->finalize = tidings_imap_client_finalize;

  signals[TIDINGS_IMAP_CLIENT_SIGNAL_EXISTS] =
    g_signal_new ("exists", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[TIDINGS_IMAP_CLIENT_SIGNAL_EXPUNGE] =
    g_signal_new ("expunge", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[TIDINGS_IMAP_CLIENT_SIGNAL_VANISHED] =
    g_signal_new ("vanished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TIDINGS_TYPE_IMAP_SEQUENCE_SET | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_BOOLEAN);
  signals[TIDINGS_IMAP_CLIENT_SIGNAL_FETCH] =
    g_signal_new ("fetch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  TIDINGS_TYPE_IMAP_FETCH | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[TIDINGS_IMAP_CLIENT_SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[TIDINGS_IMAP_CLIENT_SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tidings_imap_client_init (TidingsImapClient *self)
{
  self->parser = tidings_imap_parser_new ();
  self->io_cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->compress = TRUE;
  self->next_tag = 1;
  g_queue_init (&self->queue);
  g_queue_init (&self->running);
}

TidingsImapClient *
tidings_imap_client_new (TidingsConnection *connection)
{
  TidingsImapClient *self;

  g_return_val_if_fail (TIDINGS_IS_CONNECTION (connection), NULL);
  self = g_object_new (TIDINGS_TYPE_IMAP_CLIENT, NULL);
  self->connection = g_object_ref (connection);
  self->host = g_strdup (tidings_connection_get_host (connection));
  return self;
}

TidingsConnection *
tidings_imap_client_get_connection (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->connection;
}

TidingsImapClientState
tidings_imap_client_get_state (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED);
  return self->state;
}

TidingsImapCapabilities *
tidings_imap_client_get_capabilities (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->capabilities;
}

gboolean
tidings_imap_client_has_capability (TidingsImapClient *self,
                                    const char        *name)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  return self->capabilities != NULL && tidings_imap_capabilities_has (self->capabilities, name);
}

gboolean
tidings_imap_client_is_qresync_enabled (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), FALSE);
  return self->qresync_enabled;
}

gboolean
tidings_imap_client_is_condstore_enabled (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), FALSE);
  /* QRESYNC implies CONDSTORE (RFC 7162 §3.2.3). */
  return self->condstore_enabled || self->qresync_enabled;
}

const TidingsImapSelectInfo *
tidings_imap_client_get_selected (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->state == TIDINGS_IMAP_CLIENT_STATE_SELECTED ? self->selected : NULL;
}

GHashTable *
tidings_imap_client_get_server_id (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->server_id;
}

void
tidings_imap_client_set_compress (TidingsImapClient *self,
                                  gboolean           compress)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  self->compress = !!compress;
}

void
tidings_imap_client_set_sasl_mechanism (TidingsImapClient    *self,
                                        TidingsSaslMechanism  mechanism)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  self->sasl_mechanism = mechanism;
}

void
tidings_imap_client_set_prefer_login_command (TidingsImapClient *self,
                                              gboolean           prefer)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  self->prefer_login_command = !!prefer;
}

TidingsImapQuirks
tidings_imap_client_get_quirks (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), 0);
  return self->quirks;
}

/* ---- logging ---------------------------------------------------------- */

gboolean
tidings_imap_client_debug_enabled (void)
{
  static int state = -1;

  if (g_atomic_int_get (&state) < 0)
    {
      const char *env = g_getenv ("TIDINGS_DEBUG");
      gboolean on = FALSE;

      if (env)
        {
          g_auto(GStrv) parts = g_strsplit_set (env, ",: ", -1);

          for (guint i = 0; parts[i]; i++)
            if (g_ascii_strcasecmp (parts[i], "imap") == 0 || g_ascii_strcasecmp (parts[i], "all") == 0)
              on = TRUE;
        }
      g_atomic_int_set (&state, on ? 1 : 0);
    }
  return g_atomic_int_get (&state) == 1;
}

void
tidings_imap_client_debug (TidingsImapClient *self,
                           const char        *format,
                           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (!tidings_imap_client_debug_enabled ())
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_log ("Tidings-imap", G_LOG_LEVEL_MESSAGE, "%s: %s", self->host, text);
}
/* ---- errors and the end ----------------------------------------------- */

GError *
tidings_imap_client_status_error (TidingsImapClient   *self,
                                  TidingsImapCommand  *command,
                                  TidingsImapResponse *tagged)
{
  g_autofree char *valid = g_utf8_make_valid (tidings_imap_response_get_text (tagged), -1);
  const char *code = tidings_imap_response_get_code_name (tagged);
  const char *text = valid;

  /* Server text is bytes as sent: made valid UTF-8 for people. */
  if (*text == '\0')
    text = _("no reason given");
  if (g_strcmp0 (code, "NONEXISTENT") == 0 || g_strcmp0 (code, "TRYCREATE") == 0
      || (code == NULL && command->mailbox_command
          && tidings_imap_response_get_status (tagged) == TIDINGS_IMAP_STATUS_NO
          && tidings_imap_quirks_is_nonexistent_text (text)))
    return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NONEXISTENT,
                        _("The folder does not exist on %s (%s)."), self->host, text);
  if (tidings_imap_response_get_status (tagged) == TIDINGS_IMAP_STATUS_BAD)
    return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BAD,
                        _("%s did not accept the command %s: %s"), self->host, command->name, text);
  return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NO,
                      _("%s refused the command %s: %s"), self->host, command->name, text);
}

gboolean
tidings_imap_client_check_state (TidingsImapClient       *self,
                                 TidingsImapClientState   minimum,
                                 GError                 **error)
{
  if (self->closed)
    {
      g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED,
                   _("The connection to %s is closed."), self->host);
      return FALSE;
    }
  if (self->state < minimum)
    {
      g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
                   minimum == TIDINGS_IMAP_CLIENT_STATE_SELECTED
                     ? _("No folder is open on %s.")
                     : _("Not logged in to %s yet."), self->host);
      return FALSE;
    }
  return TRUE;
}

/* @error NULL: a clean end (LOGOUT, close()); commands still waiting fail
 * with _CLOSED and "closed" carries NULL. */
void
tidings_imap_client_fail (TidingsImapClient *self,
                          GError            *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(GError) command_error = NULL;
  GQueue commands = G_QUEUE_INIT;
  TidingsImapCommand *command;

  if (self->closed)
    return;
  g_object_ref (self);
  self->closed = TRUE;
  self->state = TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED;
  g_cancellable_cancel (self->io_cancellable);
  if (self->background_cancellable)
    g_cancellable_cancel (self->background_cancellable);
  tidings_connection_close (self->connection);

  /* The BYE said why the server hung up; that is the better message. */
  if (owned && self->bye_error && owned->domain == TIDINGS_NET_ERROR)
    {
      g_clear_error (&owned);
      owned = g_error_copy (self->bye_error);
    }
  if (owned)
    tidings_imap_client_debug (self, "session failed: %s", owned->message);
  command_error = owned ? g_error_copy (owned)
                        : g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED,
                                       _("The connection to %s was closed."), self->host);

  while ((command = g_queue_pop_head (&self->running)))
    g_queue_push_tail (&commands, command);
  while ((command = g_queue_pop_head (&self->queue)))
    g_queue_push_tail (&commands, command);
  self->holder = NULL;
  self->idle = NULL;
  g_clear_pointer (&self->selecting, tidings_imap_select_info_free);

  if (self->compress_task)
    {
      GTask *task = g_steal_pointer (&self->compress_task);

      g_task_return_error (task, g_error_copy (command_error));
      g_object_unref (task);
    }
  if (self->connect_task)
    {
      GTask *task = g_steal_pointer (&self->connect_task);

      g_task_return_error (task, g_error_copy (command_error));
      g_object_unref (task);
    }
  while ((command = g_queue_pop_head (&commands)))
    {
      command->done (self, command, NULL, command_error);
      tidings_imap_command_free (command);
    }
  g_signal_emit (self, signals[TIDINGS_IMAP_CLIENT_SIGNAL_CLOSED], 0, owned);
  g_object_unref (self);
}

void
tidings_imap_client_close (TidingsImapClient *self)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  tidings_imap_client_fail (self, NULL);
}

void
tidings_imap_client_done_boolean (TidingsImapClient   *client,
                                  TidingsImapCommand  *command,
                                  TidingsImapResponse *tagged,
                                  const GError        *error)
{
  GTask *task = command->data;

  if (error)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

TidingsImapCommand *
tidings_imap_client_task_command (TidingsImapClient *self,
                                  const char        *name,
                                  GTask             *task)
{
  TidingsImapCommand *command = tidings_imap_client_command_new (self, name);

  command->data = g_object_ref (task);
  command->data_free = g_object_unref;
  command->done = tidings_imap_client_done_boolean;
  tidings_imap_command_set_task (command, task);
  return command;
}

gboolean
tidings_imap_client_begin (TidingsImapClient      *self,
                           GTask                  *task,
                           TidingsImapClientState  minimum)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return FALSE;
  if (!tidings_imap_client_check_state (self, minimum, &error))
    {
      g_task_return_error (task, error);
      return FALSE;
    }
  return TRUE;
}
