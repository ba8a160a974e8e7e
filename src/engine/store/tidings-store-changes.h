/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-changes.h: what one committed write transaction changed.
 *
 * A TidingsStoreChanges is immutable once emitted with TidingsStore::changed
 * and reference counted, so it can be handed to another thread as it is.
 *
 * Per folder it lists message ids added, changed and removed, each sorted
 * ascending.  Within one transaction the net effect is reported: a message
 * added and then changed is only "added"; added and removed again is not
 * reported at all; moved from A to B is "removed" in A and "added" in B.
 * Folders whose counts or fields changed are listed separately, as are
 * folders added and removed (a removed folder lists no message ids). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _TidingsStoreChanges TidingsStoreChanges;

#define TIDINGS_TYPE_STORE_CHANGES (tidings_store_changes_get_type ())
GType                tidings_store_changes_get_type (void) G_GNUC_CONST;
TidingsStoreChanges *tidings_store_changes_ref      (TidingsStoreChanges *self);
void                 tidings_store_changes_unref    (TidingsStoreChanges *self);

gboolean      tidings_store_changes_is_empty              (TidingsStoreChanges *self);

/* Folders with message ids in the lists below, sorted ascending. */
const gint64 *tidings_store_changes_get_message_folders   (TidingsStoreChanges *self,
                                                           guint               *n_folders);
const gint64 *tidings_store_changes_get_added             (TidingsStoreChanges *self,
                                                           gint64               folder_id,
                                                           guint               *n_ids);
const gint64 *tidings_store_changes_get_changed           (TidingsStoreChanges *self,
                                                           gint64               folder_id,
                                                           guint               *n_ids);
const gint64 *tidings_store_changes_get_removed           (TidingsStoreChanges *self,
                                                           gint64               folder_id,
                                                           guint               *n_ids);

/* Folders whose counts or metadata changed (not including added ones). */
const gint64 *tidings_store_changes_get_folders_changed   (TidingsStoreChanges *self,
                                                           guint               *n_folders);
const gint64 *tidings_store_changes_get_folders_added     (TidingsStoreChanges *self,
                                                           guint               *n_folders);
const gint64 *tidings_store_changes_get_folders_removed   (TidingsStoreChanges *self,
                                                           guint               *n_folders);

gboolean      tidings_store_changes_get_accounts_changed   (TidingsStoreChanges *self);
gboolean      tidings_store_changes_get_operations_changed (TidingsStoreChanges *self);
gboolean      tidings_store_changes_get_outbox_changed     (TidingsStoreChanges *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreChanges, tidings_store_changes_unref)

G_END_DECLS
