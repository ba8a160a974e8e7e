/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _TidingsMimeMessage TidingsMimeMessage;

#define TIDINGS_TYPE_MIME_ATTACHMENT (tidings_mime_attachment_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeAttachment, tidings_mime_attachment, TIDINGS, MIME_ATTACHMENT, GObject)

TidingsMimeAttachment *tidings_mime_attachment_new               (const char             *filename,
                                                                  const char             *content_type,
                                                                  GBytes                 *data);
const char            *tidings_mime_attachment_get_filename      (TidingsMimeAttachment  *self);
char                  *tidings_mime_attachment_dup_safe_filename (TidingsMimeAttachment  *self);
const char            *tidings_mime_attachment_get_content_type  (TidingsMimeAttachment  *self);
const char            *tidings_mime_attachment_get_charset       (TidingsMimeAttachment  *self);
const char            *tidings_mime_attachment_get_content_id    (TidingsMimeAttachment  *self);
const char            *tidings_mime_attachment_get_description   (TidingsMimeAttachment  *self);
gboolean               tidings_mime_attachment_is_inline         (TidingsMimeAttachment  *self);
guint64                tidings_mime_attachment_get_size          (TidingsMimeAttachment  *self);
gboolean               tidings_mime_attachment_is_message        (TidingsMimeAttachment  *self);
GBytes                *tidings_mime_attachment_get_bytes         (TidingsMimeAttachment  *self,
                                                                  GError                **error);
TidingsMimeMessage    *tidings_mime_attachment_open_message      (TidingsMimeAttachment  *self,
                                                                  GError                **error);

G_END_DECLS
