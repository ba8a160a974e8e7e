/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-client-retrieve.c: RETR and TOP, bounded, into memory or a stream. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-pop3-client-private.h"

/* RETR and TOP -------------------------------------------------------------- */

typedef struct
{
  GOutputStream *sink;
  GByteArray    *memory;
  guint64        max;
  guint64        size;
  gboolean       too_big;
  GError        *sink_error;
  char          *what;
} RetrieveData;

typedef struct
{
  GBytes  *bytes;
  guint64  size;
} RetrieveResult;

static void
retrieve_result_free (RetrieveResult *r)
{
  g_clear_pointer (&r->bytes, g_bytes_unref);
  g_free (r);
}

static void
retrieve_data_free (RetrieveData *data)
{
  g_clear_object (&data->sink);
  g_clear_pointer (&data->memory, g_byte_array_unref);
  g_clear_error (&data->sink_error);
  g_free (data->what);
  g_free (data);
}

static void
on_message_line (const char *line,
                 gsize       len,
                 gpointer    user_data)
{
  RetrieveData *data = user_data;

  data->size += len + 2;
  if (data->too_big || data->sink_error != NULL)
    return;
  if (data->size > data->max)
    {
      data->too_big = TRUE;
      return;
    }
  if (data->sink != NULL)
    {
      if (!g_output_stream_write_all (data->sink, line, len, NULL, NULL, &data->sink_error))
        return;
      g_output_stream_write_all (data->sink, "\r\n", 2, NULL, NULL, &data->sink_error);
    }
  else
    {
      g_byte_array_append (data->memory, (const guint8 *) line, len);
      g_byte_array_append (data->memory, (const guint8 *) "\r\n", 2);
    }
}

static void
on_retrieve_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TidingsPop3Client *self = TIDINGS_POP3_CLIENT (source);
  RetrieveData *data = g_task_get_task_data (task);
  TidingsPop3Reply reply;
  GError *error = NULL;

  if (!_tidings_pop3_client_command_finish (self, result, &reply, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!reply.ok)
    g_task_return_error (task, _tidings_pop3_client_error_from_reply (self, &reply, data->what));
  else if (data->too_big)
    g_task_return_new_error (task, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_TOO_BIG,
                             _("A message on %s is larger than %" G_GUINT64_FORMAT " bytes"),
                             _tidings_pop3_client_host (self), data->max);
  else if (data->sink_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->sink_error));
  else
    {
      RetrieveResult *r = g_new0 (RetrieveResult, 1);

      r->size = data->size;
      if (data->memory != NULL)
        r->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data->memory));
      g_task_return_pointer (task, r, (GDestroyNotify) retrieve_result_free);
    }
  tidings_pop3_reply_clear (&reply);
}

void
tidings_pop3_client_retrieve_async (TidingsPop3Client  *self,
                                    guint               msgno,
                                    gint                top_lines,
                                    GOutputStream      *sink,
                                    guint64             max_bytes,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  GTask *task;
  RetrieveData *data;

  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  g_return_if_fail (sink == NULL || G_IS_OUTPUT_STREAM (sink));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_pop3_client_retrieve_async);
  data = g_new0 (RetrieveData, 1);
  if (sink != NULL)
    {
      data->sink = g_object_ref (sink);
      data->max = max_bytes > 0 ? max_bytes : tidings_reader_get_max_stream_bytes (self->reader);
    }
  else
    {
      data->memory = g_byte_array_new ();
      data->max = max_bytes > 0 ? max_bytes : TIDINGS_POP3_DEFAULT_MAX_MESSAGE;
    }
  if (top_lines < 0)
    data->what = g_strdup_printf ("RETR %u", msgno);
  else
    data->what = g_strdup_printf ("TOP %u %d", msgno, top_lines);
  g_task_set_task_data (task, data, (GDestroyNotify) retrieve_data_free);
  _tidings_pop3_client_command_async (self, data->what, TIDINGS_WRITE_NONE, TRUE, on_message_line, data,
                 cancellable, on_retrieve_done, task);
}

gboolean
tidings_pop3_client_retrieve_finish (TidingsPop3Client *self,
                                     GAsyncResult      *result,
                                     GBytes           **out_bytes,
                                     guint64           *out_size,
                                     GError           **error)
{
  RetrieveResult *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return FALSE;
  if (out_bytes != NULL)
    *out_bytes = g_steal_pointer (&r->bytes);
  if (out_size != NULL)
    *out_size = r->size;
  retrieve_result_free (r);
  return TRUE;
}
