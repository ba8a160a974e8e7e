/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-replay-batch.c: queued operation payloads (see
 * tidings-mail-actions.h) read back for the replayer, checked as
 * untrusted input: a damaged row must not crash the engine. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-imap-replay-private.h"
#include "tidings-mail-actions.h"

/* A payload's bounds: our own writer never comes near them. */
#define MAX_ITEMS      100000
#define MAX_FLAGS      64
#define MAX_TEXT       1000

static void
item_clear (gpointer data)
{
  ReplayItem *item = data;

  g_clear_pointer (&item->mid, g_free);
}

void
_tidings_imap_replay_batch_free (ReplayBatch *batch)
{
  if (batch == NULL)
    return;
  g_clear_pointer (&batch->ops, g_ptr_array_unref);
  g_clear_pointer (&batch->path, g_free);
  g_clear_pointer (&batch->dest_path, g_free);
  g_clear_pointer (&batch->items, g_array_unref);
  g_clear_pointer (&batch->add, g_ptr_array_unref);
  g_clear_pointer (&batch->remove, g_ptr_array_unref);
  g_free (batch);
}

static gboolean
invalid (GError     **error,
         const char  *kind,
         const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The queued operation “%s” cannot be read: %s."), kind, what);
  return FALSE;
}

static gboolean
get_id (JsonObject  *object,
        const char  *key,
        gboolean     required,
        gint64      *out)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = 0;
  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out >= 0;
}

static gboolean
get_text (JsonObject  *object,
          const char  *key,
          gboolean     required,
          char       **out)
{
  JsonNode *node = json_object_get_member (object, key);
  const char *text;

  *out = NULL;
  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  text = json_node_get_string (node);
  if (text == NULL || *text == '\0' || strlen (text) > MAX_TEXT || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  *out = g_strdup (text);
  return TRUE;
}

/* A flag or keyword as the server will see it inside a list: an atom,
 * with one leading backslash for system flags. */
static gboolean
flag_is_valid (const char *flag)
{
  const char *p = flag;

  if (*p == '\\')
    p++;
  if (*p == '\0' || strlen (flag) > 128)
    return FALSE;
  for (; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c <= 0x20 || c >= 0x7f || strchr ("(){%*\"\\]", c) != NULL)
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
get_flags (JsonObject *object,
           const char *key)
{
  g_autoptr(GPtrArray) flags = g_ptr_array_new_with_free_func (g_free);
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return NULL;
      array = json_node_get_array (node);
      if (json_array_get_length (array) > MAX_FLAGS)
        return NULL;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *flag;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            return NULL;
          flag = json_node_get_string (element);
          if (!flag_is_valid (flag))
            return NULL;
          g_ptr_array_add (flags, g_strdup (flag));
        }
    }
  g_ptr_array_add (flags, NULL);
  return g_steal_pointer (&flags);
}

static gboolean
get_items (JsonObject  *object,
           GArray      *items,
           gboolean     copies)
{
  JsonNode *node = json_object_get_member (object, "messages");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_ITEMS)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry;
      ReplayItem item = { 0, };

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      entry = json_node_get_object (element);
      if (!get_id (entry, "id", TRUE, &item.id) || !get_id (entry, "uid", FALSE, &item.uid)
          || item.uid > G_MAXUINT32 || !get_id (entry, "copy", copies, &item.copy))
        return FALSE;
      if (!get_text (entry, "mid", FALSE, &item.mid))
        return FALSE;
      g_array_append_val (items, item);
    }
  return TRUE;
}

static gboolean
kind_from_string (const char *kind,
                  ReplayKind *out)
{
  static const struct { const char *name; ReplayKind kind; } kinds[] = {
    { TIDINGS_MAIL_OP_FLAGS, REPLAY_FLAGS },
    { TIDINGS_MAIL_OP_MOVE, REPLAY_MOVE },
    { TIDINGS_MAIL_OP_COPY, REPLAY_COPY },
    { TIDINGS_MAIL_OP_EXPUNGE, REPLAY_EXPUNGE },
    { TIDINGS_MAIL_OP_EMPTY_FOLDER, REPLAY_EMPTY },
    { TIDINGS_MAIL_OP_APPEND, REPLAY_APPEND },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kind, kinds[i].name) == 0)
      {
        *out = kinds[i].kind;
        return TRUE;
      }
  return FALSE;
}

ReplayBatch *
_tidings_imap_replay_batch_parse (const TidingsStoreOperation  *op,
                                  GError                      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ReplayBatch) batch = g_new0 (ReplayBatch, 1);
  JsonObject *object;
  JsonNode *root;
  gboolean ok;

  batch->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_operation_free);
  g_ptr_array_add (batch->ops, tidings_store_operation_copy (op));
  batch->items = g_array_new (FALSE, TRUE, sizeof (ReplayItem));
  g_array_set_clear_func (batch->items, item_clear);

  if (!kind_from_string (op->kind, &batch->kind))
    return invalid (error, op->kind, "unknown kind"), NULL;
  if (op->payload == NULL || !json_parser_load_from_data (parser, op->payload, -1, NULL))
    return invalid (error, op->kind, "not JSON"), NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, op->kind, "not an object"), NULL;
  object = json_node_get_object (root);

  ok = get_id (object, "folder", TRUE, &batch->folder_id);
  switch (batch->kind)
    {
    case REPLAY_FLAGS:
      ok = ok && get_text (object, "path", TRUE, &batch->path)
           && (batch->add = get_flags (object, "add")) != NULL
           && (batch->remove = get_flags (object, "remove")) != NULL
           && get_items (object, batch->items, FALSE);
      break;
    case REPLAY_MOVE:
    case REPLAY_COPY:
      ok = ok && get_text (object, "path", TRUE, &batch->path)
           && get_id (object, "dest", TRUE, &batch->dest_id)
           && get_text (object, "dest_path", TRUE, &batch->dest_path)
           && get_items (object, batch->items, batch->kind == REPLAY_COPY);
      break;
    case REPLAY_EXPUNGE:
      ok = ok && get_text (object, "path", TRUE, &batch->path)
           && get_items (object, batch->items, FALSE);
      break;
    case REPLAY_EMPTY:
      ok = ok && get_text (object, "path", TRUE, &batch->path);
      break;
    case REPLAY_APPEND:
      /* The outbox sender writes only "message" and "folder". */
      ok = ok && get_id (object, "message", TRUE, &batch->message_id)
           && get_text (object, "path", FALSE, &batch->path)
           && get_id (object, "internal_date", FALSE, &batch->internal_date);
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    return invalid (error, op->kind, "a field is missing or has the wrong type"), NULL;
  return g_steal_pointer (&batch);
}

static gboolean
same_flags (GPtrArray *a,
            GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i + 1 < a->len; i++)
    if (g_strcmp0 (a->pdata[i], b->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

gboolean
_tidings_imap_replay_batch_merge (ReplayBatch                 *batch,
                                  const TidingsStoreOperation *next)
{
  g_autoptr(ReplayBatch) other = NULL;

  if (batch->kind != REPLAY_FLAGS || g_strcmp0 (next->kind, TIDINGS_MAIL_OP_FLAGS) != 0
      || batch->items->len >= MAX_ITEMS)
    return FALSE;
  other = _tidings_imap_replay_batch_parse (next, NULL);
  if (other == NULL || other->folder_id != batch->folder_id
      || g_strcmp0 (other->path, batch->path) != 0
      || !same_flags (other->add, batch->add) || !same_flags (other->remove, batch->remove)
      || batch->items->len + other->items->len > MAX_ITEMS)
    return FALSE;

  for (guint i = 0; i < other->items->len; i++)
    {
      ReplayItem *item = &g_array_index (other->items, ReplayItem, i);
      ReplayItem copy = *item;

      item->mid = NULL;   /* moved into @batch */
      g_array_append_val (batch->items, copy);
    }
  g_ptr_array_add (batch->ops, tidings_store_operation_copy (next));
  return TRUE;
}
