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

/* Vanished detection: up to this many candidate UIDs (gaps in the
 * server's set) are looked up one by one; past it the folder's stored
 * UIDs are listed instead, WINDOW UIDs at a time (memory stays bounded
 * whatever the UID space). */
#define MAX_GAP_LOOKUPS 1000
#define WINDOW          50000

/* What the store holds of the UIDs a flush touches, read in one query
 * (tidings_store_list_uids) instead of a lookup and a get_message per
 * message; kept current as the flush writes. */
typedef struct
{
  GArray     *rows;    /* TidingsStoreUidRow */
  GHashTable *by_uid;  /* uid -> index + 1 into rows */
} Known;

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

static void
uid_row_clear (TidingsStoreUidRow *row)
{
  g_clear_pointer (&row->keywords, g_free);
}

static TidingsStoreUidRow *
known_get (Known   *known,
           guint32  uid)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (known->by_uid, GUINT_TO_POINTER (uid)));

  return index == 0 ? NULL : &g_array_index (known->rows, TidingsStoreUidRow, index - 1);
}

static void
known_add (Known              *known,
           TidingsStoreUidRow *row)
{
  g_array_append_val (known->rows, *row);
  g_hash_table_insert (known->by_uid, GUINT_TO_POINTER ((guint32) row->uid),
                       GUINT_TO_POINTER (known->rows->len));
}

static void
known_clear (Known *known)
{
  g_clear_pointer (&known->by_uid, g_hash_table_unref);
  g_clear_pointer (&known->rows, g_array_unref);
}

/* Reads the stored rows of the UIDs the pending changes touch. */
static gboolean
known_load (FolderSync  *fs,
            Known       *known,
            GError     **error)
{
  guint32 low = G_MAXUINT32, high = 0;

  known->by_uid = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < fs->pending->len; i++)
    {
      const Pending *pending = &g_array_index (fs->pending, Pending, i);
      guint32 uid = pending->kind == PENDING_NEW ? (guint32) pending->message->uid : pending->uid;

      low = MIN (low, uid);
      high = MAX (high, uid);
    }
  /* A few scattered UIDs (unsolicited FETCH) over a wide span: read only
   * their rows. Otherwise (batches in UID order) one range query. */
  if (low > high)
    high = low = 0;
  if ((guint64) high - low > (guint64) fs->pending->len * 16 + WINDOW)
    {
      known->rows = g_array_new (FALSE, FALSE, sizeof (TidingsStoreUidRow));
      g_array_set_clear_func (known->rows, (GDestroyNotify) uid_row_clear);
      for (guint i = 0; i < fs->pending->len; i++)
        {
          const Pending *pending = &g_array_index (fs->pending, Pending, i);
          guint32 uid = pending->kind == PENDING_NEW ? (guint32) pending->message->uid : pending->uid;
          g_autoptr(GArray) one = NULL;

          if (known_get (known, uid) != NULL)
            continue;
          one = tidings_store_list_uids (fs->store, fs->folder->id, uid, uid, error);
          if (one == NULL)
            return FALSE;
          if (one->len == 1)
            {
              TidingsStoreUidRow row = g_array_index (one, TidingsStoreUidRow, 0);

              g_array_set_clear_func (one, NULL);   /* the keywords move */
              known_add (known, &row);
            }
        }
      return TRUE;
    }
  known->rows = tidings_store_list_uids (fs->store, fs->folder->id, low, high, error);
  if (known->rows == NULL)
    return FALSE;
  for (guint i = 0; i < known->rows->len; i++)
    g_hash_table_insert (known->by_uid,
                         GUINT_TO_POINTER ((guint32) g_array_index (known->rows, TidingsStoreUidRow, i).uid),
                         GUINT_TO_POINTER (i + 1));
  return TRUE;
}

static gboolean
apply_flags (FolderSync         *fs,
             Known              *known,
             guint32             uid,
             guint               bits,
             const char         *keywords,
             guint64             modseq,
             GError            **error)
{
  TidingsStoreUidRow *row = known_get (known, uid);
  gboolean changed = FALSE;

  if (row == NULL)
    return TRUE;   /* not here yet: the new phase fetches it whole */
  if ((row->flags & TIDINGS_MESSAGE_FLAGS_ALL) != bits)
    {
      if (!tidings_store_set_flags (fs->store, row->id, bits, error))
        return FALSE;
      row->flags = (row->flags & ~(guint) TIDINGS_MESSAGE_FLAGS_ALL) | bits;
      changed = TRUE;
    }
  if (g_strcmp0 (row->keywords != NULL ? row->keywords : "",
                 keywords != NULL ? keywords : "") != 0)
    {
      if (!tidings_store_set_keywords (fs->store, row->id, keywords != NULL ? keywords : "", error))
        return FALSE;
      g_free (row->keywords);
      row->keywords = keywords != NULL && *keywords != '\0' ? g_strdup (keywords) : NULL;
      changed = TRUE;
    }
  if (modseq > 0 && (guint64) row->modseq != modseq)
    {
      if (!tidings_store_set_server_id (fs->store, row->id, uid, (gint64) modseq, error))
        return FALSE;
      row->modseq = (gint64) modseq;
    }
  if (changed)
    {
      fs->counts.n_changed++;
      add_event (fs, "changed", row->id, uid);
    }
  return TRUE;
}

static gboolean
remove_uid (FolderSync  *fs,
            Known       *known,
            guint32      uid,
            GError     **error)
{
  TidingsStoreUidRow *row;
  gint64 id;

  if (uid == 0)
    return TRUE;
  row = known_get (known, uid);
  if (row == NULL)
    return TRUE;
  id = row->id;
  if (!tidings_store_delete_messages (fs->store, &id, 1, error))
    return FALSE;
  g_hash_table_remove (known->by_uid, GUINT_TO_POINTER (uid));
  fs->counts.n_vanished++;
  add_event (fs, "vanished", id, uid);
  return TRUE;
}

/* A full header record: insert, or update the row a killed pass left. */
static gboolean
apply_new (FolderSync           *fs,
           Known                *known,
           TidingsStoreMessage  *message,
           GError              **error)
{
  TidingsStoreUidRow row = { 0, };
  gint64 id = 0;

  if (known_get (known, (guint32) message->uid) != NULL)
    return apply_flags (fs, known, message->uid, message->flags, message->keywords, message->modseq, error);
  if (!tidings_store_insert_message (fs->store, message, &id, error))
    return FALSE;
  row.id = id;
  row.uid = message->uid;
  row.flags = message->flags;
  row.keywords = message->keywords != NULL && *message->keywords != '\0' ? g_strdup (message->keywords) : NULL;
  row.modseq = message->modseq;
  known_add (known, &row);
  fs->counts.n_new++;
  add_event (fs, "new", id, message->uid);
  return TRUE;
}

static gboolean
apply_pending (FolderSync  *fs,
               Known       *known,
               Pending     *pending,
               GError     **error)
{
  switch (pending->kind)
    {
    case PENDING_NEW:
      return apply_new (fs, known, pending->message, error);
    case PENDING_FLAGS:
      return apply_flags (fs, known, pending->uid, pending->flags, pending->keywords, pending->modseq, error);
    case PENDING_VANISHED:
    default:
      return remove_uid (fs, known, pending->uid, error);
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
  Known known = { NULL, NULL };
  gboolean ok = TRUE;

  if (fs->pending->len == 0 && !with_state)
    return TRUE;
  tx = tidings_store_transaction_begin (fs->store, error);
  ok = tx != NULL && known_load (fs, &known, error);
  for (guint i = 0; ok && i < fs->pending->len; i++)
    ok = apply_pending (fs, &known, &g_array_index (fs->pending, Pending, i), error);
  known_clear (&known);
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

/* Queues as vanished every stored UID in [@first, @last], listing them
 * WINDOW UIDs at a time; @server (may be NULL) holds UIDs to keep. */
static gboolean
queue_stored_missing (FolderSync              *fs,
                      TidingsImapSequenceSet  *server,
                      guint64                  first,
                      guint64                  last,
                      GError                 **error)
{
  guint n = server != NULL ? tidings_imap_sequence_set_get_n_ranges (server) : 0;
  guint range = 0;

  for (guint64 low = MAX (first, 1); low <= last; low += WINDOW)
    {
      guint64 high = MIN (last, low + WINDOW - 1);
      g_autoptr(GArray) rows = tidings_store_list_uids (fs->store, fs->folder->id,
                                                        (gint64) low, (gint64) high, error);

      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        {
          guint64 uid = (guint64) g_array_index (rows, TidingsStoreUidRow, i).uid;
          guint64 r_first = 0, r_last = 0;
          Pending pending = { PENDING_VANISHED, (guint32) uid, 0, NULL, 0, NULL };

          /* Rows and server ranges are both in UID order. */
          while (range < n)
            {
              tidings_imap_sequence_set_get_range (server, range, &r_first, &r_last);
              if (r_last >= uid)
                break;
              range++;
            }
          if (range < n && r_first <= uid)
            continue;
          if (!_tidings_imap_fs_queue (fs, &pending, error))
            return FALSE;
        }
    }
  return TRUE;
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
      /* Most UIDs of a VANISHED range were never here: list what is. */
      if (!queue_stored_missing (fs, NULL, first, last, error))
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
  guint64 gaps = 0;
  guint n;

  if (next >= to)
    return TRUE;
  tidings_imap_sequence_set_normalize (server);
  n = tidings_imap_sequence_set_get_n_ranges (server);
  /* How many UIDs of [from, to) the server does not have. */
  gaps = to - next;
  for (guint i = 0; i < n; i++)
    {
      guint64 first, last;

      tidings_imap_sequence_set_get_range (server, i, &first, &last);
      first = MAX (first, next);
      last = MIN (last, to - 1);
      if (first <= last)
        gaps -= last - first + 1;
    }
  if (gaps == 0)
    return TRUE;
  if (gaps > MAX_GAP_LOOKUPS)
    return queue_stored_missing (fs, server, next, to - 1, error);

  /* A few gaps (a dense folder): look them up one by one. */
  for (guint i = 0; i <= n && next < to; i++)
    {
      guint64 first = to, last = 0;

      if (i < n)
        tidings_imap_sequence_set_get_range (server, i, &first, &last);
      for (guint64 uid = next; uid < MIN (first, to); uid++)
        if (!_tidings_imap_fs_queue_vanished (fs, (guint32) uid, error))
          return FALSE;
      next = MAX (next, last + 1);
    }
  return TRUE;
}
