/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-bodies.h: whole messages (BODY.PEEK[]) into the store.
 *
 * Each body is stored with tidings_store_set_body() in the FULL state with
 * its plain text for search and a preview. Bodies arrive one FETCH reply
 * at a time (each bounded by the reader's literal limit) and are committed
 * in small batches, so memory does not grow with the number of messages. */
#pragma once

#include "imap/tidings-imap-client.h"
#include "store/tidings-store.h"

G_BEGIN_DECLS

/* Bodies of @folder_id's messages with an INTERNALDATE on or after @since
 * (Unix time; 0: every message) that the store does not have whole yet,
 * newest first. Selects the folder unless it is selected. */
void     tidings_imap_bodies_sync_async   (TidingsStore        *store,
                                           TidingsImapClient   *client,
                                           gint64               folder_id,
                                           gint64               since,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean tidings_imap_bodies_sync_finish  (GAsyncResult        *result,
                                           guint               *out_n_fetched,
                                           GError             **error);

/* One message's body, fetched, stored and returned. */
void     tidings_imap_body_fetch_async    (TidingsStore        *store,
                                           TidingsImapClient   *client,
                                           gint64               message_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes  *tidings_imap_body_fetch_finish   (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
