/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands about messages: UID FETCH (streamed), UID STORE, APPEND and
 * UID SEARCH. COPY, MOVE and EXPUNGE are in tidings-imap-client-move.c. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-client-private.h"
#include "tidings-imap-search.h"

/* ---- UID FETCH -------------------------------------------------------- */

typedef struct
{
  GTask                  *task;
  TidingsImapSequenceSet *uids;
  TidingsImapFetchFunc    func;
  gpointer                func_data;
  GError                 *error;    /* the first unreadable reply */
} FetchData;

static void
fetch_data_free (gpointer data)
{
  FetchData *fetch = data;

  g_clear_object (&fetch->task);
  g_clear_pointer (&fetch->uids, tidings_imap_sequence_set_unref);
  g_clear_error (&fetch->error);
  g_free (fetch);
}

static gboolean fetch_untagged (TidingsImapClient   *self,
                                TidingsImapCommand  *command,
                                TidingsImapResponse *response);

/* With several UID FETCHes running, a reply goes to the first whose set
 * holds its UID, else (unsolicited) to the first one. */
static gboolean
fetch_is_mine (TidingsImapClient  *self,
               TidingsImapCommand *command,
               guint32             uid)
{
  FetchData *fetch = command->data;
  TidingsImapCommand *first = NULL;

  if (uid != 0 && tidings_imap_sequence_set_contains (fetch->uids, uid))
    return TRUE;
  for (GList *l = self->running.head; l != NULL; l = l->next)
    {
      TidingsImapCommand *other = l->data;

      if (other->untagged != fetch_untagged)
        continue;
      if (first == NULL)
        first = other;
      if (uid != 0 && tidings_imap_sequence_set_contains (((FetchData *) other->data)->uids, uid))
        return FALSE;
    }
  return first == command;
}

static gboolean
fetch_untagged (TidingsImapClient   *self,
                TidingsImapCommand  *command,
                TidingsImapResponse *response)
{
  FetchData *fetch = command->data;
  g_autoptr(TidingsImapFetch) item = NULL;
  GError *error = NULL;

  if (!tidings_imap_response_is (response, "FETCH"))
    return FALSE;
  item = tidings_imap_fetch_decode (response, &error);
  if (item == NULL)
    {
      if (fetch->error == NULL)
        fetch->error = error;
      else
        g_error_free (error);
      return TRUE;
    }
  if (!fetch_is_mine (self, command, item->uid))
    return FALSE;
  if (fetch->error)
    return TRUE;
  if (!fetch->func (item, fetch->func_data, &error))
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The download was stopped."));
      /* The rest of the reply cannot be skipped cheaply: end the session. */
      tidings_imap_client_fail (self, error);
    }
  return TRUE;
}

static void
fetch_done (TidingsImapClient   *self,
            TidingsImapCommand  *command,
            TidingsImapResponse *tagged,
            const GError        *error)
{
  FetchData *fetch = command->data;

  if (error)
    g_task_return_error (fetch->task, g_error_copy (error));
  else if (fetch->error)
    g_task_return_error (fetch->task, g_steal_pointer (&fetch->error));
  else
    g_task_return_boolean (fetch->task, TRUE);
}

void
tidings_imap_client_uid_fetch_async (TidingsImapClient             *self,
                                     const TidingsImapSequenceSet  *uids,
                                     const char                    *attributes,
                                     guint64                        changed_since,
                                     gboolean                       vanished,
                                     TidingsImapFetchFunc           func,
                                     gpointer                       func_data,
                                     GCancellable                  *cancellable,
                                     GAsyncReadyCallback            callback,
                                     gpointer                       user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *set = NULL;
  TidingsImapCommand *command;
  FetchData *fetch;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL && attributes != NULL && func != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_uid_fetch_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_SELECTED))
    return;
  if (tidings_imap_sequence_set_is_empty (uids))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  fetch = g_new0 (FetchData, 1);
  fetch->task = g_object_ref (task);
  fetch->uids = tidings_imap_sequence_set_ref ((TidingsImapSequenceSet *) uids);
  fetch->func = func;
  fetch->func_data = func_data;
  set = tidings_imap_sequence_set_to_string (uids);
  command = tidings_imap_client_command_new (self, "UID FETCH");
  tidings_imap_command_add_printf (command, " %s %s", set, attributes);
  if (changed_since > 0)
    {
      tidings_imap_command_add_printf (command, " (CHANGEDSINCE %" G_GUINT64_FORMAT "%s)",
                                       changed_since,
                                       vanished && self->qresync_enabled ? " VANISHED" : "");
    }
  tidings_imap_command_close (command);
  command->untagged = fetch_untagged;
  command->done = fetch_done;
  command->data = fetch;
  command->data_free = fetch_data_free;
  tidings_imap_command_set_task (command, task);
  tidings_imap_client_submit (self, command);
}

gboolean
tidings_imap_client_uid_fetch_finish (TidingsImapClient  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- UID STORE -------------------------------------------------------- */

static void
add_flag_list (TidingsImapCommand  *command,
               const char * const  *flags)
{
  tidings_imap_command_add_raw (command, "(");
  for (guint i = 0; flags && flags[i]; i++)
    {
      /* Flags are atoms ("\Seen", "$Label1"); anything else cannot be one. */
      if (!tidings_imap_is_atom (flags[i][0] == '\\' ? flags[i] + 1 : flags[i],
                                 strlen (flags[i][0] == '\\' ? flags[i] + 1 : flags[i])))
        continue;
      tidings_imap_command_add_printf (command, "%s%s", i > 0 ? " " : "", flags[i]);
    }
  tidings_imap_command_add_raw (command, ")");
}

static void
store_done (TidingsImapClient   *self,
            TidingsImapCommand  *command,
            TidingsImapResponse *tagged,
            const GError        *error)
{
  GTask *task = command->data;
  g_autoptr(TidingsImapResponseCode) code = NULL;

  if (error)
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }
  if (g_strcmp0 (tidings_imap_response_get_code_name (tagged), "MODIFIED") == 0)
    code = tidings_imap_response_code_decode (tagged, NULL);
  g_task_return_pointer (task,
                         code && code->uids ? tidings_imap_sequence_set_ref (code->uids) : NULL,
                         (GDestroyNotify) tidings_imap_sequence_set_unref);
}

void
tidings_imap_client_uid_store_async (TidingsImapClient             *self,
                                     const TidingsImapSequenceSet  *uids,
                                     TidingsImapStoreMode           mode,
                                     const char * const            *flags,
                                     guint64                        unchanged_since,
                                     GCancellable                  *cancellable,
                                     GAsyncReadyCallback            callback,
                                     gpointer                       user_data)
{
  static const char *const modes[] = { "+FLAGS.SILENT", "-FLAGS.SILENT", "FLAGS.SILENT" };
  g_autoptr(GTask) task = NULL;
  g_autofree char *set = NULL;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL);
  g_return_if_fail (mode <= TIDINGS_IMAP_STORE_REPLACE);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_uid_store_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_SELECTED))
    return;
  set = tidings_imap_sequence_set_to_string (uids);
  command = tidings_imap_client_task_command (self, "UID STORE", task);
  tidings_imap_command_add_printf (command, " %s ", set);
  if (unchanged_since > 0)
    tidings_imap_command_add_printf (command, "(UNCHANGEDSINCE %" G_GUINT64_FORMAT ") ", unchanged_since);
  tidings_imap_command_add_printf (command, "%s ", modes[mode]);
  add_flag_list (command, flags);
  tidings_imap_command_close (command);
  command->done = store_done;
  tidings_imap_client_submit (self, command);
}

gboolean
tidings_imap_client_uid_store_finish (TidingsImapClient       *self,
                                      GAsyncResult            *result,
                                      TidingsImapSequenceSet **out_modified,
                                      GError                 **error)
{
  GError *local = NULL;
  TidingsImapSequenceSet *modified;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  modified = g_task_propagate_pointer (G_TASK (result), &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (out_modified)
    *out_modified = modified;
  else if (modified)
    tidings_imap_sequence_set_unref (modified);
  return TRUE;
}

/* ---- APPEND ----------------------------------------------------------- */

static void
append_done (TidingsImapClient   *self,
             TidingsImapCommand  *command,
             TidingsImapResponse *tagged,
             const GError        *error)
{
  GTask *task = command->data;

  if (error)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_pointer (task, tidings_imap_client_copy_result_from (tagged, TRUE),
                           (GDestroyNotify) tidings_imap_copy_result_free);
}

void
tidings_imap_client_append_async (TidingsImapClient   *self,
                                  const char          *mailbox,
                                  const char * const  *flags,
                                  gint64               internal_date,
                                  GBytes              *message,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL && message != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_append_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED))
    return;
  command = tidings_imap_client_task_command (self, "APPEND", task);
  tidings_imap_command_add_raw (command, " ");
  tidings_imap_command_add_mailbox (command, mailbox);
  if (flags && flags[0])
    {
      tidings_imap_command_add_raw (command, " ");
      add_flag_list (command, flags);
    }
  if (internal_date > 0)
    {
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (internal_date);

      if (date)
        tidings_imap_command_add_printf (command, " \"%2d-%s-%04d %02d:%02d:%02d +0000\"",
                                         g_date_time_get_day_of_month (date),
                                         months[g_date_time_get_month (date) - 1],
                                         g_date_time_get_year (date),
                                         g_date_time_get_hour (date),
                                         g_date_time_get_minute (date),
                                         g_date_time_get_second (date));
    }
  tidings_imap_command_add_raw (command, " ");
  tidings_imap_command_add_literal (command, message);
  tidings_imap_command_close (command);
  command->done = append_done;
  tidings_imap_client_submit (self, command);
}

TidingsImapCopyResult *
tidings_imap_client_append_finish (TidingsImapClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- UID SEARCH ------------------------------------------------------- */

typedef struct
{
  GTask                  *task;
  TidingsImapSequenceSet *found;
} SearchData;

static void
search_data_free (gpointer data)
{
  SearchData *search = data;

  g_clear_object (&search->task);
  g_clear_pointer (&search->found, tidings_imap_sequence_set_unref);
  g_free (search);
}

static gboolean
search_untagged (TidingsImapClient   *self,
                 TidingsImapCommand  *command,
                 TidingsImapResponse *response)
{
  SearchData *search = command->data;

  if (tidings_imap_response_is (response, "SEARCH"))
    {
      g_autoptr(TidingsImapSearch) result = tidings_imap_search_decode (response, NULL);

      for (guint i = 0; result && i < result->n_numbers; i++)
        tidings_imap_sequence_set_add (search->found, result->numbers[i]);
      return TRUE;
    }
  if (tidings_imap_response_is (response, "ESEARCH"))
    {
      g_autoptr(TidingsImapEsearch) result = tidings_imap_esearch_decode (response, NULL);

      if (result && result->tag && g_strcmp0 (result->tag, command->tag) != 0)
        return FALSE;
      if (result && result->all)
        {
          for (guint i = 0; i < tidings_imap_sequence_set_get_n_ranges (result->all); i++)
            {
              guint64 first, last;

              tidings_imap_sequence_set_get_range (result->all, i, &first, &last);
              tidings_imap_sequence_set_add_range (search->found, first, last);
            }
        }
      return TRUE;
    }
  return FALSE;
}

static void
search_done (TidingsImapClient   *self,
             TidingsImapCommand  *command,
             TidingsImapResponse *tagged,
             const GError        *error)
{
  SearchData *search = command->data;

  if (error && tagged && g_strcmp0 (tidings_imap_response_get_code_name (tagged), "BADCHARSET") == 0)
    {
      g_task_return_new_error (search->task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
                               _("%s cannot search for text outside the ASCII range."), self->host);
      return;
    }
  if (error)
    {
      g_task_return_error (search->task, g_error_copy (error));
      return;
    }
  tidings_imap_sequence_set_normalize (search->found);
  g_task_return_pointer (search->task, g_steal_pointer (&search->found),
                         (GDestroyNotify) tidings_imap_sequence_set_unref);
}

static TidingsImapCommand *
search_command (TidingsImapClient *self,
                GTask             *task)
{
  TidingsImapCommand *command = tidings_imap_client_command_new (self, "UID SEARCH");
  SearchData *search = g_new0 (SearchData, 1);

  search->task = g_object_ref (task);
  search->found = tidings_imap_sequence_set_new ();
  if (tidings_imap_client_has_capability (self, "ESEARCH"))
    tidings_imap_command_add_raw (command, " RETURN (ALL)");
  command->untagged = search_untagged;
  command->done = search_done;
  command->data = search;
  command->data_free = search_data_free;
  tidings_imap_command_set_task (command, task);
  return command;
}

void
tidings_imap_client_uid_search_async (TidingsImapClient   *self,
                                      const char          *criteria,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (criteria != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_uid_search_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_SELECTED))
    return;
  for (const char *p = criteria; *p; p++)
    if ((guchar) *p >= 0x80 || *p == '\r' || *p == '\n')
      {
        g_task_return_new_error (task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_ENCODING,
                                 _("Search criteria must be ASCII on one line."));
        return;
      }
  command = search_command (self, task);
  tidings_imap_command_add_printf (command, " %s", criteria);
  tidings_imap_command_close (command);
  tidings_imap_client_submit (self, command);
}

void
tidings_imap_client_uid_search_text_async (TidingsImapClient   *self,
                                           const char          *text,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;
  gsize length;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (text != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_uid_search_text_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_SELECTED))
    return;
  length = strlen (text);
  if (!g_utf8_validate (text, length, NULL))
    {
      g_task_return_new_error (task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_ENCODING,
                               _("The search text is not valid UTF-8."));
      return;
    }
  command = search_command (self, task);
  if (!tidings_imap_can_quote (text, length))
    tidings_imap_command_add_raw (command, " CHARSET UTF-8");
  tidings_imap_command_add_raw (command, " TEXT ");
  tidings_imap_command_add_string (command, text, length);
  tidings_imap_command_close (command);
  tidings_imap_client_submit (self, command);
}

TidingsImapSequenceSet *
tidings_imap_client_uid_search_finish (TidingsImapClient  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
