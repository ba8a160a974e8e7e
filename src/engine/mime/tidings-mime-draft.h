/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tidings-mime-address.h"
#include "tidings-mime-attachment.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_DRAFT (tidings_mime_draft_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeDraft, tidings_mime_draft, TIDINGS, MIME_DRAFT, GObject)

TidingsMimeDraft   *tidings_mime_draft_new                       (void);

void                tidings_mime_draft_set_from                  (TidingsMimeDraft      *self,
                                                                  const char            *name,
                                                                  const char            *address);
TidingsMimeAddress *tidings_mime_draft_get_from                  (TidingsMimeDraft      *self);
void                tidings_mime_draft_add_to                    (TidingsMimeDraft      *self,
                                                                  const char            *name,
                                                                  const char            *address);
void                tidings_mime_draft_add_cc                    (TidingsMimeDraft      *self,
                                                                  const char            *name,
                                                                  const char            *address);
void                tidings_mime_draft_add_bcc                   (TidingsMimeDraft      *self,
                                                                  const char            *name,
                                                                  const char            *address);
void                tidings_mime_draft_add_reply_to              (TidingsMimeDraft      *self,
                                                                  const char            *name,
                                                                  const char            *address);
GPtrArray          *tidings_mime_draft_get_to                    (TidingsMimeDraft      *self);
GPtrArray          *tidings_mime_draft_get_cc                    (TidingsMimeDraft      *self);
GPtrArray          *tidings_mime_draft_get_bcc                   (TidingsMimeDraft      *self);
GPtrArray          *tidings_mime_draft_get_reply_to              (TidingsMimeDraft      *self);
char              **tidings_mime_draft_dup_envelope_recipients   (TidingsMimeDraft      *self);

void                tidings_mime_draft_set_subject               (TidingsMimeDraft      *self,
                                                                  const char            *subject);
const char         *tidings_mime_draft_get_subject               (TidingsMimeDraft      *self);
void                tidings_mime_draft_set_body                  (TidingsMimeDraft      *self,
                                                                  const char            *text);
const char         *tidings_mime_draft_get_body                  (TidingsMimeDraft      *self);
void                tidings_mime_draft_add_attachment            (TidingsMimeDraft      *self,
                                                                  TidingsMimeAttachment *attachment);
GPtrArray          *tidings_mime_draft_get_attachments           (TidingsMimeDraft      *self);

void                tidings_mime_draft_set_in_reply_to           (TidingsMimeDraft      *self,
                                                                  const char            *message_id);
const char         *tidings_mime_draft_get_in_reply_to           (TidingsMimeDraft      *self);
void                tidings_mime_draft_set_references            (TidingsMimeDraft      *self,
                                                                  const char * const    *message_ids);
const char * const *tidings_mime_draft_get_references            (TidingsMimeDraft      *self);
void                tidings_mime_draft_add_header                (TidingsMimeDraft      *self,
                                                                  const char            *name,
                                                                  const char            *value);
guint               tidings_mime_draft_get_n_headers             (TidingsMimeDraft      *self);
void                tidings_mime_draft_get_header                (TidingsMimeDraft      *self,
                                                                  guint                  index,
                                                                  const char           **name,
                                                                  const char           **value);

void                tidings_mime_draft_set_date                  (TidingsMimeDraft      *self,
                                                                  GDateTime             *date);
GDateTime          *tidings_mime_draft_get_date                  (TidingsMimeDraft      *self);
void                tidings_mime_draft_set_message_id            (TidingsMimeDraft      *self,
                                                                  const char            *message_id);
const char         *tidings_mime_draft_get_message_id            (TidingsMimeDraft      *self);
void                tidings_mime_draft_set_allow_8bit            (TidingsMimeDraft      *self,
                                                                  gboolean               allow);
gboolean            tidings_mime_draft_get_allow_8bit            (TidingsMimeDraft      *self);

GBytes             *tidings_mime_draft_to_bytes                  (TidingsMimeDraft      *self,
                                                                  GError               **error);

G_END_DECLS
