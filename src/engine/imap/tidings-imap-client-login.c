/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connect and login: greeting, CAPABILITY, STARTTLS (never a plain-text
 * fallback), AUTHENTICATE / LOGIN, then CAPABILITY, ID, COMPRESS and
 * ENABLE. Each step is a command whose done hook starts the next. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-client-private.h"
#include "tidings-imap-data.h"

static void after_capabilities (TidingsImapClient *self,
                                GTask             *unused);

static void
connect_complete (TidingsImapClient *self)
{
  GTask *task = g_steal_pointer (&self->connect_task);

  if (task)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

/* STARTTLS could not be done: close, and say that nothing secret went out. */
static void
fail_tls (TidingsImapClient *self,
          GError            *error)
{
  tidings_imap_client_fail (self, error);
}

typedef void (*StepFunc) (TidingsImapClient *self,
                          GTask             *task);

typedef struct
{
  StepFunc  next;
  GTask    *task;   /* NULL while connecting: the connect task is the client's */
} CapabilityStep;

static void
capability_step_free (gpointer data)
{
  CapabilityStep *step = data;

  g_clear_object (&step->task);
  g_free (step);
}

static void
capability_done (TidingsImapClient   *self,
                 TidingsImapCommand  *command,
                 TidingsImapResponse *tagged,
                 const GError        *error)
{
  CapabilityStep *step = command->data;

  if (error)
    {
      if (step->task)
        g_task_return_error (step->task, g_error_copy (error));
      if (tagged != NULL)
        tidings_imap_client_fail (self, g_error_copy (error));
      return;
    }
  if (self->capabilities == NULL)
    {
      g_autoptr(TidingsImapCapabilities) none = tidings_imap_capabilities_new (NULL);

      tidings_imap_client_set_capabilities (self, none);
    }
  step->next (self, g_steal_pointer (&step->task));
}

/* CAPABILITY, then @next (which gets @task). */
static void
ask_capabilities (TidingsImapClient *self,
                  StepFunc           next,
                  GTask             *task)
{
  TidingsImapCommand *command = tidings_imap_client_command_new (self, "CAPABILITY");
  CapabilityStep *step = g_new0 (CapabilityStep, 1);

  step->next = next;
  step->task = task;
  g_clear_pointer (&self->capabilities, tidings_imap_capabilities_unref);
  tidings_imap_command_close (command);
  command->done = capability_done;
  command->data = step;
  command->data_free = capability_step_free;
  tidings_imap_client_submit (self, command);
}

static void
on_start_tls (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TidingsImapClient) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tidings_connection_start_tls_finish (TIDINGS_CONNECTION (source), result, &error))
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return;
    }
  if (self->closed)
    return;
  tidings_imap_client_debug (self, "TLS is up (%" G_GSIZE_FORMAT " plain-text bytes discarded)",
                             tidings_connection_get_discarded_bytes (self->connection));
  /* Whatever was said before TLS may have been forged: ask again. */
  self->io_paused = FALSE;
  ask_capabilities (self, after_capabilities, NULL);
}

static void
start_tls_when_drained (TidingsImapClient *self)
{
  tidings_connection_start_tls_async (self->connection, NULL, on_start_tls, g_object_ref (self));
}

static void
starttls_done (TidingsImapClient   *self,
               TidingsImapCommand  *command,
               TidingsImapResponse *tagged,
               const GError        *error)
{
  if (tagged == NULL)
    return;
  if (error)
    {
      fail_tls (self, g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE,
                                   _("%s refused to start encryption (STARTTLS), so the connection "
                                     "cannot be encrypted. No password was sent."),
                                   self->host));
      return;
    }
  /* Reading and writing are paused (barrier); the handshake starts once
   * the STARTTLS line has really left. */
  if (self->writes_pending > 0)
    self->on_writes_drained = start_tls_when_drained;
  else
    start_tls_when_drained (self);
}

static void
after_capabilities (TidingsImapClient *self,
                    GTask             *unused)
{
  if (tidings_connection_get_security (self->connection) == TIDINGS_SECURITY_STARTTLS
      && !tidings_connection_is_encrypted (self->connection))
    {
      TidingsImapCommand *command;

      if (!tidings_imap_client_has_capability (self, "STARTTLS"))
        {
          fail_tls (self, g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE,
                                       _("%s does not offer STARTTLS, so the connection cannot be "
                                         "encrypted. No password was sent."),
                                       self->host));
          return;
        }
      command = tidings_imap_client_command_new (self, "STARTTLS");
      tidings_imap_command_close (command);
      command->barrier = TRUE;
      command->done = starttls_done;
      tidings_imap_client_submit (self, command);
      return;
    }
  connect_complete (self);
}

void
tidings_imap_client_on_greeting (TidingsImapClient   *self,
                                 TidingsImapResponse *response)
{
  TidingsImapStatus status = tidings_imap_response_get_status (response);
  g_autofree char *text = g_utf8_make_valid (tidings_imap_response_get_text (response), -1);

  self->greeting_text = g_strdup (text);
  if (tidings_imap_response_get_kind (response) != TIDINGS_IMAP_RESPONSE_UNTAGGED
      || (status != TIDINGS_IMAP_STATUS_OK && status != TIDINGS_IMAP_STATUS_PREAUTH
          && status != TIDINGS_IMAP_STATUS_BYE))
    {
      tidings_imap_client_fail (self, g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_PARSE,
                                                   _("%s did not greet like an IMAP server."),
                                                   self->host));
      return;
    }
  if (status == TIDINGS_IMAP_STATUS_BYE)
    {
      tidings_imap_client_fail (self, g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE,
                                                   _("%s is not accepting connections right now: %s"),
                                                   self->host, text));
      return;
    }
  if (status == TIDINGS_IMAP_STATUS_PREAUTH
      && tidings_connection_get_security (self->connection) == TIDINGS_SECURITY_STARTTLS)
    {
      /* STARTTLS is only allowed before authentication: a PREAUTH greeting
       * on a STARTTLS connection is how a man in the middle keeps it plain. */
      fail_tls (self, g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE,
                                   _("%s skipped the login before encryption was set up (PREAUTH), "
                                     "so the connection cannot be encrypted. No password was sent."),
                                   self->host));
      return;
    }
  self->state = status == TIDINGS_IMAP_STATUS_PREAUTH
                  ? TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED
                  : TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED;
  tidings_imap_client_apply_code (self, response);
  if (self->capabilities == NULL)
    ask_capabilities (self, after_capabilities, NULL);
  else
    after_capabilities (self, NULL);
}

void
tidings_imap_client_start_greeting (TidingsImapClient *self)
{
  g_set_object (&self->reader, tidings_connection_get_reader (self->connection));
  g_set_object (&self->writer, tidings_connection_get_writer (self->connection));
  self->read_timeout = tidings_reader_get_timeout (self->reader);
  self->greeting_pending = TRUE;
  tidings_imap_client_resume_io (self);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TidingsImapClient) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tidings_connection_connect_finish (TIDINGS_CONNECTION (source), result, &error))
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return;
    }
  tidings_imap_client_start_greeting (self);
}

void
tidings_imap_client_connect_async (TidingsImapClient   *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_connect_async);
  if (self->closed || self->connect_task || self->reader != NULL)
    {
      g_task_return_new_error (task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED,
                               _("This connection to %s was already used; make a new one."),
                               self->host);
      return;
    }
  self->connect_task = g_object_ref (task);
  if (tidings_connection_is_connected (self->connection))
    tidings_imap_client_start_greeting (self);
  else
    tidings_connection_connect_async (self->connection, cancellable, on_connected, g_object_ref (self));
}

gboolean
tidings_imap_client_connect_finish (TidingsImapClient  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- login ------------------------------------------------------------ */

typedef struct
{
  GTask       *task;
  char        *user;
  char        *password;
  TidingsSasl *sasl;
  GError      *sasl_error;
} LoginData;

static void
login_data_free (gpointer data)
{
  LoginData *login = data;

  g_clear_object (&login->task);
  g_free (login->user);
  if (login->password)
    {
      memset (login->password, 0, strlen (login->password));
      g_free (login->password);
    }
  g_clear_object (&login->sasl);
  g_clear_error (&login->sasl_error);
  g_free (login);
}

static void
login_complete (TidingsImapClient *self,
                GTask             *task)
{
  g_autofree char *quirks = tidings_imap_quirks_to_string (self->quirks);

  tidings_imap_client_debug (self, "logged in; quirks: %s", *quirks ? quirks : "none");
  g_task_return_boolean (task, TRUE);
}

static void
enabled_done (TidingsImapClient   *self,
              TidingsImapCommand  *command,
              TidingsImapResponse *tagged,
              const GError        *error)
{
  GTask *task = command->data;

  if (tagged == NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    login_complete (self, task);  /* a refused ENABLE costs only the extension */
}

static gboolean
enabled_untagged (TidingsImapClient   *self,
                  TidingsImapCommand  *command,
                  TidingsImapResponse *response)
{
  g_auto(GStrv) names = NULL;

  if (!tidings_imap_response_is (response, "ENABLED"))
    return FALSE;
  names = tidings_imap_decode_enabled (response, NULL);
  for (guint i = 0; names && names[i]; i++)
    {
      if (g_ascii_strcasecmp (names[i], "QRESYNC") == 0)
        self->qresync_enabled = TRUE;
      else if (g_ascii_strcasecmp (names[i], "CONDSTORE") == 0)
        self->condstore_enabled = TRUE;
      else if (g_ascii_strcasecmp (names[i], "IMAP4rev2") == 0)
        self->rev2_enabled = TRUE;
    }
  return TRUE;
}

static void
step_enable (TidingsImapClient *self,
             GTask             *task)
{
  TidingsImapCommand *command;
  GString *what = g_string_new (NULL);

  if (tidings_imap_client_has_capability (self, "QRESYNC"))
    g_string_append (what, " QRESYNC");
  else if (tidings_imap_client_has_capability (self, "CONDSTORE"))
    g_string_append (what, " CONDSTORE");
  if (tidings_imap_client_has_capability (self, "IMAP4rev2"))
    g_string_append (what, " IMAP4rev2");
  if (!tidings_imap_client_has_capability (self, "ENABLE") || what->len == 0)
    {
      g_string_free (what, TRUE);
      login_complete (self, task);
      g_object_unref (task);
      return;
    }
  command = tidings_imap_client_command_new (self, "ENABLE");
  tidings_imap_command_add_raw (command, what->str);
  g_string_free (what, TRUE);
  tidings_imap_command_close (command);
  command->untagged = enabled_untagged;
  command->done = enabled_done;
  command->data = task;
  command->data_free = g_object_unref;
  tidings_imap_client_submit (self, command);
}

static void
compress_when_drained (TidingsImapClient *self)
{
  GError *error = NULL;
  GTask *task = g_steal_pointer (&self->compress_task);

  if (task == NULL)
    return;  /* the session ended meanwhile; the task was told */
  if (!tidings_connection_start_compression (self->connection, &error))
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      tidings_imap_client_fail (self, error);
      return;
    }
  tidings_imap_client_resume_io (self);
  step_enable (self, task);
}

static void
compress_done (TidingsImapClient   *self,
               TidingsImapCommand  *command,
               TidingsImapResponse *tagged,
               const GError        *error)
{
  GTask *task = g_steal_pointer (&command->data);

  if (tagged == NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      return;
    }
  if (error)
    {
      step_enable (self, task);  /* no compression, no harm */
      return;
    }
  self->compress_task = task;
  if (self->writes_pending > 0)
    self->on_writes_drained = compress_when_drained;
  else
    compress_when_drained (self);
}

static void
step_compress (TidingsImapClient *self,
               GTask             *task)
{
  TidingsImapCommand *command;

  if (!self->compress || tidings_connection_is_compressed (self->connection)
      || !tidings_imap_client_has_capability (self, "COMPRESS=DEFLATE"))
    {
      step_enable (self, task);
      return;
    }
  command = tidings_imap_client_command_new (self, "COMPRESS");
  tidings_imap_command_add_raw (command, " DEFLATE");
  tidings_imap_command_close (command);
  command->barrier = TRUE;
  command->done = compress_done;
  command->data = task;
  command->data_free = g_object_unref;
  tidings_imap_client_submit (self, command);
}

static gboolean
id_untagged (TidingsImapClient   *self,
             TidingsImapCommand  *command,
             TidingsImapResponse *response)
{
  if (!tidings_imap_response_is (response, "ID"))
    return FALSE;
  g_clear_pointer (&self->server_id, g_hash_table_unref);
  self->server_id = tidings_imap_decode_id (response, NULL);
  self->quirks_learned |= tidings_imap_quirks_detect_id (self->server_id);
  self->quirks |= self->quirks_learned;
  return TRUE;
}

static void
id_done (TidingsImapClient   *self,
         TidingsImapCommand  *command,
         TidingsImapResponse *tagged,
         const GError        *error)
{
  GTask *task = g_steal_pointer (&command->data);

  if (tagged == NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      return;
    }
  step_compress (self, task);  /* ID is a courtesy: a refusal is fine */
}

static void
step_id (TidingsImapClient *self,
         GTask             *task)
{
  TidingsImapCommand *command;

  if (!tidings_imap_client_has_capability (self, "ID")
      && !tidings_imap_quirks_has (self->quirks, TIDINGS_IMAP_QUIRK_ID_REQUIRED))
    {
      step_compress (self, task);
      return;
    }
  command = tidings_imap_client_command_new (self, "ID");
  tidings_imap_command_add_raw (command, " (\"name\" \"Tidings\" \"version\" \"" PACKAGE_VERSION "\")");
  tidings_imap_command_close (command);
  command->untagged = id_untagged;
  command->done = id_done;
  command->data = task;
  command->data_free = g_object_unref;
  tidings_imap_client_submit (self, command);
}

static void
authenticated (TidingsImapClient   *self,
               TidingsImapResponse *tagged,
               GTask               *task)
{
  self->state = TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED;
  /* A [CAPABILITY] code on the OK saves a round trip. */
  if (g_strcmp0 (tidings_imap_response_get_code_name (tagged), "CAPABILITY") == 0
      && self->capabilities != NULL)
    {
      step_id (self, g_object_ref (task));
      return;
    }
  ask_capabilities (self, step_id, g_object_ref (task));
}

static GError *
rejected_error (TidingsImapClient   *self,
                LoginData           *login,
                TidingsImapResponse *tagged)
{
  g_autofree char *text = g_utf8_make_valid (tidings_imap_response_get_text (tagged), -1);
  const char *code = tidings_imap_response_get_code_name (tagged);

  if (g_strcmp0 (code, "UNAVAILABLE") == 0)
    return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NO,
                        _("%s cannot log you in right now; try again later. The server said: %s"),
                        self->host, text);
  if (g_strcmp0 (code, "PRIVACYREQUIRED") == 0)
    return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_AUTHENTICATION,
                        _("%s requires an encrypted connection to log in. The server said: %s"),
                        self->host, text);
  if (tidings_imap_response_get_status (tagged) == TIDINGS_IMAP_STATUS_BAD && login->sasl_error)
    return g_error_copy (login->sasl_error);
  return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_AUTHENTICATION,
                      _("The server %s rejected the password for %s. The server said: %s"),
                      self->host, login->user, text);
}

static void
login_done (TidingsImapClient   *self,
            TidingsImapCommand  *command,
            TidingsImapResponse *tagged,
            const GError        *error)
{
  LoginData *login = command->data;

  if (tagged == NULL)
    {
      g_task_return_error (login->task, g_error_copy (error));
      return;
    }
  if (error)
    {
      g_task_return_error (login->task, rejected_error (self, login, tagged));
      return;
    }
  if (login->sasl)
    {
      GError *finish_error = NULL;

      if (!tidings_sasl_finish (login->sasl, &finish_error))
        {
          /* The server did not prove it knows the password: not our server. */
          g_task_return_error (login->task, g_error_copy (finish_error));
          tidings_imap_client_fail (self, finish_error);
          return;
        }
    }
  authenticated (self, tagged, login->task);
}

static void
sasl_continuation (TidingsImapClient   *self,
                   TidingsImapCommand  *command,
                   TidingsImapResponse *response)
{
  LoginData *login = command->data;
  const char *text = tidings_imap_response_get_text (response);
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autofree char *encoded = NULL;
  guchar *decoded;
  gsize decoded_len = 0;

  decoded = g_base64_decode (text ? text : "", &decoded_len);
  challenge = g_bytes_new_take (decoded, decoded_len);
  g_clear_error (&login->sasl_error);
  reply = tidings_sasl_step (login->sasl, challenge, &login->sasl_error);
  if (reply == NULL)
    {
      /* Cancel the exchange; the server answers BAD and we report why. */
      line = g_bytes_new_static ("*\r\n", 3);
      tidings_imap_client_write (self, line, FALSE);
      return;
    }
  encoded = g_base64_encode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  line = g_bytes_new_take (g_strconcat (encoded, "\r\n", NULL), strlen (encoded) + 2);
  tidings_imap_client_write (self, line, TRUE);
}

static char **
offered_mechanisms (TidingsImapClient *self)
{
  GPtrArray *out = g_ptr_array_new ();
  const char * const *names = tidings_imap_capabilities_get_names (self->capabilities);

  for (guint i = 0; names && names[i]; i++)
    if (g_ascii_strncasecmp (names[i], "AUTH=", 5) == 0)
      g_ptr_array_add (out, g_strdup (names[i] + 5));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static TidingsImapCommand *
build_login_command (TidingsImapClient  *self,
                     LoginData          *login,
                     GError            **error)
{
  g_auto(GStrv) offered = offered_mechanisms (self);
  gboolean encrypted = tidings_connection_is_encrypted (self->connection);
  gboolean plain_ok = tidings_connection_get_security (self->connection) == TIDINGS_SECURITY_NONE;
  gboolean login_disabled = tidings_imap_client_has_capability (self, "LOGINDISABLED");
  TidingsSaslMechanism mechanism = TIDINGS_SASL_MECHANISM_NONE;
  TidingsImapCommand *command;

  if (!self->prefer_login_command)
    {
      if (self->sasl_mechanism != TIDINGS_SASL_MECHANISM_NONE)
        {
          const char *name = tidings_sasl_mechanism_to_string (self->sasl_mechanism);

          if (!g_strv_contains ((const char * const *) offered, name))
            {
              g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
                           _("%s does not offer the login method %s."), self->host, name);
              return NULL;
            }
          mechanism = self->sasl_mechanism;
        }
      else
        mechanism = tidings_sasl_choose_mechanism ((const char * const *) offered,
                                                   (encrypted ? TIDINGS_SASL_CHOOSE_ENCRYPTED : 0)
                                                   | (plain_ok ? TIDINGS_SASL_CHOOSE_ALLOW_PLAIN_TEXT : 0),
                                                   0, NULL);
    }

  if (mechanism == TIDINGS_SASL_MECHANISM_NONE)
    {
      if (login_disabled)
        {
          g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
                       _("%s does not allow logging in with a password on this connection "
                         "(LOGINDISABLED), and offers no login method Tidings knows."), self->host);
          return NULL;
        }
      command = tidings_imap_client_command_new (self, "LOGIN");
      command->sensitive = TRUE;
      command->log_text = g_strdup_printf ("LOGIN %s", login->user);
      tidings_imap_command_add_raw (command, " ");
      tidings_imap_command_add_string (command, login->user, strlen (login->user));
      tidings_imap_command_add_raw (command, " ");
      tidings_imap_command_add_string (command, login->password, strlen (login->password));
      tidings_imap_command_close (command);
      return command;
    }

  login->sasl = tidings_sasl_new (mechanism, login->user, login->password, NULL);
  command = tidings_imap_client_command_new (self, "AUTHENTICATE");
  command->sensitive = TRUE;
  command->holds_queue = TRUE;
  command->continuation = sasl_continuation;
  command->log_text = g_strdup_printf ("AUTHENTICATE %s", tidings_sasl_mechanism_to_string (mechanism));
  tidings_imap_command_add_printf (command, " %s", tidings_sasl_mechanism_to_string (mechanism));
  if (tidings_imap_client_has_capability (self, "SASL-IR")
      && tidings_sasl_has_initial_response (login->sasl))
    {
      g_autoptr(GBytes) first = tidings_sasl_step (login->sasl, NULL, error);
      g_autofree char *encoded = NULL;

      if (first == NULL)
        {
          tidings_imap_command_free (command);
          return NULL;
        }
      encoded = g_base64_encode (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
      tidings_imap_command_add_printf (command, " %s", *encoded ? encoded : "=");
    }
  tidings_imap_command_close (command);
  return command;
}

void
tidings_imap_client_login_async (TidingsImapClient   *self,
                                 const char          *user,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  LoginData *login;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (user != NULL && password != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_login_async);

  if (!tidings_imap_client_check_state (self, TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->state != TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED)
    {
      g_task_return_boolean (task, TRUE);  /* PREAUTH */
      return;
    }
  if (tidings_connection_get_security (self->connection) != TIDINGS_SECURITY_NONE
      && !tidings_connection_is_encrypted (self->connection))
    {
      g_task_return_new_error (task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE,
                               _("The connection to %s is not encrypted yet. No password was sent."),
                               self->host);
      return;
    }
  login = g_new0 (LoginData, 1);
  login->task = g_object_ref (task);
  login->user = g_strdup (user);
  login->password = g_strdup (password);
  command = build_login_command (self, login, &error);
  if (command == NULL)
    {
      login_data_free (login);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  command->done = login_done;
  command->data = login;
  command->data_free = login_data_free;
  tidings_imap_command_set_task (command, task);
  tidings_imap_client_submit (self, command);
}

gboolean
tidings_imap_client_login_finish (TidingsImapClient  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
