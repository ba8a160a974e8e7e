/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-client-connect.c: greeting, CAPA and STLS. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-pop3-client-private.h"

/* Connecting ---------------------------------------------------------------- */

typedef enum
{
  CONNECT_GREETING,
  CONNECT_CAPA,
  CONNECT_STLS,
  CONNECT_CAPA_AGAIN,
} ConnectStep;

static void connect_step (GTask *task);

static void
on_capa_line (const char *line,
              gsize       len,
              gpointer    user_data)
{
  tidings_pop3_capabilities_add_line (user_data, line, len);
}

static void
fail_and_close (GTask  *task,
                GError *error)
{
  TidingsPop3Client *self = g_task_get_source_object (task);

  tidings_connection_close (self->connection);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_tls_started (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!tidings_connection_start_tls_finish (TIDINGS_CONNECTION (source), result, &error))
    {
      fail_and_close (task, error);
      return;
    }
  g_task_set_task_data (task, GINT_TO_POINTER (CONNECT_CAPA_AGAIN), NULL);
  connect_step (task);
}

static void
on_connect_reply (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Client *self = TIDINGS_POP3_CLIENT (source);
  ConnectStep step = GPOINTER_TO_INT (g_task_get_task_data (task));
  TidingsPop3Reply reply;
  GError *error = NULL;
  gboolean starttls = tidings_connection_get_security (self->connection) == TIDINGS_SECURITY_STARTTLS;

  if (!_tidings_pop3_client_command_finish (self, result, &reply, &error))
    {
      fail_and_close (task, error);
      return;
    }
  switch (step)
    {
    case CONNECT_GREETING:
      if (!reply.ok)
        {
          fail_and_close (task, g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_FAILED,
                                             _("The server %s refused the connection: %s"),
                                             _tidings_pop3_client_host (self), reply.text));
          break;
        }
      g_free (self->apop_timestamp);
      self->apop_timestamp = tidings_pop3_parse_apop_timestamp (reply.text, strlen (reply.text));
      g_task_set_task_data (task, GINT_TO_POINTER (CONNECT_CAPA), NULL);
      connect_step (task);
      break;

    case CONNECT_CAPA:
    case CONNECT_CAPA_AGAIN:
      self->caps->capa = reply.ok;
      if (step == CONNECT_CAPA && starttls)
        {
          /* A server that answers CAPA and does not list STLS will not
           * do it; one without CAPA gets the chance to try. */
          if (self->caps->capa && !self->caps->stls)
            {
              fail_and_close (task, g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_NO_STLS,
                                                 _("The server %s does not offer encryption (STLS); "
                                                   "your password was not sent"),
                                                 _tidings_pop3_client_host (self)));
              break;
            }
          g_task_set_task_data (task, GINT_TO_POINTER (CONNECT_STLS), NULL);
          connect_step (task);
          break;
        }
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      break;

    case CONNECT_STLS:
      if (!reply.ok)
        {
          fail_and_close (task, g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_NO_STLS,
                                             _("The server %s refused to start encryption (STLS): %s; "
                                               "your password was not sent"),
                                             _tidings_pop3_client_host (self), reply.text));
          break;
        }
      tidings_connection_start_tls_async (self->connection, g_task_get_cancellable (task),
                                          on_tls_started, task);
      break;

    default:
      g_assert_not_reached ();
    }
  tidings_pop3_reply_clear (&reply);
}

static void
connect_step (GTask *task)
{
  TidingsPop3Client *self = g_task_get_source_object (task);
  ConnectStep step = GPOINTER_TO_INT (g_task_get_task_data (task));
  GCancellable *cancellable = g_task_get_cancellable (task);

  switch (step)
    {
    case CONNECT_GREETING:
      _tidings_pop3_client_command_async (self, NULL, TIDINGS_WRITE_NONE, FALSE, NULL, NULL, cancellable, on_connect_reply, task);
      break;
    case CONNECT_CAPA:
    case CONNECT_CAPA_AGAIN:
      /* What was said before TLS counts for nothing after it. */
      g_clear_pointer (&self->caps, tidings_pop3_capabilities_free);
      self->caps = tidings_pop3_capabilities_new ();
      _tidings_pop3_client_command_async (self, "CAPA", TIDINGS_WRITE_NONE, TRUE, on_capa_line, self->caps,
                     cancellable, on_connect_reply, task);
      break;
    case CONNECT_STLS:
      _tidings_pop3_client_command_async (self, "STLS", TIDINGS_WRITE_NONE, FALSE, NULL, NULL, cancellable, on_connect_reply, task);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!tidings_connection_connect_finish (TIDINGS_CONNECTION (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  connect_step (task);
}

void
tidings_pop3_client_connect_async (TidingsPop3Client  *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_pop3_client_connect_async);
  g_task_set_task_data (task, GINT_TO_POINTER (CONNECT_GREETING), NULL);
  tidings_connection_connect_async (self->connection, cancellable, on_connected, task);
}

gboolean
tidings_pop3_client_connect_finish (TidingsPop3Client *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
