/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pop3/tidings-pop3-client.h"
#include "tidings-ingest.h"
#include "tidings-pop3-download-private.h"
#include "tidings-credentials.h"

/* Prefix of the identity of a message on a server without UIDL. */
#define HEADER_HASH_PREFIX "tidings-hdr:"
/* Bodies indexed for search per store call at the end of a check. */
#define INDEX_BATCH 1000
/* New messages committed together (each with its UIDL): one disk sync
 * per batch instead of per message. A crash loses at most a batch that
 * was downloaded and not committed, and never DELE'd: it comes again. */
#define BATCH_MESSAGES 50
#define BATCH_BYTES (8 * 1024 * 1024)

G_DEFINE_FINAL_TYPE (TidingsPop3Download, tidings_pop3_download, G_TYPE_OBJECT)

static void
tidings_pop3_download_finalize (GObject *object)
{
  TidingsPop3Download *self = TIDINGS_POP3_DOWNLOAD (object);

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_object (&self->store);
  g_clear_object (&self->database);
  g_free (self->host);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  G_OBJECT_CLASS (tidings_pop3_download_parent_class)->finalize (object);
}

static void
tidings_pop3_download_class_init (TidingsPop3DownloadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tidings_pop3_download_finalize;
}

static void
tidings_pop3_download_init (TidingsPop3Download *self)
{
  self->login_delay = -1;
  self->expire = -1;
}

TidingsPop3Download *
tidings_pop3_download_new (TidingsStore                 *store,
                           gint64                        account_id,
                           const TidingsAccountSettings *settings,
                           const char                   *password)
{
  TidingsPop3Download *self;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (settings != NULL && settings->incoming.host != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (TIDINGS_TYPE_POP3_DOWNLOAD, NULL);
  self->store = g_object_ref (store);
  self->account_id = account_id;
  self->host = g_strdup (settings->incoming.host);
  self->port = settings->incoming.port;
  self->security = settings->incoming.security;
  self->user = g_strdup (settings->incoming.user != NULL ? settings->incoming.user : "");
  self->password = g_strdup (password);
  self->leave = settings->pop3_leave;
  self->leave_days = settings->pop3_leave_days;
  self->headers_only_above = (guint64) settings->pop3_headers_only_above * 1024;
  return self;
}

void
tidings_pop3_download_set_tls_database (TidingsPop3Download *self,
                                        GTlsDatabase        *database)
{
  g_return_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self));
  g_set_object (&self->database, database);
}

void
tidings_pop3_download_set_progress_func (TidingsPop3Download    *self,
                                         TidingsPop3ProgressFunc func,
                                         gpointer                user_data,
                                         GDestroyNotify          destroy)
{
  g_return_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self));
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

void
tidings_pop3_download_set_now (TidingsPop3Download *self,
                               gint64               now)
{
  g_return_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self));
  self->now = now;
}

guint
tidings_pop3_download_get_n_downloaded (TidingsPop3Download *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self), 0);
  return self->n_downloaded;
}

guint
tidings_pop3_download_get_n_deleted (TidingsPop3Download *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self), 0);
  return self->n_deleted;
}

guint
tidings_pop3_download_get_n_on_server (TidingsPop3Download *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self), 0);
  return self->n_on_server;
}

gboolean
tidings_pop3_download_get_limits_apply (TidingsPop3Download *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self), FALSE);
  return self->limits_apply;
}

gint
tidings_pop3_download_get_login_delay (TidingsPop3Download *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self), -1);
  return self->login_delay;
}

gint
tidings_pop3_download_get_expire (TidingsPop3Download *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self), -1);
  return self->expire;
}

/* One check (or one fetch of a full message) -------------------------------- */


static void
check_data_free (CheckData *data)
{
  if (data->client != NULL)
    tidings_pop3_client_close (data->client);
  g_clear_object (&data->client);
  g_clear_pointer (&data->entries, g_array_unref);
  g_clear_pointer (&data->plan, tidings_pop3_plan_free);
  g_clear_pointer (&data->pending, g_ptr_array_unref);
  g_clear_pointer (&data->pending_dele, g_array_unref);
  g_free (data->fetch_uidl);
  g_free (data);
}

static gboolean store_batch (TidingsPop3Download *self,
                             CheckData           *data,
                             GError             **error);

void
_tidings_pop3_download_check_fail (GTask  *task,
            GError *error)
{
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);

  /* No QUIT: the server forgets every DELE of this session. */
  if (data->client != NULL)
    tidings_pop3_client_close (data->client);
  /* Whole messages already read are kept (and deleted on the server by
   * the next check), unless the store itself is what failed. */
  if (data->pending != NULL && data->pending->len > 0 && error->domain != TIDINGS_STORE_ERROR)
    {
      GError *store_error = NULL;

      if (store_batch (self, data, &store_error))
        self->n_downloaded += data->pending->len;
      else
        {
          g_warning ("POP3: could not keep downloaded mail: %s", store_error->message);
          g_clear_error (&store_error);
        }
    }
  if (data->pending != NULL)
    g_ptr_array_set_size (data->pending, 0);
  self->running = FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void check_after_listing (GTask *task);
static void download_next (GTask *task);
static void delete_next (GTask *task);

static void
on_quit (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;
  guint remaining = 0;

  if (!tidings_pop3_client_command_finish (TIDINGS_POP3_CLIENT (source), result, &error))
    {
      /* The deletions of this session did not happen; stored mail is
       * safe and the next check deletes what it should. */
      self->n_deleted = 0;
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  g_debug ("POP3 check of %s: %u new of %u in %.2f s: reading %.2f s, parsing %.2f s, storing %.2f s",
           self->host, data->done, self->n_on_server,
           (g_get_monotonic_time () - data->started) / 1e6, data->t_wait / 1e6,
           data->t_parse / 1e6, data->t_store / 1e6);
  /* What was downloaded is searchable when the check returns. */
  do
    {
      if (!tidings_store_index_backlog (self->store, INDEX_BATCH, &remaining, &error))
        {
          g_warning ("POP3: indexing new mail for search failed: %s", error->message);
          g_clear_error (&error);
          break;
        }
    }
  while (remaining > 0);
  self->running = FALSE;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
_tidings_pop3_download_check_quit (GTask *task)
{
  CheckData *data = g_task_get_task_data (task);

  tidings_pop3_client_quit_async (data->client, g_task_get_cancellable (task), on_quit, task);
}

/* Listing: UIDL (or header hashes), then LIST for the sizes. */

static void
on_top_for_identity (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  CheckData *data = g_task_get_task_data (task);
  TidingsPop3Entry *entry = &g_array_index (data->entries, TidingsPop3Entry, data->cursor);
  g_autoptr(GBytes) headers = NULL;
  GError *error = NULL;

  if (!tidings_pop3_client_retrieve_finish (data->client, result, &headers, NULL, &error))
    {
      if (g_error_matches (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_FAILED) && data->cursor == 0)
        {
          g_clear_error (&error);
          error = g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_UNSUPPORTED,
                               _("The server %s supports neither UIDL nor TOP, so Tidings cannot "
                                 "tell which messages it already downloaded"),
                               tidings_connection_get_host (tidings_pop3_client_get_connection (data->client)));
        }
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  {
    g_autofree char *hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, headers);
    /* 12 + 56 characters: within the 70 of a real UIDL. */
    hex[56] = '\0';
    entry->uidl = g_strconcat (HEADER_HASH_PREFIX, hex, NULL);
  }
  data->cursor++;
  if (data->cursor < data->entries->len)
    tidings_pop3_client_retrieve_async (data->client,
                                        g_array_index (data->entries, TidingsPop3Entry, data->cursor).msgno,
                                        0, NULL, 0, g_task_get_cancellable (task), on_top_for_identity, task);
  else if (data->fetch)
    _tidings_pop3_download_fetch_after_listing (task);
  else
    check_after_listing (task);
}

static void
on_list (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GHashTable) by_msgno = NULL;
  GError *error = NULL;

  sizes = tidings_pop3_client_list_finish (data->client, result, &error);
  if (sizes == NULL)
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  if (data->entries == NULL)
    {
      /* No UIDL: every message listed, identities from its headers. */
      data->entries = g_array_ref (sizes);
      self->limits_apply = TRUE;
      self->n_on_server = data->entries->len;
      data->cursor = 0;
      if (data->entries->len > 0)
        {
          tidings_pop3_client_retrieve_async (data->client,
                                              g_array_index (data->entries, TidingsPop3Entry, 0).msgno,
                                              0, NULL, 0, g_task_get_cancellable (task),
                                              on_top_for_identity, task);
          return;
        }
    }
  else
    {
      by_msgno = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < sizes->len; i++)
        {
          TidingsPop3Entry *e = &g_array_index (sizes, TidingsPop3Entry, i);
          g_hash_table_insert (by_msgno, GUINT_TO_POINTER (e->msgno), e);
        }
      for (guint i = 0; i < data->entries->len; i++)
        {
          TidingsPop3Entry *e = &g_array_index (data->entries, TidingsPop3Entry, i);
          TidingsPop3Entry *s = g_hash_table_lookup (by_msgno, GUINT_TO_POINTER (e->msgno));

          if (s != NULL)
            e->size = s->size;
        }
    }
  if (data->fetch)
    _tidings_pop3_download_fetch_after_listing (task);
  else
    check_after_listing (task);
}

static void
on_uidl (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->entries = tidings_pop3_client_uidl_finish (data->client, result, &error);
  if (data->entries == NULL)
    {
      if (!g_error_matches (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_FAILED))
        {
          _tidings_pop3_download_check_fail (task, error);
          return;
        }
      g_clear_error (&error);
    }
  else
    self->n_on_server = data->entries->len;
  tidings_pop3_client_list_async (data->client, g_task_get_cancellable (task), on_list, task);
}

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_pop3_client_login_finish (data->client, result, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  self->login_delay = tidings_pop3_client_get_login_delay (data->client);
  self->expire = tidings_pop3_client_get_expire (data->client);
  tidings_pop3_client_uidl_async (data->client, g_task_get_cancellable (task), on_uidl, task);
}

static void
on_connect (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_pop3_client_connect_finish (data->client, result, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  tidings_pop3_client_login_async (data->client, self->user, self->password, TIDINGS_POP3_AUTH_AUTO,
                                   g_task_get_cancellable (task), on_login, task);
}

void
_tidings_pop3_download_open_session (GTask *task)
{
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(TidingsConnection) conn = NULL;
  TidingsServerSettings server = { 0 };
  GError *error = NULL;

  server.host = self->host;
  server.port = self->port;
  server.security = self->security;
  if (!tidings_pop3_folders_ensure (self->store, self->account_id, &data->folders, &error)
      || (conn = tidings_credentials_new_connection (self->store, self->account_id, &server,
                                                     &error)) == NULL)
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  if (self->database != NULL)
    tidings_connection_set_tls_database (conn, self->database);
  data->client = tidings_pop3_client_new (conn);
  tidings_pop3_client_connect_async (data->client, g_task_get_cancellable (task), on_connect, task);
}

/* Deciding ------------------------------------------------------------------ */

/* UIDL -> body state of messages still here (any folder but Trash). */
static GHashTable *
local_states (TidingsPop3Download *self,
              CheckData           *data,
              GHashTable          *seen,
              GError             **error)
{
  g_autoptr(GHashTable) local = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) folders = tidings_store_list_folders (self->store, self->account_id, error);

  if (folders == NULL)
    return NULL;
  for (guint i = 0; i < data->entries->len; i++)
    {
      TidingsPop3Entry *e = &g_array_index (data->entries, TidingsPop3Entry, i);

      if (e->uidl == NULL || !g_hash_table_contains (seen, e->uidl))
        continue;
      for (guint f = 0; f < folders->len; f++)
        {
          TidingsStoreFolder *folder = g_ptr_array_index (folders, f);
          g_autoptr(TidingsStoreMessage) message = NULL;
          gint64 id = 0;

          if (folder->role == TIDINGS_FOLDER_ROLE_TRASH)
            continue;
          if (!tidings_store_lookup_uidl (self->store, folder->id, e->uidl, &id, error))
            return NULL;
          if (id == 0)
            continue;
          message = tidings_store_get_message (self->store, id, error);
          if (message == NULL)
            return NULL;
          if (message->flags & TIDINGS_MESSAGE_FLAG_DELETED)
            continue;
          g_hash_table_insert (local, e->uidl, GINT_TO_POINTER (message->body_state));
          break;
        }
    }
  return g_steal_pointer (&local);
}

static void
check_after_listing (GTask *task)
{
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  GError *error = NULL;

  seen = tidings_store_pop3_list_uidls (self->store, self->account_id, &error);
  if (seen != NULL)
    local = local_states (self, data, seen, &error);
  if (local == NULL)
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  data->plan = tidings_pop3_plan (data->entries, seen, local, self->leave, self->leave_days,
                                  self->headers_only_above, data->now);
  data->total = data->plan->download->len;

  /* Seen UIDLs the server no longer has can never come back: forget them
   * so the table stays as small as the mailbox. */
  if (data->plan->forget->len > 0)
    {
      tx = tidings_store_transaction_begin (self->store, &error);
      if (tx == NULL)
        {
          _tidings_pop3_download_check_fail (task, error);
          return;
        }
      for (guint i = 0; i < data->plan->forget->len; i++)
        if (!tidings_store_pop3_remove_uidl (self->store, self->account_id,
                                             g_ptr_array_index (data->plan->forget, i), &error))
          {
            _tidings_pop3_download_check_fail (task, error);
            return;
          }
      if (!tidings_store_transaction_commit (tx, &error))
        {
          _tidings_pop3_download_check_fail (task, error);
          return;
        }
    }
  if (self->progress != NULL)
    self->progress (0, data->total, self->progress_data);
  data->cursor = 0;
  delete_next (task);
}

/* Deleting what was stored before ------------------------------------------- */

static void
on_dele_planned (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_pop3_client_command_finish (data->client, result, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  self->n_deleted++;
  data->cursor++;
  delete_next (task);
}

static void
delete_next (GTask *task)
{
  CheckData *data = g_task_get_task_data (task);

  if (data->cursor < data->plan->delete_now->len)
    {
      guint index = g_array_index (data->plan->delete_now, guint, data->cursor);
      TidingsPop3Entry *e = &g_array_index (data->entries, TidingsPop3Entry, index);

      tidings_pop3_client_dele_async (data->client, e->msgno, g_task_get_cancellable (task),
                                      on_dele_planned, task);
      return;
    }
  data->cursor = 0;
  download_next (task);
}

/* Downloading --------------------------------------------------------------- */

/* A record for the store even if the bytes are not a readable message. */
TidingsStoreMessage *
_tidings_pop3_download_make_record (GBytes             *raw,
             gint64              folder_id,
             gint64              now,
             gboolean            headers_only,
             const TidingsPop3Entry *entry)
{
  GError *error = NULL;
  TidingsStoreMessage *message = tidings_ingest_message (raw, folder_id, now, &error);

  if (message == NULL)
    {
      g_debug ("POP3: message %s is not readable MIME: %s", entry->uidl, error->message);
      g_clear_error (&error);
      message = tidings_store_message_new ();
      message->folder_id = folder_id;
      message->date = now;
      message->internal_date = now;
      message->raw = g_bytes_ref (raw);
      message->body_state = TIDINGS_BODY_STATE_FULL;
    }
  message->internal_date = now;
  message->uidl = g_strdup (entry->uidl);
  if (headers_only)
    {
      message->body_state = TIDINGS_BODY_STATE_HEADERS;
      message->size = (gint64) entry->size;
      g_clear_pointer (&message->body_text, g_free);
      g_clear_pointer (&message->preview, g_free);
    }
  return message;
}

/* The messages of a batch, each with its seen UIDL, in one transaction:
 * TRUE once on disk. A batch is committed before the next network wait,
 * so no transaction stays open while other engine work may run. */
static gboolean
store_batch (TidingsPop3Download *self,
             CheckData           *data,
             GError             **error)
{
  g_autoptr(TidingsStoreTransaction) tx = NULL;

  tx = tidings_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return FALSE;
  for (guint i = 0; i < data->pending->len; i++)
    {
      TidingsStoreMessage *message = g_ptr_array_index (data->pending, i);
      gint64 existing = 0;
      gint64 id = 0;

      /* Stored already without its UIDL seen: cannot happen through this
       * code (both go in one transaction), but never store it twice. */
      if (!tidings_store_lookup_uidl (self->store, data->folders.inbox, message->uidl, &existing, error))
        return FALSE;
      if (existing == 0 && !tidings_store_insert_message (self->store, message, &id, error))
        return FALSE;
      if (!tidings_store_pop3_add_uidl (self->store, self->account_id, message->uidl, data->now, error))
        return FALSE;
    }
  return tidings_store_transaction_commit (tx, error);
}

static void dele_next (GTask *task);

static void
on_dele_downloaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_pop3_client_command_finish (data->client, result, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  self->n_deleted++;
  data->dele_cursor++;
  dele_next (task);
}

static void
dele_next (GTask *task)
{
  CheckData *data = g_task_get_task_data (task);

  if (data->dele_cursor < data->pending_dele->len)
    {
      tidings_pop3_client_dele_async (data->client,
                                      g_array_index (data->pending_dele, guint, data->dele_cursor),
                                      g_task_get_cancellable (task), on_dele_downloaded, task);
      return;
    }
  g_array_set_size (data->pending_dele, 0);
  data->dele_cursor = 0;
  download_next (task);
}

static void
flush_batch (GTask *task)
{
  TidingsPop3Download *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  if (!store_batch (self, data, &error))
    {
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  data->t_store += g_get_monotonic_time () - t0;
  self->n_downloaded += data->pending->len;
  data->done += data->pending->len;
  g_ptr_array_set_size (data->pending, 0);
  data->pending_bytes = 0;
  if (self->progress != NULL)
    self->progress (data->done, data->total, self->progress_data);
  /* Committed (on disk): now, and only now, DELE may go out. */
  data->dele_cursor = 0;
  dele_next (task);
}

static void
on_retrieved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  CheckData *data = g_task_get_task_data (task);
  TidingsPop3Entry *entry = &g_array_index (data->entries, TidingsPop3Entry, data->current_index);
  g_autoptr(GBytes) raw = NULL;
  TidingsStoreMessage *message;
  GError *error = NULL;
  gint64 t1;

  if (!tidings_pop3_client_retrieve_finish (data->client, result, &raw, NULL, &error))
    {
      if (g_error_matches (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_TOO_BIG)
          && !data->current_headers_only)
        {
          /* Too big to hold: keep its headers; the rest stays on the server. */
          g_clear_error (&error);
          data->current_headers_only = TRUE;
          tidings_pop3_client_retrieve_async (data->client, entry->msgno, 0, NULL, 0,
                                              g_task_get_cancellable (task), on_retrieved, task);
          return;
        }
      _tidings_pop3_download_check_fail (task, error);
      return;
    }
  t1 = g_get_monotonic_time ();
  data->t_wait += t1 - data->mark;
  message = _tidings_pop3_download_make_record (raw, data->folders.inbox, data->now, data->current_headers_only, entry);
  data->t_parse += g_get_monotonic_time () - t1;
  g_ptr_array_add (data->pending, message);
  data->pending_bytes += g_bytes_get_size (raw);
  if (data->plan->delete_after_download && !data->current_headers_only)
    g_array_append_val (data->pending_dele, entry->msgno);
  data->cursor++;
  if (data->pending->len >= BATCH_MESSAGES || data->pending_bytes >= BATCH_BYTES
      || data->cursor >= data->plan->download->len)
    flush_batch (task);
  else
    download_next (task);
}

static void
download_next (GTask *task)
{
  CheckData *data = g_task_get_task_data (task);
  TidingsPop3Entry *entry;

  if (data->cursor >= data->plan->download->len)
    {
      _tidings_pop3_download_check_quit (task);
      return;
    }
  data->current_index = g_array_index (data->plan->download, guint, data->cursor);
  data->current_headers_only = g_array_index (data->plan->headers_only, gboolean, data->cursor);
  entry = &g_array_index (data->entries, TidingsPop3Entry, data->current_index);
  data->mark = g_get_monotonic_time ();
  tidings_pop3_client_retrieve_async (data->client, entry->msgno, data->current_headers_only ? 0 : -1,
                                      NULL, 0, g_task_get_cancellable (task), on_retrieved, task);
}

GTask *
_tidings_pop3_download_start_task (TidingsPop3Download *self,
            gboolean             fetch,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  data->fetch = fetch;
  data->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_message_free);
  data->pending_dele = g_array_new (FALSE, FALSE, sizeof (guint));
  data->started = g_get_monotonic_time ();
  data->now = self->now > 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("This account is already being checked"));
      g_object_unref (task);
      return NULL;
    }
  self->running = TRUE;
  self->n_downloaded = 0;
  self->n_deleted = 0;
  self->n_on_server = 0;
  self->limits_apply = FALSE;
  return task;
}

void
tidings_pop3_download_run_async (TidingsPop3Download *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_POP3_DOWNLOAD (self));
  task = _tidings_pop3_download_start_task (self, FALSE, cancellable, callback, user_data);
  if (task != NULL)
    {
      g_task_set_source_tag (task, tidings_pop3_download_run_async);
      _tidings_pop3_download_open_session (task);
    }
}

gboolean
tidings_pop3_download_run_finish (TidingsPop3Download *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
