/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-client-auth.c: logging in (USER/PASS, APOP, AUTH). */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-pop3-client-private.h"

typedef enum
{
  LOGIN_USER,
  LOGIN_PASS,
  LOGIN_APOP,
  LOGIN_SASL,
  LOGIN_CAPA,
} LoginStep;

typedef struct
{
  char                  *user;
  char                  *password;
  LoginStep              step;
  TidingsSasl           *sasl;
  char                  *sasl_line;   /* a response we sent, kept to wipe it */
  gboolean               sasl_cancelled;
  GError                *sasl_error;
  TidingsPop3Capabilities *new_caps;
} LoginData;

static void
wipe_free (char *s)
{
  if (s != NULL)
    {
      memset (s, 0, strlen (s));
      g_free (s);
    }
}

static void
login_data_free (LoginData *data)
{
  g_free (data->user);
  wipe_free (data->password);
  wipe_free (data->sasl_line);
  g_clear_object (&data->sasl);
  g_clear_error (&data->sasl_error);
  g_clear_pointer (&data->new_caps, tidings_pop3_capabilities_free);
  g_free (data);
}

static GError *
auth_error (TidingsPop3Client      *self,
            const TidingsPop3Reply *reply,
            const char             *user)
{
  if (reply != NULL && reply->code != NULL
      && (g_ascii_strcasecmp (reply->code, "IN-USE") == 0
          || g_ascii_strcasecmp (reply->code, "LOGIN-DELAY") == 0
          || g_ascii_strcasecmp (reply->code, "SYS/TEMP") == 0))
    return _tidings_pop3_client_error_from_reply (self, reply, "login");
  return g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_AUTHENTICATION,
                      _("The server %s rejected the password for %s"),
                      _tidings_pop3_client_host (self), user);
}

static void login_send (GTask *task);
static void sasl_read (GTask *task);

static void
login_done (GTask *task)
{
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
login_fail (GTask  *task,
            GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_capa_line (const char *line,
              gsize       len,
              gpointer    user_data)
{
  tidings_pop3_capabilities_add_line (user_data, line, len);
}

static void
on_login_reply (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Client *self = TIDINGS_POP3_CLIENT (source);
  LoginData *data = g_task_get_task_data (task);
  TidingsPop3Reply reply;
  GError *error = NULL;

  if (!_tidings_pop3_client_command_finish (self, result, &reply, &error))
    {
      login_fail (task, error);
      return;
    }
  switch (data->step)
    {
    case LOGIN_USER:
      if (!reply.ok)
        login_fail (task, auth_error (self, &reply, data->user));
      else
        {
          data->step = LOGIN_PASS;
          login_send (task);
        }
      break;
    case LOGIN_PASS:
    case LOGIN_APOP:
      if (!reply.ok)
        login_fail (task, auth_error (self, &reply, data->user));
      else
        {
          self->auth_used = data->step == LOGIN_PASS ? "USER" : "APOP";
          data->step = LOGIN_CAPA;
          login_send (task);
        }
      break;
    case LOGIN_CAPA:
      /* LOGIN-DELAY and EXPIRE may differ per user after login. */
      if (reply.ok)
        {
          data->new_caps->capa = TRUE;
          tidings_pop3_capabilities_free (self->caps);
          self->caps = g_steal_pointer (&data->new_caps);
        }
      login_done (task);
      break;
    default:
      g_assert_not_reached ();
    }
  tidings_pop3_reply_clear (&reply);
}

/* SASL (RFC 5034) --------------------------------------------------------- */

static void
on_sasl_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Client *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!tidings_writer_write_finish (TIDINGS_WRITER (source), result, &error))
    {
      self->busy = FALSE;
      login_fail (task, error);
      return;
    }
  sasl_read (task);
}

static void
sasl_write (GTask      *task,
            char       *line_with_crlf)
{
  TidingsPop3Client *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);

  wipe_free (data->sasl_line);
  data->sasl_line = line_with_crlf;
  tidings_writer_write_async (self->writer, data->sasl_line, strlen (data->sasl_line),
                              TIDINGS_WRITE_SENSITIVE, g_task_get_cancellable (task),
                              on_sasl_written, task);
}

/* RFC 5034: an empty initial response is "="; an empty answer to a
 * challenge is an empty line. */
static char *
encode_response (GBytes   *response,
                 gboolean  initial)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (response, &len);
  g_autofree char *b64 = NULL;

  if (len == 0)
    return g_strdup (initial ? "=" : "");
  b64 = g_base64_encode (p, len);
  return g_steal_pointer (&b64);
}

static void
on_sasl_line (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Client *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) response = NULL;
  TidingsPop3Reply reply;
  gsize len = 0;

  line = tidings_reader_read_line_finish (TIDINGS_READER (source), result, &len, &error);
  if (line == NULL)
    {
      self->busy = FALSE;
      login_fail (task, error);
      return;
    }
  if (tidings_pop3_parse_reply (line, len, &reply, NULL))
    {
      self->busy = FALSE;
      if (data->sasl_cancelled)
        login_fail (task, g_steal_pointer (&data->sasl_error));
      else if (!reply.ok)
        login_fail (task, auth_error (self, &reply, data->user));
      else if (!tidings_sasl_finish (data->sasl, &error))
        {
          /* The server did not prove it knows the password. */
          tidings_connection_close (self->connection);
          login_fail (task, error);
        }
      else
        {
          self->auth_used = tidings_sasl_mechanism_to_string (tidings_sasl_get_mechanism (data->sasl));
          data->step = LOGIN_CAPA;
          login_send (task);
        }
      tidings_pop3_reply_clear (&reply);
      return;
    }
  if (data->sasl_cancelled || !tidings_pop3_parse_continuation (line, len, &challenge))
    {
      self->busy = FALSE;
      tidings_connection_close (self->connection);
      login_fail (task, _tidings_pop3_client_protocol_error (self));
      return;
    }
  response = tidings_sasl_step (data->sasl, challenge, &error);
  if (response == NULL)
    {
      /* Cancel the exchange; the server answers -ERR. */
      data->sasl_error = error;
      data->sasl_cancelled = TRUE;
      sasl_write (task, g_strdup ("*\r\n"));
      return;
    }
  {
    g_autofree char *b64 = encode_response (response, FALSE);
    sasl_write (task, g_strconcat (b64, "\r\n", NULL));
    memset (b64, 0, strlen (b64));
  }
}

static void
sasl_read (GTask *task)
{
  TidingsPop3Client *self = g_task_get_source_object (task);

  tidings_reader_read_line_async (self->reader, g_task_get_cancellable (task), on_sasl_line, task);
}

static void
sasl_start (GTask *task)
{
  TidingsPop3Client *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  const char *name = tidings_sasl_mechanism_to_string (tidings_sasl_get_mechanism (data->sasl));
  GError *error = NULL;

  if (self->busy)
    {
      login_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PENDING,
                                             "another POP3 command is running"));
      return;
    }
  self->busy = TRUE;
  if (tidings_sasl_has_initial_response (data->sasl))
    {
      g_autoptr(GBytes) initial = tidings_sasl_step (data->sasl, NULL, &error);
      g_autofree char *b64 = NULL;

      if (initial == NULL)
        {
          self->busy = FALSE;
          login_fail (task, error);
          return;
        }
      b64 = encode_response (initial, TRUE);
      sasl_write (task, g_strdup_printf ("AUTH %s %s\r\n", name, b64));
      memset (b64, 0, strlen (b64));
    }
  else
    sasl_write (task, g_strdup_printf ("AUTH %s\r\n", name));
}

/* Steps ------------------------------------------------------------------- */

static void
login_send (GTask *task)
{
  TidingsPop3Client *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *line = NULL;

  switch (data->step)
    {
    case LOGIN_USER:
      line = g_strdup_printf ("USER %s", data->user);
      _tidings_pop3_client_command_async (self, line, TIDINGS_WRITE_SENSITIVE, FALSE, NULL, NULL,
                                          cancellable, on_login_reply, task);
      break;
    case LOGIN_PASS:
      line = g_strdup_printf ("PASS %s", data->password);
      _tidings_pop3_client_command_async (self, line, TIDINGS_WRITE_SENSITIVE, FALSE, NULL, NULL,
                                          cancellable, on_login_reply, task);
      memset (line, 0, strlen (line));
      break;
    case LOGIN_APOP:
      {
        g_autofree char *digest = tidings_pop3_apop_digest (self->apop_timestamp, data->password);

        line = g_strdup_printf ("APOP %s %s", data->user, digest);
        _tidings_pop3_client_command_async (self, line, TIDINGS_WRITE_SENSITIVE, FALSE, NULL, NULL,
                                            cancellable, on_login_reply, task);
      }
      break;
    case LOGIN_SASL:
      sasl_start (task);
      break;
    case LOGIN_CAPA:
      if (!self->caps->capa)
        {
          login_done (task);
          break;
        }
      data->new_caps = tidings_pop3_capabilities_new ();
      _tidings_pop3_client_command_async (self, "CAPA", TIDINGS_WRITE_NONE, TRUE, on_capa_line,
                                          data->new_caps, cancellable, on_login_reply, task);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
valid_credential (const char *s)
{
  /* No line breaks or NULs may reach a command line. */
  return s != NULL && g_utf8_validate (s, -1, NULL) && strpbrk (s, "\r\n") == NULL;
}

void
tidings_pop3_client_login_async (TidingsPop3Client    *self,
                                 const char           *user,
                                 const char           *password,
                                 TidingsPop3AuthMethod method,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  GTask *task;
  LoginData *data;
  gboolean encrypted;
  const TidingsPop3Capabilities *caps;
  GError *error = NULL;

  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  g_return_if_fail (user != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_pop3_client_login_async);
  data = g_new0 (LoginData, 1);
  data->user = g_strdup (user);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);

  if (!valid_credential (user) || !valid_credential (password) || strchr (user, ' ') != NULL)
    {
      login_fail (task, g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_AUTHENTICATION,
                                     _("The user name or password for %s contains characters "
                                       "that cannot be sent"),
                                     _tidings_pop3_client_host (self)));
      return;
    }

  encrypted = tidings_connection_is_encrypted (self->connection);
  caps = self->caps;
  if (method == TIDINGS_POP3_AUTH_AUTO)
    {
      if (caps->sasl[0] != NULL
          && tidings_sasl_choose_mechanism ((const char * const *) caps->sasl,
                                            encrypted ? TIDINGS_SASL_CHOOSE_ENCRYPTED
                                                      : TIDINGS_SASL_CHOOSE_NONE,
                                            0, NULL) != TIDINGS_SASL_MECHANISM_NONE)
        method = TIDINGS_POP3_AUTH_SASL;
      else if (!encrypted && self->apop_timestamp != NULL)
        method = TIDINGS_POP3_AUTH_APOP;
      else
        method = TIDINGS_POP3_AUTH_USER;
    }

  switch (method)
    {
    case TIDINGS_POP3_AUTH_USER:
      data->step = LOGIN_USER;
      break;
    case TIDINGS_POP3_AUTH_APOP:
      if (self->apop_timestamp == NULL)
        {
          login_fail (task, g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_NO_AUTH_METHOD,
                                         _("The server %s does not offer APOP"),
                                         _tidings_pop3_client_host (self)));
          return;
        }
      data->step = LOGIN_APOP;
      break;
    case TIDINGS_POP3_AUTH_SASL:
      {
        TidingsSaslMechanism mech;
        TidingsSaslChooseFlags flags = encrypted ? TIDINGS_SASL_CHOOSE_ENCRYPTED : TIDINGS_SASL_CHOOSE_NONE;

        /* The person chose no encryption at all: PLAIN is what they chose. */
        if (tidings_connection_get_security (self->connection) == TIDINGS_SECURITY_NONE)
          flags |= TIDINGS_SASL_CHOOSE_ALLOW_PLAIN_TEXT;
        mech = tidings_sasl_choose_mechanism ((const char * const *) caps->sasl, flags, 0, &error);
        if (mech == TIDINGS_SASL_MECHANISM_NONE)
          {
            g_clear_error (&error);
            login_fail (task, g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_NO_AUTH_METHOD,
                                           _("The server %s offers no login method Tidings can use safely"),
                                           _tidings_pop3_client_host (self)));
            return;
          }
        data->sasl = tidings_sasl_new (mech, user, password, NULL);
        data->step = LOGIN_SASL;
      }
      break;
    default:
      g_assert_not_reached ();
    }
  login_send (task);
}

gboolean
tidings_pop3_client_login_finish (TidingsPop3Client *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
