/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-local-folders.h: the "Local Folders" account, home of imported
 * mail and of folders that exist only on this computer. */
#pragma once

#include "store/tidings-store.h"

G_BEGIN_DECLS

#define TIDINGS_LOCAL_FOLDERS_KIND "local"

gboolean tidings_local_folders_ensure        (TidingsStore  *store,
                                              gint64        *out_account_id,
                                              GError       **error);
gboolean tidings_local_folders_ensure_folder (TidingsStore  *store,
                                              gint64         account_id,
                                              const char    *name,
                                              gint64        *out_folder_id,
                                              GError       **error);

G_END_DECLS
