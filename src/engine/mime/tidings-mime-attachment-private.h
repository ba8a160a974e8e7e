/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-private.h"
#include "tidings-mime-attachment.h"

G_BEGIN_DECLS

TidingsMimeAttachment *_tidings_mime_attachment_new_from_leaf (const TidingsMimeLeaf *leaf,
                                                               guint                  depth);

G_END_DECLS
