/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "imap/tidings-imap-mailbox-info.h"
#include "tidings-imap-folder-list.h"

static const char *
last_component (const char *path,
                char        delimiter)
{
  const char *last = delimiter != '\0' ? strrchr (path, delimiter) : NULL;

  return last != NULL && last[1] != '\0' ? last + 1 : path;
}

TidingsFolderRole
tidings_imap_folder_role_for_name (const char *path,
                                   char        delimiter)
{
  static const struct { const char *name; TidingsFolderRole role; } names[] = {
    { "Sent", TIDINGS_FOLDER_ROLE_SENT },
    { "Sent Items", TIDINGS_FOLDER_ROLE_SENT },
    { "Sent Messages", TIDINGS_FOLDER_ROLE_SENT },
    { "Trash", TIDINGS_FOLDER_ROLE_TRASH },
    { "Deleted Items", TIDINGS_FOLDER_ROLE_TRASH },
    { "Deleted Messages", TIDINGS_FOLDER_ROLE_TRASH },
    { "Junk", TIDINGS_FOLDER_ROLE_JUNK },
    { "Spam", TIDINGS_FOLDER_ROLE_JUNK },
    { "Drafts", TIDINGS_FOLDER_ROLE_DRAFTS },
    { "Archive", TIDINGS_FOLDER_ROLE_ARCHIVE },
  };
  const char *name;

  if (g_ascii_strcasecmp (path, "INBOX") == 0)
    return TIDINGS_FOLDER_ROLE_INBOX;
  name = last_component (path, delimiter);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      return names[i].role;
  return TIDINGS_FOLDER_ROLE_NONE;
}

static TidingsFolderRole
role_from_attributes (TidingsImapMailboxAttributes attributes)
{
  if (attributes & TIDINGS_IMAP_MAILBOX_SENT)
    return TIDINGS_FOLDER_ROLE_SENT;
  if (attributes & TIDINGS_IMAP_MAILBOX_TRASH)
    return TIDINGS_FOLDER_ROLE_TRASH;
  if (attributes & TIDINGS_IMAP_MAILBOX_JUNK)
    return TIDINGS_FOLDER_ROLE_JUNK;
  if (attributes & TIDINGS_IMAP_MAILBOX_DRAFTS)
    return TIDINGS_FOLDER_ROLE_DRAFTS;
  if (attributes & TIDINGS_IMAP_MAILBOX_ARCHIVE)
    return TIDINGS_FOLDER_ROLE_ARCHIVE;
  return TIDINGS_FOLDER_ROLE_NONE;
}

static gboolean
is_selectable (const TidingsImapMailboxInfo *info)
{
  return !info->lsub && info->name != NULL && *info->name != '\0'
         && (info->attributes & (TIDINGS_IMAP_MAILBOX_NOSELECT | TIDINGS_IMAP_MAILBOX_NONEXISTENT)) == 0
         && g_utf8_validate (info->name, -1, NULL);
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  const TidingsImapMailboxInfo *ia = *(TidingsImapMailboxInfo * const *) a;
  const TidingsImapMailboxInfo *ib = *(TidingsImapMailboxInfo * const *) b;

  return strcmp (ia->name, ib->name);
}

/* Roles per mailbox: SPECIAL-USE wins; a name fills a role only when no
 * attribute claimed that role; INBOX is always the inbox. */
static TidingsFolderRole *
assign_roles (GPtrArray *infos)
{
  TidingsFolderRole *roles = g_new0 (TidingsFolderRole, MAX (infos->len, 1));
  gboolean claimed[TIDINGS_FOLDER_ROLE_TRASH + 1] = { FALSE, };

  for (guint i = 0; i < infos->len; i++)
    {
      const TidingsImapMailboxInfo *info = g_ptr_array_index (infos, i);

      if (g_ascii_strcasecmp (info->name, "INBOX") == 0)
        roles[i] = TIDINGS_FOLDER_ROLE_INBOX;
      else
        roles[i] = role_from_attributes (info->attributes);
      if (roles[i] != TIDINGS_FOLDER_ROLE_NONE && !claimed[roles[i]])
        claimed[roles[i]] = TRUE;
      else if (roles[i] != TIDINGS_FOLDER_ROLE_INBOX)
        roles[i] = TIDINGS_FOLDER_ROLE_NONE;  /* one folder per role */
    }
  for (guint i = 0; i < infos->len; i++)
    {
      const TidingsImapMailboxInfo *info = g_ptr_array_index (infos, i);
      TidingsFolderRole role;

      if (roles[i] != TIDINGS_FOLDER_ROLE_NONE)
        continue;
      role = tidings_imap_folder_role_for_name (info->name, info->delimiter);
      if (role != TIDINGS_FOLDER_ROLE_NONE && !claimed[role])
        {
          roles[i] = role;
          claimed[role] = TRUE;
        }
    }
  return roles;
}

static gboolean
apply (TidingsStore  *store,
       gint64         account_id,
       GPtrArray     *infos,
       GError       **error)
{
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree TidingsFolderRole *roles = NULL;

  roles = assign_roles (infos);
  for (guint i = 0; i < infos->len; i++)
    {
      const TidingsImapMailboxInfo *info = g_ptr_array_index (infos, i);
      g_autoptr(TidingsStoreFolder) folder = NULL;
      gint64 folder_id = 0;
      gint64 parent_id = 0;

      g_hash_table_add (listed, (gpointer) info->name);
      if (info->delimiter != '\0')
        {
          const char *last = strrchr (info->name, info->delimiter);

          if (last != NULL && last != info->name)
            {
              g_autofree char *parent = g_strndup (info->name, last - info->name);

              if (!tidings_store_find_folder (store, account_id, parent, &parent_id, error))
                return FALSE;
            }
        }
      if (!tidings_store_find_folder (store, account_id, info->name, &folder_id, error))
        return FALSE;
      /* A rename the server announced keeps the folder and its messages. */
      if (folder_id == 0 && info->old_name != NULL
          && !tidings_store_find_folder (store, account_id, info->old_name, &folder_id, error))
        return FALSE;

      if (folder_id != 0)
        {
          folder = tidings_store_get_folder (store, folder_id, error);
          if (folder == NULL)
            return FALSE;
          if (g_strcmp0 (folder->path, info->name) == 0 && folder->role == roles[i]
              && folder->parent_id == parent_id && folder->sort_key == (gint64) i)
            continue;
        }
      else
        {
          folder = tidings_store_folder_new ();
          folder->account_id = account_id;
        }
      g_free (folder->path);
      folder->path = g_strdup (info->name);
      g_free (folder->name);
      folder->name = g_strdup (last_component (info->name, info->delimiter));
      folder->role = roles[i];
      folder->parent_id = parent_id;
      folder->sort_key = i;
      if (folder_id != 0 ? !tidings_store_update_folder (store, folder, error)
                         : !tidings_store_add_folder (store, folder, NULL, error))
        return FALSE;
    }

  existing = tidings_store_list_folders (store, account_id, error);
  if (existing == NULL)
    return FALSE;
  for (guint i = 0; i < existing->len; i++)
    {
      const TidingsStoreFolder *folder = g_ptr_array_index (existing, i);
      gint64 still_id = 0;

      if (g_hash_table_contains (listed, folder->path))
        continue;
      /* A child may already be gone with its parent (ON DELETE CASCADE). */
      if (!tidings_store_find_folder (store, account_id, folder->path, &still_id, error))
        return FALSE;
      if (still_id != 0 && !tidings_store_remove_folder (store, still_id, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * tidings_imap_folder_list_apply:
 */
gboolean
tidings_imap_folder_list_apply (TidingsStore  *store,
                                gint64         account_id,
                                GPtrArray     *mailboxes,
                                GError       **error)
{
  g_autoptr(GPtrArray) infos = g_ptr_array_new ();
  g_autoptr(TidingsStoreTransaction) tx = NULL;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), FALSE);
  g_return_val_if_fail (mailboxes != NULL, FALSE);

  for (guint i = 0; i < mailboxes->len; i++)
    {
      TidingsImapMailboxInfo *info = g_ptr_array_index (mailboxes, i);

      if (is_selectable (info))
        g_ptr_array_add (infos, info);
    }
  /* Parents sort before their children. */
  g_ptr_array_sort (infos, compare_by_name);

  tx = tidings_store_transaction_begin (store, error);
  if (tx == NULL || !apply (store, account_id, infos, error))
    return FALSE;
  return tidings_store_transaction_commit (tx, error);
}
