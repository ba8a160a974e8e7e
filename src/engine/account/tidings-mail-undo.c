/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mail-undo.c: what a move or delete did, to take it back. */
#include "config.h"

#include "tidings-mail-actions-private.h"

typedef struct
{
  gint64 message_id;
  gint64 folder_id;
} UndoItem;

struct _TidingsMailUndo
{
  gatomicrefcount  ref_count;
  GArray          *items;      /* UndoItem */
  guint            n_deleted;
};

G_DEFINE_BOXED_TYPE (TidingsMailUndo, tidings_mail_undo,
                     tidings_mail_undo_ref, tidings_mail_undo_unref)

TidingsMailUndo *
_tidings_mail_undo_new (void)
{
  TidingsMailUndo *undo = g_new0 (TidingsMailUndo, 1);

  g_atomic_ref_count_init (&undo->ref_count);
  undo->items = g_array_new (FALSE, FALSE, sizeof (UndoItem));
  return undo;
}

TidingsMailUndo *
tidings_mail_undo_ref (TidingsMailUndo *undo)
{
  g_return_val_if_fail (undo != NULL, NULL);

  g_atomic_ref_count_inc (&undo->ref_count);
  return undo;
}

void
tidings_mail_undo_unref (TidingsMailUndo *undo)
{
  g_return_if_fail (undo != NULL);

  if (!g_atomic_ref_count_dec (&undo->ref_count))
    return;
  g_array_unref (undo->items);
  g_free (undo);
}

guint
tidings_mail_undo_get_n_items (const TidingsMailUndo *undo)
{
  g_return_val_if_fail (undo != NULL, 0);

  return undo->items->len;
}

void
tidings_mail_undo_get_item (const TidingsMailUndo *undo,
                            guint                  index,
                            gint64                *out_message_id,
                            gint64                *out_folder_id)
{
  const UndoItem *item;

  g_return_if_fail (undo != NULL);
  g_return_if_fail (index < undo->items->len);

  item = &g_array_index (undo->items, UndoItem, index);
  if (out_message_id != NULL)
    *out_message_id = item->message_id;
  if (out_folder_id != NULL)
    *out_folder_id = item->folder_id;
}

guint
tidings_mail_undo_get_n_deleted (const TidingsMailUndo *undo)
{
  g_return_val_if_fail (undo != NULL, 0);

  return undo->n_deleted;
}

void
_tidings_mail_undo_add (TidingsMailUndo *undo,
                        gint64           message_id,
                        gint64           folder_id)
{
  UndoItem item = { message_id, folder_id };

  g_array_append_val (undo->items, item);
}

void
_tidings_mail_undo_add_deleted (TidingsMailUndo *undo,
                                guint            n)
{
  undo->n_deleted += n;
}
