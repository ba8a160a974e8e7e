/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-folder-list.h: an IMAP LIST reply -> the account's folders.
 *
 * Adds folders the server has, removes the ones it no longer lists (with
 * their messages), follows renames announced with OLDNAME, and gives each
 * folder its role: SPECIAL-USE attributes first, then well-known names
 * ("Sent", "Sent Items", "Trash", "Deleted Items", "Junk", "Spam",
 * "Drafts", "Archive") for roles no attribute claimed. One transaction. */
#pragma once

#include "store/tidings-store.h"

G_BEGIN_DECLS

/* @mailboxes: TidingsImapMailboxInfo from tidings_imap_client_list_finish(). */
gboolean          tidings_imap_folder_list_apply (TidingsStore  *store,
                                                  gint64         account_id,
                                                  GPtrArray     *mailboxes,
                                                  GError       **error);

/* The role a name alone suggests (last path component, any case). */
TidingsFolderRole tidings_imap_folder_role_for_name (const char *path,
                                                     char        delimiter);

G_END_DECLS
