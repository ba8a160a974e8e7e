/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-thread-node.h"

G_BEGIN_DECLS

TidingsMimeThreadNode *_tidings_mime_thread_node_new       (gboolean               has_message,
                                                            gint64                 key,
                                                            const char            *message_id,
                                                            gint64                 date);
void                   _tidings_mime_thread_node_add_child (TidingsMimeThreadNode *self,
                                                            TidingsMimeThreadNode *child);

G_END_DECLS
