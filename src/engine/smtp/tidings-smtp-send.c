/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp-send.c: one mail transaction: MAIL FROM, RCPT TO (pipelined
 * when the server allows), DATA with the dot-stuffed message streamed. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-smtp-client-private.h"
#include "tidings-smtp-dot-stuffer.h"

/* Results ---------------------------------------------------------------------- */

static void
rejection_free (TidingsSmtpRejection *rejection)
{
  g_free (rejection->address);
  g_free (rejection->reply);
  g_free (rejection);
}

static TidingsSmtpSendResult *
send_result_new (void)
{
  TidingsSmtpSendResult *result = g_new0 (TidingsSmtpSendResult, 1);

  result->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) rejection_free);
  return result;
}

TidingsSmtpSendResult *
tidings_smtp_send_result_copy (const TidingsSmtpSendResult *result)
{
  TidingsSmtpSendResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = send_result_new ();
  copy->n_accepted = result->n_accepted;
  copy->final_reply = g_strdup (result->final_reply);
  for (guint i = 0; i < result->rejected->len; i++)
    {
      const TidingsSmtpRejection *r = g_ptr_array_index (result->rejected, i);
      TidingsSmtpRejection *c = g_new0 (TidingsSmtpRejection, 1);

      c->address = g_strdup (r->address);
      c->code = r->code;
      c->reply = g_strdup (r->reply);
      g_ptr_array_add (copy->rejected, c);
    }
  return copy;
}

void
tidings_smtp_send_result_free (TidingsSmtpSendResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->rejected);
  g_free (result->final_reply);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (TidingsSmtpSendResult, tidings_smtp_send_result,
                     tidings_smtp_send_result_copy, tidings_smtp_send_result_free)

static char *
describe_rejections (GPtrArray  *rejected,
                     const char *host)
{
  GString *out;

  if (rejected == NULL || rejected->len == 0)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = 0; i < rejected->len; i++)
    {
      const TidingsSmtpRejection *r = g_ptr_array_index (rejected, i);

      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, _("The server %s refused the recipient %s: %s"),
                              host, r->address, r->reply);
    }
  return g_string_free (out, FALSE);
}

char *
tidings_smtp_send_result_describe (const TidingsSmtpSendResult *result,
                                   const char                  *host)
{
  g_return_val_if_fail (result != NULL, NULL);
  return describe_rejections (result->rejected, host);
}

/* RSET ---------------------------------------------------------------------------- */

static void
rset_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = _tidings_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (reply->code != 250)
    {
      g_autofree char *words = tidings_smtp_reply_to_display (reply);
      g_autofree char *msg = g_strdup_printf (_("The server %s refused to reset the session: %s"),
                                              _tidings_smtp_client_host (self), words);

      g_task_return_error (task, _tidings_smtp_client_reply_error (self, reply, msg));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
tidings_smtp_client_reset_async (TidingsSmtpClient   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_SMTP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_smtp_client_reset_async);
  _tidings_smtp_client_command_async (self, "RSET\r\n", TIDINGS_WRITE_NONE, cancellable,
                                      rset_cb, task);
}

gboolean
tidings_smtp_client_reset_finish (TidingsSmtpClient  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The transaction ---------------------------------------------------------------- */

typedef struct
{
  char                  *sender;
  GStrv                  recipients;
  GBytes                *message;
  gboolean               pipelined;
  guint                  rcpt_index;     /* the RCPT whose reply comes next */
  gboolean               mail_ok;
  TidingsSmtpSendResult *result;
  GError                *error;          /* to report after RSET */
} SendData;

static void
send_data_free (SendData *data)
{
  g_free (data->sender);
  g_strfreev (data->recipients);
  g_bytes_unref (data->message);
  g_clear_pointer (&data->result, tidings_smtp_send_result_free);
  g_clear_error (&data->error);
  g_free (data);
}

static void
send_fail (GTask  *task,
           GError *error)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);

  self->busy = FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
rset_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  /* A failed RSET closed the session if it had to; the error worth
   * telling is the one that made us reset. */
  tidings_smtp_client_reset_finish (TIDINGS_SMTP_CLIENT (source), result, NULL);
  send_fail (task, g_steal_pointer (&data->error));
}

/* Ends the transaction with @error after RSET (the session stays usable). */
static void
send_fail_with_reset (GTask  *task,
                      GError *error)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);

  data->error = error;
  if (!tidings_connection_is_connected (self->connection))
    {
      send_fail (task, g_steal_pointer (&data->error));
      return;
    }
  tidings_smtp_client_reset_async (self, g_task_get_cancellable (task), rset_done_cb, task);
}

static void
final_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  SendData *data = g_task_get_task_data (task);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  g_autofree char *words = NULL;
  GError *error = NULL;

  reply = _tidings_smtp_client_read_reply_finish (self, result, &error);
  if (reply == NULL)
    {
      send_fail (task, error);
      return;
    }
  words = tidings_smtp_reply_to_display (reply);
  if (reply->code / 100 != 2)
    {
      g_autofree char *msg = g_strdup_printf (_("The server %s refused the message: %s"),
                                              _tidings_smtp_client_host (self), words);

      send_fail (task, _tidings_smtp_client_reply_error (self, reply, msg));
      return;
    }
  data->result->final_reply = g_steal_pointer (&words);
  self->busy = FALSE;
  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify) tidings_smtp_send_result_free);
  g_object_unref (task);
}

static void
data_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!tidings_writer_write_stream_finish (TIDINGS_WRITER (source), result, NULL, &error))
    {
      send_fail (task, _tidings_smtp_client_fatal (self, error));
      return;
    }
  _tidings_smtp_client_read_reply_async (self, g_task_get_cancellable (task), final_reply_cb, task);
}

static void
data_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = TIDINGS_SMTP_CLIENT (source);
  SendData *data = g_task_get_task_data (task);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GInputStream) stuffed = NULL;
  g_autoptr(TidingsSmtpDotStuffer) stuffer = NULL;
  GError *error = NULL;

  reply = _tidings_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      send_fail (task, error);
      return;
    }
  if (reply->code != 354)
    {
      g_autofree char *words = tidings_smtp_reply_to_display (reply);
      g_autofree char *msg = g_strdup_printf (_("The server %s refused the message: %s"),
                                              _tidings_smtp_client_host (self), words);

      send_fail_with_reset (task, _tidings_smtp_client_reply_error (self, reply, msg));
      return;
    }
  /* Streamed: the stuffed copy never exists whole in memory. */
  raw = g_memory_input_stream_new_from_bytes (data->message);
  stuffer = tidings_smtp_dot_stuffer_new ();
  stuffed = g_converter_input_stream_new (raw, G_CONVERTER (stuffer));
  tidings_writer_write_stream_async (tidings_connection_get_writer (self->connection), stuffed, -1,
                                     TIDINGS_WRITE_NONE, g_task_get_cancellable (task),
                                     data_written_cb, task);
}

static void send_next_rcpt (GTask *task);

static void
after_recipients (GTask *task)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  const char *host = _tidings_smtp_client_host (self);

  if (data->error != NULL)
    {
      /* MAIL FROM was refused. */
      send_fail_with_reset (task, g_steal_pointer (&data->error));
      return;
    }
  if (data->result->n_accepted == 0)
    {
      g_autofree char *text = describe_rejections (data->result->rejected, host);
      gboolean all_temporary = TRUE;

      for (guint i = 0; i < data->result->rejected->len; i++)
        {
          const TidingsSmtpRejection *r = g_ptr_array_index (data->result->rejected, i);

          all_temporary = all_temporary && r->code / 100 == 4;
        }
      send_fail_with_reset (task, g_error_new_literal (TIDINGS_SMTP_ERROR,
                                                       all_temporary ? TIDINGS_SMTP_ERROR_TEMPORARY
                                                                     : TIDINGS_SMTP_ERROR_RECIPIENTS_REJECTED,
                                                       text));
      return;
    }
  _tidings_smtp_client_command_async (self, "DATA\r\n", TIDINGS_WRITE_NONE,
                                      g_task_get_cancellable (task), data_reply_cb, task);
}

/* Returns FALSE when @task was finished. */
static gboolean
take_reply (GTask                  *task,
            const TidingsSmtpReply *reply)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  g_autofree char *words = tidings_smtp_reply_to_display (reply);

  if (reply->code == 421)
    {
      g_autofree char *msg = g_strdup_printf (_("The server %s closed the session: %s"),
                                              _tidings_smtp_client_host (self), words);

      send_fail (task, _tidings_smtp_client_reply_error (self, reply, msg));
      return FALSE;
    }
  if (!data->mail_ok && data->rcpt_index == 0 && data->error == NULL)
    {
      /* The MAIL FROM reply. */
      if (reply->code / 100 == 2)
        data->mail_ok = TRUE;
      else
        {
          g_autofree char *msg = g_strdup_printf (_("The server %s refused the sender %s: %s"),
                                                  _tidings_smtp_client_host (self),
                                                  *data->sender != '\0' ? data->sender : "<>",
                                                  words);

          data->error = _tidings_smtp_client_reply_error (self, reply, msg);
        }
      return TRUE;
    }
  if (reply->code / 100 == 2)
    data->result->n_accepted++;
  else
    {
      TidingsSmtpRejection *r = g_new0 (TidingsSmtpRejection, 1);

      r->address = g_strdup (data->recipients[data->rcpt_index]);
      r->code = reply->code;
      r->reply = g_steal_pointer (&words);
      g_ptr_array_add (data->result->rejected, r);
    }
  data->rcpt_index++;
  return TRUE;
}

static void
reply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(TidingsSmtpReply) reply = NULL;
  GError *error = NULL;

  if (data->pipelined)
    reply = _tidings_smtp_client_read_reply_finish (TIDINGS_SMTP_CLIENT (source), result, &error);
  else
    reply = _tidings_smtp_client_command_finish (TIDINGS_SMTP_CLIENT (source), result, &error);
  if (reply == NULL)
    {
      send_fail (task, error);
      return;
    }
  if (!take_reply (task, reply))
    return;
  if (!data->pipelined && data->error != NULL)
    {
      after_recipients (task);
      return;
    }
  send_next_rcpt (task);
}

static void
send_next_rcpt (GTask *task)
{
  TidingsSmtpClient *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  g_autofree char *command = NULL;

  if (data->recipients[data->rcpt_index] == NULL)
    {
      after_recipients (task);
      return;
    }
  if (data->pipelined)
    {
      /* Already sent: read the next reply. */
      _tidings_smtp_client_read_reply_async (self, g_task_get_cancellable (task), reply_cb, task);
      return;
    }
  command = g_strdup_printf ("RCPT TO:<%s>\r\n", data->recipients[data->rcpt_index]);
  _tidings_smtp_client_command_async (self, command, TIDINGS_WRITE_NONE,
                                      g_task_get_cancellable (task), reply_cb, task);
}

static void
pipeline_written_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  TidingsSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!tidings_writer_write_finish (TIDINGS_WRITER (source), result, &error))
    {
      send_fail (task, _tidings_smtp_client_fatal (self, error));
      return;
    }
  /* The MAIL FROM reply first. */
  _tidings_smtp_client_read_reply_async (self, g_task_get_cancellable (task), reply_cb, task);
}

void
tidings_smtp_client_send_async (TidingsSmtpClient   *self,
                                const char          *sender,
                                const char * const  *recipients,
                                GBytes              *message,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  SendData *data;
  GString *command;
  const guint8 *bytes;
  gsize size;

  g_return_if_fail (TIDINGS_IS_SMTP_CLIENT (self));
  g_return_if_fail (sender != NULL);
  g_return_if_fail (recipients != NULL);
  g_return_if_fail (message != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_smtp_client_send_async);
  data = g_new0 (SendData, 1);
  data->sender = g_strdup (sender);
  data->recipients = g_strdupv ((char **) recipients);
  data->message = g_bytes_ref (message);
  data->result = send_result_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  if (self->busy || !tidings_smtp_client_is_ready (self))
    {
      g_task_return_new_error (task, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_NETWORK,
                               _("The connection to %s is not open."),
                               _tidings_smtp_client_host (self));
      g_object_unref (task);
      return;
    }
  if ((*sender != '\0' && !tidings_smtp_address_is_valid (sender)) || recipients[0] == NULL)
    {
      g_task_return_new_error (task, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_FAILED,
                               _("The message cannot be sent: its sender or recipients are invalid."));
      g_object_unref (task);
      return;
    }
  for (guint i = 0; recipients[i] != NULL; i++)
    if (!tidings_smtp_address_is_valid (recipients[i]) || *recipients[i] == '\0')
      {
        g_task_return_new_error (task, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_FAILED,
                                 _("The message cannot be sent: “%s” is not a valid address."),
                                 recipients[i]);
        g_object_unref (task);
        return;
      }

  bytes = g_bytes_get_data (message, &size);
  if ((self->caps->extensions & TIDINGS_SMTP_EXT_SIZE) && self->caps->max_size > 0
      && size > self->caps->max_size)
    {
      g_autofree char *have = g_format_size (size);
      g_autofree char *limit = g_format_size (self->caps->max_size);

      /* Refused before anything is sent: the session stays as it was. */
      g_task_return_new_error (task, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_TOO_BIG,
                               _("The message is %s, more than the %s the server %s accepts."),
                               have, limit, _tidings_smtp_client_host (self));
      g_object_unref (task);
      return;
    }

  self->busy = TRUE;
  command = g_string_new (NULL);
  g_string_append_printf (command, "MAIL FROM:<%s>", sender);
  if (self->caps->extensions & TIDINGS_SMTP_EXT_SIZE)
    g_string_append_printf (command, " SIZE=%" G_GSIZE_FORMAT, size);
  if ((self->caps->extensions & TIDINGS_SMTP_EXT_8BITMIME) && tidings_smtp_has_8bit (bytes, size))
    g_string_append (command, " BODY=8BITMIME");
  g_string_append (command, "\r\n");

  data->pipelined = (self->caps->extensions & TIDINGS_SMTP_EXT_PIPELINING) != 0;
  if (data->pipelined)
    {
      /* RFC 2920: MAIL FROM and every RCPT TO in one write. */
      for (guint i = 0; recipients[i] != NULL; i++)
        g_string_append_printf (command, "RCPT TO:<%s>\r\n", recipients[i]);
      tidings_writer_write_async (tidings_connection_get_writer (self->connection), command->str,
                                  command->len, TIDINGS_WRITE_NONE, cancellable,
                                  pipeline_written_cb, task);
    }
  else
    _tidings_smtp_client_command_async (self, command->str, TIDINGS_WRITE_NONE, cancellable,
                                        reply_cb, task);
  g_string_free (command, TRUE);
}

TidingsSmtpSendResult *
tidings_smtp_client_send_finish (TidingsSmtpClient  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
