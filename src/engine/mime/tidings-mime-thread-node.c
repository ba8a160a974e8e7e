/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeThreadNode: a node of the threader's output forest. A parent
 * owns its children; the parent link is weak and cleared when the parent
 * goes. Threads can be thousands of messages deep, so nothing here
 * recurses: freeing and walking use explicit stacks. */
#include "config.h"

#include "tidings-mime-thread-node-private.h"

struct _TidingsMimeThreadNode
{
  grefcount ref_count;
  gboolean has_message;
  gint64 key;
  char *message_id;
  gint64 date;
  TidingsMimeThreadNode *parent;
  GPtrArray *children;
};

G_DEFINE_BOXED_TYPE (TidingsMimeThreadNode, tidings_mime_thread_node,
                     tidings_mime_thread_node_ref, tidings_mime_thread_node_unref)

TidingsMimeThreadNode *
_tidings_mime_thread_node_new (gboolean    has_message,
                               gint64      key,
                               const char *message_id,
                               gint64      date)
{
  TidingsMimeThreadNode *self = g_new0 (TidingsMimeThreadNode, 1);

  g_ref_count_init (&self->ref_count);
  self->has_message = has_message;
  self->key = has_message ? key : 0;
  self->message_id = g_strdup (message_id);
  self->date = date;
  self->children = g_ptr_array_new ();

  return self;
}

/* Takes the reference to @child. */
void
_tidings_mime_thread_node_add_child (TidingsMimeThreadNode *self,
                                     TidingsMimeThreadNode *child)
{
  child->parent = self;
  g_ptr_array_add (self->children, child);
}

TidingsMimeThreadNode *
tidings_mime_thread_node_ref (TidingsMimeThreadNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
tidings_mime_thread_node_unref (TidingsMimeThreadNode *self)
{
  g_autoptr(GPtrArray) dead = NULL;

  g_return_if_fail (self != NULL);

  if (!g_ref_count_dec (&self->ref_count))
    return;

  dead = g_ptr_array_new ();
  g_ptr_array_add (dead, self);
  while (dead->len > 0)
    {
      TidingsMimeThreadNode *node = g_ptr_array_steal_index_fast (dead, dead->len - 1);

      for (guint i = 0; i < node->children->len; i++)
        {
          TidingsMimeThreadNode *child = node->children->pdata[i];

          child->parent = NULL;
          if (g_ref_count_dec (&child->ref_count))
            g_ptr_array_add (dead, child);
        }
      g_ptr_array_unref (node->children);
      g_free (node->message_id);
      g_free (node);
    }
}

/* FALSE for an empty node (a missing message holding replies together). */
gboolean
tidings_mime_thread_node_has_message (TidingsMimeThreadNode *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_message;
}

/* The key given to tidings_mime_threader_add(); 0 for an empty node. */
gint64
tidings_mime_thread_node_get_key (TidingsMimeThreadNode *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->key;
}

/* The Message-ID (for an empty node: the missing message's), or NULL. */
const char *
tidings_mime_thread_node_get_message_id (TidingsMimeThreadNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message_id;
}

/* The message's date; for an empty node, its earliest child's. */
gint64
tidings_mime_thread_node_get_date (TidingsMimeThreadNode *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->date;
}

/* (transfer none) (nullable) */
TidingsMimeThreadNode *
tidings_mime_thread_node_get_parent (TidingsMimeThreadNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parent;
}

guint
tidings_mime_thread_node_get_n_children (TidingsMimeThreadNode *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->children->len;
}

/* (transfer none) */
TidingsMimeThreadNode *
tidings_mime_thread_node_get_child (TidingsMimeThreadNode *self,
                                    guint                  index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->children->len, NULL);
  return self->children->pdata[index];
}

/* Messages in this subtree, this node included. */
guint
tidings_mime_thread_node_count_messages (TidingsMimeThreadNode *self)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);

  g_ptr_array_add (stack, self);
  while (stack->len > 0)
    {
      TidingsMimeThreadNode *node = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      count += node->has_message ? 1 : 0;
      for (guint i = 0; i < node->children->len; i++)
        g_ptr_array_add (stack, node->children->pdata[i]);
    }
  return count;
}

/**
 * tidings_mime_thread_forest_to_string:
 * @roots: (element-type TidingsMimeThreadNode): a threader's result
 *
 * One line per node, indented two spaces per level: the key, or "(empty)".
 * For logs and tests.
 */
char *
tidings_mime_thread_forest_to_string (GPtrArray *roots)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(GArray) depths = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = roots->len; i > 0; i--)
    {
      guint zero = 0;

      g_ptr_array_add (stack, roots->pdata[i - 1]);
      g_array_append_val (depths, zero);
    }

  while (stack->len > 0)
    {
      TidingsMimeThreadNode *node = g_ptr_array_steal_index_fast (stack, stack->len - 1);
      guint depth = g_array_index (depths, guint, depths->len - 1);

      g_array_set_size (depths, depths->len - 1);
      for (guint d = 0; d < depth; d++)
        g_string_append (out, "  ");
      if (node->has_message)
        g_string_append_printf (out, "%" G_GINT64_FORMAT "\n", node->key);
      else
        g_string_append (out, "(empty)\n");

      for (guint i = node->children->len; i > 0; i--)
        {
          guint child_depth = depth + 1;

          g_ptr_array_add (stack, node->children->pdata[i - 1]);
          g_array_append_val (depths, child_depth);
        }
    }
  return g_string_free (out, FALSE);
}
