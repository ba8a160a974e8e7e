/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mail-actions.c: user actions as one transaction each: the local
 * change plus, for IMAP accounts, the operation rows the replayer sends.
 *
 * Payloads keep what the server needs even if the rows change later: the
 * source folder's path and id and each message's UID at the time of the
 * action. Where the UID is not known yet (a message moved or copied here,
 * not yet confirmed), the item carries the message's id and Message-ID so
 * the replayer can resolve it when it runs. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-ingest.h"
#include "tidings-mail-actions-private.h"

#define IMAP_KIND "imap"

G_DEFINE_QUARK (tidings-mail-actions-error-quark, tidings_mail_actions_error)

/* Context: folder and account lookups shared by one action ----------------- */

typedef struct
{
  TidingsStore *store;
  GHashTable   *folders;    /* folder id -> TidingsStoreFolder */
  GHashTable   *accounts;   /* account id -> TidingsStoreAccount */
} Ctx;

static void
ctx_init (Ctx          *ctx,
          TidingsStore *store)
{
  ctx->store = store;
  ctx->folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) tidings_store_folder_free);
  ctx->accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) tidings_store_account_free);
}

static void
ctx_clear (Ctx *ctx)
{
  g_clear_pointer (&ctx->folders, g_hash_table_unref);
  g_clear_pointer (&ctx->accounts, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ctx, ctx_clear)

static const TidingsStoreFolder *
ctx_folder (Ctx     *ctx,
            gint64   folder_id,
            GError **error)
{
  TidingsStoreFolder *folder = g_hash_table_lookup (ctx->folders, &folder_id);

  if (folder == NULL)
    {
      folder = tidings_store_get_folder (ctx->store, folder_id, error);
      if (folder == NULL)
        return NULL;
      g_hash_table_insert (ctx->folders, g_memdup2 (&folder_id, sizeof folder_id), folder);
    }
  return folder;
}

static const TidingsStoreAccount *
ctx_account (Ctx     *ctx,
             gint64   account_id,
             GError **error)
{
  TidingsStoreAccount *account = g_hash_table_lookup (ctx->accounts, &account_id);

  if (account == NULL)
    {
      account = tidings_store_get_account (ctx->store, account_id, error);
      if (account == NULL)
        return NULL;
      g_hash_table_insert (ctx->accounts, g_memdup2 (&account_id, sizeof account_id), account);
    }
  return account;
}

/* Whether changes in @folder are replayed to an IMAP server; -1 on error. */
static int
ctx_folder_is_imap (Ctx                       *ctx,
                    const TidingsStoreFolder  *folder,
                    GError                   **error)
{
  const TidingsStoreAccount *account = ctx_account (ctx, folder->account_id, error);

  if (account == NULL)
    return -1;
  return g_strcmp0 (account->kind, IMAP_KIND) == 0 ? 1 : 0;
}

/* Messages grouped by their folder, in order of first appearance. */
typedef struct
{
  gint64     folder_id;
  GPtrArray *messages;   /* TidingsStoreMessage */
} Group;

static void
group_free (Group *group)
{
  g_ptr_array_unref (group->messages);
  g_free (group);
}

static GPtrArray *
collect_groups (Ctx           *ctx,
                const gint64  *ids,
                guint          n_ids,
                GError       **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(GError) local_error = NULL;
      TidingsStoreMessage *message;
      Group *group = NULL;

      if (g_hash_table_contains (seen, &ids[i]))
        continue;
      message = tidings_store_get_message (ctx->store, ids[i], &local_error);
      if (message == NULL)
        {
          /* Gone meanwhile (e.g. expunged by a sync): nothing to do. */
          if (g_error_matches (local_error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_hash_table_add (seen, g_memdup2 (&ids[i], sizeof ids[i]));
      for (guint j = 0; j < groups->len && group == NULL; j++)
        if (((Group *) groups->pdata[j])->folder_id == message->folder_id)
          group = groups->pdata[j];
      if (group == NULL)
        {
          group = g_new0 (Group, 1);
          group->folder_id = message->folder_id;
          group->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_message_free);
          g_ptr_array_add (groups, group);
        }
      g_ptr_array_add (group->messages, message);
    }
  return g_steal_pointer (&groups);
}

static GArray *
message_ids_of (GPtrArray *messages)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), messages->len);

  for (guint i = 0; i < messages->len; i++)
    g_array_append_val (ids, ((TidingsStoreMessage *) messages->pdata[i])->id);
  return ids;
}

/* Change flags ---------------------------------------------------------------- */

static gboolean
flags_group (Ctx          *ctx,
             Group        *group,
             guint         add,
             guint         remove,
             GError      **error)
{
  const TidingsStoreFolder *folder = ctx_folder (ctx, group->folder_id, error);
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) add_names = g_ptr_array_new ();
  g_autoptr(GPtrArray) remove_names = g_ptr_array_new ();
  OpHead head = { 0, };
  int imap;

  if (folder == NULL || (imap = ctx_folder_is_imap (ctx, folder, error)) < 0)
    return FALSE;
  for (guint i = 0; i < group->messages->len; i++)
    {
      TidingsStoreMessage *message = group->messages->pdata[i];

      if (((message->flags | add) & ~remove) != message->flags)
        {
          g_ptr_array_add (changed, message);
          g_array_append_val (ids, message->id);
        }
    }
  if (changed->len == 0)
    return TRUE;
  if (!tidings_store_change_flags (ctx->store, (const gint64 *) (gpointer) ids->data, ids->len,
                                   add, remove, error))
    return FALSE;
  if (!imap)
    return TRUE;

  _tidings_mail_add_flag_names (add_names, add & ~remove);
  g_ptr_array_add (add_names, NULL);
  _tidings_mail_add_flag_names (remove_names, remove);
  g_ptr_array_add (remove_names, NULL);
  head.kind = TIDINGS_MAIL_OP_FLAGS;
  head.folder = folder;
  head.add = (const char * const *) add_names->pdata;
  head.remove = (const char * const *) remove_names->pdata;
  return _tidings_mail_enqueue_items (ctx->store, &head, changed, NULL, error);
}

gboolean
tidings_mail_actions_change_flags (TidingsStore  *store,
                                   const gint64  *message_ids,
                                   guint          n_ids,
                                   guint          add,
                                   guint          remove,
                                   GError       **error)
{
  g_auto(Ctx) ctx = { 0 };
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GPtrArray) groups = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, FALSE);

  add &= TIDINGS_MESSAGE_FLAGS_ALL;
  remove &= TIDINGS_MESSAGE_FLAGS_ALL;
  ctx_init (&ctx, store);
  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL || (groups = collect_groups (&ctx, message_ids, n_ids, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    if (!flags_group (&ctx, groups->pdata[i], add, remove, error))
      return FALSE;
  return tidings_store_transaction_commit (tx, error);
}

/* Keywords ------------------------------------------------------------------- */

static gboolean
keywords_group (Ctx                *ctx,
                Group              *group,
                const char * const *add,
                const char * const *remove,
                GError            **error)
{
  const TidingsStoreFolder *folder = ctx_folder (ctx, group->folder_id, error);
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GPtrArray) effective_add = g_ptr_array_new ();
  OpHead head = { 0, };
  int imap;

  if (folder == NULL || (imap = ctx_folder_is_imap (ctx, folder, error)) < 0)
    return FALSE;
  for (guint i = 0; i < group->messages->len; i++)
    {
      TidingsStoreMessage *message = group->messages->pdata[i];
      g_autofree char *text = _tidings_mail_apply_keywords (message->keywords, add, remove);

      if (text == NULL)
        continue;
      if (!tidings_store_set_keywords (ctx->store, message->id, text, error))
        return FALSE;
      g_ptr_array_add (changed, message);
    }
  if (changed->len == 0 || !imap)
    return TRUE;

  for (guint i = 0; add != NULL && add[i] != NULL; i++)
    if (!_tidings_mail_strv_contains_nocase (remove, add[i]))
      g_ptr_array_add (effective_add, (gpointer) add[i]);
  g_ptr_array_add (effective_add, NULL);
  head.kind = TIDINGS_MAIL_OP_FLAGS;
  head.folder = folder;
  head.add = (const char * const *) effective_add->pdata;
  head.remove = remove;
  return _tidings_mail_enqueue_items (ctx->store, &head, changed, NULL, error);
}

gboolean
tidings_mail_actions_change_keywords (TidingsStore        *store,
                                      const gint64        *message_ids,
                                      guint                n_ids,
                                      const char * const  *add,
                                      const char * const  *remove,
                                      GError             **error)
{
  g_auto(Ctx) ctx = { 0 };
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GPtrArray) groups = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, FALSE);

  for (guint pass = 0; pass < 2; pass++)
    {
      const char * const *list = pass == 0 ? add : remove;

      for (guint i = 0; list != NULL && list[i] != NULL; i++)
        if (!_tidings_mail_keyword_is_valid (list[i]))
          {
            g_set_error (error, TIDINGS_MAIL_ACTIONS_ERROR, TIDINGS_MAIL_ACTIONS_ERROR_INVALID,
                         _("“%s” cannot be used as a keyword."), list[i]);
            return FALSE;
          }
    }

  ctx_init (&ctx, store);
  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL || (groups = collect_groups (&ctx, message_ids, n_ids, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    if (!keywords_group (&ctx, groups->pdata[i], add, remove, error))
      return FALSE;
  return tidings_store_transaction_commit (tx, error);
}

/* Move, copy, delete ---------------------------------------------------------- */

static gboolean
check_same_account (const TidingsStoreFolder  *source,
                    const TidingsStoreFolder  *dest,
                    GError                   **error)
{
  if (source->account_id == dest->account_id)
    return TRUE;
  g_set_error (error, TIDINGS_MAIL_ACTIONS_ERROR, TIDINGS_MAIL_ACTIONS_ERROR_NOT_SUPPORTED,
               _("Messages cannot be moved or copied from “%s” to “%s”, a folder of another account."),
               source->name != NULL ? source->name : source->path,
               dest->name != NULL ? dest->name : dest->path);
  return FALSE;
}

static gboolean
move_group (Ctx                       *ctx,
            Group                     *group,
            const TidingsStoreFolder  *dest,
            TidingsMailUndo           *undo,
            GError                   **error)
{
  const TidingsStoreFolder *source = ctx_folder (ctx, group->folder_id, error);
  g_autoptr(GArray) ids = NULL;
  OpHead head = { 0, };
  int imap;

  if (source == NULL || (imap = ctx_folder_is_imap (ctx, source, error)) < 0)
    return FALSE;
  if (source->id == dest->id)
    return TRUE;
  if (!check_same_account (source, dest, error))
    return FALSE;

  ids = message_ids_of (group->messages);
  if (!tidings_store_move_messages (ctx->store, (const gint64 *) (gpointer) ids->data, ids->len,
                                    dest->id, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    _tidings_mail_undo_add (undo, g_array_index (ids, gint64, i), source->id);
  if (!imap)
    return TRUE;
  head.kind = TIDINGS_MAIL_OP_MOVE;
  head.folder = source;
  head.dest = dest;
  return _tidings_mail_enqueue_items (ctx->store, &head, group->messages, NULL, error);
}

static TidingsMailUndo *
move_all (Ctx           *ctx,
          const gint64  *message_ids,
          guint          n_ids,
          gint64         dest_folder_id,
          GError       **error)
{
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(TidingsMailUndo) undo = _tidings_mail_undo_new ();
  const TidingsStoreFolder *dest;

  tx = tidings_store_transaction_begin (ctx->store, error);
  if (tx == NULL || (dest = ctx_folder (ctx, dest_folder_id, error)) == NULL
      || (groups = collect_groups (ctx, message_ids, n_ids, error)) == NULL)
    return NULL;
  for (guint i = 0; i < groups->len; i++)
    if (!move_group (ctx, groups->pdata[i], dest, undo, error))
      return NULL;
  if (!tidings_store_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&undo);
}

TidingsMailUndo *
tidings_mail_actions_move (TidingsStore  *store,
                           const gint64  *message_ids,
                           guint          n_ids,
                           gint64         dest_folder_id,
                           GError       **error)
{
  g_auto(Ctx) ctx = { 0 };

  g_return_val_if_fail (TIDINGS_IS_STORE (store), NULL);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, NULL);

  ctx_init (&ctx, store);
  return move_all (&ctx, message_ids, n_ids, dest_folder_id, error);
}

static gboolean
copy_group (Ctx                       *ctx,
            Group                     *group,
            const TidingsStoreFolder  *dest,
            GArray                    *new_ids,
            GError                   **error)
{
  const TidingsStoreFolder *source = ctx_folder (ctx, group->folder_id, error);
  g_autoptr(GArray) copies = g_array_new (FALSE, FALSE, sizeof (gint64));
  OpHead head = { 0, };
  int imap;

  if (source == NULL || (imap = ctx_folder_is_imap (ctx, source, error)) < 0)
    return FALSE;
  if (!check_same_account (source, dest, error))
    return FALSE;

  for (guint i = 0; i < group->messages->len; i++)
    {
      const TidingsStoreMessage *message = group->messages->pdata[i];
      g_autoptr(TidingsStoreMessage) copy = tidings_store_message_copy (message);
      gint64 copy_id = 0;

      copy->folder_id = dest->id;
      copy->uid = 0;
      copy->modseq = 0;
      g_clear_pointer (&copy->uidl, g_free);
      g_clear_pointer (&copy->raw, g_bytes_unref);
      if (copy->body_state != TIDINGS_BODY_STATE_NONE)
        {
          g_autoptr(GError) local_error = NULL;

          copy->raw = tidings_store_get_body (ctx->store, message->id, &local_error);
          if (copy->raw == NULL)
            {
              if (!g_error_matches (local_error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND))
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              copy->body_state = TIDINGS_BODY_STATE_NONE;
            }
        }
      if (!tidings_store_insert_message (ctx->store, copy, &copy_id, error))
        return FALSE;
      g_array_append_val (copies, copy_id);
      if (new_ids != NULL)
        g_array_append_val (new_ids, copy_id);
    }
  if (!imap)
    return TRUE;
  head.kind = TIDINGS_MAIL_OP_COPY;
  head.folder = source;
  head.dest = dest;
  return _tidings_mail_enqueue_items (ctx->store, &head, group->messages, copies, error);
}

gboolean
tidings_mail_actions_copy (TidingsStore  *store,
                           const gint64  *message_ids,
                           guint          n_ids,
                           gint64         dest_folder_id,
                           GArray       **out_new_ids,
                           GError       **error)
{
  g_auto(Ctx) ctx = { 0 };
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  const TidingsStoreFolder *dest;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, FALSE);

  ctx_init (&ctx, store);
  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL || (dest = ctx_folder (&ctx, dest_folder_id, error)) == NULL
      || (groups = collect_groups (&ctx, message_ids, n_ids, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    if (!copy_group (&ctx, groups->pdata[i], dest, new_ids, error))
      return FALSE;
  if (!tidings_store_transaction_commit (tx, error))
    return FALSE;
  if (out_new_ids != NULL)
    *out_new_ids = g_steal_pointer (&new_ids);
  return TRUE;
}

static gboolean
expunge_group (Ctx              *ctx,
               Group            *group,
               TidingsMailUndo  *undo,
               GError          **error)
{
  const TidingsStoreFolder *folder = ctx_folder (ctx, group->folder_id, error);
  g_autoptr(GArray) ids = NULL;
  OpHead head = { 0, };
  int imap;

  if (folder == NULL || (imap = ctx_folder_is_imap (ctx, folder, error)) < 0)
    return FALSE;
  ids = message_ids_of (group->messages);
  if (!tidings_store_delete_messages (ctx->store, (const gint64 *) (gpointer) ids->data, ids->len,
                                      error))
    return FALSE;
  _tidings_mail_undo_add_deleted (undo, ids->len);
  if (!imap)
    return TRUE;

  head.kind = TIDINGS_MAIL_OP_EXPUNGE;
  head.folder = folder;
  return _tidings_mail_enqueue_items (ctx->store, &head, group->messages, NULL, error);
}

TidingsMailUndo *
tidings_mail_actions_delete (TidingsStore  *store,
                             const gint64  *message_ids,
                             guint          n_ids,
                             GError       **error)
{
  g_auto(Ctx) ctx = { 0 };
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), NULL);
  g_return_val_if_fail (message_ids != NULL || n_ids == 0, NULL);

  ctx_init (&ctx, store);
  undo = _tidings_mail_undo_new ();
  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL || (groups = collect_groups (&ctx, message_ids, n_ids, error)) == NULL)
    return NULL;
  for (guint i = 0; i < groups->len; i++)
    {
      Group *group = groups->pdata[i];
      const TidingsStoreFolder *folder = ctx_folder (&ctx, group->folder_id, error);
      const TidingsStoreFolder *trash;
      gint64 trash_id = 0;

      if (folder == NULL
          || !tidings_store_find_folder_by_role (store, folder->account_id,
                                                 TIDINGS_FOLDER_ROLE_TRASH, &trash_id, error))
        return NULL;
      if (trash_id == 0 || trash_id == folder->id)
        {
          if (!expunge_group (&ctx, group, undo, error))
            return NULL;
          continue;
        }
      if ((trash = ctx_folder (&ctx, trash_id, error)) == NULL
          || !move_group (&ctx, group, trash, undo, error))
        return NULL;
    }
  if (!tidings_store_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&undo);
}

gboolean
tidings_mail_actions_empty_folder (TidingsStore  *store,
                                   gint64         folder_id,
                                   guint         *out_n_removed,
                                   GError       **error)
{
  g_auto(Ctx) ctx = { 0 };
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const TidingsStoreFolder *folder;
  guint count = 0;
  int imap;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);

  ctx_init (&ctx, store);
  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL || (folder = ctx_folder (&ctx, folder_id, error)) == NULL
      || (imap = ctx_folder_is_imap (&ctx, folder, error)) < 0
      || !tidings_store_count_messages (store, folder_id, &count, error)
      || !tidings_store_clear_folder (store, folder_id, error))
    return FALSE;
  if (imap)
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      _tidings_mail_add_folder_members (builder, "folder", "path", folder);
      json_builder_end_object (builder);
      if (!_tidings_mail_enqueue (store, folder->account_id, TIDINGS_MAIL_OP_EMPTY_FOLDER, builder, error))
        return FALSE;
    }
  if (!tidings_store_transaction_commit (tx, error))
    return FALSE;
  if (out_n_removed != NULL)
    *out_n_removed = count;
  return TRUE;
}

gboolean
tidings_mail_actions_append (TidingsStore  *store,
                             gint64         folder_id,
                             GBytes        *raw,
                             guint          flags,
                             gint64         internal_date,
                             gint64        *out_message_id,
                             GError       **error)
{
  g_auto(Ctx) ctx = { 0 };
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GPtrArray) flag_names = g_ptr_array_new ();
  const TidingsStoreFolder *folder;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id = 0;
  int imap;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (raw != NULL, FALSE);

  message = tidings_ingest_message (raw, folder_id, now, error);
  if (message == NULL)
    return FALSE;
  message->flags = flags & TIDINGS_MESSAGE_FLAGS_ALL;
  message->internal_date = internal_date > 0 ? internal_date : now;

  ctx_init (&ctx, store);
  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL || (folder = ctx_folder (&ctx, folder_id, error)) == NULL
      || (imap = ctx_folder_is_imap (&ctx, folder, error)) < 0
      || !tidings_store_insert_message (store, message, &id, error))
    return FALSE;
  if (imap)
    {
      _tidings_mail_add_flag_names (flag_names, message->flags);
      g_ptr_array_add (flag_names, NULL);
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "message");
      json_builder_add_int_value (builder, id);
      _tidings_mail_add_folder_members (builder, "folder", "path", folder);
      _tidings_mail_add_string_array (builder, "flags", (const char * const *) flag_names->pdata);
      json_builder_set_member_name (builder, "internal_date");
      json_builder_add_int_value (builder, message->internal_date);
      json_builder_end_object (builder);
      if (!_tidings_mail_enqueue (store, folder->account_id, TIDINGS_MAIL_OP_APPEND, builder, error))
        return FALSE;
    }
  if (!tidings_store_transaction_commit (tx, error))
    return FALSE;
  if (out_message_id != NULL)
    *out_message_id = id;
  return TRUE;
}

gboolean
tidings_mail_actions_undo (TidingsStore           *store,
                           const TidingsMailUndo  *undo,
                           GError                **error)
{
  g_auto(Ctx) ctx = { 0 };
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(TidingsMailUndo) ignored = _tidings_mail_undo_new ();
  guint n_items;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (undo != NULL, FALSE);

  ctx_init (&ctx, store);
  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL)
    return FALSE;
  /* Back to each original folder, in the order the folders appear. */
  n_items = tidings_mail_undo_get_n_items (undo);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GPtrArray) groups = NULL;
      g_autoptr(GError) local_error = NULL;
      const TidingsStoreFolder *dest;
      gboolean first = TRUE;
      gint64 folder_id, message_id, other_folder;

      tidings_mail_undo_get_item (undo, i, NULL, &folder_id);
      for (guint j = 0; j < i && first; j++)
        {
          tidings_mail_undo_get_item (undo, j, NULL, &other_folder);
          first = other_folder != folder_id;
        }
      if (!first)
        continue;
      for (guint j = i; j < n_items; j++)
        {
          tidings_mail_undo_get_item (undo, j, &message_id, &other_folder);
          if (other_folder == folder_id)
            g_array_append_val (ids, message_id);
        }

      dest = ctx_folder (&ctx, folder_id, &local_error);
      if (dest == NULL)
        {
          /* The folder went away meanwhile: those messages stay. */
          if (g_error_matches (local_error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      groups = collect_groups (&ctx, (const gint64 *) (gpointer) ids->data, ids->len, error);
      if (groups == NULL)
        return FALSE;
      for (guint g = 0; g < groups->len; g++)
        if (!move_group (&ctx, groups->pdata[g], dest, ignored, error))
          return FALSE;
    }
  return tidings_store_transaction_commit (tx, error);
}
