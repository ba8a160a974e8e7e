/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-changes.c: the change set of one write transaction.
 *
 * While the transaction runs, events are appended (cheap: no allocation per
 * message beyond the array growing); sealing at commit sorts them and keeps
 * the net effect per id. */
#include "config.h"

#include "tidings-store-private.h"

typedef enum
{
  EVENT_ADD,
  EVENT_CHANGE,
  EVENT_REMOVE,
} EventKind;

typedef struct
{
  gint64 id;
  guint  seq;
  guint  kind;
} Event;

typedef struct
{
  GArray *events;            /* Event, while building */
  GArray *added;             /* gint64, once sealed */
  GArray *changed;
  GArray *removed;
} FolderMessages;

struct _TidingsStoreChanges
{
  gatomicrefcount  ref_count;
  gboolean         sealed;
  guint            seq;

  GHashTable      *folders;         /* gint64 * -> FolderMessages * */
  gint64           last_folder_id;  /* lookup cache for bulk writes */
  FolderMessages  *last_folder;
  GArray          *folder_events;   /* Event, folder ids */

  gboolean         accounts_changed;
  gboolean         operations_changed;
  gboolean         outbox_changed;

  GArray          *message_folders; /* sealed views, gint64 */
  GArray          *folders_added;
  GArray          *folders_changed;
  GArray          *folders_removed;
};

G_DEFINE_BOXED_TYPE (TidingsStoreChanges, tidings_store_changes,
                     tidings_store_changes_ref, tidings_store_changes_unref)

static GArray *
id_array_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
folder_messages_free (gpointer data)
{
  FolderMessages *fm = data;

  g_clear_pointer (&fm->events, g_array_unref);
  g_clear_pointer (&fm->added, g_array_unref);
  g_clear_pointer (&fm->changed, g_array_unref);
  g_clear_pointer (&fm->removed, g_array_unref);
  g_free (fm);
}

TidingsStoreChanges *
_tidings_store_changes_new (void)
{
  TidingsStoreChanges *self = g_new0 (TidingsStoreChanges, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, folder_messages_free);
  self->folder_events = g_array_new (FALSE, FALSE, sizeof (Event));
  self->message_folders = id_array_new ();
  self->folders_added = id_array_new ();
  self->folders_changed = id_array_new ();
  self->folders_removed = id_array_new ();
  return self;
}

TidingsStoreChanges *
tidings_store_changes_ref (TidingsStoreChanges *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tidings_store_changes_unref (TidingsStoreChanges *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->folders);
  g_array_unref (self->folder_events);
  g_array_unref (self->message_folders);
  g_array_unref (self->folders_added);
  g_array_unref (self->folders_changed);
  g_array_unref (self->folders_removed);
  g_free (self);
}

/* Building ----------------------------------------------------------------- */

static FolderMessages *
folder_messages (TidingsStoreChanges *self,
                 gint64               folder_id)
{
  FolderMessages *fm;

  if (self->last_folder != NULL && self->last_folder_id == folder_id)
    return self->last_folder;

  fm = g_hash_table_lookup (self->folders, &folder_id);
  if (fm == NULL)
    {
      fm = g_new0 (FolderMessages, 1);
      fm->events = g_array_new (FALSE, FALSE, sizeof (Event));
      g_hash_table_insert (self->folders, g_memdup2 (&folder_id, sizeof folder_id), fm);
    }
  self->last_folder_id = folder_id;
  self->last_folder = fm;
  return fm;
}

static void
add_event (TidingsStoreChanges *self,
           GArray              *events,
           gint64               id,
           EventKind            kind)
{
  Event event = { id, self->seq++, kind };

  g_return_if_fail (!self->sealed);
  g_array_append_val (events, event);
}

void
_tidings_store_changes_message_added (TidingsStoreChanges *self, gint64 folder_id, gint64 id)
{
  add_event (self, folder_messages (self, folder_id)->events, id, EVENT_ADD);
}

void
_tidings_store_changes_message_changed (TidingsStoreChanges *self, gint64 folder_id, gint64 id)
{
  add_event (self, folder_messages (self, folder_id)->events, id, EVENT_CHANGE);
}

void
_tidings_store_changes_message_removed (TidingsStoreChanges *self, gint64 folder_id, gint64 id)
{
  add_event (self, folder_messages (self, folder_id)->events, id, EVENT_REMOVE);
}

void
_tidings_store_changes_folder_added (TidingsStoreChanges *self, gint64 folder_id)
{
  add_event (self, self->folder_events, folder_id, EVENT_ADD);
}

void
_tidings_store_changes_folder_changed (TidingsStoreChanges *self, gint64 folder_id)
{
  add_event (self, self->folder_events, folder_id, EVENT_CHANGE);
}

void
_tidings_store_changes_folder_removed (TidingsStoreChanges *self, gint64 folder_id)
{
  add_event (self, self->folder_events, folder_id, EVENT_REMOVE);
}

void
_tidings_store_changes_accounts_changed (TidingsStoreChanges *self)
{
  self->accounts_changed = TRUE;
}

void
_tidings_store_changes_operations_changed (TidingsStoreChanges *self)
{
  self->operations_changed = TRUE;
}

void
_tidings_store_changes_outbox_changed (TidingsStoreChanges *self)
{
  self->outbox_changed = TRUE;
}

/* Sealing ------------------------------------------------------------------ */

typedef enum
{
  NET_UNTOUCHED,   /* existed before the transaction, no event yet */
  NET_ADDED,
  NET_CHANGED,
  NET_REMOVED,
  NET_GONE,        /* added and removed again: nobody saw it */
} NetState;

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const Event *ea = a, *eb = b;

  if (ea->id != eb->id)
    return ea->id < eb->id ? -1 : 1;
  return ea->seq < eb->seq ? -1 : (ea->seq > eb->seq);
}

static NetState
apply_event (NetState  state,
             EventKind kind)
{
  switch (kind)
    {
    case EVENT_ADD:
      return state == NET_REMOVED ? NET_CHANGED : NET_ADDED;
    case EVENT_CHANGE:
      return state == NET_UNTOUCHED ? NET_CHANGED : state;
    case EVENT_REMOVE:
      return (state == NET_ADDED || state == NET_GONE) ? NET_GONE : NET_REMOVED;
    default:
      g_assert_not_reached ();
    }
}

/* Folds sorted events into the three id lists. */
static void
fold_events (GArray *events,
             GArray *added,
             GArray *changed,
             GArray *removed)
{
  guint i = 0;

  g_array_sort (events, compare_events);
  while (i < events->len)
    {
      gint64 id = g_array_index (events, Event, i).id;
      NetState state = NET_UNTOUCHED;

      for (; i < events->len && g_array_index (events, Event, i).id == id; i++)
        state = apply_event (state, g_array_index (events, Event, i).kind);

      if (state == NET_ADDED)
        g_array_append_val (added, id);
      else if (state == NET_CHANGED)
        g_array_append_val (changed, id);
      else if (state == NET_REMOVED)
        g_array_append_val (removed, id);
    }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 ia = *(const gint64 *) a, ib = *(const gint64 *) b;

  return ia < ib ? -1 : (ia > ib);
}

static gboolean
array_contains (GArray *sorted,
                gint64  id)
{
  guint lo = 0, hi = sorted->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 value = g_array_index (sorted, gint64, mid);

      if (value == id)
        return TRUE;
      if (value < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

void
_tidings_store_changes_seal (TidingsStoreChanges *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (!self->sealed);

  fold_events (self->folder_events, self->folders_added,
               self->folders_changed, self->folders_removed);
  g_array_set_size (self->folder_events, 0);

  g_hash_table_iter_init (&iter, self->folders);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FolderMessages *fm = value;
      gint64 folder_id = *(gint64 *) key;

      fm->added = id_array_new ();
      fm->changed = id_array_new ();
      fm->removed = id_array_new ();
      fold_events (fm->events, fm->added, fm->changed, fm->removed);
      g_clear_pointer (&fm->events, g_array_unref);

      /* A removed folder takes its messages with it; say so once. */
      if (array_contains (self->folders_removed, folder_id)
          || (fm->added->len == 0 && fm->changed->len == 0 && fm->removed->len == 0))
        g_hash_table_iter_remove (&iter);
      else
        g_array_append_val (self->message_folders, folder_id);
    }
  g_array_sort (self->message_folders, compare_ids);
  self->last_folder = NULL;
  self->sealed = TRUE;
}

/* Reading ------------------------------------------------------------------ */

static const gint64 *
array_view (GArray *array,
            guint  *n)
{
  if (n != NULL)
    *n = array != NULL ? array->len : 0;
  return (array != NULL && array->len > 0) ? (const gint64 *) (gpointer) array->data : NULL;
}

gboolean
tidings_store_changes_is_empty (TidingsStoreChanges *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->message_folders->len == 0
         && self->folders_added->len == 0
         && self->folders_changed->len == 0
         && self->folders_removed->len == 0
         && !self->accounts_changed
         && !self->operations_changed
         && !self->outbox_changed;
}

const gint64 *
tidings_store_changes_get_message_folders (TidingsStoreChanges *self,
                                           guint               *n_folders)
{
  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  return array_view (self->message_folders, n_folders);
}

static FolderMessages *
lookup_folder (TidingsStoreChanges *self,
               gint64               folder_id)
{
  return g_hash_table_lookup (self->folders, &folder_id);
}

const gint64 *
tidings_store_changes_get_added (TidingsStoreChanges *self,
                                 gint64               folder_id,
                                 guint               *n_ids)
{
  FolderMessages *fm;

  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  fm = lookup_folder (self, folder_id);
  return array_view (fm != NULL ? fm->added : NULL, n_ids);
}

const gint64 *
tidings_store_changes_get_changed (TidingsStoreChanges *self,
                                   gint64               folder_id,
                                   guint               *n_ids)
{
  FolderMessages *fm;

  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  fm = lookup_folder (self, folder_id);
  return array_view (fm != NULL ? fm->changed : NULL, n_ids);
}

const gint64 *
tidings_store_changes_get_removed (TidingsStoreChanges *self,
                                   gint64               folder_id,
                                   guint               *n_ids)
{
  FolderMessages *fm;

  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  fm = lookup_folder (self, folder_id);
  return array_view (fm != NULL ? fm->removed : NULL, n_ids);
}

const gint64 *
tidings_store_changes_get_folders_changed (TidingsStoreChanges *self,
                                           guint               *n_folders)
{
  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  return array_view (self->folders_changed, n_folders);
}

const gint64 *
tidings_store_changes_get_folders_added (TidingsStoreChanges *self,
                                         guint               *n_folders)
{
  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  return array_view (self->folders_added, n_folders);
}

const gint64 *
tidings_store_changes_get_folders_removed (TidingsStoreChanges *self,
                                           guint               *n_folders)
{
  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  return array_view (self->folders_removed, n_folders);
}

gboolean
tidings_store_changes_get_accounts_changed (TidingsStoreChanges *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->accounts_changed;
}

gboolean
tidings_store_changes_get_operations_changed (TidingsStoreChanges *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->operations_changed;
}

gboolean
tidings_store_changes_get_outbox_changed (TidingsStoreChanges *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->outbox_changed;
}
