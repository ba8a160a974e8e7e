/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-folders.h: the folders a POP3 account keeps its mail in.
 *
 * POP3 mail lives on this computer, in folders of the account itself:
 * "INBOX" (downloads), "Sent" (the SMTP sender's copies), "Drafts" and
 * "Trash", each with its role. */
#pragma once

#include "store/tidings-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 inbox;
  gint64 sent;
  gint64 drafts;
  gint64 trash;
} TidingsPop3Folders;

/* Finds the four folders, creating the missing ones in one transaction
 * (call it outside one). @out may be NULL. */
gboolean tidings_pop3_folders_ensure (TidingsStore       *store,
                                      gint64              account_id,
                                      TidingsPop3Folders *out,
                                      GError            **error);

G_END_DECLS
