/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-response.h"
#include "tidings-imap-sequence-set.h"

G_BEGIN_DECLS

/* Decoders for the small untagged responses. Each fails with
 * TIDINGS_IMAP_ERROR_UNEXPECTED on a response of another kind and with
 * TIDINGS_IMAP_ERROR_MALFORMED when the contents do not fit. */

gboolean     tidings_imap_decode_exists   (TidingsImapResponse     *response,
                                           guint32                 *count,
                                           GError                 **error);
gboolean     tidings_imap_decode_recent   (TidingsImapResponse     *response,
                                           guint32                 *count,
                                           GError                 **error);
gboolean     tidings_imap_decode_expunge  (TidingsImapResponse     *response,
                                           guint32                 *seq,
                                           GError                 **error);
char       **tidings_imap_decode_enabled  (TidingsImapResponse     *response,
                                           GError                 **error);
char       **tidings_imap_decode_flags    (TidingsImapResponse     *response,
                                           GError                 **error);
gboolean     tidings_imap_decode_vanished (TidingsImapResponse     *response,
                                           gboolean                *earlier,
                                           TidingsImapSequenceSet **uids,
                                           GError                 **error);
GHashTable  *tidings_imap_decode_id       (TidingsImapResponse     *response,
                                           GError                 **error);

G_END_DECLS
