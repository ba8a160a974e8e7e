/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-folder-changes.c: how a folder sync writes to the store.
 *
 * Changes wait in memory (never in an open transaction: other writers
 * share the store between two network replies) and are written in one
 * short transaction per MAX_PENDING, or when a step ends. Events go out
 * after the commit. */
#include "config.h"

#include "tidings-imap-fetch-mapper.h"
#include "tidings-imap-folder-sync-private.h"

#define MAX_PENDING 1000

/* Local UIDs checked one by one for the vanished phase; past this many
 * candidates (a sparse UID space) the rest waits for a later pass (the
 * store offers no listing of a folder's UIDs: see the report). */
#define MAX_GAP_LOOKUPS 2000000

static gboolean write_state (FolderSync *fs, GError **error);

void
_tidings_imap_fs_pending_clear (Pending *pending)
{
  g_clear_pointer (&pending->keywords, g_free);
  g_clear_pointer (&pending->message, tidings_store_message_free);
}

/* Transactions and events --------------------------------------------- */

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
             guint               bits,
             const char         *keywords,
             guint64             modseq,
             GError            **error)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  gint64 id = 0;
  gboolean changed = FALSE;

  if (!tidings_store_lookup_uid (fs->store, fs->folder->id, uid, &id, error))
    return FALSE;
  if (id == 0)
    return TRUE;   /* not here yet: the new phase fetches it whole */
  message = tidings_store_get_message (fs->store, id, error);
  if (message == NULL)
    return FALSE;
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
  fs->counts.n_vanished++;
  add_event (fs, "vanished", id, uid);
  return TRUE;
}

/* A full header record: insert, or update the row a killed pass left. */
static gboolean
apply_new (FolderSync           *fs,
           TidingsStoreMessage  *message,
           GError              **error)
{
  gint64 id = 0;

  if (!tidings_store_lookup_uid (fs->store, fs->folder->id, message->uid, &id, error))
    return FALSE;
  if (id != 0)
    return apply_flags (fs, message->uid, message->flags, message->keywords, message->modseq, error);
  if (!tidings_store_insert_message (fs->store, message, &id, error))
    return FALSE;
  fs->counts.n_new++;
  add_event (fs, "new", id, message->uid);
  return TRUE;
}

static gboolean
apply_pending (FolderSync  *fs,
               Pending     *pending,
               GError     **error)
{
  switch (pending->kind)
    {
    case PENDING_NEW:
      return apply_new (fs, pending->message, error);
    case PENDING_FLAGS:
      return apply_flags (fs, pending->uid, pending->flags, pending->keywords, pending->modseq, error);
    case PENDING_VANISHED:
    default:
      return remove_uid (fs, pending->uid, error);
    }
}

/* Writes what waits, and with @with_state the folder's new sync state, in
 * one transaction; then tells the listeners. */
gboolean
_tidings_imap_fs_flush (FolderSync  *fs,
       gboolean     with_state,
       GError     **error)
{
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  gboolean ok = TRUE;

  if (fs->pending->len == 0 && !with_state)
    return TRUE;
  tx = tidings_store_transaction_begin (fs->store, error);
  ok = tx != NULL;
  for (guint i = 0; ok && i < fs->pending->len; i++)
    ok = apply_pending (fs, &g_array_index (fs->pending, Pending, i), error);
  if (ok && with_state)
    ok = write_state (fs, error);
  if (ok)
    ok = tidings_store_transaction_commit (tx, error);
  g_array_set_size (fs->pending, 0);
  if (!ok)
    {
      g_array_set_size (fs->events, 0);
      return FALSE;
    }
  flush_events (fs);
  return TRUE;
}

gboolean
_tidings_imap_fs_queue (FolderSync  *fs,
       Pending     *pending,
       GError     **error)
{
  g_array_append_val (fs->pending, *pending);
  return fs->pending->len < MAX_PENDING || _tidings_imap_fs_flush (fs, FALSE, error);
}

gboolean
_tidings_imap_fs_queue_flags (FolderSync        *fs,
             TidingsImapFetch  *fetch,
             GError           **error)
{
  Pending pending = { PENDING_FLAGS, fetch->uid, 0, NULL, fetch->modseq, NULL };

  pending.flags = tidings_imap_flags_to_store ((const char * const *) fetch->flags, &pending.keywords);
  return _tidings_imap_fs_queue (fs, &pending, error);
}

gboolean
_tidings_imap_fs_queue_vanished (FolderSync  *fs,
                guint32      uid,
                GError     **error)
{
  Pending pending = { PENDING_VANISHED, uid, 0, NULL, 0, NULL };
  gint64 id = 0;

  /* Most UIDs of a VANISHED range or a gap were never here. */
  if (!tidings_store_lookup_uid (fs->store, fs->folder->id, uid, &id, error))
    return FALSE;
  return id == 0 || _tidings_imap_fs_queue (fs, &pending, error);
}

/* Upper bound for UIDs worth looking up: nothing at or past it is stored. */
guint32
_tidings_imap_fs_uid_limit (FolderSync *fs)
{
  guint32 limit = MAX (fs->uidnext, fs->max_uid + 1);

  if (fs->info != NULL)
    limit = MAX (limit, fs->info->uidnext);
  return limit;
}

gboolean
_tidings_imap_fs_apply_vanished (FolderSync                   *fs,
                const TidingsImapSequenceSet *uids,
                GError                      **error)
{
  guint32 limit = _tidings_imap_fs_uid_limit (fs);
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
        if (!_tidings_imap_fs_queue_vanished (fs, (guint32) uid, error))
          return FALSE;
    }
  return TRUE;
}

void
_tidings_imap_fs_keep_error (FolderSync *fs,
            GError     *error)
{
  if (fs->error == NULL)
    fs->error = error;
  else
    g_error_free (error);
}

static gboolean
write_state (FolderSync  *fs,
             GError     **error)
{
  guint32 uidnext = MAX (fs->info->uidnext, fs->max_uid + 1);
  guint64 modseq = fs->condstore ? fs->info->highestmodseq : 0;

  uidnext = MAX (uidnext, fs->uidnext);
  return tidings_store_set_folder_sync_state (fs->store, fs->folder->id,
                                                 fs->info->uidvalidity, uidnext,
                                                 (gint64) modseq, error);
}

/* Vanished: every local UID in [@from, @to) that @server does not hold. */
gboolean
_tidings_imap_fs_remove_missing (FolderSync              *fs,
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
          if (!_tidings_imap_fs_queue_vanished (fs, (guint32) uid, error))
            return FALSE;
        }
      next = MAX (next, last + 1);
    }
  return TRUE;
}

