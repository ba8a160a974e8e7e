/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The display model: headers, body choice, charsets, attachments, nesting
 * and the fixtures of broken mail in data/. */
#include "config.h"

#include "mime-test-util.h"

static TidingsMimeMessage *
parse_fixture (const char *name)
{
  g_autoptr(GBytes) raw = mime_test_fixture (name);
  g_autoptr(GError) error = NULL;
  TidingsMimeMessage *message = tidings_mime_message_new_from_bytes (raw, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  mime_test_assert_message_sane (message);
  return message;
}

static TidingsMimeMessage *
parse_text (const char *text)
{
  g_autoptr(GBytes) raw = mime_test_bytes (text);
  g_autoptr(GError) error = NULL;
  TidingsMimeMessage *message = tidings_mime_message_new_from_bytes (raw, &error);

  g_assert_no_error (error);
  mime_test_assert_message_sane (message);
  return message;
}

static void
assert_address (GPtrArray  *list,
                guint       index,
                const char *name,
                const char *address)
{
  g_assert_cmpuint (list->len, >, index);
  g_assert_cmpstr (tidings_mime_address_get_name (list->pdata[index]), ==, name);
  g_assert_cmpstr (tidings_mime_address_get_address (list->pdata[index]), ==, address);
}

static void
test_simple (void)
{
  g_autoptr(TidingsMimeMessage) message = parse_fixture ("simple.eml");
  const char * const *refs = tidings_mime_message_get_references (message);
  GPtrArray *cc = tidings_mime_message_get_cc (message);
  g_autofree char *received = tidings_mime_message_dup_header (message, "Received");

  g_assert_cmpstr (tidings_mime_message_get_subject (message), ==, "Hello \xe2\x80\x94 s\xc3\xb8" "dert\xc3\xa4lje and more");
  assert_address (tidings_mime_message_get_from (message), 0, "Ada Lovel\xc3\xa6" "ce", "ada@example.org");
  assert_address (tidings_mime_message_get_sender (message), 0, "", "list-bounces@lists.example.org");
  assert_address (tidings_mime_message_get_reply_to (message), 0, "Ada (replies)", "ada+replies@example.org");
  g_assert_cmpuint (tidings_mime_message_get_to (message)->len, ==, 2);
  assert_address (tidings_mime_message_get_to (message), 0, "Bob", "bob@example.net");
  assert_address (tidings_mime_message_get_to (message), 1, "Zo\xc3\xab Q. Public", "zoe@example.com");
  /* The group's members are flattened into the list. */
  g_assert_cmpuint (cc->len, ==, 3);
  assert_address (cc, 0, "", "carol@example.com");
  assert_address (cc, 1, "", "dave@example.com");
  assert_address (cc, 2, "Fr\xc3\xa9" "d\xc3\xa9ric", "fred@example.fr");
  g_assert_cmpuint (tidings_mime_message_get_bcc (message)->len, ==, 0);

  g_assert_cmpint (tidings_mime_message_get_date_unix (message), ==, 1678788000);
  g_assert_cmpstr (tidings_mime_message_get_message_id (message), ==, "msg-3@example.org");
  g_assert_cmpstr (tidings_mime_message_get_in_reply_to (message), ==, "msg-2@example.org");
  g_assert_cmpuint (g_strv_length ((char **) refs), ==, 2);
  g_assert_cmpstr (refs[0], ==, "msg-1@example.org");
  g_assert_cmpstr (refs[1], ==, "msg-2@example.org");
  g_assert_cmpstr (tidings_mime_message_get_list_id (message), ==, "devel.lists.example.org");
  g_assert_cmpstr (tidings_mime_message_get_list_post (message), ==, "mailto:devel@lists.example.org");
  g_assert_nonnull (received);
  g_assert_true (g_str_has_prefix (received, "from mx.example.org"));

  g_assert_cmpstr (tidings_mime_message_get_text (message), ==,
                   "Hi Bob,\n\nHere is the caf\xc3\xa9 plan \xe2\x80\x94 see you soon.\n\n"
                   "> What is the plan?\n\n-- \nAda\n");
  g_assert_null (tidings_mime_message_get_html (message));
  g_assert_cmpuint (tidings_mime_message_get_attachments (message)->len, ==, 0);
  g_assert_false (tidings_mime_message_is_truncated (message));
}

static const guint8 png_bytes[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
};

static void
test_alternative_related (void)
{
  g_autoptr(TidingsMimeMessage) message = parse_fixture ("alternative-related.eml");
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);
  TidingsMimeAttachment *logo;
  TidingsMimeAttachment *pdf = NULL;
  g_autoptr(GBytes) logo_bytes = NULL;
  g_autoptr(GBytes) pdf_bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *html;

  g_assert_cmpstr (tidings_mime_message_get_text (message), ==, "Plain version of the rich mail.");
  html = tidings_mime_message_get_html (message);
  g_assert_nonnull (html);
  g_assert_nonnull (strstr (html, "cid:logo@example.org"));

  g_assert_cmpuint (attachments->len, ==, 2);
  logo = tidings_mime_message_get_part_by_cid (message, "cid:logo@example.org");
  g_assert_nonnull (logo);
  g_assert_true (logo == tidings_mime_message_get_part_by_cid (message, "<logo@example.org>"));
  g_assert_true (logo == tidings_mime_message_get_part_by_cid (message, "logo@example.org"));
  g_assert_true (logo == tidings_mime_message_get_part_by_cid (message, "cid:logo%40example.org"));
  g_assert_null (tidings_mime_message_get_part_by_cid (message, "cid:nothing@example.org"));
  g_assert_cmpstr (tidings_mime_attachment_get_content_type (logo), ==, "image/png");
  g_assert_true (tidings_mime_attachment_is_inline (logo));
  logo_bytes = tidings_mime_attachment_get_bytes (logo, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (logo_bytes), ==, 70);
  g_assert_cmpmem (g_bytes_get_data (logo_bytes, NULL), sizeof png_bytes, png_bytes, sizeof png_bytes);

  for (guint i = 0; i < attachments->len; i++)
    if (attachments->pdata[i] != logo)
      pdf = attachments->pdata[i];
  g_assert_nonnull (pdf);
  g_assert_cmpstr (tidings_mime_attachment_get_filename (pdf), ==, "Rapport annuel \xc3\xa9t\xc3\xa9 2023.pdf");
  g_assert_cmpstr (tidings_mime_attachment_get_content_type (pdf), ==, "application/pdf");
  g_assert_false (tidings_mime_attachment_is_inline (pdf));
  g_assert_false (tidings_mime_attachment_is_message (pdf));
  pdf_bytes = tidings_mime_attachment_get_bytes (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (pdf_bytes), ==, tidings_mime_attachment_get_size (pdf));
  g_assert_cmpmem (g_bytes_get_data (pdf_bytes, NULL), 9, "%PDF-1.4\n", 9);
}

static void
test_flowed (void)
{
  g_autoptr(TidingsMimeMessage) flowed = parse_fixture ("flowed.eml");
  g_autoptr(TidingsMimeMessage) delsp = parse_fixture ("flowed-delsp.eml");

  g_assert_cmpstr (tidings_mime_message_get_text (flowed), ==,
                   "This is a long paragraph that was wrapped by the sender's mail client at "
                   "seventy-two characters and must be joined back into a single line when "
                   "it is displayed.\n"
                   "> Quoted text that is also flowed over two lines.\n"
                   ">> Deeper quote.\n"
                   "From the start of a stuffed line.\n"
                   "-- \n"
                   "Sig line\n");
  g_assert_cmpstr (tidings_mime_message_get_text (delsp), ==,
                   "Japanese text has no spaces so the writer breaks inside words and DelSp "
                   "removes the added space.\n");
}

static void
test_charsets (void)
{
  g_autoptr(TidingsMimeMessage) message = parse_fixture ("bad-charset.eml");
  g_autoptr(TidingsMimeMessage) meta = parse_fixture ("html-meta-charset.eml");
  const char *text = tidings_mime_message_get_text (message);
  const char *html = tidings_mime_message_get_html (meta);

  g_assert_nonnull (strstr (text, "Unknown label over Latin-1: caf\xc3\xa9 na\xc3\xafve"));
  g_assert_nonnull (strstr (text, "Declared UTF-8 but broken: ok \xc3\xa9 bad \xef\xbf\xbd( \xef\xbf\xbd end"));
  g_assert_nonnull (strstr (text, "ASCII label over UTF-8: \xc3\xa9t\xc3\xa9"));
  g_assert_nonnull (strstr (text, "Hi Mom -\xe2\x98\xba-!"));
  g_assert_nonnull (strstr (text, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf"));
  g_assert_nonnull (strstr (text, "Smart quotes \xe2\x80\x9cquoted\xe2\x80\x9d and euro \xe2\x82\xac"));

  /* No MIME charset: the <meta> one (ISO-8859-15, where 0xA4 is the euro). */
  g_assert_nonnull (strstr (html, "Prix : 10 \xe2\x82\xac"));
  g_assert_nonnull (strstr (html, "d\xc3\xa9j\xc3\xa0"));
}

static void
test_8bit_headers (void)
{
  g_autoptr(TidingsMimeMessage) latin1 = parse_fixture ("8bit-headers-latin1.eml");
  g_autoptr(TidingsMimeMessage) utf8 = parse_fixture ("8bit-headers-utf8.eml");

  g_assert_cmpstr (tidings_mime_message_get_subject (latin1), ==, "R\xc3\xa9sum\xc3\xa9 du caf\xc3\xa9");
  assert_address (tidings_mime_message_get_from (latin1), 0, "Fr\xc3\xa9" "d\xc3\xa9ric Dupont", "fred@example.fr");
  assert_address (tidings_mime_message_get_to (latin1), 0, "J\xc3\xbcrgen", "juergen@example.de");

  g_assert_cmpstr (tidings_mime_message_get_subject (utf8), ==,
                   "R\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x9c\x93");
  assert_address (tidings_mime_message_get_from (utf8), 0, "Fr\xc3\xa9" "d\xc3\xa9ric Dupont", "fred@example.fr");
  assert_address (tidings_mime_message_get_to (utf8), 0, "\xe6\x97\xa5\xe6\x9c\xac \xe5\xa4\xaa\xe9\x83\x8e", "taro@example.jp");
  g_assert_cmpstr (tidings_mime_message_get_text (utf8), ==, "Body \xe2\x9c\x93.\n");
}

static void
test_broken_encoded_words (void)
{
  g_autoptr(TidingsMimeMessage) message = parse_fixture ("broken-encoded-words.eml");

  assert_address (tidings_mime_message_get_from (message), 0, "Caf\xc3\xa9 Owner", "owner@example.org");
  assert_address (tidings_mime_message_get_to (message), 0, tidings_mime_address_get_name (tidings_mime_message_get_to (message)->pdata[0]), "bjorn@example.se");
  g_assert_true (g_str_has_prefix (tidings_mime_message_get_subject (message), "Hello World"));
  g_assert_true (g_str_has_suffix (tidings_mime_message_get_subject (message), "end"));
  g_assert_cmpstr (tidings_mime_message_get_text (message), ==, "Body\n");
}

/* GMime 3.2.13 alone loses everything after a padded base64 word that is
 * followed by another word in the same charset; mailers write exactly
 * that for long non-ASCII subjects and names. */
static void
test_padded_encoded_words (void)
{
  g_autoptr(TidingsMimeMessage) message = parse_text (
    "From: =?UTF-8?B?w6k=?= =?UTF-8?B?w6nDqQ==?= <a@example.org>\n"
    "To: =?utf-8?b?Wm/DqyA=?=\n =?utf-8?b?UXVpbnRlcm8=?= <z@example.org>, b@example.org\n"
    "Subject: =?UTF-8?B?R3LDvMOfZSA=?=\n =?UTF-8?B?YXVzIEvDtmxu?= and =?iso-8859-1?B?6Q==?=\n"
    "X-Note: =?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=\n"
    "\nbody\n");
  g_autoptr(GBytes) raw = mime_test_bytes ("Subject: =?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?= end\nFrom: =?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?= <a@example.org>\n\n");
  g_autoptr(TidingsMimeSummary) summary = tidings_mime_summary_new (raw, 0, NULL);
  g_autofree char *note = tidings_mime_message_dup_header (message, "X-Note");

  assert_address (tidings_mime_message_get_from (message), 0, "\xc3\xa9\xc3\xa9\xc3\xa9", "a@example.org");
  assert_address (tidings_mime_message_get_to (message), 0, "Zo\xc3\xab Quintero", "z@example.org");
  assert_address (tidings_mime_message_get_to (message), 1, "", "b@example.org");
  g_assert_cmpstr (tidings_mime_message_get_subject (message), ==, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln and \xc3\xa9");
  g_assert_cmpstr (note, ==, "\xc3\xa9\xc3\xa9");
  g_assert_cmpstr (summary->subject, ==, "\xc3\xa9\xc3\xa9 end");
  g_assert_cmpstr (summary->from, ==, "\xc3\xa9\xc3\xa9 <a@example.org>");
}

static void
test_broken_structure (void)
{
  g_autoptr(TidingsMimeMessage) missing = parse_fixture ("missing-boundary.eml");
  g_autoptr(TidingsMimeMessage) never = parse_fixture ("never-ending-multipart.eml");
  g_autoptr(TidingsMimeMessage) encodings = parse_fixture ("broken-base64.eml");
  g_autoptr(TidingsMimeMessage) empty = parse_fixture ("empty.eml");
  g_autoptr(TidingsMimeMessage) headers = parse_fixture ("header-only.eml");
  g_autoptr(TidingsMimeMessage) huge = parse_fixture ("huge-header.eml");
  g_autoptr(TidingsMimeMessage) nul = parse_fixture ("nul-bytes.eml");
  g_autofree char *huge_value = tidings_mime_message_dup_header (huge, "X-Huge");

  g_assert_nonnull (strstr (tidings_mime_message_get_text (missing), "Text in a multipart without a boundary"));

  g_assert_nonnull (strstr (tidings_mime_message_get_text (never), "First part."));
  g_assert_nonnull (strstr (tidings_mime_message_get_text (never), "Inner part that is cut off"));

  g_assert_true (g_str_has_prefix (tidings_mime_message_get_text (encodings), "Hello"));
  g_assert_nonnull (strstr (tidings_mime_message_get_text (encodings), "caf\xc3\xa9"));
  g_assert_cmpuint (tidings_mime_message_get_attachments (encodings)->len, ==, 1);

  g_assert_cmpstr (tidings_mime_message_get_subject (empty), ==, "");
  g_assert_cmpuint (tidings_mime_message_get_from (empty)->len, ==, 0);
  g_assert_cmpint (tidings_mime_message_get_date_unix (empty), ==, 0);

  g_assert_cmpstr (tidings_mime_message_get_subject (headers), ==, "Only headers");
  g_assert_cmpstr (tidings_mime_message_get_message_id (headers), ==, "headers@example.org");
  g_assert_cmpint (tidings_mime_message_get_date_unix (headers), ==, 1679133600);

  g_assert_true (g_str_has_prefix (tidings_mime_message_get_subject (huge), "long long"));
  g_assert_cmpuint (strlen (tidings_mime_message_get_subject (huge)), <=, TIDINGS_MIME_MAX_HEADER_VALUE);
  g_assert_nonnull (huge_value);
  g_assert_cmpstr (tidings_mime_message_get_text (huge), ==, "Body after huge headers.\n");

  g_assert_nonnull (strstr (tidings_mime_message_get_text (nul), "NUL"));
}

static void
test_rfc2231 (void)
{
  g_autoptr(TidingsMimeMessage) message = parse_fixture ("rfc2231.eml");
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);
  g_autofree char *safe = NULL;

  g_assert_cmpuint (attachments->len, ==, 4);
  g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[0]), ==, "r\xc3\xa9sum\xc3\xa9.txt");
  g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[1]), ==, "long name continued.txt");
  g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[2]), ==, "\xc3\xbc" "ber.jpg");
  g_assert_true (tidings_mime_attachment_is_inline (attachments->pdata[2]));
  g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[3]), ==, "../../etc/passwd");
  safe = tidings_mime_attachment_dup_safe_filename (attachments->pdata[3]);
  g_assert_cmpstr (safe, ==, "passwd");
}

static void
test_nested_message (void)
{
  g_autoptr(TidingsMimeMessage) message = parse_fixture ("nested-message.eml");
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);
  g_autoptr(TidingsMimeMessage) inner = NULL;
  g_autoptr(TidingsMimeMessage) encoded = NULL;
  g_autoptr(GError) error = NULL;
  TidingsMimeAttachment *note;
  g_autoptr(GBytes) note_bytes = NULL;

  g_assert_cmpstr (tidings_mime_message_get_text (message), ==, "See the attached message.");
  g_assert_cmpuint (attachments->len, ==, 2);
  g_assert_true (tidings_mime_attachment_is_message (attachments->pdata[0]));
  g_assert_cmpstr (tidings_mime_attachment_get_filename (attachments->pdata[0]), ==, "original.eml");
  g_assert_cmpstr (tidings_mime_attachment_get_description (attachments->pdata[0]), ==, "The original");

  inner = tidings_mime_attachment_open_message (attachments->pdata[0], &error);
  g_assert_no_error (error);
  mime_test_assert_message_sane (inner);
  g_assert_cmpuint (tidings_mime_message_get_depth (inner), ==, 1);
  g_assert_cmpstr (tidings_mime_message_get_subject (inner), ==, "The original");
  g_assert_cmpstr (tidings_mime_message_get_message_id (inner), ==, "inner@example.org");
  g_assert_cmpstr (tidings_mime_message_get_text (inner), ==, "Inner body.");
  g_assert_cmpuint (tidings_mime_message_get_attachments (inner)->len, ==, 1);
  note = tidings_mime_message_get_attachments (inner)->pdata[0];
  g_assert_cmpstr (tidings_mime_attachment_get_filename (note), ==, "note.txt");
  note_bytes = tidings_mime_attachment_get_bytes (note, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (note_bytes, NULL), g_bytes_get_size (note_bytes), "inner attachment", 16);

  /* message/rfc822 sent as base64 (not allowed, but seen) still opens. */
  g_assert_true (tidings_mime_attachment_is_message (attachments->pdata[1]));
  encoded = tidings_mime_attachment_open_message (attachments->pdata[1], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tidings_mime_message_get_subject (encoded), ==, "Encoded inner");

  /* Not a message. */
  g_assert_null (tidings_mime_attachment_open_message (note, &error));
  g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_NOT_A_MESSAGE);
}

static GBytes *
deep_multipart (guint levels)
{
  GString *s = g_string_new ("From: deep@example.org\nSubject: deep multipart\n");

  for (guint i = 0; i < levels; i++)
    g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
  g_string_append (s, "Content-Type: text/plain\n\nthe bottom\n");
  for (guint i = levels; i > 0; i--)
    g_string_append_printf (s, "--b%u--\n", i - 1);
  return g_string_free_to_bytes (s);
}

static GBytes *
deep_rfc822 (guint levels)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < levels; i++)
    g_string_append_printf (s, "From: level%u@example.org\nSubject: level %u\nContent-Type: message/rfc822\n\n", i, i);
  g_string_append (s, "Subject: bottom\n\nthe bottom\n");
  return g_string_free_to_bytes (s);
}

static GBytes *
deep_mixed (guint levels)
{
  GString *head = g_string_new ("Subject: deep mixed\n");
  GString *tail = g_string_new (NULL);

  for (guint i = 0; i < levels; i++)
    {
      if (i % 2 == 0)
        {
          g_autofree char *close = g_strdup_printf ("\n--m%u--\n", i);

          g_string_append_printf (head, "Content-Type: multipart/alternative; boundary=\"m%u\"\n\n--m%u\n", i, i);
          g_string_prepend (tail, close);
        }
      else
        g_string_append (head, "Content-Type: message/rfc822\n\nSubject: inner\n");
    }
  g_string_append (head, "Content-Type: text/plain\n\nbottom");
  g_string_append (head, tail->str);
  g_string_free (tail, TRUE);
  return g_string_free_to_bytes (head);
}

static void
test_deep_nesting (void)
{
  g_autoptr(GBytes) multipart = deep_multipart (1000);
  g_autoptr(GBytes) rfc822 = deep_rfc822 (1000);
  g_autoptr(GBytes) mixed = deep_mixed (1000);
  g_autoptr(TidingsMimeMessage) deep = NULL;
  g_autoptr(TidingsMimeMessage) current = NULL;
  g_autoptr(TidingsMimeSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  guint opened = 0;

  deep = tidings_mime_message_new_from_bytes (multipart, &error);
  g_assert_no_error (error);
  mime_test_assert_message_sane (deep);
  g_assert_true (tidings_mime_message_is_truncated (deep));
  g_assert_null (tidings_mime_message_get_text (deep));
  summary = tidings_mime_summary_new (multipart, 0, &error);
  g_assert_no_error (error);
  mime_test_assert_summary_sane (summary);
  g_clear_object (&deep);
  g_clear_pointer (&summary, tidings_mime_summary_free);

  /* Open attached messages one inside the other until the limit says no. */
  current = tidings_mime_message_new_from_bytes (rfc822, &error);
  g_assert_no_error (error);
  for (;;)
    {
      GPtrArray *attachments = tidings_mime_message_get_attachments (current);
      TidingsMimeMessage *next;

      mime_test_assert_message_sane (current);
      if (attachments->len == 0)
        break;
      g_assert_true (tidings_mime_attachment_is_message (attachments->pdata[0]));
      next = tidings_mime_attachment_open_message (attachments->pdata[0], &error);
      if (next == NULL)
        {
          g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_DEEP);
          break;
        }
      opened++;
      g_assert_cmpuint (tidings_mime_message_get_depth (next), ==, opened);
      g_object_unref (current);
      current = next;
    }
  g_assert_cmpuint (opened, ==, TIDINGS_MIME_MAX_DEPTH);
  g_clear_error (&error);
  summary = tidings_mime_summary_new (rfc822, 0, &error);
  g_assert_no_error (error);
  mime_test_assert_summary_sane (summary);
  g_clear_pointer (&summary, tidings_mime_summary_free);

  deep = tidings_mime_message_new_from_bytes (mixed, &error);
  g_assert_no_error (error);
  mime_test_assert_message_sane (deep);
  summary = tidings_mime_summary_new (mixed, 0, &error);
  g_assert_no_error (error);
  mime_test_assert_summary_sane (summary);
}

static void
test_dates (void)
{
  g_autoptr(TidingsMimeMessage) broken = parse_fixture ("broken-date.eml");
  g_autoptr(TidingsMimeMessage) none = parse_text ("Subject: no date\n\nbody\n");
  g_autoptr(TidingsMimeMessage) epoch = parse_text ("Date: Thu, 01 Jan 1970 00:00:00 +0000\n\nbody\n");
  g_autoptr(TidingsMimeMessage) odd = parse_text ("Date: 5 Jun 23 7:08 EDT\n\nbody\n");
  GDateTime *date = tidings_mime_message_get_date (broken);

  /* Unreadable Date: the topmost Received header's date. */
  g_assert_nonnull (date);
  g_assert_cmpint (g_date_time_to_unix (date), ==, 1679296089);
  g_assert_null (tidings_mime_message_get_date (none));
  g_assert_cmpint (tidings_mime_message_get_date_unix (none), ==, 0);
  g_assert_null (tidings_mime_message_get_date (epoch));
  g_assert_cmpint (tidings_mime_message_get_date_unix (odd), ==, 1685963280);
}

static void
test_too_large (void)
{
  static const char data[] = "Subject: x\n\n";
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  TidingsMimeMessage *message;
  TidingsMimeSummary *summary;

  /* Only the size is looked at before refusing, so a GBytes that claims
   * more than it holds is enough to test the limit. */
  raw = g_bytes_new_static (data, (gsize) TIDINGS_MIME_MAX_MESSAGE_SIZE + 1);
  message = tidings_mime_message_new_from_bytes (raw, &error);
  g_assert_null (message);
  g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_LARGE);
  g_clear_error (&error);
  summary = tidings_mime_summary_new (raw, 0, &error);
  g_assert_null (summary);
  g_assert_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_LARGE);
}

/* Random bytes and randomly damaged fixtures: never a crash, always sane. */
static void
test_garbage (void)
{
  static const char *const fixtures[] = {
    "simple.eml", "alternative-related.eml", "nested-message.eml", "rfc2231.eml",
    "bad-charset.eml", "flowed.eml", "broken-base64.eml",
  };
  GRand *rand = g_rand_new_with_seed (20230314);

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(TidingsMimeMessage) message = NULL;
      g_autoptr(TidingsMimeSummary) summary = NULL;
      g_autoptr(GError) error = NULL;

      if (round % 3 == 0)
        {
          gsize len = g_rand_int_range (rand, 0, 2048);
          guint8 *data = g_malloc (len + 1);

          for (gsize i = 0; i < len; i++)
            data[i] = (guint8) g_rand_int_range (rand, 0, 256);
          raw = g_bytes_new_take (data, len);
        }
      else
        {
          g_autoptr(GBytes) base = mime_test_fixture (fixtures[round % G_N_ELEMENTS (fixtures)]);
          gsize len;
          guint8 *data = g_bytes_unref_to_data (g_bytes_ref (base), &len);

          for (guint flips = 0; flips < 1 + round % 20 && len > 0; flips++)
            {
              static const char interesting[] = "\n\r-=?:;\"<>\\\x00\xff\xc3 boundary";

              data[g_rand_int_range (rand, 0, len)] = g_rand_boolean (rand)
                ? (guint8) g_rand_int_range (rand, 0, 256)
                : (guint8) interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)];
            }
          raw = g_bytes_new_take (data, len);
        }

      message = tidings_mime_message_new_from_bytes (raw, &error);
      g_assert_no_error (error);
      mime_test_assert_message_sane (message);
      summary = tidings_mime_summary_new (raw, 0, &error);
      g_assert_no_error (error);
      mime_test_assert_summary_sane (summary);
    }

  g_rand_free (rand);
}

static void
test_address (void)
{
  g_autoptr(TidingsMimeAddress) both = tidings_mime_address_new ("Ada", "ada@example.org");
  g_autoptr(TidingsMimeAddress) bare = tidings_mime_address_new (NULL, "bob@example.org");
  g_autoptr(TidingsMimeAddress) injected = tidings_mime_address_new ("Evil\r\nBcc: x@y", "e@example.org");
  g_autoptr(GPtrArray) parsed = tidings_mime_address_list_parse ("\"Doe, Jane\" <jane@example.org>, bob@example.org, =?utf-8?q?Zo=C3=AB?= <zoe@example.org>");
  g_autofree char *a = tidings_mime_address_to_string (both);
  g_autofree char *b = tidings_mime_address_to_string (bare);
  g_autofree char *list = tidings_mime_address_list_to_string (parsed);

  g_assert_cmpstr (a, ==, "Ada <ada@example.org>");
  g_assert_cmpstr (b, ==, "bob@example.org");
  g_assert_cmpstr (tidings_mime_address_get_name (injected), ==, "Evil Bcc: x@y");
  g_assert_true (tidings_mime_address_matches (both, "ADA@Example.org"));
  g_assert_false (tidings_mime_address_matches (both, "ada@example.net"));
  g_assert_cmpuint (parsed->len, ==, 3);
  g_assert_cmpstr (list, ==, "Doe, Jane <jane@example.org>, bob@example.org, Zo\xc3\xab <zoe@example.org>");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/mime/message/simple", test_simple);
  g_test_add_func ("/mime/message/alternative-related", test_alternative_related);
  g_test_add_func ("/mime/message/flowed", test_flowed);
  g_test_add_func ("/mime/message/charsets", test_charsets);
  g_test_add_func ("/mime/message/8bit-headers", test_8bit_headers);
  g_test_add_func ("/mime/message/broken-encoded-words", test_broken_encoded_words);
  g_test_add_func ("/mime/message/padded-encoded-words", test_padded_encoded_words);
  g_test_add_func ("/mime/message/broken-structure", test_broken_structure);
  g_test_add_func ("/mime/message/rfc2231", test_rfc2231);
  g_test_add_func ("/mime/message/nested-message", test_nested_message);
  g_test_add_func ("/mime/message/deep-nesting", test_deep_nesting);
  g_test_add_func ("/mime/message/dates", test_dates);
  g_test_add_func ("/mime/message/too-large", test_too_large);
  g_test_add_func ("/mime/message/garbage", test_garbage);
  g_test_add_func ("/mime/address", test_address);

  return g_test_run ();
}
