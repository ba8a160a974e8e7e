/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-response.h"

G_BEGIN_DECLS

/**
 * TidingsImapCapabilities:
 *
 * The set of capability names a server announced, in upper case, from
 * "* CAPABILITY ..." or a "[CAPABILITY ...]" response code.
 */
typedef struct _TidingsImapCapabilities TidingsImapCapabilities;

#define TIDINGS_TYPE_IMAP_CAPABILITIES (tidings_imap_capabilities_get_type ())

GType                    tidings_imap_capabilities_get_type    (void) G_GNUC_CONST;
TidingsImapCapabilities *tidings_imap_capabilities_decode      (TidingsImapResponse     *response,
                                                                GError                 **error);
TidingsImapCapabilities *tidings_imap_capabilities_new         (const char * const      *names);
TidingsImapCapabilities *tidings_imap_capabilities_ref         (TidingsImapCapabilities *caps);
void                     tidings_imap_capabilities_unref       (TidingsImapCapabilities *caps);
gboolean                 tidings_imap_capabilities_has         (TidingsImapCapabilities *caps,
                                                                const char              *name);
gboolean                 tidings_imap_capabilities_has_auth    (TidingsImapCapabilities *caps,
                                                                const char              *mechanism);
const char * const      *tidings_imap_capabilities_get_names   (TidingsImapCapabilities *caps);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapCapabilities, tidings_imap_capabilities_unref)

G_END_DECLS
