/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the mime unit tests. */
#pragma once

#include <string.h>
#include <glib.h>

#include "tidings-engine.h"
#include "mime/tidings-mime.h"

static inline GBytes *
mime_test_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "unit", "mime", "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("cannot read fixture %s: %s", path, error->message);
  return g_bytes_new_take (contents, length);
}

static inline GBytes *
mime_test_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static inline void
mime_test_assert_utf8 (const char *text)
{
  if (text != NULL)
    g_assert_true (g_utf8_validate (text, -1, NULL));
}

static inline void
mime_test_assert_addresses (GPtrArray *list)
{
  g_assert_nonnull (list);
  for (guint i = 0; i < list->len; i++)
    {
      mime_test_assert_utf8 (tidings_mime_address_get_name (list->pdata[i]));
      mime_test_assert_utf8 (tidings_mime_address_get_address (list->pdata[i]));
    }
}

/* Every string the model hands out is valid UTF-8, every attachment reads. */
static inline void
mime_test_assert_message_sane (TidingsMimeMessage *message)
{
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);
  const char * const *refs = tidings_mime_message_get_references (message);
  g_autofree char *plain = tidings_mime_message_dup_plain_text (message);

  g_assert_nonnull (tidings_mime_message_get_subject (message));
  mime_test_assert_utf8 (tidings_mime_message_get_subject (message));
  mime_test_assert_addresses (tidings_mime_message_get_from (message));
  mime_test_assert_addresses (tidings_mime_message_get_sender (message));
  mime_test_assert_addresses (tidings_mime_message_get_reply_to (message));
  mime_test_assert_addresses (tidings_mime_message_get_to (message));
  mime_test_assert_addresses (tidings_mime_message_get_cc (message));
  mime_test_assert_addresses (tidings_mime_message_get_bcc (message));
  mime_test_assert_utf8 (tidings_mime_message_get_message_id (message));
  mime_test_assert_utf8 (tidings_mime_message_get_in_reply_to (message));
  g_assert_nonnull (refs);
  for (gsize i = 0; refs[i] != NULL; i++)
    mime_test_assert_utf8 (refs[i]);
  mime_test_assert_utf8 (tidings_mime_message_get_list_id (message));
  mime_test_assert_utf8 (tidings_mime_message_get_list_post (message));
  mime_test_assert_utf8 (tidings_mime_message_get_text (message));
  mime_test_assert_utf8 (tidings_mime_message_get_html (message));
  mime_test_assert_utf8 (plain);

  for (guint i = 0; i < attachments->len; i++)
    {
      TidingsMimeAttachment *attachment = attachments->pdata[i];
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *safe = tidings_mime_attachment_dup_safe_filename (attachment);

      mime_test_assert_utf8 (tidings_mime_attachment_get_filename (attachment));
      mime_test_assert_utf8 (tidings_mime_attachment_get_content_id (attachment));
      mime_test_assert_utf8 (tidings_mime_attachment_get_description (attachment));
      mime_test_assert_utf8 (safe);
      g_assert_cmpuint (strlen (safe), >, 0);
      g_assert_null (strchr (safe, '/'));
      g_assert_nonnull (strchr (tidings_mime_attachment_get_content_type (attachment), '/'));
      bytes = tidings_mime_attachment_get_bytes (attachment, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, tidings_mime_attachment_get_size (attachment));
    }
}

static inline void
mime_test_assert_summary_sane (const TidingsMimeSummary *summary)
{
  g_assert_nonnull (summary->subject);
  g_assert_nonnull (summary->from);
  g_assert_nonnull (summary->from_address);
  g_assert_nonnull (summary->to);
  g_assert_nonnull (summary->cc);
  g_assert_nonnull (summary->references);
  g_assert_nonnull (summary->preview);
  g_assert_nonnull (summary->body_text);
  mime_test_assert_utf8 (summary->message_id);
  mime_test_assert_utf8 (summary->in_reply_to);
  mime_test_assert_utf8 (summary->subject);
  mime_test_assert_utf8 (summary->from);
  mime_test_assert_utf8 (summary->from_address);
  mime_test_assert_utf8 (summary->to);
  mime_test_assert_utf8 (summary->cc);
  mime_test_assert_utf8 (summary->list_id);
  mime_test_assert_utf8 (summary->preview);
  mime_test_assert_utf8 (summary->body_text);
  for (gsize i = 0; summary->references[i] != NULL; i++)
    mime_test_assert_utf8 (summary->references[i]);
  g_assert_cmpint (g_utf8_strlen (summary->preview, -1), <=, TIDINGS_MIME_SUMMARY_MAX_PREVIEW);
  g_assert_null (strchr (summary->preview, '\n'));
  g_assert_cmpuint (strlen (summary->body_text), <=, TIDINGS_MIME_SUMMARY_MAX_BODY);
}
