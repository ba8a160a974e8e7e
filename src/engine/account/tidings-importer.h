/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-importer.h: mbox files and Maildir folders into Local Folders.
 *
 * Importing is safe to repeat: a message whose exact bytes are already in
 * the target folder is skipped, so an import that was stopped half way is
 * finished by running it again. Messages are committed in batches; a crash
 * loses at most the batch being written, which the next run imports.
 *
 * The importer runs on the thread that owns the store (the engine thread,
 * or the CLI's only thread) and reports through its signals:
 *   progress (guint64 done, guint64 total)   bytes of an mbox, files of a
 *                                             Maildir; at most ~10 per second
 *   indexing (guint64 done, guint64 total)   after the messages are in,
 *                                             indexing their text for search
 *   message-failed (const char *where, GError *error)
 *                                             a message that could not be
 *                                             read; the import goes on */
#pragma once

#include "store/tidings-store.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_IMPORTER (tidings_importer_get_type ())
G_DECLARE_FINAL_TYPE (TidingsImporter, tidings_importer, TIDINGS, IMPORTER, GObject)

TidingsImporter *tidings_importer_new             (TidingsStore     *store);

gboolean         tidings_importer_import_mbox     (TidingsImporter  *self,
                                                   const char       *path,
                                                   const char       *folder_name,
                                                   GCancellable     *cancellable,
                                                   GError          **error);
gboolean         tidings_importer_import_maildir  (TidingsImporter  *self,
                                                   const char       *path,
                                                   const char       *folder_name,
                                                   GCancellable     *cancellable,
                                                   GError          **error);

gint64           tidings_importer_get_folder_id   (TidingsImporter  *self);
guint            tidings_importer_get_n_imported  (TidingsImporter  *self);
guint            tidings_importer_get_n_skipped   (TidingsImporter  *self);
guint            tidings_importer_get_n_failed    (TidingsImporter  *self);

char            *tidings_importer_folder_name_for_path (const char *path);

G_END_DECLS
