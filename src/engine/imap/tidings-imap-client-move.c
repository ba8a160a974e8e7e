/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UID COPY, UID MOVE (with the fallback of COPY + STORE \Deleted + UID
 * EXPUNGE, or EXPUNGE only when nothing else is \Deleted) and EXPUNGE. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-client-private.h"
#include "tidings-imap-search.h"

/* ---- UID COPY, MOVE, EXPUNGE ------------------------------------------ */

TidingsImapCopyResult *
tidings_imap_client_copy_result_from (TidingsImapResponse *response,
                  gboolean             append)
{
  g_autoptr(TidingsImapResponseCode) code = NULL;
  TidingsImapCopyResult *result;
  const char *want = append ? "APPENDUID" : "COPYUID";

  if (g_strcmp0 (tidings_imap_response_get_code_name (response), want) != 0)
    return NULL;
  code = tidings_imap_response_code_decode (response, NULL);
  if (code == NULL || code->uids == NULL)
    return NULL;
  result = g_new0 (TidingsImapCopyResult, 1);
  result->uidvalidity = code->uidvalidity;
  if (append)
    result->dest_uids = tidings_imap_sequence_set_ref (code->uids);
  else
    {
      result->source_uids = tidings_imap_sequence_set_ref (code->uids);
      if (code->dest_uids)
        result->dest_uids = tidings_imap_sequence_set_ref (code->dest_uids);
    }
  return result;
}

/* A move (or copy) runs as a chain of commands. Each command holds a
 * reference on the task; the task owns the MoveData. */
typedef struct
{
  GTask                  *task;      /* not a reference: the task owns us */
  TidingsImapSequenceSet *uids;
  char                   *dest;
  TidingsImapCopyResult  *result;
  TidingsImapSequenceSet *deleted;   /* UID SEARCH DELETED, without UIDPLUS */
  gboolean                fallback;  /* a MOVE done as COPY + STORE + EXPUNGE */
} MoveData;

static void
move_data_free (gpointer data)
{
  MoveData *move = data;

  g_clear_pointer (&move->uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&move->deleted, tidings_imap_sequence_set_unref);
  g_clear_pointer (&move->result, tidings_imap_copy_result_free);
  g_free (move->dest);
  g_free (move);
}

static MoveData *
move_data (TidingsImapCommand *command)
{
  return g_object_get_data (G_OBJECT (command->data), "tidings-move");
}

static void
move_return (MoveData *move)
{
  g_task_return_pointer (move->task, g_steal_pointer (&move->result),
                         (GDestroyNotify) tidings_imap_copy_result_free);
}

static void submit_move_step (TidingsImapClient   *self,
                              MoveData            *move,
                              const char          *name,
                              TidingsImapDoneHook  done);

static void
move_expunged (TidingsImapClient   *self,
               TidingsImapCommand  *command,
               TidingsImapResponse *tagged,
               const GError        *error)
{
  MoveData *move = move_data (command);

  if (error)
    g_task_return_error (move->task, g_error_copy (error));
  else
    move_return (move);
}

static gboolean
deleted_untagged (TidingsImapClient   *self,
                  TidingsImapCommand  *command,
                  TidingsImapResponse *response)
{
  MoveData *move = move_data (command);
  g_autoptr(TidingsImapSearch) search = NULL;
  g_autoptr(TidingsImapEsearch) esearch = NULL;

  if (tidings_imap_response_is (response, "SEARCH"))
    {
      search = tidings_imap_search_decode (response, NULL);
      for (guint i = 0; search && i < search->n_numbers; i++)
        tidings_imap_sequence_set_add (move->deleted, search->numbers[i]);
      return TRUE;
    }
  if (tidings_imap_response_is (response, "ESEARCH"))
    {
      esearch = tidings_imap_esearch_decode (response, NULL);
      if (esearch && esearch->all)
        {
          TidingsImapSequenceSetIter iter;
          guint32 uid;
          guint64 n = 0;

          tidings_imap_sequence_set_iter_init (&iter, esearch->all);
          while (n++ < 10000000 && tidings_imap_sequence_set_iter_next (&iter, &uid))
            tidings_imap_sequence_set_add (move->deleted, uid);
        }
      return TRUE;
    }
  return FALSE;
}

static void
move_deleted_searched (TidingsImapClient   *self,
                       TidingsImapCommand  *command,
                       TidingsImapResponse *tagged,
                       const GError        *error)
{
  MoveData *move = move_data (command);
  TidingsImapSequenceSetIter iter;
  guint32 uid;
  gboolean only_ours = TRUE;

  if (error)
    {
      g_task_return_error (move->task, g_error_copy (error));
      return;
    }
  tidings_imap_sequence_set_iter_init (&iter, move->deleted);
  while (only_ours && tidings_imap_sequence_set_iter_next (&iter, &uid))
    only_ours = tidings_imap_sequence_set_contains (move->uids, uid);
  if (!only_ours)
    {
      /* EXPUNGE would take other deleted messages too: leave ours \Deleted. */
      move_return (move);
      return;
    }
  submit_move_step (self, move, "EXPUNGE", move_expunged);
}

static void
move_flagged (TidingsImapClient   *self,
              TidingsImapCommand  *command,
              TidingsImapResponse *tagged,
              const GError        *error)
{
  MoveData *move = move_data (command);

  if (error)
    g_task_return_error (move->task, g_error_copy (error));
  else if (tidings_imap_client_has_capability (self, "UIDPLUS"))
    submit_move_step (self, move, "UID EXPUNGE", move_expunged);
  else
    submit_move_step (self, move, "UID SEARCH", move_deleted_searched);
}

static void
copied (TidingsImapClient   *self,
        TidingsImapCommand  *command,
        TidingsImapResponse *tagged,
        const GError        *error)
{
  MoveData *move = move_data (command);

  if (error)
    {
      g_task_return_error (move->task, g_error_copy (error));
      return;
    }
  move->result = tidings_imap_client_copy_result_from (tagged, FALSE);
  if (move->fallback)
    submit_move_step (self, move, "UID STORE", move_flagged);
  else
    move_return (move);
}

static void
moved (TidingsImapClient   *self,
       TidingsImapCommand  *command,
       TidingsImapResponse *tagged,
       const GError        *error)
{
  MoveData *move = move_data (command);

  if (error && tagged && tidings_imap_response_get_status (tagged) == TIDINGS_IMAP_STATUS_BAD)
    {
      /* MOVE advertised but not understood: remember, and fall back. */
      self->quirks_learned |= TIDINGS_IMAP_QUIRK_NO_MOVE;
      self->quirks |= self->quirks_learned;
      move->fallback = TRUE;
      submit_move_step (self, move, "UID COPY", copied);
      return;
    }
  if (error)
    {
      g_task_return_error (move->task, g_error_copy (error));
      return;
    }
  if (move->result == NULL)
    move->result = tidings_imap_client_copy_result_from (tagged, FALSE);
  move_return (move);
}

/* RFC 6851: COPYUID comes in an untagged OK before the expunges. */
static gboolean
move_untagged (TidingsImapClient   *self,
               TidingsImapCommand  *command,
               TidingsImapResponse *response)
{
  MoveData *move = move_data (command);

  if (tidings_imap_response_get_status (response) == TIDINGS_IMAP_STATUS_OK && move->result == NULL)
    move->result = tidings_imap_client_copy_result_from (response, FALSE);
  return FALSE;
}

static void
submit_move_step (TidingsImapClient   *self,
                  MoveData            *move,
                  const char          *name,
                  TidingsImapDoneHook  done)
{
  TidingsImapCommand *command = tidings_imap_client_task_command (self, name, move->task);
  g_autofree char *set = tidings_imap_sequence_set_to_string (move->uids);

  if (g_str_equal (name, "UID COPY") || g_str_equal (name, "UID MOVE"))
    {
      tidings_imap_command_add_printf (command, " %s ", set);
      tidings_imap_command_add_mailbox (command, move->dest);
    }
  else if (g_str_equal (name, "UID STORE"))
    tidings_imap_command_add_printf (command, " %s +FLAGS.SILENT (\\Deleted)", set);
  else if (g_str_equal (name, "UID EXPUNGE"))
    tidings_imap_command_add_printf (command, " %s", set);
  else if (g_str_equal (name, "UID SEARCH"))
    {
      g_clear_pointer (&move->deleted, tidings_imap_sequence_set_unref);
      move->deleted = tidings_imap_sequence_set_new ();
      tidings_imap_command_add_raw (command, " DELETED");
      command->untagged = deleted_untagged;
    }
  tidings_imap_command_close (command);
  if (g_str_equal (name, "UID MOVE"))
    command->untagged = move_untagged;
  command->done = done;
  tidings_imap_client_submit (self, command);
}

static void
start_move (TidingsImapClient            *self,
            GTask                        *task,
            const TidingsImapSequenceSet *uids,
            const char                   *dest,
            const char                   *first)
{
  MoveData *move = g_new0 (MoveData, 1);

  move->task = task;
  move->uids = tidings_imap_sequence_set_ref ((TidingsImapSequenceSet *) uids);
  move->dest = g_strdup (dest);
  g_object_set_data_full (G_OBJECT (task), "tidings-move", move, move_data_free);
  if (g_str_equal (first, "UID MOVE"))
    submit_move_step (self, move, first, moved);
  else
    {
      move->fallback = g_str_equal (first, "MOVE-FALLBACK");
      submit_move_step (self, move, "UID COPY", copied);
    }
}

static GTask *
begin_uid_command (TidingsImapClient            *self,
                   const TidingsImapSequenceSet *uids,
                   GCancellable                 *cancellable,
                   GAsyncReadyCallback           callback,
                   gpointer                      user_data,
                   gpointer                      source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_SELECTED))
    return NULL;
  if (uids != NULL && tidings_imap_sequence_set_is_empty (uids))
    {
      g_task_return_pointer (task, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&task);
}

void
tidings_imap_client_uid_copy_async (TidingsImapClient            *self,
                                    const TidingsImapSequenceSet *uids,
                                    const char                   *dest_mailbox,
                                    GCancellable                 *cancellable,
                                    GAsyncReadyCallback           callback,
                                    gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL && dest_mailbox != NULL);
  task = begin_uid_command (self, uids, cancellable, callback, user_data,
                            tidings_imap_client_uid_copy_async);
  if (task)
    start_move (self, task, uids, dest_mailbox, "UID COPY");
}

TidingsImapCopyResult *
tidings_imap_client_uid_copy_finish (TidingsImapClient  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tidings_imap_client_uid_move_async (TidingsImapClient            *self,
                                    const TidingsImapSequenceSet *uids,
                                    const char                   *dest_mailbox,
                                    GCancellable                 *cancellable,
                                    GAsyncReadyCallback           callback,
                                    gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean use_move;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  g_return_if_fail (uids != NULL && dest_mailbox != NULL);
  task = begin_uid_command (self, uids, cancellable, callback, user_data,
                            tidings_imap_client_uid_move_async);
  if (task == NULL)
    return;
  use_move = tidings_imap_client_has_capability (self, "MOVE")
             && !tidings_imap_quirks_has (self->quirks, TIDINGS_IMAP_QUIRK_NO_MOVE);
  start_move (self, task, uids, dest_mailbox, use_move ? "UID MOVE" : "MOVE-FALLBACK");
}

TidingsImapCopyResult *
tidings_imap_client_uid_move_finish (TidingsImapClient  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tidings_imap_client_expunge_async (TidingsImapClient            *self,
                                   const TidingsImapSequenceSet *uids,
                                   GCancellable                 *cancellable,
                                   GAsyncReadyCallback           callback,
                                   gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  TidingsImapCommand *command;

  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_client_expunge_async);
  if (!tidings_imap_client_begin (self, task, TIDINGS_IMAP_CLIENT_STATE_SELECTED))
    return;
  if (uids == NULL)
    {
      command = tidings_imap_client_task_command (self, "EXPUNGE", task);
    }
  else if (tidings_imap_sequence_set_is_empty (uids))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  else if (!tidings_imap_client_has_capability (self, "UIDPLUS"))
    {
      g_task_return_new_error (task, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
                               _("%s cannot remove single messages (no UIDPLUS)."), self->host);
      return;
    }
  else
    {
      g_autofree char *set = tidings_imap_sequence_set_to_string (uids);

      command = tidings_imap_client_task_command (self, "UID EXPUNGE", task);
      tidings_imap_command_add_printf (command, " %s", set);
    }
  tidings_imap_command_close (command);
  tidings_imap_client_submit (self, command);
}

gboolean
tidings_imap_client_expunge_finish (TidingsImapClient  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
