/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mime/tidings-mime-summary.h"
#include "tidings-imap-bodies.h"

/* Messages per UID FETCH of bodies; they are written in one transaction
 * per batch, or sooner past MAX_PENDING_BYTES (no transaction stays open
 * while waiting for the network: other writers share the store). */
#define BODIES_PER_BATCH 50
#define MAX_PENDING_BYTES (16 * 1024 * 1024)

typedef struct
{
  gint64  id;
  GBytes *raw;
  char   *body_text;
  char   *preview;
} PendingBody;

static void
pending_body_free (PendingBody *p)
{
  g_bytes_unref (p->raw);
  g_free (p->body_text);
  g_free (p->preview);
  g_free (p);
}

typedef struct
{
  TidingsStore      *store;
  TidingsImapClient *client;
  TidingsStoreFolder *folder;
  gint64             since;
  gint64             message_id;   /* body_fetch: the one message */
  GArray            *uids;         /* guint32, newest (highest) last */
  GPtrArray         *pending;      /* PendingBody */
  gsize              pending_bytes;
  GBytes            *body;         /* body_fetch: the result */
  guint              n_fetched;
} Bodies;

static void
bodies_free (Bodies *b)
{
  g_clear_pointer (&b->pending, g_ptr_array_unref);
  g_clear_pointer (&b->uids, g_array_unref);
  g_clear_pointer (&b->body, g_bytes_unref);
  g_clear_pointer (&b->folder, tidings_store_folder_free);
  g_clear_object (&b->store);
  g_clear_object (&b->client);
  g_free (b);
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean
flush (Bodies  *b,
       GError **error)
{
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  gboolean ok;

  if (b->pending->len == 0)
    return TRUE;
  tx = tidings_store_transaction_begin (b->store, error);
  ok = tx != NULL;
  for (guint i = 0; ok && i < b->pending->len; i++)
    {
      PendingBody *p = g_ptr_array_index (b->pending, i);

      ok = tidings_store_set_body (b->store, p->id, p->raw, TIDINGS_BODY_STATE_FULL,
                                   p->body_text, p->preview, error);
    }
  ok = ok && tidings_store_transaction_commit (tx, error);
  if (ok)
    b->n_fetched += b->pending->len;
  g_ptr_array_set_size (b->pending, 0);
  b->pending_bytes = 0;
  return ok;
}

static gboolean
store_body (Bodies            *b,
            TidingsImapFetch  *fetch,
            GError           **error)
{
  const TidingsImapFetchBody *body;
  g_autoptr(TidingsMimeSummary) summary = NULL;
  g_autoptr(GError) parse_error = NULL;
  gint64 id = 0;

  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0)
    return TRUE;
  body = tidings_imap_fetch_lookup_body (fetch, "BODY", "");
  if (body == NULL || body->data == NULL)
    return TRUE;
  if (!tidings_store_lookup_uid (b->store, b->folder->id, fetch->uid, &id, error))
    return FALSE;
  if (id == 0)
    return TRUE;
  /* A message GMime cannot read is still kept whole, just not indexed. */
  summary = tidings_mime_summary_new (body->data, fetch->internal_date, &parse_error);
  {
    PendingBody *p = g_new0 (PendingBody, 1);

    p->id = id;
    p->raw = g_bytes_ref (body->data);
    p->body_text = summary != NULL ? g_strdup (summary->body_text) : NULL;
    p->preview = summary != NULL ? g_strdup (summary->preview) : NULL;
    g_ptr_array_add (b->pending, p);
    b->pending_bytes += g_bytes_get_size (body->data);
  }
  if (b->pending_bytes >= MAX_PENDING_BYTES && !flush (b, error))
    return FALSE;
  if (id == b->message_id)
    {
      g_clear_pointer (&b->body, g_bytes_unref);
      b->body = g_bytes_ref (body->data);
    }
  return TRUE;
}

static gboolean
on_body (TidingsImapFetch  *fetch,
         gpointer           user_data,
         GError           **error)
{
  return store_body (user_data, fetch, error);
}

static void fetch_next (GTask *task);

static void
on_batch_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Bodies *b = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_imap_client_uid_fetch_finish (b->client, result, &error) || !flush (b, &error))
    {
      g_ptr_array_set_size (b->pending, 0);
      fail (task, error);
      return;
    }
  fetch_next (task);
}

static void
fetch_next (GTask *task)
{
  Bodies *b = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) batch = tidings_imap_sequence_set_new ();
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      fail (task, error);
      return;
    }
  for (guint i = 0; i < BODIES_PER_BATCH && b->uids->len > 0; i++)
    {
      tidings_imap_sequence_set_add (batch, g_array_index (b->uids, guint32, b->uids->len - 1));
      g_array_set_size (b->uids, b->uids->len - 1);
    }
  if (tidings_imap_sequence_set_is_empty (batch))
    {
      if (b->message_id != 0 && b->body == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                   _("The server no longer has this message."));
          g_object_unref (task);
          return;
        }
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  tidings_imap_client_uid_fetch_async (b->client, batch, "(UID INTERNALDATE BODY.PEEK[])", 0, FALSE,
                                       on_body, b, g_task_get_cancellable (task),
                                       on_batch_fetched, task);
}

/* The UIDs found, minus what the store already has whole. */
static gboolean
collect_missing (Bodies                  *b,
                 TidingsImapSequenceSet  *found,
                 GError                 **error)
{
  TidingsImapSequenceSetIter iter;
  guint32 uid;

  tidings_imap_sequence_set_normalize (found);
  tidings_imap_sequence_set_iter_init (&iter, found);
  while (tidings_imap_sequence_set_iter_next (&iter, &uid))
    {
      g_autoptr(TidingsStoreMessage) message = NULL;
      gint64 id = 0;

      if (!tidings_store_lookup_uid (b->store, b->folder->id, uid, &id, error))
        return FALSE;
      if (id == 0)
        continue;
      message = tidings_store_get_message (b->store, id, error);
      if (message == NULL)
        return FALSE;
      if (message->body_state != TIDINGS_BODY_STATE_FULL)
        g_array_append_val (b->uids, uid);
    }
  return TRUE;
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Bodies *b = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  GError *error = NULL;

  found = tidings_imap_client_uid_search_finish (b->client, result, &error);
  if (found == NULL || !collect_missing (b, found, &error))
    {
      fail (task, error);
      return;
    }
  fetch_next (task);
}

static void
search (GTask *task)
{
  Bodies *b = g_task_get_task_data (task);
  g_autofree char *criteria = NULL;

  if (b->since > 0)
    {
      static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (b->since);

      criteria = g_strdup_printf ("SINCE %d-%s-%d", g_date_time_get_day_of_month (date),
                                  months[g_date_time_get_month (date) - 1],
                                  g_date_time_get_year (date));
    }
  tidings_imap_client_uid_search_async (b->client, criteria != NULL ? criteria : "ALL",
                                        g_task_get_cancellable (task), on_searched, task);
}

static void
on_selected (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Bodies *b = g_task_get_task_data (task);
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  GError *error = NULL;

  info = tidings_imap_client_select_finish (b->client, result, &error);
  if (info == NULL)
    {
      fail (task, error);
      return;
    }
  if (b->folder->uidvalidity != 0 && info->uidvalidity != b->folder->uidvalidity)
    {
      fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The folder “%s” changed on the server; sync it first."),
                               b->folder->path));
      return;
    }
  if (b->message_id != 0)
    fetch_next (task);
  else
    search (task);
}

static void
ensure_selected (GTask *task)
{
  Bodies *b = g_task_get_task_data (task);
  const TidingsImapSelectInfo *selected = tidings_imap_client_get_selected (b->client);

  if (selected != NULL && g_strcmp0 (selected->name, b->folder->path) == 0
      && !selected->read_only && selected->uidvalidity == b->folder->uidvalidity)
    {
      if (b->message_id != 0)
        fetch_next (task);
      else
        search (task);
      return;
    }
  tidings_imap_client_select_async (b->client, b->folder->path, FALSE, NULL,
                                    g_task_get_cancellable (task), on_selected, task);
}

static GTask *
bodies_task_new (TidingsStore        *store,
                 TidingsImapClient   *client,
                 gint64               folder_id,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data,
                 GError             **error)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Bodies *b = g_new0 (Bodies, 1);

  g_task_set_source_tag (task, source_tag);
  b->store = g_object_ref (store);
  b->client = g_object_ref (client);
  b->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  b->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_body_free);
  g_task_set_task_data (task, b, (GDestroyNotify) bodies_free);
  b->folder = tidings_store_get_folder (store, folder_id, error);
  return task;
}

void
tidings_imap_bodies_sync_async (TidingsStore        *store,
                                TidingsImapClient   *client,
                                gint64               folder_id,
                                gint64               since,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (TIDINGS_IS_STORE (store));
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (client));

  task = bodies_task_new (store, client, folder_id, tidings_imap_bodies_sync_async,
                          cancellable, callback, user_data, &error);
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  ((Bodies *) g_task_get_task_data (task))->since = since;
  ensure_selected (task);
}

gboolean
tidings_imap_bodies_sync_finish (GAsyncResult  *result,
                                 guint         *out_n_fetched,
                                 GError       **error)
{
  Bodies *b = g_task_get_task_data (G_TASK (result));

  if (out_n_fetched != NULL)
    *out_n_fetched = b->n_fetched;
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tidings_imap_body_fetch_async (TidingsStore        *store,
                               TidingsImapClient   *client,
                               gint64               message_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  GError *error = NULL;
  GTask *task;
  Bodies *b;
  guint32 uid;

  g_return_if_fail (TIDINGS_IS_STORE (store));
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (client));

  message = tidings_store_get_message (store, message_id, &error);
  task = bodies_task_new (store, client, message != NULL ? message->folder_id : 0,
                          tidings_imap_body_fetch_async, cancellable, callback, user_data,
                          error == NULL ? &error : NULL);
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  b = g_task_get_task_data (task);
  b->message_id = message_id;
  if (message->uid <= 0)
    {
      fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This message is not on the server yet.")));
      return;
    }
  uid = (guint32) message->uid;
  g_array_append_val (b->uids, uid);
  ensure_selected (task);
}

GBytes *
tidings_imap_body_fetch_finish (GAsyncResult  *result,
                                GError       **error)
{
  Bodies *b = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_bytes_ref (b->body);
}
