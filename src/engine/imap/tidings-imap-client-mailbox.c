/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands about mailboxes and the session: LIST, NAMESPACE, STATUS,
 * SELECT / EXAMINE, NOOP, IDLE, LOGOUT. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-client-private.h"
#include "tidings-imap-data.h"

/* ---- LIST ------------------------------------------------------------- */

typedef struct
{
  GTask     *task;
  GPtrArray *boxes;
  gboolean   with_return;
} ListData;

static void
list_data_free (gpointer data)
{
  ListData *list = data;

  g_clear_object (&list->task);
  g_clear_pointer (&list->boxes, g_ptr_array_unref);
  g_free (list);
}

static void send_list (TidingsImapClient *self, GTask *task);

static gboolean
list_untagged (TidingsImapClient   *self,
               TidingsImapCommand  *command,
               TidingsImapResponse *response)
{
  ListData *list = command->data;
  TidingsImapMailboxInfo *info;

  if (!tidings_imap_response_is (response, "LIST"))
    return FALSE;
  info = tidings_imap_mailbox_info_decode (response, NULL);
  if (info && list->boxes->len < 1000000)
    g_ptr_array_add (list->boxes, info);
  else if (info)
    tidings_imap_mailbox_info_unref (info);
  return TRUE;
}

static void
list_done (TidingsImapClient   *self,
           TidingsImapCommand  *command,
           TidingsImapResponse *tagged,
           const GError        *error)
{
  ListData *list = command->data;

  if (error && tagged && list->with_return
      && tidings_imap_response_get_status (tagged) == TIDINGS_IMAP_STATUS_BAD)
    {
      /* Advertised SPECIAL-USE but not the LIST-EXTENDED syntax: learn it. */
      self->quirks_learned |= TIDINGS_IMAP_QUIRK_LIST_NO_RETURN;
      self->quirks |= self->quirks_learned;
      send_list (self, list->task);
      return;
    }
  if (error)
    g_task_return_error (list->task, g_error_copy (error));
  else
    g_task_return_pointer (list->task, g_steal_pointer (&list->boxes),
                           (GDestroyNotify) g_ptr_array_unref);
}

static void
send_list (TidingsImapClient *self,
           GTask             *task)
{
  TidingsImapCommand *command = tidings_imap_client_command_new (self, "LIST");
  ListData *list = g_new0 (ListData, 1);

  list->task = g_object_ref (task);
  list->boxes = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_imap_mailbox_info_unref);
  list->with_return = tidings_imap_client_has_capability (self, "SPECIAL-USE")
                      && !tidings_imap_quirks_has (self->quirks, TIDINGS_IMAP_QUIRK_LIST_NO_RETURN);
  tidings_imap_command_add_raw (command, " \"\" \"*\"");
  if (list->with_return)
    tidings_imap_command_add_raw (command, " RETURN (SPECIAL-USE)");
  tidings_imap_command_close (command);
  command->untagged = list_untagged;
  command->done = list_done;
  command->data = list;
  command->data_free = list_data_free;
  tidings_imap_command_set_task (command, task);
  tidings_imap_client_submit (self, command);
}

void
tidings_imap_client_list_async (TidingsImapClient   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_list_async);
  if (tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED))
    send_list (self, task);
}

GPtrArray *
tidings_imap_client_list_finish (TidingsImapClient  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- NAMESPACE, STATUS: one untagged reply each ------------------------ */

typedef struct
{
  GTask          *task;
  const char     *name;     /* the untagged keyword wanted */
  gpointer        result;
  GDestroyNotify  result_free;
  gpointer      (*decode) (TidingsImapResponse *response, GError **error);
} SingleData;

static void
single_data_free (gpointer data)
{
  SingleData *single = data;

  g_clear_object (&single->task);
  if (single->result)
    single->result_free (single->result);
  g_free (single);
}

static gboolean
single_untagged (TidingsImapClient   *self,
                 TidingsImapCommand  *command,
                 TidingsImapResponse *response)
{
  SingleData *single = command->data;
  gpointer decoded;

  if (!tidings_imap_response_is (response, single->name))
    return FALSE;
  decoded = single->decode (response, NULL);
  if (decoded)
    {
      if (single->result)
        single->result_free (single->result);
      single->result = decoded;
    }
  return TRUE;
}

static void
single_done (TidingsImapClient   *self,
             TidingsImapCommand  *command,
             TidingsImapResponse *tagged,
             const GError        *error)
{
  SingleData *single = command->data;

  if (error)
    g_task_return_error (single->task, g_error_copy (error));
  else
    g_task_return_pointer (single->task, g_steal_pointer (&single->result), single->result_free);
}

static TidingsImapCommand *
single_command (TidingsImapClient *self,
                const char        *name,
                GTask             *task,
                gpointer         (*decode) (TidingsImapResponse *, GError **),
                GDestroyNotify     result_free)
{
  TidingsImapCommand *command = tidings_imap_client_command_new (self, name);
  SingleData *single = g_new0 (SingleData, 1);

  single->task = g_object_ref (task);
  single->name = name;
  single->decode = decode;
  single->result_free = result_free;
  command->untagged = single_untagged;
  command->done = single_done;
  command->data = single;
  command->data_free = single_data_free;
  tidings_imap_command_set_task (command, task);
  return command;
}

void
tidings_imap_client_namespace_async (TidingsImapClient   *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_namespace_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED))
    return;
  if (!tidings_imap_client_has_capability (self, "NAMESPACE"))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  command = single_command (self, "NAMESPACE", task,
                            (gpointer (*) (TidingsImapResponse *, GError **)) tidings_imap_namespaces_decode,
                            (GDestroyNotify) tidings_imap_namespaces_unref);
  tidings_imap_command_close (command);
  tidings_imap_client_submit (self, command);
}

TidingsImapNamespaces *
tidings_imap_client_namespace_finish (TidingsImapClient  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tidings_imap_client_status_async (TidingsImapClient      *self,
                                  const char             *mailbox,
                                  TidingsImapStatusItems  items,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  static const struct { TidingsImapStatusItems item; const char *name; } names[] = {
    { TIDINGS_IMAP_STATUS_ITEM_MESSAGES, "MESSAGES" },
    { TIDINGS_IMAP_STATUS_ITEM_RECENT, "RECENT" },
    { TIDINGS_IMAP_STATUS_ITEM_UIDNEXT, "UIDNEXT" },
    { TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY, "UIDVALIDITY" },
    { TIDINGS_IMAP_STATUS_ITEM_UNSEEN, "UNSEEN" },
    { TIDINGS_IMAP_STATUS_ITEM_HIGHESTMODSEQ, "HIGHESTMODSEQ" },
    { TIDINGS_IMAP_STATUS_ITEM_SIZE, "SIZE" },
    { TIDINGS_IMAP_STATUS_ITEM_DELETED, "DELETED" },
  };
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;
  gboolean first = TRUE;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_status_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED))
    return;
  if (items == 0)
    items = TIDINGS_IMAP_STATUS_ITEM_MESSAGES;
  command = single_command (self, "STATUS", task,
                            (gpointer (*) (TidingsImapResponse *, GError **)) tidings_imap_mailbox_status_decode,
                            (GDestroyNotify) tidings_imap_mailbox_status_unref);
  tidings_imap_command_add_raw (command, " ");
  tidings_imap_command_add_mailbox (command, mailbox);
  tidings_imap_command_add_raw (command, " (");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (items & names[i].item)
      {
        tidings_imap_command_add_printf (command, "%s%s", first ? "" : " ", names[i].name);
        first = FALSE;
      }
  tidings_imap_command_add_raw (command, ")");
  tidings_imap_command_close (command);
  tidings_imap_client_submit (self, command);
}

TidingsImapMailboxStatus *
tidings_imap_client_status_finish (TidingsImapClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  TidingsImapMailboxStatus *status;
  GError *local = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  status = g_task_propagate_pointer (G_TASK (result), &local);
  if (status == NULL && local == NULL)
    local = g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED,
                         _("%s sent no STATUS reply."), self->host);
  if (local)
    g_propagate_error (error, local);
  return status;
}

/* ---- SELECT / EXAMINE ------------------------------------------------- */

typedef struct
{
  GTask    *task;
  char     *mailbox;
  gboolean  condstore;  /* SELECT ... (CONDSTORE) enables it (RFC 7162) */
  gboolean  read_only;  /* EXAMINE */
} SelectData;

static void
select_data_free (gpointer data)
{
  SelectData *select = data;

  g_clear_object (&select->task);
  g_free (select->mailbox);
  g_free (select);
}

static void
select_sent (TidingsImapClient  *self,
             TidingsImapCommand *command)
{
  SelectData *select = command->data;
  TidingsImapSelectInfo *info = g_new0 (TidingsImapSelectInfo, 1);

  /* From here on the server talks about the new mailbox. */
  info->name = g_strdup (select->mailbox);
  info->read_only = select->read_only;  /* until [READ-ONLY] / [READ-WRITE] says */
  info->flags = g_new0 (char *, 1);
  info->permanent_flags = g_new0 (char *, 1);
  g_clear_pointer (&self->selecting, tidings_imap_select_info_free);
  self->selecting = info;
  if (self->state == TIDINGS_IMAP_CLIENT_STATE_SELECTED)
    self->state = TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED;
  g_clear_pointer (&self->selected, tidings_imap_select_info_free);
}

/* EXISTS and FLAGS belong to the SELECT reply (update_state stored them):
 * no "exists" signal for them. FETCH and VANISHED (EARLIER) go on to the
 * signals, as the header promises. */
static gboolean
select_untagged (TidingsImapClient   *self,
                 TidingsImapCommand  *command,
                 TidingsImapResponse *response)
{
  return tidings_imap_response_is (response, "EXISTS")
         || tidings_imap_response_is (response, "RECENT")
         || tidings_imap_response_is (response, "FLAGS");
}

static void
select_done (TidingsImapClient   *self,
             TidingsImapCommand  *command,
             TidingsImapResponse *tagged,
             const GError        *error)
{
  SelectData *select = command->data;

  if (error)
    {
      g_clear_pointer (&self->selecting, tidings_imap_select_info_free);
      if (tagged && self->state == TIDINGS_IMAP_CLIENT_STATE_SELECTED)
        self->state = TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED;
      g_task_return_error (select->task, g_error_copy (error));
      return;
    }
  g_clear_pointer (&self->selected, tidings_imap_select_info_free);
  self->selected = g_steal_pointer (&self->selecting);
  if (self->selected == NULL)  /* never sent?; be safe */
    {
      g_task_return_new_error (select->task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED,
                               _("The connection to %s is closed."), self->host);
      return;
    }
  self->state = TIDINGS_IMAP_CLIENT_STATE_SELECTED;
  if (select->condstore)
    self->condstore_enabled = TRUE;
  g_task_return_pointer (select->task, tidings_imap_select_info_copy (self->selected),
                         (GDestroyNotify) tidings_imap_select_info_free);
}

void
tidings_imap_client_select_async (TidingsImapClient              *self,
                                  const char                     *mailbox,
                                  gboolean                        read_only,
                                  const TidingsImapQresyncParams *qresync,
                                  GCancellable                   *cancellable,
                                  GAsyncReadyCallback             callback,
                                  gpointer                        user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;
  SelectData *select;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_select_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED))
    return;

  select = g_new0 (SelectData, 1);
  select->task = g_object_ref (task);
  select->mailbox = g_strdup (mailbox);
  select->read_only = read_only;
  command = tidings_imap_client_command_new (self, read_only ? "EXAMINE" : "SELECT");
  tidings_imap_command_add_raw (command, " ");
  tidings_imap_command_add_mailbox (command, mailbox);
  if (qresync && qresync->uidvalidity != 0 && qresync->modseq != 0 && self->qresync_enabled)
    {
      tidings_imap_command_add_printf (command, " (QRESYNC (%u %" G_GUINT64_FORMAT,
                                       qresync->uidvalidity, qresync->modseq);
      if (qresync->known_uids && !tidings_imap_sequence_set_is_empty (qresync->known_uids))
        {
          g_autofree char *known = tidings_imap_sequence_set_to_string (qresync->known_uids);

          tidings_imap_command_add_printf (command, " %s", known);
        }
      tidings_imap_command_add_raw (command, "))");
    }
  else if (!tidings_imap_client_is_condstore_enabled (self)
           && tidings_imap_client_has_capability (self, "CONDSTORE"))
    {
      tidings_imap_command_add_raw (command, " (CONDSTORE)");
      select->condstore = TRUE;
    }
  tidings_imap_command_close (command);
  command->sent = select_sent;
  command->untagged = select_untagged;
  command->done = select_done;
  command->data = select;
  command->data_free = select_data_free;
  tidings_imap_command_set_task (command, task);
  tidings_imap_client_submit (self, command);
}

TidingsImapSelectInfo *
tidings_imap_client_select_finish (TidingsImapClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- NOOP ------------------------------------------------------------- */

void
tidings_imap_client_noop_async (TidingsImapClient   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_noop_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED))
    return;
  command = tidings_imap_client_task_command (self, "NOOP", task);
  tidings_imap_command_close (command);
  tidings_imap_client_submit (self, command);
}

gboolean
tidings_imap_client_noop_finish (TidingsImapClient  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- IDLE ------------------------------------------------------------- */

typedef struct
{
  GTask        *task;
  GCancellable *cancellable;
  gulong        cancel_id;
  gboolean      idling;         /* the server said "+" */
  gboolean      done_wanted;
} IdleData;

static void
idle_data_free (gpointer data)
{
  IdleData *idle = data;

  if (idle->cancel_id)
    g_cancellable_disconnect (idle->cancellable, idle->cancel_id);
  g_clear_object (&idle->cancellable);
  g_clear_object (&idle->task);
  g_free (idle);
}

static void
send_done (TidingsImapClient  *self,
           TidingsImapCommand *command)
{
  g_autoptr(GBytes) done = g_bytes_new_static ("DONE\r\n", 6);

  tidings_imap_client_write (self, done, FALSE);
  self->idle_done_sent = TRUE;
  /* Later commands may follow DONE at once. */
  if (self->holder == command)
    {
      self->holder = NULL;
      tidings_imap_client_kick (self);
    }
}

static void
idle_continuation (TidingsImapClient   *self,
                   TidingsImapCommand  *command,
                   TidingsImapResponse *response)
{
  IdleData *idle = command->data;

  if (idle->idling)
    return;
  idle->idling = TRUE;
  /* From the next read on (see ensure_reading). */
  self->long_timeout = TRUE;
  if (idle->done_wanted)
    send_done (self, command);
}

static void
idle_done_hook (TidingsImapClient   *self,
                TidingsImapCommand  *command,
                TidingsImapResponse *tagged,
                const GError        *error)
{
  IdleData *idle = command->data;

  self->long_timeout = FALSE;
  if (self->idle == command)
    self->idle = NULL;
  if (error)
    g_task_return_error (idle->task, g_error_copy (error));
  else
    g_task_return_boolean (idle->task, TRUE);
}

static gboolean
idle_done_later (gpointer user_data)
{
  tidings_imap_client_idle_done (user_data);
  return G_SOURCE_REMOVE;
}

static void
idle_cancelled (GCancellable *cancellable,
                gpointer      user_data)
{
  /* Not from inside the "cancelled" emission: ending the IDLE may free
   * the handler's data, and disconnecting there would wait for itself. */
  TidingsImapClient *self = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, idle_done_later, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
}

void
tidings_imap_client_idle_async (TidingsImapClient   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;
  IdleData *idle;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_idle_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED))
    return;
  if (!tidings_imap_client_has_capability (self, "IDLE"))
    {
      g_task_return_new_error (task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
                               _("%s does not support IDLE."), self->host);
      return;
    }
  if (self->idle != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("An IDLE is already running on %s."), self->host);
      return;
    }
  idle = g_new0 (IdleData, 1);
  idle->task = g_object_ref (task);
  command = tidings_imap_client_command_new (self, "IDLE");
  tidings_imap_command_close (command);
  command->holds_queue = TRUE;
  command->continuation = idle_continuation;
  command->done = idle_done_hook;
  command->data = idle;
  command->data_free = idle_data_free;
  tidings_imap_command_set_task (command, task);
  self->idle = command;
  self->idle_done_sent = FALSE;
  if (cancellable)
    {
      idle->cancellable = g_object_ref (cancellable);
      idle->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (idle_cancelled), self, NULL);
    }
  tidings_imap_client_submit (self, command);
}

gboolean
tidings_imap_client_idle_finish (TidingsImapClient  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tidings_imap_client_idle_done (TidingsImapClient *self)
{
  IdleData *idle;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  if (self->idle == NULL || self->idle_done_sent)
    return;
  idle = self->idle->data;
  if (idle->done_wanted)
    return;
  idle->done_wanted = TRUE;
  if (idle->idling)
    send_done (self, self->idle);
  else if (g_queue_find (&self->queue, self->idle))
    {
      /* Not even sent: drop it. */
      TidingsImapCommand *command = self->idle;

      g_queue_remove (&self->queue, command);
      self->idle = NULL;
      g_task_return_boolean (idle->task, TRUE);
      tidings_imap_command_free (command);
    }
}

gboolean
tidings_imap_client_is_idling (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), FALSE);
  return self->idle != NULL && ((IdleData *) self->idle->data)->idling && !self->idle_done_sent;
}

/* ---- LOGOUT ----------------------------------------------------------- */

static void
logout_done (TidingsImapClient   *self,
             TidingsImapCommand  *command,
             TidingsImapResponse *tagged,
             const GError        *error)
{
  GTask *task = command->data;

  if (tagged == NULL
      && !g_error_matches (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE)
      && !g_error_matches (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED))
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }
  /* The server hanging up after BYE before the OK is a fine logout too. */
  g_task_return_boolean (task, TRUE);
  if (tagged != NULL)
    tidings_imap_client_fail (self, NULL);
}

static void
logout_sent (TidingsImapClient  *self,
             TidingsImapCommand *command)
{
  self->state = TIDINGS_IMAP_CLIENT_STATE_LOGOUT;
  self->logging_out = TRUE;
}

void
tidings_imap_client_logout_async (TidingsImapClient   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_logout_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED))
    return;
  command = tidings_imap_client_task_command (self, "LOGOUT", task);
  tidings_imap_command_close (command);
  command->sent = logout_sent;
  command->done = logout_done;
  tidings_imap_client_submit (self, command);
}

gboolean
tidings_imap_client_logout_finish (TidingsImapClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
