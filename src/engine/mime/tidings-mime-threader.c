/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeThreader: message threading after Jamie Zawinski's algorithm
 * (https://www.jwz.org/doc/threading.html), written for this project.
 *
 * 1. Messages are processed in one canonical order (date, then key), so the
 *    result depends only on the set of messages, never on the order they
 *    were added. Nothing depends on hash table iteration order either.
 * 2. Each message gets the container of its Message-ID (a duplicate ID gets
 *    a container of its own); the IDs in References (+ In-Reply-To) are
 *    linked parent -> child where not linked yet, and the message goes
 *    under the last one. A link that would close a loop is not made.
 * 3. Empty containers (referenced, never seen) are pruned: childless ones
 *    go, others give their children to their parent; at the top an empty
 *    container stays only to hold two or more threads together.
 * 4. Top-level threads with the same normalized subject are joined when at
 *    least one is a reply: replies go under the original (with several
 *    originals — "Daily report" — under the latest original before them);
 *    replies without any original are gathered under an empty node.
 * 5. Siblings and threads are ordered by date (an empty node by its
 *    earliest child), then by key.
 * Nothing recurses, so a thread 100,000 messages deep is fine. */
#include "config.h"

#include <string.h>

#include "tidings-mime-threader.h"
#include "tidings-mime-thread-node-private.h"
#include "tidings-mime-subject.h"

/* References kept per message: the first and the most recent. */
#define MAX_REFERENCES 256
/* Ancestor walks longer than this count as a loop (refusing a link). */
#define MAX_ANCESTOR_WALK 100000

typedef struct {
  gint64 key;
  char *message_id;
  char **refs;          /* References then In-Reply-To, cleaned */
  char *subject_key;    /* normalized subject */
  gboolean is_reply;
  gint64 date;
} Msg;

typedef struct _Container Container;
struct _Container {
  Container *parent;
  Container *first_child;
  Container *last_child;
  Container *prev;
  Container *next;
  Msg *msg;
  const char *id;       /* owned by the id table, or NULL */
  gint64 sort_date;
  gint64 sort_key;
};

struct _TidingsMimeThreader
{
  GObject parent_instance;

  GPtrArray *msgs;      /* Msg */
  GHashTable *keys;     /* gint64* -> Msg */
};

G_DEFINE_FINAL_TYPE (TidingsMimeThreader, tidings_mime_threader, G_TYPE_OBJECT)

static void
msg_free (gpointer data)
{
  Msg *msg = data;

  g_free (msg->message_id);
  g_strfreev (msg->refs);
  g_free (msg->subject_key);
  g_free (msg);
}

static void
tidings_mime_threader_finalize (GObject *object)
{
  TidingsMimeThreader *self = (TidingsMimeThreader *) object;

  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_pointer (&self->msgs, g_ptr_array_unref);

  G_OBJECT_CLASS (tidings_mime_threader_parent_class)->finalize (object);
}

static void
tidings_mime_threader_class_init (TidingsMimeThreaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_mime_threader_finalize;
}

static void
tidings_mime_threader_init (TidingsMimeThreader *self)
{
  self->msgs = g_ptr_array_new_with_free_func (msg_free);
  self->keys = g_hash_table_new (g_int64_hash, g_int64_equal);
}

TidingsMimeThreader *
tidings_mime_threader_new (void)
{
  return g_object_new (TIDINGS_TYPE_MIME_THREADER, NULL);
}

/* "<id>" or "id" -> "id"; NULL for nothing usable. */
static char *
clean_id (const char *id)
{
  const char *start;
  gsize len;

  if (id == NULL)
    return NULL;
  start = id;
  while (*start == ' ' || *start == '\t' || *start == '<')
    start++;
  len = strcspn (start, "> \t\r\n");
  if (len == 0)
    return NULL;
  return g_strndup (start, len);
}

static char **
collect_refs (const char         *message_id,
              const char * const *references,
              const char         *in_reply_to)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  char *irt;

  for (gsize i = 0; references != NULL && references[i] != NULL; i++)
    {
      char *id = clean_id (references[i]);

      /* A message does not reply to itself; each ID counts once. */
      if (id == NULL || g_strcmp0 (id, message_id) == 0 || g_hash_table_contains (seen, id))
        {
          g_free (id);
          continue;
        }
      g_hash_table_add (seen, id);
      g_ptr_array_add (refs, id);
    }

  irt = clean_id (in_reply_to);
  if (irt != NULL && g_strcmp0 (irt, message_id) != 0 && !g_hash_table_contains (seen, irt))
    g_ptr_array_add (refs, irt);
  else
    g_free (irt);

  if (refs->len > MAX_REFERENCES)
    g_ptr_array_remove_range (refs, 1, refs->len - MAX_REFERENCES);

  g_ptr_array_add (refs, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&refs), FALSE);
}

/**
 * tidings_mime_threader_add:
 * @key: the caller's unique key for the message (e.g. a store row ID); a
 *   key given twice keeps its first message
 * @message_id: (nullable): Message-ID, with or without angle brackets
 * @in_reply_to: (nullable): In-Reply-To's message ID
 * @references: (nullable): References, oldest first
 * @subject: (nullable): the decoded subject
 * @date: Unix seconds
 */
void
tidings_mime_threader_add (TidingsMimeThreader *self,
                           gint64               key,
                           const char          *message_id,
                           const char          *in_reply_to,
                           const char * const  *references,
                           const char          *subject,
                           gint64               date)
{
  Msg *msg;

  g_return_if_fail (TIDINGS_IS_MIME_THREADER (self));

  if (g_hash_table_contains (self->keys, &key))
    return;

  msg = g_new0 (Msg, 1);
  msg->key = key;
  msg->message_id = clean_id (message_id);
  msg->refs = collect_refs (msg->message_id, references, in_reply_to);
  msg->subject_key = tidings_mime_normalize_subject (subject);
  msg->is_reply = msg->refs[0] != NULL || tidings_mime_subject_is_reply (subject);
  msg->date = date;

  g_ptr_array_add (self->msgs, msg);
  g_hash_table_insert (self->keys, &msg->key, msg);
}

guint
tidings_mime_threader_get_n_messages (TidingsMimeThreader *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_THREADER (self), 0);
  return self->msgs->len;
}

/* ---- containers ---- */

typedef struct {
  GPtrArray *containers;  /* all, in creation order; owns them */
  GHashTable *ids;        /* char* (owned) -> Container */
} Build;

static Container *
container_new (Build      *build,
               const char *id)
{
  Container *c = g_new0 (Container, 1);

  g_ptr_array_add (build->containers, c);
  if (id != NULL)
    {
      char *key = g_strdup (id);

      c->id = key;
      g_hash_table_insert (build->ids, key, c);
    }
  return c;
}

static Container *
container_for_id (Build      *build,
                  const char *id)
{
  Container *c = g_hash_table_lookup (build->ids, id);

  return c ? c : container_new (build, id);
}

static void
unlink_container (Container *c)
{
  Container *parent = c->parent;

  if (parent == NULL)
    return;
  if (c->prev)
    c->prev->next = c->next;
  else
    parent->first_child = c->next;
  if (c->next)
    c->next->prev = c->prev;
  else
    parent->last_child = c->prev;
  c->parent = c->prev = c->next = NULL;
}

static void
append_child (Container *parent,
              Container *c)
{
  c->parent = parent;
  c->prev = parent->last_child;
  c->next = NULL;
  if (parent->last_child)
    parent->last_child->next = c;
  else
    parent->first_child = c;
  parent->last_child = c;
}

/* Puts @c in @parent's child list just before @before. */
static void
insert_before (Container *parent,
               Container *before,
               Container *c)
{
  c->parent = parent;
  c->next = before;
  c->prev = before->prev;
  if (before->prev)
    before->prev->next = c;
  else
    parent->first_child = c;
  before->prev = c;
}

/* Whether @a is @b or one of @b's ancestors (too long a walk counts as
 * yes: linking is then refused, which is always safe). A container without
 * children is nobody's ancestor, which keeps long chains linear. */
static gboolean
is_ancestor_or_self (Container *a,
                     Container *b)
{
  guint steps = 0;

  if (a == b)
    return TRUE;
  if (a->first_child == NULL)
    return FALSE;
  for (Container *c = b; c != NULL; c = c->parent)
    if (c == a || ++steps > MAX_ANCESTOR_WALK)
      return TRUE;
  return FALSE;
}

static int
compare_msgs (gconstpointer pa,
              gconstpointer pb)
{
  const Msg *a = *(const Msg * const *) pa;
  const Msg *b = *(const Msg * const *) pb;

  if (a->date != b->date)
    return a->date < b->date ? -1 : 1;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return 0;
}

static void
link_message (Build *build,
              Msg   *msg)
{
  Container *c = NULL;
  Container *prev = NULL;

  if (msg->message_id != NULL)
    {
      c = g_hash_table_lookup (build->ids, msg->message_id);
      /* A second message with a seen ID is kept as a message of its own. */
      if (c != NULL && c->msg != NULL)
        c = container_new (build, NULL);
      else if (c == NULL)
        c = container_new (build, msg->message_id);
    }
  else
    c = container_new (build, NULL);
  c->msg = msg;

  for (gsize i = 0; msg->refs[i] != NULL; i++)
    {
      Container *rc = container_for_id (build, msg->refs[i]);

      if (prev != NULL && rc->parent == NULL && !is_ancestor_or_self (rc, prev))
        append_child (prev, rc);
      prev = rc;
    }

  /* The message's own References say who its parent is. */
  if (prev != NULL)
    {
      if (c->parent != prev && !is_ancestor_or_self (c, prev))
        {
          unlink_container (c);
          append_child (prev, c);
        }
    }
  else
    unlink_container (c);
}

/* Removes or splices out the empty containers among @parent's children, so
 * that every child left holds a message. */
static void
prune_children (Container *parent)
{
  Container *c = parent->first_child;

  while (c != NULL)
    {
      Container *next = c->next;

      if (c->msg == NULL && c->first_child == NULL)
        unlink_container (c);
      else if (c->msg == NULL)
        {
          Container *first = c->first_child;

          while (c->first_child != NULL)
            {
              Container *k = c->first_child;

              unlink_container (k);
              insert_before (parent, c, k);
            }
          unlink_container (c);
          /* Look at the promoted children again: they may be empty too. */
          next = first;
        }
      c = next;
    }
}

static GPtrArray *
prune (Build *build)
{
  GPtrArray *roots = g_ptr_array_new ();
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(GPtrArray) tops = g_ptr_array_new ();

  /* Take the top level first: promoting a child below must not make it
   * show up again as a container without a parent. */
  for (guint i = 0; i < build->containers->len; i++)
    {
      Container *c = build->containers->pdata[i];

      if (c->parent == NULL)
        g_ptr_array_add (tops, c);
    }

  for (guint i = 0; i < tops->len; i++)
    {
      Container *r = tops->pdata[i];

      prune_children (r);
      if (r->msg == NULL && r->first_child == NULL)
        continue;
      if (r->msg == NULL && r->first_child == r->last_child)
        {
          Container *k = r->first_child;

          unlink_container (k);
          g_ptr_array_add (roots, k);
        }
      else
        g_ptr_array_add (roots, r);
    }

  for (guint i = 0; i < roots->len; i++)
    g_ptr_array_add (stack, roots->pdata[i]);
  while (stack->len > 0)
    {
      Container *c = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      prune_children (c);
      for (Container *k = c->first_child; k != NULL; k = k->next)
        g_ptr_array_add (stack, k);
    }

  return roots;
}

/* ---- subject grouping ---- */

static const Msg *
representative (Container *root)
{
  if (root->msg != NULL)
    return root->msg;
  for (Container *k = root->first_child; k != NULL; k = k->next)
    if (k->msg != NULL)
      return k->msg;
  return NULL;
}

static gboolean
is_original (Container *root)
{
  return root->msg != NULL && !root->msg->is_reply;
}

static gint64
earliest_date (Container *root)
{
  gint64 date = G_MAXINT64;

  if (root->msg != NULL)
    return root->msg->date;
  for (Container *k = root->first_child; k != NULL; k = k->next)
    if (k->msg != NULL)
      date = MIN (date, k->msg->date);
  return date;
}

/* Moves @what under @target: an empty root gives its children. */
static void
attach_under (Container *target,
              Container *what)
{
  if (what->msg == NULL)
    {
      while (what->first_child != NULL)
        {
          Container *k = what->first_child;

          unlink_container (k);
          append_child (target, k);
        }
    }
  else
    append_child (target, what);
}

static void
group_by_subject (Build     *build,
                  GPtrArray *roots)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GHashTable) gone = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();

  for (guint i = 0; i < roots->len; i++)
    {
      const Msg *rep = representative (roots->pdata[i]);
      GPtrArray *group;

      if (rep == NULL || *rep->subject_key == '\0')
        continue;
      group = g_hash_table_lookup (groups, rep->subject_key);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (groups, rep->subject_key, group);
          g_ptr_array_add (order, group);
        }
      g_ptr_array_add (group, roots->pdata[i]);
    }

  for (guint g = 0; g < order->len; g++)
    {
      GPtrArray *group = order->pdata[g];
      g_autoptr(GPtrArray) originals = g_ptr_array_new ();
      gboolean any_reply = FALSE;

      if (group->len < 2)
        continue;
      for (guint i = 0; i < group->len; i++)
        {
          if (is_original (group->pdata[i]))
            g_ptr_array_add (originals, group->pdata[i]);
          else
            any_reply = TRUE;
        }
      if (!any_reply)
        continue;

      if (originals->len == 0)
        {
          /* Replies to something missing: hold them together. */
          Container *holder = container_new (build, NULL);

          for (guint i = 0; i < group->len; i++)
            {
              attach_under (holder, group->pdata[i]);
              g_hash_table_add (gone, group->pdata[i]);
            }
          g_ptr_array_add (added, holder);
          continue;
        }

      for (guint i = 0; i < group->len; i++)
        {
          Container *r = group->pdata[i];
          Container *target = originals->pdata[0];
          gint64 date = earliest_date (r);

          if (is_original (r))
            continue;
          /* The latest original not after the reply (originals are in
           * canonical order, so by date). */
          for (guint o = 0; o < originals->len; o++)
            {
              Container *candidate = originals->pdata[o];

              if (candidate->msg->date <= date)
                target = candidate;
            }
          attach_under (target, r);
          g_hash_table_add (gone, r);
        }
    }

  for (guint i = roots->len; i > 0; i--)
    if (g_hash_table_contains (gone, roots->pdata[i - 1]))
      g_ptr_array_remove_index (roots, i - 1);
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (roots, added->pdata[i]);
}

/* ---- ordering and output ---- */

static int
compare_containers (gconstpointer pa,
                    gconstpointer pb)
{
  const Container *a = *(const Container * const *) pa;
  const Container *b = *(const Container * const *) pb;

  if (a->sort_date != b->sort_date)
    return a->sort_date < b->sort_date ? -1 : 1;
  if (a->sort_key != b->sort_key)
    return a->sort_key < b->sort_key ? -1 : 1;
  /* A message before an empty node standing for the same moment. */
  if ((a->msg == NULL) != (b->msg == NULL))
    return a->msg != NULL ? -1 : 1;
  return 0;
}

static void
sort_children (Container *c)
{
  g_autoptr(GPtrArray) kids = g_ptr_array_new ();

  for (Container *k = c->first_child; k != NULL; k = k->next)
    g_ptr_array_add (kids, k);
  if (kids->len < 2)
    return;
  g_ptr_array_sort (kids, compare_containers);
  c->first_child = c->last_child = NULL;
  for (guint i = 0; i < kids->len; i++)
    append_child (c, kids->pdata[i]);
}

/* Children first: sort each child list, then give every container its
 * date and tie-break key (an empty one takes its first child's). */
static void
sort_forest (GPtrArray *roots)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < roots->len; i++)
    g_ptr_array_add (order, roots->pdata[i]);
  for (guint i = 0; i < order->len; i++)
    {
      Container *c = order->pdata[i];

      for (Container *k = c->first_child; k != NULL; k = k->next)
        g_ptr_array_add (order, k);
    }

  for (guint i = order->len; i > 0; i--)
    {
      Container *c = order->pdata[i - 1];

      sort_children (c);
      if (c->msg != NULL)
        {
          c->sort_date = c->msg->date;
          c->sort_key = c->msg->key;
        }
      else
        {
          c->sort_date = G_MAXINT64;
          for (Container *k = c->first_child; k != NULL; k = k->next)
            c->sort_date = MIN (c->sort_date, k->sort_date);
          c->sort_key = c->first_child ? c->first_child->sort_key : 0;
        }
    }

  g_ptr_array_sort (roots, compare_containers);
}

static TidingsMimeThreadNode *
node_for (Container *c)
{
  if (c->msg != NULL)
    return _tidings_mime_thread_node_new (TRUE, c->msg->key, c->msg->message_id, c->sort_date);
  return _tidings_mime_thread_node_new (FALSE, 0, c->id, c->sort_date);
}

static GPtrArray *
make_nodes (GPtrArray *roots)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_mime_thread_node_unref);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  for (guint i = 0; i < roots->len; i++)
    {
      Container *root = roots->pdata[i];
      TidingsMimeThreadNode *node = node_for (root);

      g_ptr_array_add (out, node);
      g_ptr_array_add (stack, root);
      g_ptr_array_add (stack, node);
      while (stack->len > 0)
        {
          TidingsMimeThreadNode *parent = g_ptr_array_steal_index_fast (stack, stack->len - 1);
          Container *c = g_ptr_array_steal_index_fast (stack, stack->len - 1);

          for (Container *k = c->first_child; k != NULL; k = k->next)
            {
              TidingsMimeThreadNode *child = node_for (k);

              _tidings_mime_thread_node_add_child (parent, child);
              g_ptr_array_add (stack, k);
              g_ptr_array_add (stack, child);
            }
        }
    }
  return out;
}

/**
 * tidings_mime_threader_build:
 *
 * Threads every message added so far. The same set of messages gives the
 * same forest whatever order they were added in.
 *
 * Returns: (transfer full) (element-type TidingsMimeThreadNode): the
 *   threads, oldest first
 */
GPtrArray *
tidings_mime_threader_build (TidingsMimeThreader *self)
{
  Build build;
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GPtrArray) roots = NULL;
  GPtrArray *result;

  g_return_val_if_fail (TIDINGS_IS_MIME_THREADER (self), NULL);

  build.containers = g_ptr_array_new_with_free_func (g_free);
  build.ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* A plain copy: the threader's array owns the messages. */
  sorted = g_ptr_array_sized_new (self->msgs->len);
  for (guint i = 0; i < self->msgs->len; i++)
    g_ptr_array_add (sorted, self->msgs->pdata[i]);
  g_ptr_array_sort (sorted, compare_msgs);
  for (guint i = 0; i < sorted->len; i++)
    link_message (&build, sorted->pdata[i]);

  roots = prune (&build);
  group_by_subject (&build, roots);
  sort_forest (roots);
  result = make_nodes (roots);

  g_hash_table_unref (build.ids);
  g_ptr_array_unref (build.containers);

  return result;
}
