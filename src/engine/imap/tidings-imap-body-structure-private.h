/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-body-structure.h"
#include "tidings-imap-decode-private.h"

G_BEGIN_DECLS

TidingsImapBodyPart *tidings_imap_body_structure_decode (TidingsImapHolder      *holder,
                                                         const TidingsImapValue *value);

G_END_DECLS
