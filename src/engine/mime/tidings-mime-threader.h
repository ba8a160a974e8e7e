/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tidings-mime-thread-node.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_THREADER (tidings_mime_threader_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeThreader, tidings_mime_threader, TIDINGS, MIME_THREADER, GObject)

TidingsMimeThreader *tidings_mime_threader_new            (void);
void                 tidings_mime_threader_add            (TidingsMimeThreader *self,
                                                           gint64               key,
                                                           const char          *message_id,
                                                           const char          *in_reply_to,
                                                           const char * const  *references,
                                                           const char          *subject,
                                                           gint64               date);
guint                tidings_mime_threader_get_n_messages (TidingsMimeThreader *self);
GPtrArray           *tidings_mime_threader_build          (TidingsMimeThreader *self);

G_END_DECLS
