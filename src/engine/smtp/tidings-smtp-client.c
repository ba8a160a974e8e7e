/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp-client.c: the session: reading replies, greeting, EHLO,
 * STARTTLS, AUTH, QUIT. The mail transaction (and RSET) is in tidings-smtp-send.c. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-smtp-client-private.h"

G_DEFINE_FINAL_TYPE (TidingsSmtpClient, tidings_smtp_client, G_TYPE_OBJECT)

static void
wipe_password (TidingsSmtpClient *self)
{
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
}

static void
tidings_smtp_client_finalize (GObject *object)
{
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (object);

  wipe_password (self);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->local_name, g_free);
  g_clear_pointer (&self->caps, tidings_smtp_capabilities_free);
  g_clear_pointer (&self->parser, tidings_smtp_reply_parser_free);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (tidings_smtp_client_parent_class)->finalize (object);
}

static void
tidings_smtp_client_class_init (TidingsSmtpClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tidings_smtp_client_finalize;
}

static void
tidings_smtp_client_init (TidingsSmtpClient *self)
{
  self->parser = tidings_smtp_reply_parser_new ();
  self->local_name = g_strdup ("[127.0.0.1]");
  self->caps = g_new0 (TidingsSmtpCapabilities, 1);
  self->caps->auth = g_new0 (char *, 1);
}

TidingsSmtpClient *
tidings_smtp_client_new (TidingsConnection *connection)
{
  TidingsSmtpClient *self;

  g_return_val_if_fail (TIDINGS_IS_CONNECTION (connection), NULL);

  self = g_object_new (TIDINGS_TYPE_SMTP_CLIENT, NULL);
  self->connection = g_object_ref (connection);
  return self;
}

TidingsConnection *
tidings_smtp_client_get_connection (TidingsSmtpClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_SMTP_CLIENT (self), NULL);
  return self->connection;
}

void
tidings_smtp_client_set_local_name (TidingsSmtpClient *self,
                                    const char        *name)
{
  g_return_if_fail (TIDINGS_IS_SMTP_CLIENT (self));
  g_return_if_fail (name != NULL && *name != '\0' && strpbrk (name, " \r\n") == NULL);

  g_free (self->local_name);
  self->local_name = g_strdup (name);
}

void
tidings_smtp_client_set_credentials (TidingsSmtpClient *self,
                                     const char        *user,
                                     const char        *password)
{
  g_return_if_fail (TIDINGS_IS_SMTP_CLIENT (self));

  wipe_password (self);
  g_free (self->user);
  self->user = g_strdup (user);
  self->password = g_strdup (password != NULL ? password : "");
}

const TidingsSmtpCapabilities *
tidings_smtp_client_get_capabilities (TidingsSmtpClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_SMTP_CLIENT (self), NULL);
  return self->caps;
}

gboolean
tidings_smtp_client_is_ready (TidingsSmtpClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_SMTP_CLIENT (self), FALSE);
  return self->ready && tidings_connection_is_connected (self->connection);
}

void
tidings_smtp_client_close (TidingsSmtpClient *self)
{
  g_return_if_fail (TIDINGS_IS_SMTP_CLIENT (self));

  self->ready = FALSE;
  tidings_connection_close (self->connection);
}

const char *
_tidings_smtp_client_host (TidingsSmtpClient *self)
{
  return tidings_connection_get_host (self->connection);
}

GError *
_tidings_smtp_client_fatal (TidingsSmtpClient *self,
                            GError            *error)
{
  GError *out;
  int code = TIDINGS_SMTP_ERROR_NETWORK;

  tidings_smtp_client_close (self);
  if (error->domain != TIDINGS_NET_ERROR)
    return error;
  switch (error->code)
    {
    case TIDINGS_NET_ERROR_TLS_FAILED:
    case TIDINGS_NET_ERROR_INSECURE:
      code = TIDINGS_SMTP_ERROR_TLS;
      break;
    case TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED:
    case TIDINGS_NET_ERROR_CERTIFICATE_CHANGED:
      code = TIDINGS_SMTP_ERROR_CERTIFICATE;
      break;
    case TIDINGS_NET_ERROR_LINE_TOO_LONG:
    case TIDINGS_NET_ERROR_TOO_BIG:
    case TIDINGS_NET_ERROR_PROTOCOL:
      code = TIDINGS_SMTP_ERROR_PROTOCOL;
      break;
    case TIDINGS_NET_ERROR_NO_MECHANISM:
      code = TIDINGS_SMTP_ERROR_NO_MECHANISM;
      break;
    case TIDINGS_NET_ERROR_AUTHENTICATION:
      code = TIDINGS_SMTP_ERROR_AUTHENTICATION;
      break;
    default:
      break;
    }
  out = g_error_new_literal (TIDINGS_SMTP_ERROR, code, error->message);
  g_error_free (error);
  return out;
}

GError *
_tidings_smtp_client_reply_error (TidingsSmtpClient      *self,
                                  const TidingsSmtpReply *reply,
                                  const char             *message)
{
  if (reply->code == 421)
    tidings_smtp_client_close (self);
  return g_error_new_literal (TIDINGS_SMTP_ERROR,
                              reply->code / 100 == 4 ? TIDINGS_SMTP_ERROR_TEMPORARY
                                                     : TIDINGS_SMTP_ERROR_PERMANENT,
                              message);
}

/* Reading replies ------------------------------------------------------------ */

static void read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
read_next_line (GTask *task)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);

  tidings_reader_read_line_async (tidings_connection_get_reader (self->connection),
                                  g_task_get_cancellable (task), read_line_cb, task);
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TidingsSmtpClient *self = g_task_get_source_object (task);
  g_autofree char *line = NULL;
  TidingsSmtpReply *reply = NULL;
  GError *error = NULL;
  gsize len = 0;

  line = tidings_reader_read_line_finish (TIDINGS_READER (source), result, &len, &error);
  if (line == NULL)
    {
      g_task_return_error (task, _tidings_smtp_client_fatal (self, error));
      return;
    }
  if (!tidings_smtp_reply_parser_feed (self->parser, line, len, &reply, &error))
    {
      g_task_return_error (task, _tidings_smtp_client_fatal (self, error));
      return;
    }
  if (reply == NULL)
    {
      read_next_line (g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) tidings_smtp_reply_free);
}

void
_tidings_smtp_client_read_reply_async (TidingsSmtpClient   *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _tidings_smtp_client_read_reply_async);
  tidings_smtp_reply_parser_reset (self->parser);
  read_next_line (task);
}

TidingsSmtpReply *
_tidings_smtp_client_read_reply_finish (TidingsSmtpClient  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
command_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  TidingsSmtpReply *reply;

  reply = _tidings_smtp_client_read_reply_finish (TIDINGS_SMTP_CLIENT (source), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) tidings_smtp_reply_free);
}

static void
command_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!tidings_writer_write_finish (TIDINGS_WRITER (source), result, &error))
    {
      g_task_return_error (task, _tidings_smtp_client_fatal (self, error));
      g_object_unref (task);
      return;
    }
  _tidings_smtp_client_read_reply_async (self, g_task_get_cancellable (task),
                                         command_reply_cb, task);
}

void
_tidings_smtp_client_command_async (TidingsSmtpClient   *self,
                                    const char          *text,
                                    TidingsWriteFlags    flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _tidings_smtp_client_command_async);
  if (text == NULL)
    {
      _tidings_smtp_client_read_reply_async (self, cancellable, command_reply_cb, task);
      return;
    }
  tidings_writer_write_async (tidings_connection_get_writer (self->connection), text,
                              strlen (text), flags, cancellable, command_written_cb, task);
}

TidingsSmtpReply *
_tidings_smtp_client_command_finish (TidingsSmtpClient  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Connecting -------------------------------------------------------------------- */

typedef struct
{
  gboolean     tls_done;   /* EHLO after STARTTLS */
  TidingsSasl *sasl;
  GError      *auth_error; /* our side gave up the exchange */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_clear_object (&data->sasl);
  g_clear_error (&data->auth_error);
  g_free (data);
}

static void
connect_fail (GTask  *task,
              GError *error)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);

  /* Nothing half-done is reusable: a session either is ready or is gone. */
  tidings_smtp_client_close (self);
  self->busy = FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void connect_send_ehlo (GTask *task);
static void connect_after_ehlo (GTask *task);

static char *
display (const TidingsSmtpReply *reply)
{
  return tidings_smtp_reply_to_display (reply);
}

static void
auth_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  g_autofree char *words = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  reply = _tidings_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      connect_fail (g_steal_pointer (&task), error);
      return;
    }
  words = display (reply);
  if (data->auth_error != NULL)
    {
      connect_fail (g_steal_pointer (&task), g_steal_pointer (&data->auth_error));
      return;
    }
  if (reply->code == 235)
    {
      if (!tidings_sasl_finish (data->sasl, &error))
        {
          connect_fail (g_steal_pointer (&task), _tidings_smtp_client_fatal (self, error));
          return;
        }
      self->ready = TRUE;
      self->busy = FALSE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (reply->code == 334)
    {
      g_autoptr(GBytes) challenge = NULL;
      g_autoptr(GBytes) response = NULL;
      g_autofree char *line = NULL;
      const char *text = reply->lines[0] != NULL ? reply->lines[0] : "";
      gsize len = 0;
      guchar *decoded;

      /* An empty challenge is legal; a bad base64 one is not. */
      decoded = g_base64_decode (*text != '\0' ? text : "", &len);
      challenge = g_bytes_new_take (decoded, len);
      response = tidings_sasl_step (data->sasl, challenge, &error);
      if (response == NULL)
        {
          /* Cancel the exchange, read the server's 501, then report. */
          data->auth_error = g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_AUTHENTICATION,
                                          _("Logging in to %s failed: %s"),
                                          _tidings_smtp_client_host (self), error->message);
          g_clear_error (&error);
          cancellable = g_task_get_cancellable (task);
          _tidings_smtp_client_command_async (self, "*\r\n", TIDINGS_WRITE_NONE,
                                              cancellable, auth_reply_cb,
                                              g_steal_pointer (&task));
          return;
        }
      {
        gsize rlen;
        const guint8 *rdata = g_bytes_get_data (response, &rlen);
        g_autofree char *b64 = rlen > 0 ? g_base64_encode (rdata, rlen) : g_strdup ("");

        line = g_strconcat (b64, "\r\n", NULL);
        memset (b64, 0, strlen (b64));
      }
      cancellable = g_task_get_cancellable (task);
      _tidings_smtp_client_command_async (self, line, TIDINGS_WRITE_SENSITIVE,
                                          cancellable, auth_reply_cb,
                                          g_steal_pointer (&task));
      memset (line, 0, strlen (line));
      return;
    }
  if (reply->code / 100 == 4)
    {
      g_autofree char *msg = g_strdup_printf (_("The server %s cannot log you in right now: %s"),
                                              _tidings_smtp_client_host (self), words);
      connect_fail (g_steal_pointer (&task), _tidings_smtp_client_reply_error (self, reply, msg));
      return;
    }
  connect_fail (g_steal_pointer (&task),
                g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_AUTHENTICATION,
                             _("The server %s did not accept the user name or password for %s: %s"),
                             _tidings_smtp_client_host (self), self->user, words));
}

static void
connect_authenticate (GTask *task)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  TidingsSaslMechanism mech;
  TidingsSaslChooseFlags flags = TIDINGS_SASL_CHOOSE_NONE;
  g_autoptr(GString) command = NULL;
  GError *error = NULL;

  if (self->user == NULL)
    {
      self->ready = TRUE;
      self->busy = FALSE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (tidings_connection_is_encrypted (self->connection))
    flags |= TIDINGS_SASL_CHOOSE_ENCRYPTED;
  mech = tidings_sasl_choose_mechanism ((const char * const *) self->caps->auth, flags, 0, &error);
  if (mech == TIDINGS_SASL_MECHANISM_NONE)
    {
      GError *out = g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_NO_MECHANISM,
                                 _("The server %s offers no way to log in that Tidings can use safely here."),
                                 _tidings_smtp_client_host (self));
      g_clear_error (&error);
      connect_fail (task, out);
      return;
    }
  data->sasl = tidings_sasl_new (mech, self->user, self->password, NULL);
  command = g_string_new ("AUTH ");
  g_string_append (command, tidings_sasl_mechanism_to_string (mech));
  if (tidings_sasl_has_initial_response (data->sasl))
    {
      g_autoptr(GBytes) initial = tidings_sasl_step (data->sasl, NULL, &error);
      gsize len;
      const guint8 *bytes;

      if (initial == NULL)
        {
          GError *out = g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_AUTHENTICATION,
                                     _("Logging in to %s failed: %s"),
                                     _tidings_smtp_client_host (self), error->message);
          g_clear_error (&error);
          connect_fail (task, out);
          return;
        }
      bytes = g_bytes_get_data (initial, &len);
      if (len == 0)
        g_string_append (command, " =");
      else
        {
          g_autofree char *b64 = g_base64_encode (bytes, len);

          g_string_append_c (command, ' ');
          g_string_append (command, b64);
          memset (b64, 0, strlen (b64));
        }
    }
  g_string_append (command, "\r\n");
  /* SENSITIVE: never logged, and refused if the connection is not encrypted
   * when it should be. */
  _tidings_smtp_client_command_async (self, command->str, TIDINGS_WRITE_SENSITIVE,
                                      g_task_get_cancellable (task), auth_reply_cb, task);
  memset (command->str, 0, command->len);
}

static void
start_tls_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_connection_start_tls_finish (TIDINGS_CONNECTION (source), result, &error))
    {
      connect_fail (task, _tidings_smtp_client_fatal (self, error));
      return;
    }
  data->tls_done = TRUE;
  /* What the server said before TLS counts for nothing now. */
  connect_send_ehlo (task);
}

static void
starttls_reply_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = _tidings_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      connect_fail (task, error);
      return;
    }
  if (reply->code != 220)
    {
      g_autofree char *words = display (reply);

      connect_fail (task, g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_TLS,
                                       _("The server %s refused to encrypt the connection (%s). "
                                         "Tidings sent neither the password nor the message."),
                                       _tidings_smtp_client_host (self), words));
      return;
    }
  tidings_connection_start_tls_async (self->connection, g_task_get_cancellable (task),
                                      start_tls_cb, task);
}

static void
connect_after_ehlo (GTask *task)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);

  if (tidings_connection_get_security (self->connection) == TIDINGS_SECURITY_STARTTLS
      && !data->tls_done)
    {
      if ((self->caps->extensions & TIDINGS_SMTP_EXT_STARTTLS) == 0)
        {
          connect_fail (task, g_error_new (TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_TLS,
                                           _("The server %s does not offer to encrypt the connection "
                                             "(STARTTLS). Tidings sent neither the password nor the "
                                             "message. Someone may be interfering with the connection, "
                                             "or the server needs a different security setting."),
                                           _tidings_smtp_client_host (self)));
          return;
        }
      _tidings_smtp_client_command_async (self, "STARTTLS\r\n", TIDINGS_WRITE_NONE,
                                          g_task_get_cancellable (task), starttls_reply_cb, task);
      return;
    }
  connect_authenticate (task);
}

static void
helo_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = _tidings_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      connect_fail (task, error);
      return;
    }
  if (reply->code != 250)
    {
      g_autofree char *words = display (reply);
      g_autofree char *msg = g_strdup_printf (_("The server %s refused to start a session: %s"),
                                              _tidings_smtp_client_host (self), words);

      connect_fail (task, _tidings_smtp_client_reply_error (self, reply, msg));
      return;
    }
  /* HELO: no extensions at all. */
  g_clear_pointer (&self->caps, tidings_smtp_capabilities_free);
  self->caps = g_new0 (TidingsSmtpCapabilities, 1);
  self->caps->auth = g_new0 (char *, 1);
  connect_after_ehlo (task);
}

static void
ehlo_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = _tidings_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      connect_fail (task, error);
      return;
    }
  if (reply->code == 250)
    {
      g_clear_pointer (&self->caps, tidings_smtp_capabilities_free);
      self->caps = tidings_smtp_capabilities_new_from_reply (reply);
      connect_after_ehlo (task);
      return;
    }
  if (reply->code / 100 == 5)
    {
      /* An old server that does not know EHLO. */
      g_autofree char *helo = g_strdup_printf ("HELO %s\r\n", self->local_name);

      _tidings_smtp_client_command_async (self, helo, TIDINGS_WRITE_NONE,
                                          g_task_get_cancellable (task), helo_reply_cb, task);
      return;
    }
  {
    g_autofree char *words = display (reply);
    g_autofree char *msg = g_strdup_printf (_("The server %s refused to start a session: %s"),
                                            _tidings_smtp_client_host (self), words);

    connect_fail (task, _tidings_smtp_client_reply_error (self, reply, msg));
  }
}

static void
connect_send_ehlo (GTask *task)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);
  g_autofree char *ehlo = g_strdup_printf ("EHLO %s\r\n", self->local_name);

  _tidings_smtp_client_command_async (self, ehlo, TIDINGS_WRITE_NONE,
                                      g_task_get_cancellable (task), ehlo_reply_cb, task);
}

static void
greeting_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = _tidings_smtp_client_read_reply_finish (self, result, &error);
  if (reply == NULL)
    {
      connect_fail (task, error);
      return;
    }
  if (reply->code != 220)
    {
      g_autofree char *words = display (reply);
      g_autofree char *msg = g_strdup_printf (_("The server %s does not accept mail now: %s"),
                                              _tidings_smtp_client_host (self), words);

      connect_fail (task, _tidings_smtp_client_reply_error (self, reply, msg));
      return;
    }
  connect_send_ehlo (task);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!tidings_connection_connect_finish (TIDINGS_CONNECTION (source), result, &error))
    {
      connect_fail (task, _tidings_smtp_client_fatal (self, error));
      return;
    }
  _tidings_smtp_client_read_reply_async (self, g_task_get_cancellable (task), greeting_cb, task);
}

void
tidings_smtp_client_connect_async (TidingsSmtpClient   *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_SMTP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_smtp_client_connect_async);
  g_task_set_task_data (task, g_new0 (ConnectData, 1), (GDestroyNotify) connect_data_free);
  if (self->busy || self->ready)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "SMTP client already connected or connecting");
      g_object_unref (task);
      return;
    }
  self->busy = TRUE;
  tidings_connection_connect_async (self->connection, cancellable, connected_cb, task);
}

gboolean
tidings_smtp_client_connect_finish (TidingsSmtpClient  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* QUIT ------------------------------------------------------------------- */

static void
quit_closed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  tidings_connection_close_finish (TIDINGS_CONNECTION (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
quit_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  g_autoptr(TidingsSmtpReply) reply = NULL;

  /* Whatever the server says (or not), the session ends here. */
  reply = _tidings_smtp_client_command_finish (self, result, NULL);
  self->ready = FALSE;
  tidings_connection_close_async (self->connection, NULL, quit_closed_cb, task);
}

void
tidings_smtp_client_quit_async (TidingsSmtpClient   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_SMTP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_smtp_client_quit_async);
  if (!tidings_connection_is_connected (self->connection))
    {
      self->ready = FALSE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  _tidings_smtp_client_command_async (self, "QUIT\r\n", TIDINGS_WRITE_NONE, cancellable,
                                      quit_cb, task);
}

gboolean
tidings_smtp_client_quit_finish (TidingsSmtpClient  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
