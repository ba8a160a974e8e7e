/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mail-payload.c: the JSON payloads of queued operations (formats
 * in tidings-mail-actions.h). */
#include "config.h"

#include "tidings-mail-actions-private.h"

void
_tidings_mail_add_folder_members (JsonBuilder              *builder,
                                  const char               *id_key,
                                  const char               *path_key,
                                  const TidingsStoreFolder *folder)
{
  json_builder_set_member_name (builder, id_key);
  json_builder_add_int_value (builder, folder->id);
  json_builder_set_member_name (builder, path_key);
  json_builder_add_string_value (builder, folder->path);
}

static void
add_item (JsonBuilder               *builder,
          const TidingsStoreMessage *message,
          gint64                     copy_id)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, message->id);
  json_builder_set_member_name (builder, "uid");
  json_builder_add_int_value (builder, message->uid);
  if (message->uid <= 0 && message->message_id != NULL)
    {
      json_builder_set_member_name (builder, "mid");
      json_builder_add_string_value (builder, message->message_id);
    }
  if (copy_id > 0)
    {
      json_builder_set_member_name (builder, "copy");
      json_builder_add_int_value (builder, copy_id);
    }
  json_builder_end_object (builder);
}

void
_tidings_mail_add_string_array (JsonBuilder        *builder,
                                const char         *key,
                                const char * const *strings)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    json_builder_add_string_value (builder, strings[i]);
  json_builder_end_array (builder);
}

gboolean
_tidings_mail_enqueue (TidingsStore  *store,
                       gint64         account_id,
                       const char    *kind,
                       JsonBuilder   *builder,
                       GError       **error)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *payload = json_to_string (root, FALSE);

  return tidings_store_enqueue_operation (store, account_id, kind, payload, NULL, error);
}


/* Queues @messages (TidingsStoreMessage) as operations of at most
 * TIDINGS_MAIL_OP_MAX_ITEMS each, so that no payload or command grows
 * with the selection; @copies (optional) gives each one's copy. */
gboolean
_tidings_mail_enqueue_items (TidingsStore  *store,
                             const OpHead  *head,
                             GPtrArray     *messages,
                             GArray        *copies,
                             GError       **error)
{
  for (guint start = 0; start < messages->len; start += TIDINGS_MAIL_OP_MAX_ITEMS)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      guint end = MIN (messages->len, start + TIDINGS_MAIL_OP_MAX_ITEMS);

      json_builder_begin_object (builder);
      _tidings_mail_add_folder_members (builder, "folder", "path", head->folder);
      if (head->dest != NULL)
        _tidings_mail_add_folder_members (builder, "dest", "dest_path", head->dest);
      if (head->add != NULL || head->remove != NULL)
        {
          _tidings_mail_add_string_array (builder, "add", head->add);
          _tidings_mail_add_string_array (builder, "remove", head->remove);
        }
      json_builder_set_member_name (builder, "messages");
      json_builder_begin_array (builder);
      for (guint i = start; i < end; i++)
        add_item (builder, messages->pdata[i], copies != NULL ? g_array_index (copies, gint64, i) : 0);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      if (!_tidings_mail_enqueue (store, head->folder->account_id, head->kind, builder, error))
        return FALSE;
    }
  return TRUE;
}
