/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-download-fetch.c: the whole message of a headers-only one,
 * later, while it is still on the server. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-pop3-download-private.h"

/* The whole message later ------------------------------------------------------ */

static void
on_full_dele (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!tidings_pop3_client_command_finish (TIDINGS_POP3_CLIENT (source), result, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  self->n_deleted++;
  _tidings_pop3_download_check_quit (task);
}

static void
on_full_retrieved (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  TidingsPop3Entry *entry = &g_array_index (data->entries, TidingsPop3Entry, data->current_index);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TidingsStoreMessage) parsed = NULL;
  GError *error = NULL;

  if (!tidings_pop3_client_retrieve_finish (data->client, result, &raw, NULL, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  parsed = _tidings_pop3_download_make_record (raw, data->folders.inbox, data->now, FALSE, entry);
  if (!tidings_store_set_body (self->store, data->fetch_message_id, raw, TIDINGS_BODY_STATE_FULL,
                               parsed->body_text, parsed->preview, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  self->n_downloaded++;
  if (self->leave == TIDINGS_POP3_LEAVE_DELETE)
    {
      tidings_pop3_client_dele_async (data->client, entry->msgno, g_task_get_cancellable (task),
                                      on_full_dele, task);
      return;
    }
  _tidings_pop3_download_check_quit (task);
}

void
_tidings_pop3_download_fetch_after_listing (GTask *task)
{
  CheckData *data = g_task_get_task_data (task);

  for (guint i = 0; i < data->entries->len; i++)
    {
      TidingsPop3Entry *e = &g_array_index (data->entries, TidingsPop3Entry, i);

      if (e->uidl != NULL && strcmp (e->uidl, data->fetch_uidl) == 0)
        {
          data->current_index = i;
          tidings_pop3_client_retrieve_async (data->client, e->msgno, -1, NULL, 0,
                                              g_task_get_cancellable (task), on_full_retrieved, task);
          return;
        }
    }
  _tidings_pop3_download_check_fail (task, g_error_new_literal (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_NO_SUCH_MESSAGE,
                                         _("This message is no longer on the server, so only its "
                                           "headers can be shown")));
}

void
tidings_pop3_download_fetch_full_async (TidingsPop3Download *self,
                                        gint64               message_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  GTask *task;
  CheckData *data;
  GError *error = NULL;

  g_return_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self));
  task = _tidings_pop3_download_start_task (self, TRUE, cancellable, callback, user_data);
  if (task == NULL)
    return;
  g_task_set_source_tag (task, tidings_pop3_download_fetch_full_async);
  data = g_task_get_task_data (task);
  data->fetch_message_id = message_id;
  message = tidings_store_get_message (self->store, message_id, &error);
  if (message == NULL)
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  if (message->uidl == NULL)
    {
      _tidings_pop3_download_check_fail (task, g_error_new_literal (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_NO_SUCH_MESSAGE,
                                             _("This message did not come from the POP3 server")));
      return;
    }
  data->fetch_uidl = g_strdup (message->uidl);
  _tidings_pop3_download_open_session (task);
}

gboolean
tidings_pop3_download_fetch_full_finish (TidingsPop3Download *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
