/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-types.c: the boxed records of tidings-store-types.h. */
#include "config.h"

#include <string.h>

#include "tidings-store-private.h"

static const char * const role_names[] = {
  [TIDINGS_FOLDER_ROLE_NONE] = "none",
  [TIDINGS_FOLDER_ROLE_INBOX] = "inbox",
  [TIDINGS_FOLDER_ROLE_DRAFTS] = "drafts",
  [TIDINGS_FOLDER_ROLE_SENT] = "sent",
  [TIDINGS_FOLDER_ROLE_ARCHIVE] = "archive",
  [TIDINGS_FOLDER_ROLE_JUNK] = "junk",
  [TIDINGS_FOLDER_ROLE_TRASH] = "trash",
};

const char *
tidings_folder_role_to_string (TidingsFolderRole role)
{
  if ((guint) role >= G_N_ELEMENTS (role_names))
    return "none";
  return role_names[role];
}

gboolean
tidings_folder_role_from_string (const char        *str,
                                 TidingsFolderRole *out_role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (str, role_names[i]) == 0)
      {
        *out_role = (TidingsFolderRole) i;
        return TRUE;
      }
  *out_role = TIDINGS_FOLDER_ROLE_NONE;
  return FALSE;
}

static const char * const outbox_state_names[] = {
  [TIDINGS_OUTBOX_STATE_QUEUED] = "queued",
  [TIDINGS_OUTBOX_STATE_SENDING] = "sending",
  [TIDINGS_OUTBOX_STATE_DELIVERED] = "delivered",
  [TIDINGS_OUTBOX_STATE_FAILED] = "failed",
};

const char *
tidings_outbox_state_to_string (TidingsOutboxState state)
{
  if ((guint) state >= G_N_ELEMENTS (outbox_state_names))
    return "queued";
  return outbox_state_names[state];
}

/* Accounts ------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (TidingsStoreAccount, tidings_store_account,
                     tidings_store_account_copy, tidings_store_account_free)

TidingsStoreAccount *
tidings_store_account_new (void)
{
  return g_new0 (TidingsStoreAccount, 1);
}

TidingsStoreAccount *
tidings_store_account_copy (const TidingsStoreAccount *account)
{
  TidingsStoreAccount *copy;

  g_return_val_if_fail (account != NULL, NULL);

  copy = g_memdup2 (account, sizeof *account);
  copy->name = g_strdup (account->name);
  copy->kind = g_strdup (account->kind);
  copy->email = g_strdup (account->email);
  copy->settings = g_strdup (account->settings);
  return copy;
}

void
tidings_store_account_free (TidingsStoreAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->name);
  g_free (account->kind);
  g_free (account->email);
  g_free (account->settings);
  g_free (account);
}

/* Folders ------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (TidingsStoreFolder, tidings_store_folder,
                     tidings_store_folder_copy, tidings_store_folder_free)

TidingsStoreFolder *
tidings_store_folder_new (void)
{
  return g_new0 (TidingsStoreFolder, 1);
}

TidingsStoreFolder *
tidings_store_folder_copy (const TidingsStoreFolder *folder)
{
  TidingsStoreFolder *copy;

  g_return_val_if_fail (folder != NULL, NULL);

  copy = g_memdup2 (folder, sizeof *folder);
  copy->path = g_strdup (folder->path);
  copy->name = g_strdup (folder->name);
  return copy;
}

void
tidings_store_folder_free (TidingsStoreFolder *folder)
{
  if (folder == NULL)
    return;
  g_free (folder->path);
  g_free (folder->name);
  g_free (folder);
}

/* Messages ------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (TidingsStoreMessage, tidings_store_message,
                     tidings_store_message_copy, tidings_store_message_free)

TidingsStoreMessage *
tidings_store_message_new (void)
{
  return g_new0 (TidingsStoreMessage, 1);
}

TidingsStoreMessage *
tidings_store_message_copy (const TidingsStoreMessage *message)
{
  TidingsStoreMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->uidl = g_strdup (message->uidl);
  copy->message_id = g_strdup (message->message_id);
  copy->in_reply_to = g_strdup (message->in_reply_to);
  copy->references = g_strdup (message->references);
  copy->subject = g_strdup (message->subject);
  copy->thread_subject = g_strdup (message->thread_subject);
  copy->from_name = g_strdup (message->from_name);
  copy->from_address = g_strdup (message->from_address);
  copy->to = g_strdup (message->to);
  copy->cc = g_strdup (message->cc);
  copy->keywords = g_strdup (message->keywords);
  copy->preview = g_strdup (message->preview);
  copy->body_text = g_strdup (message->body_text);
  copy->raw = message->raw != NULL ? g_bytes_ref (message->raw) : NULL;
  return copy;
}

void
tidings_store_message_free (TidingsStoreMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->uidl);
  g_free (message->message_id);
  g_free (message->in_reply_to);
  g_free (message->references);
  g_free (message->subject);
  g_free (message->thread_subject);
  g_free (message->from_name);
  g_free (message->from_address);
  g_free (message->to);
  g_free (message->cc);
  g_free (message->keywords);
  g_free (message->preview);
  g_free (message->body_text);
  g_clear_pointer (&message->raw, g_bytes_unref);
  g_free (message);
}

/* Rows ---------------------------------------------------------------------- */

/* The strings follow the struct in the same block, so copying means
 * copying the block and moving the pointers. */
G_DEFINE_BOXED_TYPE (TidingsStoreRow, tidings_store_row,
                     tidings_store_row_copy, tidings_store_row_free)

static char *
place_string (char       **cursor,
              const char  *text,
              gsize        len)
{
  char *start = *cursor;

  memcpy (start, text, len);
  start[len] = '\0';
  *cursor += len + 1;
  return start;
}

TidingsStoreRow *
_tidings_store_row_new (gint64       id,
                        gint64       folder_id,
                        gint64       thread_id,
                        gint64       date,
                        guint        flags,
                        gboolean     has_attachments,
                        const char  *subject,
                        gsize        subject_len,
                        const char  *from_name,
                        gsize        from_name_len,
                        const char  *from_address,
                        gsize        from_address_len,
                        const char  *preview,
                        gsize        preview_len)
{
  gsize size = sizeof (TidingsStoreRow)
               + subject_len + from_name_len + from_address_len + preview_len + 4;
  TidingsStoreRow *row = g_malloc (size);
  char *cursor = (char *) (row + 1);

  row->id = id;
  row->folder_id = folder_id;
  row->thread_id = thread_id;
  row->date = date;
  row->flags = flags;
  row->has_attachments = has_attachments;
  row->subject = place_string (&cursor, subject != NULL ? subject : "", subject != NULL ? subject_len : 0);
  row->from_name = place_string (&cursor, from_name != NULL ? from_name : "", from_name != NULL ? from_name_len : 0);
  row->from_address = place_string (&cursor, from_address != NULL ? from_address : "",
                                    from_address != NULL ? from_address_len : 0);
  row->preview = place_string (&cursor, preview != NULL ? preview : "", preview != NULL ? preview_len : 0);
  return row;
}

TidingsStoreRow *
tidings_store_row_copy (const TidingsStoreRow *row)
{
  g_return_val_if_fail (row != NULL, NULL);

  return _tidings_store_row_new (row->id, row->folder_id, row->thread_id, row->date,
                                 row->flags, row->has_attachments,
                                 row->subject, strlen (row->subject),
                                 row->from_name, strlen (row->from_name),
                                 row->from_address, strlen (row->from_address),
                                 row->preview, strlen (row->preview));
}

void
tidings_store_row_free (TidingsStoreRow *row)
{
  g_free (row);
}

/* Operations ---------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (TidingsStoreOperation, tidings_store_operation,
                     tidings_store_operation_copy, tidings_store_operation_free)

TidingsStoreOperation *
tidings_store_operation_copy (const TidingsStoreOperation *op)
{
  TidingsStoreOperation *copy;

  g_return_val_if_fail (op != NULL, NULL);

  copy = g_memdup2 (op, sizeof *op);
  copy->kind = g_strdup (op->kind);
  copy->payload = g_strdup (op->payload);
  copy->last_error = g_strdup (op->last_error);
  return copy;
}

void
tidings_store_operation_free (TidingsStoreOperation *op)
{
  if (op == NULL)
    return;
  g_free (op->kind);
  g_free (op->payload);
  g_free (op->last_error);
  g_free (op);
}

/* Outbox -------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (TidingsStoreOutboxItem, tidings_store_outbox_item,
                     tidings_store_outbox_item_copy, tidings_store_outbox_item_free)

TidingsStoreOutboxItem *
tidings_store_outbox_item_copy (const TidingsStoreOutboxItem *item)
{
  TidingsStoreOutboxItem *copy;

  g_return_val_if_fail (item != NULL, NULL);

  copy = g_memdup2 (item, sizeof *item);
  copy->sender = g_strdup (item->sender);
  copy->recipients = g_strdupv (item->recipients);
  copy->raw = item->raw != NULL ? g_bytes_ref (item->raw) : NULL;
  copy->error = g_strdup (item->error);
  return copy;
}

void
tidings_store_outbox_item_free (TidingsStoreOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->sender);
  g_strfreev (item->recipients);
  g_clear_pointer (&item->raw, g_bytes_unref);
  g_free (item->error);
  g_free (item);
}
