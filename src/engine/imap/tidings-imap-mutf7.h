/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Modified UTF-7 (RFC 3501 §5.1.3), the encoding of IMAP mailbox names. */

char *tidings_imap_mutf7_decode (const char  *mutf7,
                                 gssize       length,
                                 GError     **error);
char *tidings_imap_mutf7_encode (const char  *utf8,
                                 gssize       length);

G_END_DECLS
