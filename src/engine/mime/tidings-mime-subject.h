/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *tidings_mime_normalize_subject (const char *subject);
char     *tidings_mime_base_subject      (const char *subject);
gboolean  tidings_mime_subject_is_reply  (const char *subject);
char     *tidings_mime_reply_subject     (const char *subject);
char     *tidings_mime_forward_subject   (const char *subject);

G_END_DECLS
