/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_SUMMARY (tidings_mime_summary_get_type ())

/**
 * TidingsMimeSummary:
 * @message_id: Message-ID without angle brackets, or NULL
 * @in_reply_to: the first ID of In-Reply-To, or NULL
 * @references: References, oldest first; never NULL
 * @subject: decoded subject; never NULL
 * @from: "Name <address>" of the first From (else Sender); never NULL
 * @from_address: its bare address; never NULL
 * @to: To as "Name <address>, ..."; never NULL
 * @cc: Cc, the same way; never NULL
 * @list_id: the List-Id identifier, or NULL
 * @date: Unix seconds from Date, else Received, else the fallback given
 * @preview: at most TIDINGS_MIME_SUMMARY_MAX_PREVIEW characters on one
 *   line, quotes and signature left out where they can be told apart
 * @has_attachments: whether the sender attached files
 * @body_text: the body as plain text for full-text search, at most
 *   TIDINGS_MIME_SUMMARY_MAX_BODY bytes; never NULL
 *
 * What the store needs on insert. Every string is valid UTF-8. Read the
 * fields; do not change them.
 */
typedef struct _TidingsMimeSummary TidingsMimeSummary;

struct _TidingsMimeSummary
{
  char *message_id;
  char *in_reply_to;
  char **references;
  char *subject;
  char *from;
  char *from_address;
  char *to;
  char *cc;
  char *list_id;
  gint64 date;
  char *preview;
  gboolean has_attachments;
  char *body_text;
};

GType               tidings_mime_summary_get_type   (void) G_GNUC_CONST;
TidingsMimeSummary *tidings_mime_summary_new        (GBytes                   *raw,
                                                     gint64                    fallback_date,
                                                     GError                  **error);
TidingsMimeSummary *tidings_mime_summary_copy       (const TidingsMimeSummary *self);
void                tidings_mime_summary_free       (TidingsMimeSummary       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsMimeSummary, tidings_mime_summary_free)

G_END_DECLS
