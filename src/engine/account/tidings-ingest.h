/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-ingest.h: a raw RFC 822 message made into the record the store
 * takes, for every path by which whole messages arrive (import, POP3). */
#pragma once

#include "store/tidings-store.h"

G_BEGIN_DECLS

TidingsStoreMessage *tidings_ingest_message (GBytes   *raw,
                                             gint64    folder_id,
                                             gint64    fallback_date,
                                             GError  **error);

char                *tidings_ingest_content_key (GBytes *raw);

G_END_DECLS
