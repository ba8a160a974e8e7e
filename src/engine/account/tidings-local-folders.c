/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-local-folders.h"

/* There is one Local Folders account; it is found by its kind, so a person
 * may rename it. */
gboolean
tidings_local_folders_ensure (TidingsStore  *store,
                              gint64        *out_account_id,
                              GError       **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_account_id != NULL, FALSE);

  accounts = tidings_store_list_accounts (store, error);
  if (accounts == NULL)
    return FALSE;
  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *existing = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (existing->kind, TIDINGS_LOCAL_FOLDERS_KIND) == 0)
        {
          *out_account_id = existing->id;
          return TRUE;
        }
    }

  account = tidings_store_account_new ();
  account->name = g_strdup (_("Local Folders"));
  account->kind = g_strdup (TIDINGS_LOCAL_FOLDERS_KIND);
  /* After every mail account in the sidebar. */
  account->sort_order = G_MAXINT / 2;
  return tidings_store_add_account (store, account, out_account_id, error);
}

gboolean
tidings_local_folders_ensure_folder (TidingsStore  *store,
                                     gint64         account_id,
                                     const char    *name,
                                     gint64        *out_folder_id,
                                     GError       **error)
{
  g_autoptr(TidingsStoreFolder) folder = NULL;
  TidingsFolderRole role = TIDINGS_FOLDER_ROLE_NONE;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);

  if (!tidings_store_find_folder (store, account_id, name, out_folder_id, error))
    return FALSE;
  if (*out_folder_id != 0)
    return TRUE;

  /* Local folders named like the standard ones take their role, so an
   * imported "Sent" shows with the Sent icon. */
  if (g_ascii_strcasecmp (name, "inbox") == 0)
    role = TIDINGS_FOLDER_ROLE_INBOX;
  else if (!tidings_folder_role_from_string (name, &role))
    role = TIDINGS_FOLDER_ROLE_NONE;
  if (role != TIDINGS_FOLDER_ROLE_NONE)
    {
      gint64 existing = 0;
      if (!tidings_store_find_folder_by_role (store, account_id, role, &existing, error))
        return FALSE;
      if (existing != 0)
        role = TIDINGS_FOLDER_ROLE_NONE;
    }

  folder = tidings_store_folder_new ();
  folder->account_id = account_id;
  folder->path = g_strdup (name);
  folder->name = g_strdup (name);
  folder->role = role;
  return tidings_store_add_folder (store, folder, out_folder_id, error);
}
