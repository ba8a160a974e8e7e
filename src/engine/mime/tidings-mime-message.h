/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tidings-mime-address.h"
#include "tidings-mime-attachment.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_MESSAGE (tidings_mime_message_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeMessage, tidings_mime_message, TIDINGS, MIME_MESSAGE, GObject)

TidingsMimeMessage    *tidings_mime_message_new_from_bytes      (GBytes              *raw,
                                                                 GError             **error);
GBytes                *tidings_mime_message_get_raw             (TidingsMimeMessage  *self);
const char            *tidings_mime_message_get_subject         (TidingsMimeMessage  *self);
GPtrArray             *tidings_mime_message_get_from            (TidingsMimeMessage  *self);
GPtrArray             *tidings_mime_message_get_sender          (TidingsMimeMessage  *self);
GPtrArray             *tidings_mime_message_get_reply_to        (TidingsMimeMessage  *self);
GPtrArray             *tidings_mime_message_get_to              (TidingsMimeMessage  *self);
GPtrArray             *tidings_mime_message_get_cc              (TidingsMimeMessage  *self);
GPtrArray             *tidings_mime_message_get_bcc             (TidingsMimeMessage  *self);
GDateTime             *tidings_mime_message_get_date            (TidingsMimeMessage  *self);
gint64                 tidings_mime_message_get_date_unix       (TidingsMimeMessage  *self);
const char            *tidings_mime_message_get_message_id      (TidingsMimeMessage  *self);
const char            *tidings_mime_message_get_in_reply_to     (TidingsMimeMessage  *self);
const char * const    *tidings_mime_message_get_references      (TidingsMimeMessage  *self);
const char            *tidings_mime_message_get_list_id         (TidingsMimeMessage  *self);
const char            *tidings_mime_message_get_list_post       (TidingsMimeMessage  *self);
char                  *tidings_mime_message_dup_header          (TidingsMimeMessage  *self,
                                                                 const char          *name);
const char            *tidings_mime_message_get_text            (TidingsMimeMessage  *self);
const char            *tidings_mime_message_get_html            (TidingsMimeMessage  *self);
char                  *tidings_mime_message_dup_plain_text      (TidingsMimeMessage  *self);
GPtrArray             *tidings_mime_message_get_attachments     (TidingsMimeMessage  *self);
TidingsMimeAttachment *tidings_mime_message_get_part_by_cid     (TidingsMimeMessage  *self,
                                                                 const char          *content_id);
guint                  tidings_mime_message_get_depth           (TidingsMimeMessage  *self);
gboolean               tidings_mime_message_is_truncated        (TidingsMimeMessage  *self);

G_END_DECLS
