/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-mbox-entry.h"

G_BEGIN_DECLS

TidingsMimeMboxEntry *_tidings_mime_mbox_entry_new  (GBytes     *bytes,
                                                     GError     *error,
                                                     goffset     start,
                                                     goffset     end,
                                                     const char *from_line,
                                                     gsize       from_line_len);
GDateTime            *_tidings_mime_mbox_parse_date (const char *text);
gboolean              _tidings_mime_mbox_has_time   (const char *line,
                                                     gsize       len);

G_END_DECLS
