/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-decode-private.h"
#include "tidings-imap-envelope.h"

G_BEGIN_DECLS

TidingsImapEnvelope *tidings_imap_envelope_decode (TidingsImapHolder      *holder,
                                                   const TidingsImapValue *value);

G_END_DECLS
