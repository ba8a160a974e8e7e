/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outgoing messages (draft -> bytes -> parse round trips), and the reply,
 * reply-all, list reply and forward builders. */
#include "config.h"

#include <stdlib.h>

#include "mime-test-util.h"

static const char *const own_bob[] = { "bob@example.net", NULL };

static TidingsMimeMessage *
parse_bytes (GBytes *raw)
{
  g_autoptr(GError) error = NULL;
  TidingsMimeMessage *message = tidings_mime_message_new_from_bytes (raw, &error);

  g_assert_no_error (error);
  mime_test_assert_message_sane (message);
  return message;
}

static TidingsMimeMessage *
parse_fixture (const char *name)
{
  g_autoptr(GBytes) raw = mime_test_fixture (name);

  return parse_bytes (raw);
}

static GBytes *
draft_bytes (TidingsMimeDraft *draft)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = tidings_mime_draft_to_bytes (draft, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

/* CRLF everywhere, no line over 998 bytes, headers in 7-bit ASCII. */
static void
assert_wire_format (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  gsize line_start = 0;
  gboolean in_headers = TRUE;

  for (gsize i = 0; i < size; i++)
    {
      if (in_headers)
        g_assert_cmpuint ((guchar) data[i], <, 0x80);
      if (data[i] == '\n')
        {
          g_assert_cmpuint (i, >, 0);
          g_assert_cmpint (data[i - 1], ==, '\r');
          g_assert_cmpuint (i - 1 - line_start, <=, 998);
          if (i - 1 == line_start)
            in_headers = FALSE;
          line_start = i + 1;
        }
    }
  g_assert_cmpuint (size - line_start, <=, 998);
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return g_strstr_len (data, size, needle) != NULL;
}

static char *
header_block (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *end = g_strstr_len (data, size, "\r\n\r\n");

  g_assert_nonnull (end);
  return g_strndup (data, end - data + 2);
}

static const char *body_text =
  "Gr\xc3\xbc\xc3\x9f" "e Bob,\n"
  "\n"
  "This paragraph is long enough that it has to be wrapped by the flowed encoder "
  "at about seventy-two characters, and it holds non-ASCII text \xe2\x80\x94 "
  "caf\xc3\xa9, na\xc3\xafve, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x80\x94 so the "
  "transfer encoding must be quoted-printable unless 8bit is allowed.\n"
  "From the start of a line, this must be space-stuffed.\n"
  " Indented line.\n"
  "> A quoted line that is also rather long, long enough to need wrapping over more than one line of text.\n"
  ">> Deeper.\n"
  "\n"
  "-- \n"
  "Zo\xc3\xab\n";

static TidingsMimeDraft *
full_draft (void)
{
  TidingsMimeDraft *draft = tidings_mime_draft_new ();
  g_autoptr(GDateTime) date = g_date_time_new_utc (2023, 3, 21, 9, 15, 0);
  guint8 binary[10000];
  g_autoptr(GBytes) binary_bytes = NULL;
  g_autoptr(GBytes) text_bytes = NULL;
  g_autoptr(TidingsMimeAttachment) a1 = NULL;
  g_autoptr(TidingsMimeAttachment) a2 = NULL;
  g_autoptr(TidingsMimeAttachment) a3 = NULL;
  static const char *const refs[] = { "<root@example.org>", "parent@example.org", NULL };
  g_autoptr(GString) long_name = g_string_new (NULL);

  for (gsize i = 0; i < sizeof binary; i++)
    binary[i] = (guint8) ((i * 7919 + 13) % 256);
  binary_bytes = g_bytes_new (binary, sizeof binary);
  text_bytes = mime_test_bytes ("line one\r\nline two \xe2\x9c\x93\n");
  for (guint i = 0; i < 20; i++)
    g_string_append (long_name, "\xc3\xa9t\xc3\xa9 tr\xc3\xa8s long ");
  g_string_append (long_name, ".txt");

  tidings_mime_draft_set_from (draft, "Zo\xc3\xab \xc3\x9cnicode", "zoe@example.org");
  tidings_mime_draft_add_to (draft, "Bob \xe2\x80\x9cThe Builder\xe2\x80\x9d", "bob@example.net");
  tidings_mime_draft_add_to (draft, "Doe, Jane", "jane@example.com");
  tidings_mime_draft_add_cc (draft, NULL, "carol@example.com");
  tidings_mime_draft_add_bcc (draft, "Secret", "secret@example.net");
  tidings_mime_draft_add_bcc (draft, NULL, "BOB@example.net");
  tidings_mime_draft_add_reply_to (draft, "Zo\xc3\xab (lists)", "zoe+lists@example.org");
  tidings_mime_draft_set_subject (draft, "Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e: a subject that is long enough to need folding over several header lines");
  tidings_mime_draft_set_body (draft, body_text);
  tidings_mime_draft_set_in_reply_to (draft, "<parent@example.org>");
  tidings_mime_draft_set_references (draft, refs);
  tidings_mime_draft_add_header (draft, "X-Mailer", "Tidings \xe2\x9c\x89 0.1");
  tidings_mime_draft_set_date (draft, date);

  a1 = tidings_mime_attachment_new ("data.bin", "application/octet-stream", binary_bytes);
  a2 = tidings_mime_attachment_new ("notes \xc3\xa9t\xc3\xa9.txt", "text/plain", text_bytes);
  a3 = tidings_mime_attachment_new (long_name->str, "TEXT/Plain", text_bytes);
  tidings_mime_draft_add_attachment (draft, a1);
  tidings_mime_draft_add_attachment (draft, a2);
  tidings_mime_draft_add_attachment (draft, a3);

  return draft;
}

static void
test_round_trip (void)
{
  g_autoptr(TidingsMimeDraft) draft = full_draft ();
  g_autoptr(GBytes) bytes = draft_bytes (draft);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(TidingsMimeMessage) message = parse_bytes (bytes);
  g_autofree char *headers = header_block (bytes);
  g_auto(GStrv) envelope = tidings_mime_draft_dup_envelope_recipients (draft);
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);
  GPtrArray *sent = tidings_mime_draft_get_attachments (draft);
  const char *message_id = tidings_mime_draft_get_message_id (draft);
  const char * const *refs = tidings_mime_message_get_references (message);
  GPtrArray *to = tidings_mime_message_get_to (message);

  assert_wire_format (bytes);

  /* Bcc goes only to the envelope. */
  g_assert_false (bytes_contain (bytes, "secret@example.net"));
  g_assert_false (bytes_contain (bytes, "Bcc"));
  g_assert_false (bytes_contain (bytes, "BCC"));
  g_assert_null (strstr (headers, "Cc: \r\n"));
  g_assert_null (strstr (headers, "Reply-To: \r\n"));
  g_assert_cmpuint (g_strv_length (envelope), ==, 4);
  g_assert_cmpstr (envelope[0], ==, "bob@example.net");
  g_assert_cmpstr (envelope[1], ==, "jane@example.com");
  g_assert_cmpstr (envelope[2], ==, "carol@example.com");
  g_assert_cmpstr (envelope[3], ==, "secret@example.net");

  g_assert_nonnull (strstr (headers, "MIME-Version: 1.0\r\n"));
  g_assert_nonnull (strstr (headers, "Content-Type: multipart/mixed"));
  {
    g_autofree char *lower = g_ascii_strdown (headers, -1);

    g_assert_nonnull (strstr (lower, "=?utf-8?"));
  }
  g_assert_true (bytes_contain (bytes, "format=flowed"));
  g_assert_true (bytes_contain (bytes, "charset=utf-8"));
  g_assert_true (bytes_contain (bytes, "Content-Transfer-Encoding: quoted-printable"));
  g_assert_true (bytes_contain (bytes, "filename*=UTF-8''notes%20%C3%A9t%C3%A9.txt"));

  g_assert_nonnull (message_id);
  g_assert_true (g_str_has_suffix (message_id, "@example.org"));
  g_assert_cmpuint (strlen (message_id), >=, 32);
  g_assert_cmpstr (tidings_mime_message_get_message_id (message), ==, message_id);

  g_assert_cmpstr (tidings_mime_message_get_subject (message), ==, tidings_mime_draft_get_subject (draft));
  g_assert_cmpstr (tidings_mime_address_get_name (tidings_mime_message_get_from (message)->pdata[0]), ==, "Zo\xc3\xab \xc3\x9cnicode");
  g_assert_cmpstr (tidings_mime_address_get_address (tidings_mime_message_get_from (message)->pdata[0]), ==, "zoe@example.org");
  g_assert_cmpuint (to->len, ==, 2);
  g_assert_cmpstr (tidings_mime_address_get_name (to->pdata[0]), ==, "Bob \xe2\x80\x9cThe Builder\xe2\x80\x9d");
  g_assert_cmpstr (tidings_mime_address_get_name (to->pdata[1]), ==, "Doe, Jane");
  g_assert_cmpstr (tidings_mime_address_get_address (to->pdata[1]), ==, "jane@example.com");
  g_assert_cmpuint (tidings_mime_message_get_cc (message)->len, ==, 1);
  g_assert_cmpuint (tidings_mime_message_get_bcc (message)->len, ==, 0);
  g_assert_cmpstr (tidings_mime_address_get_address (tidings_mime_message_get_reply_to (message)->pdata[0]), ==, "zoe+lists@example.org");
  g_assert_cmpint (tidings_mime_message_get_date_unix (message), ==, 1679390100);
  g_assert_cmpstr (tidings_mime_message_get_in_reply_to (message), ==, "parent@example.org");
  g_assert_cmpuint (g_strv_length ((char **) refs), ==, 2);
  g_assert_cmpstr (refs[0], ==, "root@example.org");
  g_assert_cmpstr (refs[1], ==, "parent@example.org");
  {
    g_autofree char *mailer = tidings_mime_message_dup_header (message, "X-Mailer");

    g_assert_cmpstr (mailer, ==, "Tidings \xe2\x9c\x89 0.1");
  }

  /* format=flowed decodes back to exactly what was typed. */
  g_assert_cmpstr (tidings_mime_message_get_text (message), ==, body_text);

  g_assert_cmpuint (attachments->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) got = tidings_mime_attachment_get_bytes (attachments->pdata[i], NULL);
      g_autoptr(GBytes) want = tidings_mime_attachment_get_bytes (sent->pdata[i], NULL);

      g_autofree char *safe = tidings_mime_attachment_dup_safe_filename (sent->pdata[i]);

      g_assert_true (g_bytes_equal (got, want));
      /* Names go out as safe names: at most 200 bytes, extension kept. */
      g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[i]), ==, safe);
      g_assert_cmpstr (tidings_mime_attachment_get_content_type (attachments->pdata[i]), ==,
                       tidings_mime_attachment_get_content_type (sent->pdata[i]));
      g_assert_false (tidings_mime_attachment_is_inline (attachments->pdata[i]));
    }
  g_assert_cmpstr (tidings_mime_attachment_get_content_type (sent->pdata[2]), ==, "text/plain");
  g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[1]), ==, "notes \xc3\xa9t\xc3\xa9.txt");
  g_assert_true (g_str_has_suffix (tidings_mime_attachment_get_filename (attachments->pdata[2]), ".txt"));
  g_assert_cmpuint (strlen (tidings_mime_attachment_get_filename (attachments->pdata[2])), <=, 200);

  /* Writing again (a retried send) keeps the Message-ID. */
  again = draft_bytes (draft);
  g_assert_true (bytes_contain (again, message_id));
}

static void
test_flowed_lines (void)
{
  g_autoptr(TidingsMimeDraft) draft = full_draft ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) message = NULL;
  gsize size;
  const char *data;
  const char *body;
  const char *end;
  g_auto(GStrv) lines = NULL;
  guint soft = 0;

  g_ptr_array_set_size (tidings_mime_draft_get_attachments (draft), 0);
  tidings_mime_draft_set_allow_8bit (draft, TRUE);
  bytes = draft_bytes (draft);
  assert_wire_format (bytes);
  message = parse_bytes (bytes);
  g_assert_cmpstr (tidings_mime_message_get_text (message), ==, body_text);
  g_assert_true (bytes_contain (bytes, "Content-Transfer-Encoding: 8bit"));
  g_assert_false (bytes_contain (bytes, "multipart"));

  /* With 8bit the body lines in the bytes are the flowed lines. */
  data = g_bytes_get_data (bytes, &size);
  body = g_strstr_len (data, size, "\r\n\r\n") + 4;
  end = data + size;
  {
    g_autofree char *text = g_strndup (body, end - body);

    lines = g_strsplit (text, "\r\n", -1);
  }
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpint (g_utf8_strlen (lines[i], -1), <=, 78);
      if (g_str_has_suffix (lines[i], " ") && strcmp (lines[i], "-- ") != 0)
        soft++;
      if (g_str_has_prefix (lines[i], "From "))
        g_assert_not_reached ();
    }
  g_assert_cmpuint (soft, >=, 3);
  g_assert_true (bytes_contain (bytes, "\r\n From the start"));
  g_assert_true (bytes_contain (bytes, "\r\n  Indented line."));
  g_assert_true (bytes_contain (bytes, "\r\n> A quoted line"));
  g_assert_true (bytes_contain (bytes, "\r\n-- \r\n"));
}

static void
test_plain_ascii (void)
{
  g_autoptr(TidingsMimeDraft) draft = tidings_mime_draft_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) message = NULL;
  g_autofree char *headers = NULL;

  tidings_mime_draft_set_from (draft, "Ada", "ada@example.org");
  tidings_mime_draft_add_to (draft, NULL, "bob@example.net");
  tidings_mime_draft_set_subject (draft, "Plain\r\nBcc: injected@example.net");
  tidings_mime_draft_set_body (draft, "Just ASCII.\r\nTwo lines.");
  bytes = draft_bytes (draft);
  assert_wire_format (bytes);
  headers = header_block (bytes);

  g_assert_nonnull (strstr (headers, "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"));
  g_assert_nonnull (strstr (headers, "Content-Transfer-Encoding: 7bit\r\n"));
  g_assert_nonnull (strstr (headers, "Date: "));
  g_assert_null (strstr (headers, "\r\nBcc:"));

  message = parse_bytes (bytes);
  g_assert_cmpstr (tidings_mime_message_get_subject (message), ==, "Plain Bcc: injected@example.net");
  g_assert_cmpstr (tidings_mime_message_get_text (message), ==, "Just ASCII.\nTwo lines.\n");
  g_assert_cmpuint (tidings_mime_message_get_bcc (message)->len, ==, 0);
  g_assert_cmpint (ABS (tidings_mime_message_get_date_unix (message) - g_get_real_time () / G_USEC_PER_SEC), <, 60);
}

static void
test_long_words (void)
{
  g_autoptr(TidingsMimeDraft) draft = tidings_mime_draft_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) message = NULL;
  g_autoptr(GString) word = g_string_new ("https://example.org/");
  g_autofree char *body = NULL;
  g_autofree char *subject = NULL;

  while (word->len < 1500)
    g_string_append (word, "abcdefghij");
  body = g_strdup_printf ("A link: %s\nend\n", word->str);
  subject = g_strdup_printf ("Token %s", word->str);

  tidings_mime_draft_set_from (draft, NULL, "ada@example.org");
  tidings_mime_draft_add_to (draft, NULL, "bob@example.net");
  tidings_mime_draft_set_subject (draft, subject);
  tidings_mime_draft_set_body (draft, body);
  bytes = draft_bytes (draft);
  assert_wire_format (bytes);

  message = parse_bytes (bytes);
  g_assert_cmpstr (tidings_mime_message_get_text (message), ==, body);
  g_assert_cmpstr (tidings_mime_message_get_subject (message), ==, subject);

  /* A long word after an encoded one keeps the space between them, and
   * text that looks like an encoded word stays text. */
  {
    g_autofree char *tricky = g_strdup_printf ("R\xc3\xa9union %s =?utf-8?q?not=20encoded?= end", word->str);
    g_autoptr(GBytes) again = NULL;
    g_autoptr(TidingsMimeMessage) back = NULL;

    tidings_mime_draft_set_subject (draft, tricky);
    tidings_mime_draft_add_header (draft, "X-Tricky", tricky);
    again = draft_bytes (draft);
    assert_wire_format (again);
    back = parse_bytes (again);
    g_assert_cmpstr (tidings_mime_message_get_subject (back), ==, tricky);
    {
      g_autofree char *header = tidings_mime_message_dup_header (back, "X-Tricky");

      g_assert_cmpstr (header, ==, tricky);
    }
  }
}

static void
test_errors (void)
{
  g_autoptr(TidingsMimeDraft) draft = tidings_mime_draft_new ();
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  bytes = tidings_mime_draft_to_bytes (draft, &error);
  g_assert_null (bytes);
  g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_INVALID_DRAFT);
  g_clear_error (&error);

  tidings_mime_draft_set_from (draft, NULL, "ada@example.org");
  tidings_mime_draft_add_to (draft, NULL, "not an address");
  bytes = tidings_mime_draft_to_bytes (draft, &error);
  g_assert_null (bytes);
  g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_INVALID_DRAFT);
  g_assert_nonnull (strstr (error->message, "not an address"));
  g_clear_error (&error);

  g_ptr_array_set_size (tidings_mime_draft_get_to (draft), 0);
  tidings_mime_draft_add_header (draft, "Bcc", "x@example.org");
  bytes = tidings_mime_draft_to_bytes (draft, &error);
  g_assert_null (bytes);
  g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_INVALID_DRAFT);
  g_clear_error (&error);

  g_clear_object (&draft);
  draft = tidings_mime_draft_new ();
  tidings_mime_draft_set_from (draft, NULL, "ada@example.org");
  tidings_mime_draft_add_header (draft, "X-Bad:Name", "v");
  bytes = tidings_mime_draft_to_bytes (draft, &error);
  g_assert_null (bytes);
  g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_INVALID_DRAFT);
}

static void
test_message_attachment (void)
{
  g_autoptr(TidingsMimeDraft) draft = tidings_mime_draft_new ();
  g_autoptr(GBytes) inner_raw = mime_test_fixture ("8bit-headers-utf8.eml");
  g_autoptr(TidingsMimeAttachment) attachment = tidings_mime_attachment_new ("original.eml", "message/rfc822", inner_raw);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) message = NULL;
  g_autoptr(TidingsMimeMessage) inner = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *attachments;

  tidings_mime_draft_set_from (draft, NULL, "ada@example.org");
  tidings_mime_draft_add_attachment (draft, attachment);
  bytes = draft_bytes (draft);
  g_assert_false (bytes_contain (bytes, "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64"));

  message = parse_bytes (bytes);
  attachments = tidings_mime_message_get_attachments (message);
  g_assert_cmpuint (attachments->len, ==, 1);
  g_assert_true (tidings_mime_attachment_is_message (attachments->pdata[0]));
  g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[0]), ==, "original.eml");
  inner = tidings_mime_attachment_open_message (attachments->pdata[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tidings_mime_message_get_subject (inner), ==,
                   "R\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x9c\x93");
}

static gboolean
list_has (GPtrArray  *list,
          const char *address)
{
  for (guint i = 0; i < list->len; i++)
    if (tidings_mime_address_matches (list->pdata[i], address))
      return TRUE;
  return FALSE;
}

static void
test_reply (void)
{
  g_autoptr(TidingsMimeMessage) original = parse_fixture ("simple.eml");
  g_autoptr(TidingsMimeDraft) reply = tidings_mime_build_reply (original, TIDINGS_MIME_REPLY_SENDER, own_bob);
  const char * const *refs = tidings_mime_draft_get_references (reply);
  GPtrArray *to = tidings_mime_draft_get_to (reply);
  const char *body = tidings_mime_draft_get_body (reply);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) sent = NULL;

  /* Reply-To wins over From. */
  g_assert_cmpuint (to->len, ==, 1);
  g_assert_cmpstr (tidings_mime_address_get_address (to->pdata[0]), ==, "ada+replies@example.org");
  g_assert_cmpuint (tidings_mime_draft_get_cc (reply)->len, ==, 0);
  /* The original went to bob@example.net: that is From now. */
  g_assert_cmpstr (tidings_mime_address_get_address (tidings_mime_draft_get_from (reply)), ==, "bob@example.net");
  g_assert_cmpstr (tidings_mime_address_get_name (tidings_mime_draft_get_from (reply)), ==, "Bob");

  g_assert_cmpstr (tidings_mime_draft_get_subject (reply), ==, "Re: Hello \xe2\x80\x94 s\xc3\xb8" "dert\xc3\xa4lje and more");
  g_assert_cmpstr (tidings_mime_draft_get_in_reply_to (reply), ==, "msg-3@example.org");
  g_assert_cmpuint (g_strv_length ((char **) refs), ==, 3);
  g_assert_cmpstr (refs[0], ==, "msg-1@example.org");
  g_assert_cmpstr (refs[2], ==, "msg-3@example.org");

  g_assert_nonnull (strstr (body, "On Tue, 14 Mar 2023 at 10:00, Ada Lovel\xc3\xa6" "ce wrote:\n"));
  g_assert_nonnull (strstr (body, "\n> Hi Bob,\n>\n> Here is the caf\xc3\xa9 plan"));
  g_assert_nonnull (strstr (body, "\n>> What is the plan?\n"));
  g_assert_nonnull (strstr (body, "\n> -- \n> Ada\n"));

  /* And it goes out threaded. */
  bytes = draft_bytes (reply);
  assert_wire_format (bytes);
  sent = parse_bytes (bytes);
  g_assert_cmpstr (tidings_mime_message_get_in_reply_to (sent), ==, "msg-3@example.org");
  g_assert_cmpstr (tidings_mime_message_get_references (sent)[2], ==, "msg-3@example.org");
  g_assert_cmpstr (tidings_mime_message_get_text (sent), ==, body);
}

static void
test_reply_all (void)
{
  g_autoptr(GBytes) raw = mime_test_bytes (
    "From: Ada <ada@example.org>\n"
    "To: Bob <BOB@example.net>, zoe@example.com, ada@example.org\n"
    "Cc: carol@example.com, Zoe Again <zoe@example.com>, bob.alias@example.net\n"
    "Subject: RE: Re: plans\n"
    "Message-ID: <all@example.org>\n\nbody\n");
  g_autoptr(TidingsMimeMessage) original = parse_bytes (raw);
  static const char *const own[] = { "bob@example.net", "bob.alias@example.net", NULL };
  g_autoptr(TidingsMimeDraft) reply = tidings_mime_build_reply (original, TIDINGS_MIME_REPLY_ALL, own);
  GPtrArray *to = tidings_mime_draft_get_to (reply);
  GPtrArray *cc = tidings_mime_draft_get_cc (reply);

  g_assert_cmpuint (to->len, ==, 1);
  g_assert_true (list_has (to, "ada@example.org"));
  g_assert_cmpuint (cc->len, ==, 2);
  g_assert_true (list_has (cc, "zoe@example.com"));
  g_assert_true (list_has (cc, "carol@example.com"));
  g_assert_false (list_has (cc, "bob@example.net"));
  g_assert_false (list_has (cc, "bob.alias@example.net"));
  g_assert_false (list_has (cc, "ada@example.org"));
  g_assert_cmpstr (tidings_mime_draft_get_subject (reply), ==, "Re: plans");
  g_assert_cmpstr (tidings_mime_draft_get_in_reply_to (reply), ==, "all@example.org");
  g_assert_cmpuint (g_strv_length ((char **) tidings_mime_draft_get_references (reply)), ==, 1);
}

static void
test_reply_list_and_self (void)
{
  g_autoptr(TidingsMimeMessage) original = parse_fixture ("simple.eml");
  g_autoptr(TidingsMimeDraft) list = tidings_mime_build_reply (original, TIDINGS_MIME_REPLY_LIST, own_bob);
  g_autoptr(GBytes) mine_raw = mime_test_bytes (
    "From: Bob <bob@example.net>\nTo: Ada <ada@example.org>\nCc: carol@example.com\n"
    "Subject: my own\nMessage-ID: <mine@example.net>\n\nI said this.\n");
  g_autoptr(TidingsMimeMessage) mine = parse_bytes (mine_raw);
  g_autoptr(TidingsMimeDraft) again = tidings_mime_build_reply (mine, TIDINGS_MIME_REPLY_SENDER, own_bob);
  g_autoptr(TidingsMimeDraft) again_all = tidings_mime_build_reply (mine, TIDINGS_MIME_REPLY_ALL, own_bob);
  g_autoptr(GBytes) nolist_raw = mime_test_bytes ("From: x@example.org\nSubject: s\n\nb\n");
  g_autoptr(TidingsMimeMessage) nolist = parse_bytes (nolist_raw);
  g_autoptr(TidingsMimeDraft) fallback = tidings_mime_build_reply (nolist, TIDINGS_MIME_REPLY_LIST, NULL);

  g_assert_cmpuint (tidings_mime_draft_get_to (list)->len, ==, 1);
  g_assert_true (list_has (tidings_mime_draft_get_to (list), "devel@lists.example.org"));
  g_assert_cmpuint (tidings_mime_draft_get_cc (list)->len, ==, 0);

  /* Replying to one's own message goes to its recipients. */
  g_assert_cmpuint (tidings_mime_draft_get_to (again)->len, ==, 1);
  g_assert_true (list_has (tidings_mime_draft_get_to (again), "ada@example.org"));
  g_assert_true (list_has (tidings_mime_draft_get_cc (again_all), "carol@example.com"));
  g_assert_false (list_has (tidings_mime_draft_get_cc (again_all), "bob@example.net"));

  g_assert_true (list_has (tidings_mime_draft_get_to (fallback), "x@example.org"));
  g_assert_nonnull (strstr (tidings_mime_draft_get_body (fallback), "x@example.org wrote:\n> b\n"));
}

static void
test_reply_references_trimmed (void)
{
  g_autoptr(GString) raw_text = g_string_new ("From: a@example.org\nSubject: Re: Re: long thread\nMessage-ID: <last@example.org>\nReferences:");
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TidingsMimeMessage) original = NULL;
  g_autoptr(TidingsMimeDraft) reply = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char * const *refs;

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (raw_text, " <ref%u@example.org>", i);
  g_string_append (raw_text, "\n\nbody\n");
  raw = g_bytes_new (raw_text->str, raw_text->len);
  original = parse_bytes (raw);
  reply = tidings_mime_build_reply (original, TIDINGS_MIME_REPLY_SENDER, NULL);
  refs = tidings_mime_draft_get_references (reply);

  g_assert_cmpuint (g_strv_length ((char **) refs), ==, 20);
  g_assert_cmpstr (refs[0], ==, "ref0@example.org");
  g_assert_cmpstr (refs[1], ==, "ref42@example.org");
  g_assert_cmpstr (refs[18], ==, "ref59@example.org");
  g_assert_cmpstr (refs[19], ==, "last@example.org");
  g_assert_cmpstr (tidings_mime_draft_get_subject (reply), ==, "Re: long thread");

  tidings_mime_draft_set_from (reply, NULL, "me@example.org");
  bytes = draft_bytes (reply);
  assert_wire_format (bytes);
}

static void
test_reply_html (void)
{
  g_autoptr(TidingsMimeMessage) original = parse_fixture ("html-only.eml");
  g_autoptr(TidingsMimeDraft) reply = tidings_mime_build_reply (original, TIDINGS_MIME_REPLY_SENDER, NULL);
  const char *body = tidings_mime_draft_get_body (reply);

  g_assert_nonnull (strstr (body, "News wrote:\n> Caf\xc3\xa9 & cr\xc3\xa8me"));
  g_assert_nonnull (strstr (body, ">> Old quoted text"));
  g_assert_null (strstr (body, "<div>"));
}

static void
test_forward (void)
{
  g_autoptr(TidingsMimeMessage) original = parse_fixture ("alternative-related.eml");
  static const char *const own[] = { "bob@example.net", NULL };
  g_autoptr(TidingsMimeDraft) forward = tidings_mime_build_forward (original, own);
  const char *body = tidings_mime_draft_get_body (forward);
  GPtrArray *attachments = tidings_mime_draft_get_attachments (forward);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) sent = NULL;

  g_assert_cmpstr (tidings_mime_draft_get_subject (forward), ==, "Fwd: Rich mail");
  g_assert_cmpuint (tidings_mime_draft_get_to (forward)->len, ==, 0);
  g_assert_cmpstr (tidings_mime_address_get_address (tidings_mime_draft_get_from (forward)), ==, "bob@example.net");
  g_assert_nonnull (strstr (body, "---------- Forwarded message ----------\n"));
  g_assert_nonnull (strstr (body, "\nFrom: Ada <ada@example.org>\n"));
  g_assert_nonnull (strstr (body, "\nSubject: Rich mail\n"));
  g_assert_nonnull (strstr (body, "\nTo: bob@example.net\n"));
  g_assert_nonnull (strstr (body, "\nDate: Wed, 15 Mar 2023 at 13:30\n"));
  g_assert_nonnull (strstr (body, "\n\nPlain version of the rich mail."));
  g_assert_cmpuint (attachments->len, ==, 2);

  tidings_mime_draft_add_to (forward, NULL, "carol@example.com");
  bytes = draft_bytes (forward);
  assert_wire_format (bytes);
  sent = parse_bytes (bytes);
  g_assert_cmpuint (tidings_mime_message_get_attachments (sent)->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) a = tidings_mime_attachment_get_bytes (tidings_mime_message_get_attachments (original)->pdata[i], NULL);
      g_autoptr(GBytes) b = tidings_mime_attachment_get_bytes (tidings_mime_message_get_attachments (sent)->pdata[i], NULL);

      g_assert_true (g_bytes_equal (a, b));
    }
  g_assert_cmpstr (tidings_mime_attachment_get_filename (tidings_mime_message_get_attachments (sent)->pdata[1]), ==,
                   "Rapport annuel \xc3\xa9t\xc3\xa9 2023.pdf");
}

int
main (int   argc,
      char *argv[])
{
  /* Dates in attributions are local time: make it predictable. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/mime/draft/round-trip", test_round_trip);
  g_test_add_func ("/mime/draft/flowed-lines", test_flowed_lines);
  g_test_add_func ("/mime/draft/plain-ascii", test_plain_ascii);
  g_test_add_func ("/mime/draft/long-words", test_long_words);
  g_test_add_func ("/mime/draft/errors", test_errors);
  g_test_add_func ("/mime/draft/message-attachment", test_message_attachment);
  g_test_add_func ("/mime/reply/sender", test_reply);
  g_test_add_func ("/mime/reply/all", test_reply_all);
  g_test_add_func ("/mime/reply/list-and-self", test_reply_list_and_self);
  g_test_add_func ("/mime/reply/references-trimmed", test_reply_references_trimmed);
  g_test_add_func ("/mime/reply/html", test_reply_html);
  g_test_add_func ("/mime/forward", test_forward);

  return g_test_run ();
}
