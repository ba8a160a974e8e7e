/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-private.h"
#include "tidings-mime-message.h"

G_BEGIN_DECLS

TidingsMimeMessage *_tidings_mime_message_new_at_depth (GBytes  *raw,
                                                        guint    depth,
                                                        GError **error);

G_END_DECLS
