/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-imap-fetch-mapper.h"
#include "tidings-imap-folder-sync.h"

/* Writes applied from signals or flag fetches are committed in groups of
 * this many, so one transaction stays short. */
#define WRITES_PER_TRANSACTION 500

/* Local UIDs checked one by one for the vanished phase; past this many
 * candidates (a sparse UID space) only the ranges near known rows are
 * worth the lookups, and the store offers no cheaper listing (see the
 * report: tidings_store_list_uids would make this a single query). */
#define MAX_GAP_LOOKUPS 2000000

typedef struct
{
  const char *kind;
  gint64      message_id;
  guint32     uid;
} Event;

typedef struct
{
  TidingsStore                 *store;
  TidingsImapClient            *client;
  TidingsStoreFolder           *folder;
  TidingsImapFolderSyncOptions  options;
  guint                         batch_size;
  TidingsImapSyncHooks          hooks;

  /* What the store said when the pass started. */
  guint32                       uidvalidity;
  guint32                       uidnext;
  guint64                       modseq;
  gboolean                      qresync_used;
  gboolean                      condstore;
  TidingsImapSelectInfo        *info;

  TidingsStoreTransaction      *tx;
  guint                         tx_writes;
  GArray                       *events;          /* Event, until the commit */
  GError                       *error;           /* first store error from a callback */
  gulong                        vanished_handler;
  gulong                        fetch_handler;

  /* Plain comparison: the UIDs the flag fetch returned, as runs. */
  TidingsImapSequenceSet       *server_uids;
  guint32                       run_first;
  guint32                       run_last;

  /* New messages, fetched from the top down. */
  TidingsImapSequenceSet       *new_uids;
  gint                          range_index;
  guint64                       range_top;
  guint                         new_total;
  guint                         new_done;
  guint32                       max_uid;

  TidingsImapFolderSyncCounts   counts;
} FolderSync;

static void
disconnect_signals (FolderSync *fs)
{
  g_clear_signal_handler (&fs->vanished_handler, fs->client);
  g_clear_signal_handler (&fs->fetch_handler, fs->client);
}

static void
folder_sync_free (FolderSync *fs)
{
  disconnect_signals (fs);
  g_clear_pointer (&fs->tx, tidings_store_transaction_free);
  g_clear_pointer (&fs->events, g_array_unref);
  g_clear_error (&fs->error);
  g_clear_pointer (&fs->info, tidings_imap_select_info_free);
  g_clear_pointer (&fs->folder, tidings_store_folder_free);
  g_clear_pointer (&fs->server_uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&fs->new_uids, tidings_imap_sequence_set_unref);
  g_clear_object (&fs->store);
  g_clear_object (&fs->client);
  g_free (fs);
}

/* Transactions and events --------------------------------------------- */

static gboolean
ensure_tx (FolderSync  *fs,
           GError     **error)
{
  if (fs->tx != NULL)
    return TRUE;
  fs->tx = tidings_store_transaction_begin (fs->store, error);
  fs->tx_writes = 0;
  return fs->tx != NULL;
}

static void
flush_events (FolderSync *fs)
{
  g_autoptr(GArray) events = fs->events;

  fs->events = g_array_new (FALSE, FALSE, sizeof (Event));
  if (fs->hooks.event == NULL)
    return;
  for (guint i = 0; i < events->len; i++)
    {
      const Event *event = &g_array_index (events, Event, i);

      fs->hooks.event (event->kind, fs->folder->id, event->message_id, event->uid,
                       fs->hooks.user_data);
    }
}

static gboolean
commit_tx (FolderSync  *fs,
           GError     **error)
{
  TidingsStoreTransaction *tx = g_steal_pointer (&fs->tx);

  if (tx == NULL)
    return TRUE;
  if (!tidings_store_transaction_commit (tx, error))
    {
      tidings_store_transaction_free (tx);
      g_array_set_size (fs->events, 0);
      return FALSE;
    }
  tidings_store_transaction_free (tx);
  flush_events (fs);
  return TRUE;
}

static void
add_event (FolderSync *fs,
           const char *kind,
           gint64      message_id,
           guint32     uid)
{
  Event event = { kind, message_id, uid };

  if (fs->hooks.event != NULL)
    g_array_append_val (fs->events, event);
}

/* Applying server data ------------------------------------------------ */

static gboolean
apply_flags (FolderSync         *fs,
             guint32             uid,
             const char * const *flags,
             guint64             modseq,
             GError            **error)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autofree char *keywords = NULL;
  gint64 id = 0;
  guint bits;
  gboolean changed = FALSE;

  if (!tidings_store_lookup_uid (fs->store, fs->folder->id, uid, &id, error))
    return FALSE;
  if (id == 0)
    return TRUE;   /* not here yet: the new phase fetches it whole */
  message = tidings_store_get_message (fs->store, id, error);
  if (message == NULL)
    return FALSE;
  bits = tidings_imap_flags_to_store (flags, &keywords);
  if ((message->flags & TIDINGS_MESSAGE_FLAGS_ALL) != bits)
    {
      if (!tidings_store_set_flags (fs->store, id, bits, error))
        return FALSE;
      changed = TRUE;
    }
  if (g_strcmp0 (message->keywords != NULL ? message->keywords : "",
                 keywords != NULL ? keywords : "") != 0)
    {
      if (!tidings_store_set_keywords (fs->store, id, keywords != NULL ? keywords : "", error))
        return FALSE;
      changed = TRUE;
    }
  if (modseq > 0 && (guint64) message->modseq != modseq
      && !tidings_store_set_server_id (fs->store, id, uid, (gint64) modseq, error))
    return FALSE;
  fs->tx_writes++;
  if (changed)
    {
      fs->counts.n_changed++;
      add_event (fs, "changed", id, uid);
    }
  return TRUE;
}

static gboolean
remove_uid (FolderSync  *fs,
            guint32      uid,
            GError     **error)
{
  gint64 id = 0;

  if (uid == 0)
    return TRUE;
  if (!tidings_store_lookup_uid (fs->store, fs->folder->id, uid, &id, error))
    return FALSE;
  if (id == 0)
    return TRUE;
  if (!tidings_store_delete_messages (fs->store, &id, 1, error))
    return FALSE;
  fs->tx_writes++;
  fs->counts.n_vanished++;
  add_event (fs, "vanished", id, uid);
  return TRUE;
}

/* A full header record: insert, or update the row a killed pass left. */
static gboolean
apply_new (FolderSync        *fs,
           TidingsImapFetch  *fetch,
           GError           **error)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  gint64 id = 0;

  if (!tidings_store_lookup_uid (fs->store, fs->folder->id, fetch->uid, &id, error))
    return FALSE;
  if (id != 0)
    return apply_flags (fs, fetch->uid, (const char * const *) fetch->flags, fetch->modseq, error);
  message = tidings_imap_fetch_to_message (fetch, fs->folder->id);
  if (message == NULL)
    return TRUE;
  if (!tidings_store_insert_message (fs->store, message, &id, error))
    return FALSE;
  fs->tx_writes++;
  fs->counts.n_new++;
  add_event (fs, "new", id, fetch->uid);
  return TRUE;
}

/* Upper bound for UIDs worth looking up: nothing at or past it is stored. */
static guint32
uid_limit (FolderSync *fs)
{
  guint32 limit = MAX (fs->uidnext, fs->max_uid + 1);

  if (fs->info != NULL)
    limit = MAX (limit, fs->info->uidnext);
  return limit;
}

static gboolean
apply_vanished (FolderSync                   *fs,
                const TidingsImapSequenceSet *uids,
                GError                      **error)
{
  guint32 limit = uid_limit (fs);
  guint n = tidings_imap_sequence_set_get_n_ranges (uids);

  for (guint i = 0; i < n; i++)
    {
      guint64 first, last;

      tidings_imap_sequence_set_get_range (uids, i, &first, &last);
      if (first > last)
        {
          guint64 t = first;
          first = last;
          last = t;
        }
      last = MIN (last, (guint64) limit);
      for (guint64 uid = MAX (first, 1); uid <= last; uid++)
        if (!remove_uid (fs, (guint32) uid, error))
          return FALSE;
    }
  return TRUE;
}

static void
keep_error (FolderSync *fs,
            GError     *error)
{
  if (fs->error == NULL)
    fs->error = error;
  else
    g_error_free (error);
}

static void
maybe_commit_group (FolderSync *fs)
{
  GError *error = NULL;

  if (fs->tx_writes >= WRITES_PER_TRANSACTION && !commit_tx (fs, &error))
    keep_error (fs, error);
}

/* Unsolicited data for the selected folder: QRESYNC's replies to SELECT,
 * other clients' changes seen meanwhile. */
static void
on_vanished (TidingsImapClient      *client,
             TidingsImapSequenceSet *uids,
             gboolean                earlier,
             gpointer                user_data)
{
  FolderSync *fs = user_data;
  GError *error = NULL;

  if (fs->error != NULL)
    return;
  if (!ensure_tx (fs, &error) || !apply_vanished (fs, uids, &error))
    keep_error (fs, error);
  else
    maybe_commit_group (fs);
}

static gboolean
apply_unsolicited_fetch (FolderSync        *fs,
                         TidingsImapFetch  *fetch,
                         GError           **error)
{
  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0
      || (fetch->present & TIDINGS_IMAP_FETCH_FLAGS) == 0)
    return TRUE;   /* without a UID a later pass sees it */
  if (!ensure_tx (fs, error)
      || !apply_flags (fs, fetch->uid, (const char * const *) fetch->flags, fetch->modseq, error))
    return FALSE;
  maybe_commit_group (fs);
  return TRUE;
}

static void
on_fetch (TidingsImapClient *client,
          TidingsImapFetch  *fetch,
          gpointer           user_data)
{
  FolderSync *fs = user_data;
  GError *error = NULL;

  if (fs->error == NULL && !apply_unsolicited_fetch (fs, fetch, &error))
    keep_error (fs, error);
}

/* Steps ---------------------------------------------------------------- */

static void     fetch_next_batch (GTask *task);
static gboolean remove_missing   (FolderSync *fs, TidingsImapSequenceSet *server,
                                  guint64 from, guint64 to, GError **error);

static void
fail (GTask  *task,
      GError *error)
{
  FolderSync *fs = g_task_get_task_data (task);

  disconnect_signals (fs);
  g_clear_pointer (&fs->tx, tidings_store_transaction_free);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* A store error seen by a callback wins over the command's own result. */
static gboolean
check (GTask   *task,
       GError  *error)
{
  FolderSync *fs = g_task_get_task_data (task);

  if (fs->error != NULL)
    {
      g_clear_error (&error);
      fail (task, g_steal_pointer (&fs->error));
      return FALSE;
    }
  if (error != NULL)
    {
      fail (task, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_final_state (FolderSync  *fs,
                   GError     **error)
{
  guint32 uidnext = MAX (fs->info->uidnext, fs->max_uid + 1);
  guint64 modseq = fs->condstore ? fs->info->highestmodseq : 0;

  uidnext = MAX (uidnext, fs->uidnext);
  return ensure_tx (fs, error)
         && tidings_store_set_folder_sync_state (fs->store, fs->folder->id,
                                                 fs->info->uidvalidity, uidnext,
                                                 (gint64) modseq, error);
}

static void
finish (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  GError *error = NULL;

  /* Rows at or above N are left by a pass that was killed: those the
   * server no longer has went meanwhile. */
  if (fs->new_uids == NULL)
    fs->new_uids = tidings_imap_sequence_set_new ();
  if (!remove_missing (fs, fs->new_uids, fs->uidnext, uid_limit (fs), &error)
      || !write_final_state (fs, &error) || !commit_tx (fs, &error))
    {
      fail (task, error);
      return;
    }
  disconnect_signals (fs);
  if (fs->hooks.progress != NULL && fs->new_total > 0)
    fs->hooks.progress (fs->folder->path, fs->new_total, fs->new_total, fs->hooks.user_data);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* New messages: the next batch_size UIDs below range_top, newest first. */
static TidingsImapSequenceSet *
take_batch (FolderSync *fs)
{
  TidingsImapSequenceSet *batch = tidings_imap_sequence_set_new ();
  guint64 room = fs->batch_size;

  while (room > 0 && fs->range_index >= 0)
    {
      guint64 first, last, low;

      tidings_imap_sequence_set_get_range (fs->new_uids, fs->range_index, &first, &last);
      last = MIN (last, fs->range_top);
      if (last < first)
        {
          fs->range_index--;
          fs->range_top = G_MAXUINT64;
          continue;
        }
      low = last - first + 1 > room ? last - room + 1 : first;
      tidings_imap_sequence_set_add_range (batch, low, last);
      room -= last - low + 1;
      if (low == first)
        {
          fs->range_index--;
          fs->range_top = G_MAXUINT64;
        }
      else
        fs->range_top = low - 1;
    }
  return batch;
}

static gboolean
on_header_fetch (TidingsImapFetch  *fetch,
                 gpointer           user_data,
                 GError           **error)
{
  FolderSync *fs = user_data;

  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0)
    return TRUE;
  if ((fetch->present & TIDINGS_IMAP_FETCH_ENVELOPE) == 0
      && (fetch->malformed & TIDINGS_IMAP_FETCH_ENVELOPE) == 0)
    return apply_unsolicited_fetch (fs, fetch, error);
  if (fetch->uid < fs->uidnext)
    return apply_flags (fs, fetch->uid, (const char * const *) fetch->flags, fetch->modseq, error);
  fs->max_uid = MAX (fs->max_uid, fetch->uid);
  fs->new_done++;
  return apply_new (fs, fetch, error);
}

static void
on_batch_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  GError *error = NULL;

  tidings_imap_client_uid_fetch_finish (fs->client, result, &error);
  if (!check (task, error))
    return;
  if (fs->range_index < 0)
    {
      finish (task);    /* the state goes into the last batch's transaction */
      return;
    }
  if (!commit_tx (fs, &error))
    {
      fail (task, error);
      return;
    }
  if (fs->hooks.progress != NULL)
    fs->hooks.progress (fs->folder->path, fs->new_done, fs->new_total, fs->hooks.user_data);
  fetch_next_batch (task);
}

static void
fetch_next_batch (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) batch = NULL;
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      fail (task, error);
      return;
    }
  batch = take_batch (fs);
  if (tidings_imap_sequence_set_is_empty (batch))
    {
      finish (task);
      return;
    }
  if (!ensure_tx (fs, &error))
    {
      fail (task, error);
      return;
    }
  tidings_imap_client_uid_fetch_async (fs->client, batch, TIDINGS_IMAP_HEADER_ATTRIBUTES,
                                       0, FALSE, on_header_fetch, fs,
                                       g_task_get_cancellable (task), on_batch_fetched, task);
}

static void
on_new_searched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  GError *error = NULL;
  guint n;

  found = tidings_imap_client_uid_search_finish (fs->client, result, &error);
  if (!check (task, error))
    return;
  /* "N:*" also matches the last message when every UID is below N. */
  tidings_imap_sequence_set_normalize (found);
  fs->new_uids = tidings_imap_sequence_set_new ();
  n = tidings_imap_sequence_set_get_n_ranges (found);
  for (guint i = 0; i < n; i++)
    {
      guint64 first, last;

      tidings_imap_sequence_set_get_range (found, i, &first, &last);
      first = MAX (first, MAX (fs->uidnext, 1));
      if (last >= TIDINGS_IMAP_SEQUENCE_STAR)
        last = TIDINGS_IMAP_SEQUENCE_STAR - 1;
      if (first <= last)
        tidings_imap_sequence_set_add_range (fs->new_uids, first, last);
    }
  fs->new_total = (guint) MIN (tidings_imap_sequence_set_get_count (fs->new_uids), G_MAXUINT);
  fs->range_index = (gint) tidings_imap_sequence_set_get_n_ranges (fs->new_uids) - 1;
  fs->range_top = G_MAXUINT64;
  if (fs->hooks.progress != NULL && fs->new_total > 0)
    fs->hooks.progress (fs->folder->path, 0, fs->new_total, fs->hooks.user_data);
  fetch_next_batch (task);
}

static void
start_new_phase (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  g_autofree char *criteria = NULL;
  GError *error = NULL;

  if (!commit_tx (fs, &error))
    {
      fail (task, error);
      return;
    }
  /* Nothing new: the server's UIDNEXT did not move and nothing is there. */
  if (fs->info->exists == 0
      || (fs->info->uidnext != 0 && fs->info->uidnext <= fs->uidnext))
    {
      finish (task);
      return;
    }
  criteria = g_strdup_printf ("UID %u:*", MAX (fs->uidnext, 1));
  tidings_imap_client_uid_search_async (fs->client, criteria, g_task_get_cancellable (task),
                                        on_new_searched, task);
}

/* Vanished: every local UID in [@from, @to) that @server does not hold. */
static gboolean
remove_missing (FolderSync              *fs,
                TidingsImapSequenceSet  *server,
                guint64                  from,
                guint64                  to,
                GError                 **error)
{
  guint64 next = MAX (from, 1);
  guint64 lookups = 0;
  guint n;

  tidings_imap_sequence_set_normalize (server);
  n = tidings_imap_sequence_set_get_n_ranges (server);
  for (guint i = 0; i <= n && next < to; i++)
    {
      guint64 first = to, last = 0;

      if (i < n)
        tidings_imap_sequence_set_get_range (server, i, &first, &last);
      for (guint64 uid = next; uid < MIN (first, to); uid++)
        {
          if (++lookups > MAX_GAP_LOOKUPS)
            return TRUE;
          if (!ensure_tx (fs, error) || !remove_uid (fs, (guint32) uid, error))
            return FALSE;
          if (fs->tx_writes >= WRITES_PER_TRANSACTION && !commit_tx (fs, error))
            return FALSE;
        }
      next = MAX (next, last + 1);
    }
  return TRUE;
}

static void
on_known_searched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) server = NULL;
  GError *error = NULL;

  server = tidings_imap_client_uid_search_finish (fs->client, result, &error);
  if (!check (task, error))
    return;
  if (!remove_missing (fs, server, 1, fs->uidnext, &error))
    {
      fail (task, error);
      return;
    }
  start_new_phase (task);
}

static gboolean
on_flags_fetch (TidingsImapFetch  *fetch,
                gpointer           user_data,
                GError           **error)
{
  FolderSync *fs = user_data;

  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0)
    return TRUE;
  if (fs->server_uids != NULL && fetch->uid < fs->uidnext)
    {
      /* Replies come in UID order: keep them as runs, not one by one. */
      if (fs->run_last != 0 && fetch->uid == fs->run_last + 1)
        fs->run_last = fetch->uid;
      else
        {
          if (fs->run_last != 0)
            tidings_imap_sequence_set_add_range (fs->server_uids, fs->run_first, fs->run_last);
          fs->run_first = fs->run_last = fetch->uid;
        }
    }
  if (!apply_unsolicited_fetch (fs, fetch, error))
    return FALSE;
  return fs->error == NULL;
}

static void
on_flags_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  g_autofree char *criteria = NULL;
  GError *error = NULL;

  tidings_imap_client_uid_fetch_finish (fs->client, result, &error);
  if (!check (task, error))
    return;
  if (!commit_tx (fs, &error))
    {
      fail (task, error);
      return;
    }
  if (fs->server_uids != NULL)
    {
      if (fs->run_last != 0)
        tidings_imap_sequence_set_add_range (fs->server_uids, fs->run_first, fs->run_last);
      if (!remove_missing (fs, fs->server_uids, 1, fs->uidnext, &error))
        {
          fail (task, error);
          return;
        }
      start_new_phase (task);
      return;
    }
  criteria = g_strdup_printf ("UID 1:%u", fs->uidnext - 1);
  tidings_imap_client_uid_search_async (fs->client, criteria, g_task_get_cancellable (task),
                                        on_known_searched, task);
}

static void
start_known_phase (GTask *task)
{
  FolderSync *fs = g_task_get_task_data (task);
  g_autoptr(TidingsImapSequenceSet) known = NULL;
  guint64 changed_since = 0;

  if (fs->qresync_used || fs->uidnext <= 1)
    {
      start_new_phase (task);
      return;
    }
  if (fs->condstore && fs->modseq > 0)
    {
      if (fs->info->highestmodseq == fs->modseq)
        {
          start_new_phase (task);   /* CONDSTORE: nothing changed or expunged */
          return;
        }
      changed_since = fs->modseq;
    }
  else
    fs->server_uids = tidings_imap_sequence_set_new ();

  known = tidings_imap_sequence_set_new ();
  tidings_imap_sequence_set_add_range (known, 1, fs->uidnext - 1);
  tidings_imap_client_uid_fetch_async (fs->client, known, "(UID FLAGS)", changed_since, FALSE,
                                       on_flags_fetch, fs, g_task_get_cancellable (task),
                                       on_flags_fetched, task);
}

static void
on_selected (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  FolderSync *fs = g_task_get_task_data (task);
  GError *error = NULL;

  fs->info = tidings_imap_client_select_finish (fs->client, result, &error);
  if (!check (task, error))
    return;

  fs->condstore = (fs->options & TIDINGS_IMAP_FOLDER_SYNC_NO_CONDSTORE) == 0
                  && (tidings_imap_client_is_condstore_enabled (fs->client)
                      || tidings_imap_client_is_qresync_enabled (fs->client))
                  && fs->info->highestmodseq > 0;

  if (fs->uidvalidity != fs->info->uidvalidity)
    {
      /* A new mailbox under the old name: nothing we hold is valid. */
      if (!ensure_tx (fs, &error)
          || (fs->uidvalidity != 0 && !tidings_store_clear_folder (fs->store, fs->folder->id, &error))
          || !tidings_store_set_folder_sync_state (fs->store, fs->folder->id,
                                                   fs->info->uidvalidity, 0, 0, &error)
          || !commit_tx (fs, &error))
        {
          fail (task, error);
          return;
        }
      fs->uidvalidity = fs->info->uidvalidity;
      fs->uidnext = 0;
      fs->modseq = 0;
      fs->qresync_used = FALSE;
    }
  start_known_phase (task);
}

/**
 * tidings_imap_folder_sync_async:
 * @batch_size: messages per header batch, 0 for the default
 */
void
tidings_imap_folder_sync_async (TidingsStore                 *store,
                                TidingsImapClient            *client,
                                gint64                        folder_id,
                                TidingsImapFolderSyncOptions  options,
                                guint                         batch_size,
                                const TidingsImapSyncHooks   *hooks,
                                GCancellable                 *cancellable,
                                GAsyncReadyCallback           callback,
                                gpointer                      user_data)
{
  GTask *task;
  FolderSync *fs;
  GError *error = NULL;
  TidingsImapQresyncParams params = { 0, };

  g_return_if_fail (TIDINGS_IS_STORE (store));
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (client));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_imap_folder_sync_async);
  fs = g_new0 (FolderSync, 1);
  fs->store = g_object_ref (store);
  fs->client = g_object_ref (client);
  fs->options = options;
  fs->batch_size = batch_size > 0 ? batch_size : TIDINGS_IMAP_FOLDER_SYNC_DEFAULT_BATCH;
  if (hooks != NULL)
    fs->hooks = *hooks;
  fs->events = g_array_new (FALSE, FALSE, sizeof (Event));
  g_task_set_task_data (task, fs, (GDestroyNotify) folder_sync_free);

  fs->folder = tidings_store_get_folder (store, folder_id, &error);
  if (fs->folder == NULL)
    {
      fail (task, error);
      return;
    }
  fs->uidvalidity = (guint32) fs->folder->uidvalidity;
  fs->uidnext = (guint32) fs->folder->uidnext;
  fs->modseq = (guint64) fs->folder->highestmodseq;
  fs->qresync_used = (options & (TIDINGS_IMAP_FOLDER_SYNC_NO_QRESYNC | TIDINGS_IMAP_FOLDER_SYNC_NO_CONDSTORE)) == 0
                     && tidings_imap_client_is_qresync_enabled (client)
                     && fs->uidvalidity != 0 && fs->modseq > 0;

  fs->vanished_handler = g_signal_connect (client, "vanished", G_CALLBACK (on_vanished), fs);
  fs->fetch_handler = g_signal_connect (client, "fetch", G_CALLBACK (on_fetch), fs);

  /* QRESYNC's changes arrive during SELECT: one transaction for them. */
  if (!ensure_tx (fs, &error))
    {
      fail (task, error);
      return;
    }
  params.uidvalidity = fs->uidvalidity;
  params.modseq = fs->modseq;
  tidings_imap_client_select_async (client, fs->folder->path, FALSE,
                                    fs->qresync_used ? &params : NULL,
                                    cancellable, on_selected, task);
}

gboolean
tidings_imap_folder_sync_finish (GAsyncResult                 *result,
                                 TidingsImapFolderSyncCounts  *out_counts,
                                 GError                      **error)
{
  GTask *task = G_TASK (result);
  FolderSync *fs = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (out_counts != NULL)
    *out_counts = fs->counts;
  return g_task_propagate_boolean (task, error);
}
