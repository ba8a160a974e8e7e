/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-account-search.c: server search (UID SEARCH TEXT) merged
 * with the store's full-text search. */
#include "config.h"

#include "tidings-imap-account-private.h"
#include "tidings-imap-fetch-mapper.h"

/* Local matches kept at most (the store ranks them newest first), and
 * headers fetched at most per folder for server matches the store lacks. */
#define LOCAL_LIMIT 1000
#define MAX_MISSING 500

typedef struct
{
  gint64                   folder_id;
  char                    *text;
  TidingsImapClient       *client;
  GArray                  *folder_ids;   /* gint64 */
  guint                    index;
  TidingsStoreFolder      *folder;       /* the one being searched */
  GArray                  *server_ids;   /* gint64 */
  GPtrArray               *missing;      /* TidingsStoreMessage, until written */
} SearchOp;

static void
search_op_free (SearchOp *op)
{
  g_clear_pointer (&op->missing, g_ptr_array_unref);
  g_clear_pointer (&op->folder, tidings_store_folder_free);
  g_clear_pointer (&op->folder_ids, g_array_unref);
  g_clear_pointer (&op->server_ids, g_array_unref);
  g_clear_object (&op->client);
  g_free (op->text);
  g_free (op);
}

static void search_next_folder (TidingsImapAccount *self, GTask *task);

static void
search_fail (TidingsImapAccount *self,
             GTask              *task,
             GError             *error)
{
  _tidings_imap_account_job_done (self, task, error);
}

/* Local results first (they are ranked), then what only the server found. */
static void
search_finish (TidingsImapAccount *self,
               GTask              *task)
{
  SearchOp *op = g_task_get_task_data (task);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) local = NULL;
  GArray *ids;
  GError *error = NULL;

  local = tidings_store_search (self->store, op->text, self->account_id, op->folder_id,
                                TIDINGS_STORE_SEARCH_BY_DATE, LOCAL_LIMIT, &error);
  if (local == NULL)
    {
      search_fail (self, task, error);
      return;
    }
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint pass = 0; pass < 2; pass++)
    {
      GArray *from = pass == 0 ? local : op->server_ids;

      for (guint i = 0; i < from->len; i++)
        {
          gint64 *id = &g_array_index (from, gint64, i);

          if (g_hash_table_contains (seen, id))
            continue;
          g_hash_table_add (seen, id);
          g_array_append_val (ids, *id);
        }
    }
  _tidings_imap_account_job_return_pointer (self, task, ids, (GDestroyNotify) g_array_unref);
}

static gboolean
on_header_fetch (TidingsImapFetch  *fetch,
                 gpointer           user_data,
                 GError           **error)
{
  GTask *task = user_data;
  SearchOp *op = g_task_get_task_data (task);
  TidingsStoreMessage *message = tidings_imap_fetch_to_message (fetch, op->folder->id);

  if (message != NULL && op->missing->len < MAX_MISSING)
    g_ptr_array_add (op->missing, message);
  else if (message != NULL)
    tidings_store_message_free (message);
  return TRUE;
}

static void
on_missing_fetched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  SearchOp *op = g_task_get_task_data (task);
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  GError *error = NULL;
  gboolean ok;

  ok = tidings_imap_client_uid_fetch_finish (op->client, result, &error)
       && (tx = tidings_store_transaction_begin (self->store, &error)) != NULL;
  for (guint i = 0; ok && i < op->missing->len; i++)
    {
      TidingsStoreMessage *message = g_ptr_array_index (op->missing, i);
      gint64 id = 0;

      ok = tidings_store_lookup_uid (self->store, op->folder->id, message->uid, &id, &error)
           && (id != 0 || tidings_store_insert_message (self->store, message, &id, &error));
      if (ok)
        g_array_append_val (op->server_ids, id);
    }
  ok = ok && tidings_store_transaction_commit (tx, &error);
  g_ptr_array_set_size (op->missing, 0);
  if (!ok)
    {
      search_fail (self, task, error);
      return;
    }
  op->index++;
  search_next_folder (self, task);
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  SearchOp *op = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  g_autoptr(TidingsImapSequenceSet) missing = tidings_imap_sequence_set_new ();
  TidingsImapSequenceSetIter iter;
  GError *error = NULL;
  guint32 uid;

  found = tidings_imap_client_uid_search_finish (op->client, result, &error);
  if (found == NULL)
    {
      search_fail (self, task, error);
      return;
    }
  tidings_imap_sequence_set_normalize (found);
  tidings_imap_sequence_set_iter_init (&iter, found);
  while (tidings_imap_sequence_set_iter_next (&iter, &uid))
    {
      gint64 id = 0;


      if (!tidings_store_lookup_uid (self->store, op->folder->id, uid, &id, &error))
        {
          search_fail (self, task, error);
          return;
        }
      if (id != 0)
        g_array_append_val (op->server_ids, id);
      else if (tidings_imap_sequence_set_get_count (missing) < MAX_MISSING)
        tidings_imap_sequence_set_add (missing, uid);
    }
  if (tidings_imap_sequence_set_is_empty (missing))
    {
      op->index++;
      search_next_folder (self, task);
      return;
    }
  /* Found on the server but not here (not synced yet): headers now. */
  tidings_imap_client_uid_fetch_async (op->client, missing, TIDINGS_IMAP_HEADER_ATTRIBUTES, 0, FALSE,
                                       on_header_fetch, task, g_task_get_cancellable (task),
                                       on_missing_fetched, task);
}

static void
on_selected (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  TidingsImapAccount *self = g_task_get_source_object (task);
  SearchOp *op = g_task_get_task_data (task);
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  GError *error = NULL;

  info = tidings_imap_client_select_finish (op->client, result, &error);
  if (info == NULL)
    {
      search_fail (self, task, error);
      return;
    }
  if (op->folder->uidvalidity != 0 && info->uidvalidity != op->folder->uidvalidity)
    {
      /* UIDs would not match the store: the next sync refetches it. */
      op->index++;
      search_next_folder (self, task);
      return;
    }
  tidings_imap_client_uid_search_text_async (op->client, op->text, g_task_get_cancellable (task),
                                             on_searched, task);
}

static void
search_next_folder (TidingsImapAccount *self,
                    GTask              *task)
{
  SearchOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (op->index >= op->folder_ids->len)
    {
      search_finish (self, task);
      return;
    }
  g_clear_pointer (&op->folder, tidings_store_folder_free);
  op->folder = tidings_store_get_folder (self->store, g_array_index (op->folder_ids, gint64, op->index),
                                         &error);
  if (op->folder == NULL)
    {
      search_fail (self, task, error);
      return;
    }
  /* EXAMINE would not disturb \Recent, but a SELECT is what every other
   * job of the work client expects to find. */
  tidings_imap_client_select_async (op->client, op->folder->path, FALSE, NULL,
                                    g_task_get_cancellable (task), on_selected, task);
}

static void
run_search (TidingsImapAccount *self,
            GTask              *task,
            TidingsImapClient  *client)
{
  SearchOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) folders = NULL;
  GError *error = NULL;

  op->client = g_object_ref (client);
  op->folder_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  op->server_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  op->missing = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_message_free);
  if (op->folder_id != 0)
    g_array_append_val (op->folder_ids, op->folder_id);
  else
    {
      folders = tidings_store_list_folders (self->store, self->account_id, &error);
      if (folders == NULL)
        {
          search_fail (self, task, error);
          return;
        }
      for (guint i = 0; i < folders->len; i++)
        {
          const TidingsStoreFolder *folder = g_ptr_array_index (folders, i);

          g_array_append_val (op->folder_ids, folder->id);
        }
    }
  search_next_folder (self, task);
}

void
tidings_imap_account_search_async (TidingsImapAccount  *self,
                                   gint64               folder_id,
                                   const char          *text,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  SearchOp *op;

  g_return_if_fail (TIDINGS_IS_IMAP_ACCOUNT (self));
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_account_search_async);
  op = g_new0 (SearchOp, 1);
  op->folder_id = folder_id;
  op->text = g_strdup (text);
  g_task_set_task_data (task, op, (GDestroyNotify) search_op_free);
  _tidings_imap_account_queue_job (self, task, run_search);
}

GArray *
tidings_imap_account_search_finish (TidingsImapAccount  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
