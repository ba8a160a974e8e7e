/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-replay.c: the queued operations of one IMAP account, sent
 * in order (see tidings-imap-replay.h for the rules).
 *
 * One run: take a snapshot of the queue; for each operation (or merged
 * flags operations): SELECT its folder, resolve UIDs not known when the
 * action was taken, send the command, then in one transaction apply what
 * the reply taught (new UIDs) and delete the operation rows. When the
 * snapshot is done, look again: actions taken meanwhile are queued
 * behind. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "imap/tidings-imap-error.h"
#include "tidings-imap-replay-private.h"
#include "tidings-mail-actions.h"

/* Message-IDs we search for: bounded, ASCII. */
#define MID_MAX 998

static TidingsImapReplayHook confirmed_hook;
static gpointer confirmed_hook_data;

void
_tidings_imap_replay_set_confirmed_hook (TidingsImapReplayHook hook,
                                         gpointer              user_data)
{
  confirmed_hook = hook;
  confirmed_hook_data = user_data;
}

typedef struct
{
  TidingsStore           *store;
  gint64                  account_id;
  TidingsImapClient      *client;
  GPtrArray              *queue;      /* snapshot: TidingsStoreOperation */
  guint                   pos;
  gboolean                progressed; /* something completed in this snapshot */
  ReplayBatch            *batch;
  guint                   resolve_index;
  TidingsImapSequenceSet *uids;       /* what the command names */
  guint                   step;       /* of a command in several steps */
  gboolean                verified;   /* a refusal was checked already */
  GError                 *refusal;    /* kept while checking it */
  TidingsImapCopyResult  *result;
  GHashTable             *resolved;   /* "folder:message" -> UID learned this run */
  guint                   n_done;
} Replay;

static void
replay_free (Replay *replay)
{
  g_clear_object (&replay->store);
  g_clear_object (&replay->client);
  g_clear_pointer (&replay->queue, g_ptr_array_unref);
  g_clear_pointer (&replay->batch, _tidings_imap_replay_batch_free);
  g_clear_pointer (&replay->uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&replay->result, tidings_imap_copy_result_free);
  g_clear_pointer (&replay->resolved, g_hash_table_unref);
  g_clear_error (&replay->refusal);
  g_free (replay);
}

static void replay_next    (GTask *task);
static gboolean verify_refusal (GTask *task, GError *refusal);
static void resolve_next   (GTask *task);
static void batch_done     (GTask *task);

/* The batch's operations are gone from the queue. */
static void
batch_finished (Replay *replay)
{
  replay->n_done += replay->batch->ops->len;
  replay->progressed = TRUE;
  g_clear_pointer (&replay->batch, _tidings_imap_replay_batch_free);
  g_clear_pointer (&replay->uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&replay->result, tidings_imap_copy_result_free);
  replay->step = 0;
  replay->verified = FALSE;
}

/* Errors --------------------------------------------------------------------- */

/* The server said no to this command; the session itself is fine. */
static gboolean
is_refusal (const GError *error)
{
  if (error->domain != TIDINGS_IMAP_ERROR)
    return FALSE;
  switch (error->code)
    {
    case TIDINGS_IMAP_ERROR_NO:
    case TIDINGS_IMAP_ERROR_BAD:
    case TIDINGS_IMAP_ERROR_NONEXISTENT:
    case TIDINGS_IMAP_ERROR_NOT_SUPPORTED:
    case TIDINGS_IMAP_ERROR_ENCODING:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
refused (GTask  *task,
         GError *refusal)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;
  TidingsStoreOperation *first = batch->ops->pdata[0];
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GError) owned = refusal;
  GError *error = NULL;

  tx = tidings_store_transaction_begin (replay->store, &error);
  if (tx == NULL)
    {
      fail (task, error);
      return;
    }
  if (first->attempts + 1 < TIDINGS_IMAP_REPLAY_MAX_ATTEMPTS)
    {
      for (guint i = 0; i < batch->ops->len; i++)
        if (!tidings_store_fail_operation (replay->store, ((TidingsStoreOperation *) batch->ops->pdata[i])->id,
                                           refusal->message, &error))
          {
            fail (task, error);
            return;
          }
      if (!tidings_store_transaction_commit (tx, &error))
        {
          fail (task, error);
          return;
        }
      /* Keep the queue's order: the next run tries this one again. */
      g_debug ("Operation %s refused, will retry: %s", first->kind, refusal->message);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  g_warning ("Dropping the queued operation “%s” after %u refusals: %s",
             first->kind, first->attempts + 1, refusal->message);
  if (!_tidings_imap_replay_apply_drop (replay->store, batch, &error))
    {
      fail (task, error);
      return;
    }
  for (guint i = 0; i < batch->ops->len; i++)
    if (!tidings_store_complete_operation (replay->store,
                                           ((TidingsStoreOperation *) batch->ops->pdata[i])->id, &error))
      {
        fail (task, error);
        return;
      }
  if (!tidings_store_transaction_commit (tx, &error))
    {
      fail (task, error);
      return;
    }
  batch_finished (replay);
  replay_next (task);
}

/* Returns TRUE when @error (taken) was handled; the task is done then. */
static gboolean
check (GTask  *task,
       GError *error)
{
  if (error == NULL)
    return FALSE;
  if (is_refusal (error))
    {
      if (!verify_refusal (task, error))
        refused (task, error);
    }
  else
    fail (task, error);
  return TRUE;
}

/* Local updates after the server confirmed --------------------------------------- */

static void
batch_done (GTask *task)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  GError *error = NULL;
  gboolean ok = TRUE;

  if (confirmed_hook != NULL)
    confirmed_hook (((TidingsStoreOperation *) batch->ops->pdata[0])->kind, confirmed_hook_data);

  tx = tidings_store_transaction_begin (replay->store, &error);
  if (tx == NULL)
    {
      fail (task, error);
      return;
    }
  ok = _tidings_imap_replay_apply_reply (replay->store, batch, replay->result, replay->resolved, &error);
  for (guint i = 0; ok && i < batch->ops->len; i++)
    ok = tidings_store_complete_operation (replay->store,
                                           ((TidingsStoreOperation *) batch->ops->pdata[i])->id, &error);
  if (!ok || !tidings_store_transaction_commit (tx, &error))
    {
      fail (task, error);
      return;
    }
  batch_finished (replay);
  replay_next (task);
}

/* Commands ---------------------------------------------------------------------- */

static const char * const deleted_flag[] = { "\\Deleted", NULL };

static void
on_copied (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  GError *error = NULL;

  if (replay->batch->kind == REPLAY_MOVE)
    replay->result = tidings_imap_client_uid_move_finish (replay->client, result, &error);
  else
    replay->result = tidings_imap_client_uid_copy_finish (replay->client, result, &error);
  if (check (task, error))
    return;
  batch_done (task);
}

static void
on_appended (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  GError *error = NULL;

  replay->result = tidings_imap_client_append_finish (replay->client, result, &error);
  if (check (task, error))
    return;
  batch_done (task);
}

static void
on_expunged (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  GError *error = NULL;

  tidings_imap_client_expunge_finish (replay->client, result, &error);
  if (check (task, error))
    return;
  batch_done (task);
}

/* Without UIDPLUS, EXPUNGE would take every \Deleted message with ours:
 * only when ours are all there is; else they stay \Deleted. */
static void
on_deleted_searched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) deleted = NULL;
  TidingsImapSequenceSetIter iter;
  GError *error = NULL;
  gboolean only_ours = TRUE;
  guint32 uid;

  deleted = tidings_imap_client_uid_search_finish (replay->client, result, &error);
  if (check (task, error))
    return;
  tidings_imap_sequence_set_iter_init (&iter, deleted);
  while (only_ours && tidings_imap_sequence_set_iter_next (&iter, &uid))
    only_ours = tidings_imap_sequence_set_contains (replay->uids, uid);
  if (!only_ours)
    {
      batch_done (task);
      return;
    }
  tidings_imap_client_expunge_async (replay->client, NULL, g_task_get_cancellable (task),
                                     on_expunged, task);
}

static void on_stored (GObject *source, GAsyncResult *result, gpointer user_data);

/* Sends the batch's command for the current step; steps: flags: 0 add,
 * 1 remove; expunge and empty: 0 STORE \\Deleted, 1 EXPUNGE. */
static void
run_command (GTask *task)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (tidings_imap_sequence_set_is_empty (replay->uids))
    {
      /* Nothing the server needs to hear. */
      batch_done (task);
      return;
    }
  switch (batch->kind)
    {
    case REPLAY_FLAGS:
      if (replay->step == 0 && batch->add->len > 1)
        tidings_imap_client_uid_store_async (replay->client, replay->uids, TIDINGS_IMAP_STORE_ADD,
                                             (const char * const *) batch->add->pdata, 0,
                                             cancellable, on_stored, task);
      else if (replay->step <= 1 && batch->remove->len > 1)
        {
          replay->step = 1;
          tidings_imap_client_uid_store_async (replay->client, replay->uids, TIDINGS_IMAP_STORE_REMOVE,
                                               (const char * const *) batch->remove->pdata, 0,
                                               cancellable, on_stored, task);
        }
      else
        batch_done (task);
      return;
    case REPLAY_MOVE:
      tidings_imap_client_uid_move_async (replay->client, replay->uids, batch->dest_path,
                                          cancellable, on_copied, task);
      return;
    case REPLAY_COPY:
      tidings_imap_client_uid_copy_async (replay->client, replay->uids, batch->dest_path,
                                          cancellable, on_copied, task);
      return;
    case REPLAY_EXPUNGE:
    case REPLAY_EMPTY:
      if (replay->step == 0)
        tidings_imap_client_uid_store_async (replay->client, replay->uids, TIDINGS_IMAP_STORE_ADD,
                                             deleted_flag, 0, cancellable, on_stored, task);
      else if (batch->kind == REPLAY_EMPTY)
        tidings_imap_client_expunge_async (replay->client, NULL, cancellable, on_expunged, task);
      else if (tidings_imap_client_has_capability (replay->client, "UIDPLUS"))
        tidings_imap_client_expunge_async (replay->client, replay->uids, cancellable, on_expunged, task);
      else
        tidings_imap_client_uid_search_async (replay->client, "DELETED", cancellable,
                                              on_deleted_searched, task);
      return;
    case REPLAY_APPEND:
    default:
      g_assert_not_reached ();
    }
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  GError *error = NULL;

  tidings_imap_client_uid_store_finish (replay->client, result, NULL, &error);
  if (check (task, error))
    return;
  replay->step++;
  run_command (task);
}

/* After a refusal: which of our UIDs are still there? Servers refuse a
 * command naming expunged messages (Dovecot: "Some of the requested
 * messages no longer exist"), e.g. when a killed run had already moved
 * them: then the rest is sent, or nothing if none is left. */
static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  g_autoptr(GError) refusal = g_steal_pointer (&replay->refusal);
  GError *error = NULL;

  found = tidings_imap_client_uid_search_finish (replay->client, result, &error);
  if (check (task, error))
    return;
  tidings_imap_sequence_set_normalize (found);
  if (tidings_imap_sequence_set_get_count (found) >= tidings_imap_sequence_set_get_count (replay->uids))
    {
      refused (task, g_steal_pointer (&refusal));
      return;
    }
  g_debug ("Replaying %s for the %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " messages still there",
           ((TidingsStoreOperation *) replay->batch->ops->pdata[0])->kind,
           tidings_imap_sequence_set_get_count (found),
           tidings_imap_sequence_set_get_count (replay->uids));
  g_clear_pointer (&replay->uids, tidings_imap_sequence_set_unref);
  replay->uids = g_steal_pointer (&found);
  run_command (task);
}

static gboolean
verify_refusal (GTask  *task,
                GError *refusal)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;
  g_autofree char *set = NULL;
  g_autofree char *criteria = NULL;

  if (replay->verified || replay->uids == NULL || tidings_imap_sequence_set_is_empty (replay->uids)
      || (batch->kind != REPLAY_FLAGS && batch->kind != REPLAY_MOVE
          && batch->kind != REPLAY_COPY && batch->kind != REPLAY_EXPUNGE))
    return FALSE;
  replay->verified = TRUE;
  replay->refusal = refusal;
  set = tidings_imap_sequence_set_to_string (replay->uids);
  criteria = g_strdup_printf ("UID %s", set);
  tidings_imap_client_uid_search_async (replay->client, criteria, g_task_get_cancellable (task),
                                        on_verified, task);
  return TRUE;
}

static void
execute (GTask *task)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;
  const TidingsImapSelectInfo *selected;

  replay->uids = tidings_imap_sequence_set_new ();
  replay->step = 0;
  replay->verified = FALSE;
  if (batch->kind == REPLAY_EMPTY)
    {
      selected = tidings_imap_client_get_selected (replay->client);
      if (selected != NULL && selected->exists > 0)
        tidings_imap_sequence_set_add_range (replay->uids, 1, TIDINGS_IMAP_SEQUENCE_STAR);
      run_command (task);
      return;
    }
  for (guint i = 0; i < batch->items->len; i++)
    {
      ReplayItem *item = &g_array_index (batch->items, ReplayItem, i);

      if (item->uid > 0 && item->uid <= G_MAXUINT32)
        {
          tidings_imap_sequence_set_add (replay->uids, (guint32) item->uid);
          item->sent = TRUE;
        }
    }
  tidings_imap_sequence_set_normalize (replay->uids);
  run_command (task);
}

/* Resolving UIDs --------------------------------------------------------------- */

/* HEADER Message-ID "..." for ASCII ids; NULL if it cannot be searched. */
static char *
mid_criteria (const char *mid)
{
  GString *criteria;

  if (mid == NULL || strlen (mid) > MID_MAX)
    return NULL;
  criteria = g_string_new ("HEADER Message-ID \"");
  for (const char *p = mid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c < 0x20 || c >= 0x7f)
        {
          g_string_free (criteria, TRUE);
          return NULL;
        }
      if (c == '"' || c == '\\')
        g_string_append_c (criteria, '\\');
      g_string_append_c (criteria, (char) c);
    }
  g_string_append_c (criteria, '"');
  return g_string_free (criteria, FALSE);
}

static void
on_mid_searched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  ReplayItem *item = &g_array_index (replay->batch->items, ReplayItem, replay->resolve_index);
  GError *error = NULL;

  found = tidings_imap_client_uid_search_finish (replay->client, result, &error);
  if (check (task, error))
    return;
  /* Several copies: which one is ours cannot be told; leave them all. */
  if (tidings_imap_sequence_set_get_count (found) == 1)
    {
      TidingsImapSequenceSetIter iter;
      guint32 uid = 0;

      tidings_imap_sequence_set_iter_init (&iter, found);
      if (tidings_imap_sequence_set_iter_next (&iter, &uid))
        item->uid = uid;
    }
  replay->resolve_index++;
  resolve_next (task);
}

static void
resolve_next (GTask *task)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;

  for (; replay->resolve_index < batch->items->len; replay->resolve_index++)
    {
      ReplayItem *item = &g_array_index (batch->items, ReplayItem, replay->resolve_index);
      g_autoptr(TidingsStoreMessage) message = NULL;
      g_autofree char *key = NULL;
      g_autofree char *criteria = NULL;
      guint32 *learned;

      if (item->uid > 0)
        continue;
      message = tidings_store_get_message (replay->store, item->id, NULL);
      if (message != NULL && message->folder_id == batch->folder_id && message->uid > 0)
        {
          item->uid = message->uid;
          continue;
        }
      key = _tidings_imap_replay_resolved_key (batch->folder_id, item->id);
      learned = g_hash_table_lookup (replay->resolved, key);
      if (learned != NULL)
        {
          item->uid = *learned;
          continue;
        }
      criteria = mid_criteria (item->mid);
      if (criteria == NULL)
        continue;
      tidings_imap_client_uid_search_async (replay->client, criteria, g_task_get_cancellable (task),
                                            on_mid_searched, task);
      return;
    }
  execute (task);
}

/* Starting one batch ------------------------------------------------------------- */

static void
on_selected (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Replay *replay = g_task_get_task_data (task);
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  GError *error = NULL;

  info = tidings_imap_client_select_finish (replay->client, result, &error);
  if (check (task, error))
    return;
  replay->resolve_index = 0;
  resolve_next (task);
}

static void
start_append (GTask *task)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GPtrArray) flags = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) keywords = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *mailbox = batch->path;
  g_autoptr(TidingsStoreFolder) folder = NULL;

  /* Deleted before it reached the server: nothing to send. */
  message = tidings_store_get_message (replay->store, batch->message_id, &local_error);
  if (message == NULL && !g_error_matches (local_error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND))
    {
      fail (task, g_steal_pointer (&local_error));
      return;
    }
  g_clear_error (&local_error);
  if (message != NULL)
    {
      raw = tidings_store_get_body (replay->store, batch->message_id, &local_error);
      if (raw == NULL && !g_error_matches (local_error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND))
        {
          fail (task, g_steal_pointer (&local_error));
          return;
        }
      g_clear_error (&local_error);
    }
  if (message == NULL || raw == NULL)
    {
      g_debug ("Nothing to append for message %" G_GINT64_FORMAT, batch->message_id);
      batch_done (task);
      return;
    }
  if (mailbox == NULL)
    {
      folder = tidings_store_get_folder (replay->store, batch->folder_id, &local_error);
      if (folder == NULL)
        {
          /* The folder is gone here: like a refusal, it will be dropped. */
          refused (task, g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NONEXISTENT, "%s",
                                      local_error->message));
          return;
        }
      mailbox = folder->path;
    }

  /* The flags the message has now: later flag changes are then already
   * on the server, and queued ones repeat them harmlessly. */
  for (guint bit = 1; bit <= TIDINGS_MESSAGE_FLAGS_ALL; bit <<= 1)
    if ((message->flags & bit) != 0 && tidings_mail_actions_flag_to_imap (bit) != NULL)
      g_ptr_array_add (flags, g_strdup (tidings_mail_actions_flag_to_imap (bit)));
  keywords = g_strsplit (message->keywords != NULL ? message->keywords : "", " ", 64);
  for (guint i = 0; keywords[i] != NULL; i++)
    if (keywords[i][0] != '\0' && keywords[i][0] != '\\')
      g_ptr_array_add (flags, g_strdup (keywords[i]));
  g_ptr_array_add (flags, NULL);

  tidings_imap_client_append_async (replay->client, mailbox, (const char * const *) flags->pdata,
                                    batch->internal_date > 0 ? batch->internal_date : message->internal_date,
                                    raw, g_task_get_cancellable (task), on_appended, task);
}

static void
start_batch (GTask *task)
{
  Replay *replay = g_task_get_task_data (task);
  ReplayBatch *batch = replay->batch;
  const TidingsImapSelectInfo *selected;

  if (batch->kind == REPLAY_APPEND)
    {
      start_append (task);
      return;
    }
  selected = tidings_imap_client_get_selected (replay->client);
  if (selected != NULL && !selected->read_only && g_strcmp0 (selected->name, batch->path) == 0)
    {
      replay->resolve_index = 0;
      resolve_next (task);
      return;
    }
  tidings_imap_client_select_async (replay->client, batch->path, FALSE, NULL,
                                    g_task_get_cancellable (task), on_selected, task);
}

static void
replay_next (GTask *task)
{
  Replay *replay = g_task_get_task_data (task);
  g_autoptr(GError) parse_error = NULL;
  GError *error = NULL;
  TidingsStoreOperation *op;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (replay->queue == NULL || replay->pos >= replay->queue->len)
    {
      /* A snapshot that completed nothing would only repeat itself. */
      if (replay->queue != NULL && !replay->progressed)
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
          return;
        }
      g_clear_pointer (&replay->queue, g_ptr_array_unref);
      replay->queue = tidings_store_list_operations (replay->store, replay->account_id, &error);
      if (replay->queue == NULL)
        {
          fail (task, error);
          return;
        }
      replay->pos = 0;
      replay->progressed = FALSE;
      if (replay->queue->len == 0)
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
          return;
        }
    }

  op = replay->queue->pdata[replay->pos++];
  replay->batch = _tidings_imap_replay_batch_parse (op, &parse_error);
  if (replay->batch == NULL)
    {
      /* Never replayable: keeping it would block the queue for good. */
      g_warning ("%s", parse_error->message);
      if (!tidings_store_complete_operation (replay->store, op->id, &error))
        {
          fail (task, error);
          return;
        }
      replay->n_done++;
      replay->progressed = TRUE;
      replay_next (task);
      return;
    }
  while (replay->pos < replay->queue->len
         && _tidings_imap_replay_batch_merge (replay->batch, replay->queue->pdata[replay->pos]))
    replay->pos++;
  start_batch (task);
}

void
tidings_imap_replay_run_async (TidingsStore         *store,
                               gint64                account_id,
                               TidingsImapClient    *client,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  GTask *task;
  Replay *replay;

  g_return_if_fail (TIDINGS_IS_STORE (store));
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (client));
  g_return_if_fail (account_id > 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_replay_run_async);
  replay = g_new0 (Replay, 1);
  replay->store = g_object_ref (store);
  replay->account_id = account_id;
  replay->client = g_object_ref (client);
  replay->resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_task_set_task_data (task, replay, (GDestroyNotify) replay_free);
  replay_next (task);
}

gboolean
tidings_imap_replay_run_finish (GAsyncResult  *result,
                                guint         *out_n_done,
                                GError       **error)
{
  Replay *replay;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tidings_imap_replay_run_async, FALSE);

  replay = g_task_get_task_data (G_TASK (result));
  if (out_n_done != NULL)
    *out_n_done = replay->n_done;
  return g_task_propagate_boolean (G_TASK (result), error);
}
