/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-pop3-folders.h"

static gboolean
ensure_one (TidingsStore      *store,
            gint64             account_id,
            const char        *path,
            const char        *name,
            TidingsFolderRole  role,
            gint64             sort_key,
            gint64            *out_id,
            GError           **error)
{
  g_autoptr(TidingsStoreFolder) folder = NULL;

  if (!tidings_store_find_folder (store, account_id, path, out_id, error))
    return FALSE;
  if (*out_id != 0)
    return TRUE;
  folder = tidings_store_folder_new ();
  folder->account_id = account_id;
  folder->path = g_strdup (path);
  folder->name = g_strdup (name);
  folder->role = role;
  folder->sort_key = sort_key;
  return tidings_store_add_folder (store, folder, out_id, error);
}

gboolean
tidings_pop3_folders_ensure (TidingsStore       *store,
                             gint64              account_id,
                             TidingsPop3Folders *out,
                             GError            **error)
{
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  TidingsPop3Folders ids = { 0, 0, 0, 0 };

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);

  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL
      || !ensure_one (store, account_id, "INBOX", _("Inbox"), TIDINGS_FOLDER_ROLE_INBOX, 0, &ids.inbox, error)
      || !ensure_one (store, account_id, "Drafts", _("Drafts"), TIDINGS_FOLDER_ROLE_DRAFTS, 1, &ids.drafts, error)
      || !ensure_one (store, account_id, "Sent", _("Sent"), TIDINGS_FOLDER_ROLE_SENT, 2, &ids.sent, error)
      || !ensure_one (store, account_id, "Trash", _("Trash"), TIDINGS_FOLDER_ROLE_TRASH, 3, &ids.trash, error)
      || !tidings_store_transaction_commit (tx, error))
    return FALSE;
  if (out != NULL)
    *out = ids;
  return TRUE;
}
