/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-error.h"
#include "tidings-imap-response-private.h"

G_BEGIN_DECLS

/* Decoded structures point into their response's strings instead of copying
 * them, and carve their own arrays out of an arena: the holder keeps both
 * and is freed with the structure. */
typedef struct
{
  TidingsImapResponse *response;
  TidingsImapArena     arena;
} TidingsImapHolder;

TidingsImapHolder *tidings_imap_holder_new     (TidingsImapResponse *response);
void               tidings_imap_holder_free    (TidingsImapHolder   *holder);
gpointer           tidings_imap_holder_alloc0  (TidingsImapHolder   *holder,
                                                gsize                size);
char              *tidings_imap_holder_strdup  (TidingsImapHolder   *holder,
                                                const char          *s,
                                                gsize                len);
const char       **tidings_imap_holder_strv    (TidingsImapHolder      *holder,
                                                const TidingsImapValue *list,
                                                guint                   first);
char              *tidings_imap_holder_mailbox_name (TidingsImapHolder *holder,
                                                     const char        *raw,
                                                     gsize              len);

gboolean tidings_imap_decode_expect    (TidingsImapResponse  *response,
                                        const char           *name,
                                        GError              **error);
gboolean tidings_imap_decode_malformed (TidingsImapResponse  *response,
                                        const char           *what,
                                        GError              **error);
const char *tidings_imap_decode_string (const TidingsImapValue *value);

G_END_DECLS
