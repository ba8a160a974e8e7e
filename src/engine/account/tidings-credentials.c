/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-credentials.h"

G_DEFINE_QUARK (tidings-credentials-error-quark, tidings_credentials_error)

/* A password is one line; anything longer is not what the command was
 * meant to print, and must not grow memory. */
#define MAX_COMMAND_OUTPUT 4096

typedef struct
{
  char *user;
  char *host;
} PasswordRequest;

static void
password_request_free (PasswordRequest *request)
{
  g_free (request->user);
  g_free (request->host);
  g_free (request);
}

void
tidings_credentials_free_password (char *password)
{
  if (password == NULL)
    return;
  memset (password, 0, strlen (password));
  g_free (password);
}

static void
command_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GTask) task = user_data;
  PasswordRequest *request = g_task_get_task_data (task);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize len;
  gsize line_len;
  char *password;

  if (!g_subprocess_communicate_finish (process, result, &out, NULL, &error))
    {
      g_task_return_new_error (task, TIDINGS_CREDENTIALS_ERROR,
                               TIDINGS_CREDENTIALS_ERROR_COMMAND_FAILED,
                               _("The password command for %s could not be run: %s"),
                               request->user, error->message);
      return;
    }
  data = out != NULL ? g_bytes_get_data (out, &len) : NULL;
  if (out == NULL)
    len = 0;
  line_len = 0;
  while (line_len < len && data[line_len] != '\n' && data[line_len] != '\r')
    line_len++;

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_task_return_new_error (task, TIDINGS_CREDENTIALS_ERROR,
                               TIDINGS_CREDENTIALS_ERROR_COMMAND_FAILED,
                               _("The password command for %s failed."), request->user);
      return;
    }
  if (line_len == 0 || line_len > MAX_COMMAND_OUTPUT || memchr (data, '\0', line_len) != NULL)
    {
      g_task_return_new_error (task, TIDINGS_CREDENTIALS_ERROR,
                               TIDINGS_CREDENTIALS_ERROR_COMMAND_FAILED,
                               _("The password command for %s printed no usable password."),
                               request->user);
      return;
    }
  password = g_strndup (data, line_len);
  /* The output buffer held the secret too. */
  memset ((char *) data, 0, len);
  g_task_return_pointer (task, password, (GDestroyNotify) tidings_credentials_free_password);
}

void
tidings_credentials_get_password_async (const TidingsServerSettings *server,
                                        GCancellable                *cancellable,
                                        GAsyncReadyCallback          callback,
                                        gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  PasswordRequest *request;

  g_return_if_fail (server != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_credentials_get_password_async);
  request = g_new0 (PasswordRequest, 1);
  request->user = g_strdup (server->user != NULL ? server->user : "");
  request->host = g_strdup (server->host != NULL ? server->host : "");
  g_task_set_task_data (task, request, (GDestroyNotify) password_request_free);

  if (server->password_command == NULL || *server->password_command == '\0')
    {
      g_task_return_new_error (task, TIDINGS_CREDENTIALS_ERROR,
                               TIDINGS_CREDENTIALS_ERROR_NO_PASSWORD,
                               _("No password is stored for %s on %s."),
                               request->user, request->host);
      return;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_INHERIT,
                              &error, "/bin/sh", "-c", server->password_command, NULL);
  if (process == NULL)
    {
      g_task_return_new_error (task, TIDINGS_CREDENTIALS_ERROR,
                               TIDINGS_CREDENTIALS_ERROR_COMMAND_FAILED,
                               _("The password command for %s could not be run: %s"),
                               request->user, error->message);
      return;
    }
  g_subprocess_communicate_async (process, NULL, cancellable, command_done_cb,
                                  g_steal_pointer (&task));
}

char *
tidings_credentials_get_password_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

TidingsConnection *
tidings_credentials_new_connection (TidingsStore                *store,
                                    gint64                       account_id,
                                    const TidingsServerSettings *server,
                                    GError                     **error)
{
  g_autoptr(TidingsConnection) connection = NULL;
  g_autofree char *pin = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), NULL);
  g_return_val_if_fail (server != NULL, NULL);

  if (server->host == NULL || *server->host == '\0' || server->port == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The account has no server set up."));
      return NULL;
    }
  if (!tidings_store_get_pin (store, account_id, server->host, server->port, &pin, error))
    return NULL;

  connection = tidings_connection_new (server->host, server->port, server->security);
  if (pin != NULL && !tidings_connection_set_pinned_fingerprint (connection, pin))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The certificate fingerprint kept for %s is damaged."), server->host);
      return NULL;
    }
  return g_steal_pointer (&connection);
}
