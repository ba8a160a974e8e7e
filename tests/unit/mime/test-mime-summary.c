/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The summary for indexing, subject normalization and previews; with
 * `-m perf`, the speed over 100,000 generated typical messages. */
#include "config.h"

#include <time.h>

#include "mime-test-util.h"

static TidingsMimeSummary *
summarize (GBytes *raw,
           gint64  fallback)
{
  g_autoptr(GError) error = NULL;
  TidingsMimeSummary *summary = tidings_mime_summary_new (raw, fallback, &error);

  g_assert_no_error (error);
  mime_test_assert_summary_sane (summary);
  return summary;
}

static TidingsMimeSummary *
summarize_fixture (const char *name)
{
  g_autoptr(GBytes) raw = mime_test_fixture (name);

  return summarize (raw, 0);
}

static TidingsMimeSummary *
summarize_text (const char *text)
{
  g_autoptr(GBytes) raw = mime_test_bytes (text);

  return summarize (raw, 0);
}

static void
test_simple (void)
{
  g_autoptr(TidingsMimeSummary) s = summarize_fixture ("simple.eml");
  g_autoptr(TidingsMimeSummary) copy = tidings_mime_summary_copy (s);

  g_assert_cmpstr (s->message_id, ==, "msg-3@example.org");
  g_assert_cmpstr (s->in_reply_to, ==, "msg-2@example.org");
  g_assert_cmpuint (g_strv_length (s->references), ==, 2);
  g_assert_cmpstr (s->references[0], ==, "msg-1@example.org");
  g_assert_cmpstr (s->subject, ==, "Hello \xe2\x80\x94 s\xc3\xb8" "dert\xc3\xa4lje and more");
  g_assert_cmpstr (s->from, ==, "Ada Lovel\xc3\xa6" "ce <ada@example.org>");
  g_assert_cmpstr (s->from_address, ==, "ada@example.org");
  g_assert_cmpstr (s->to, ==, "Bob <bob@example.net>, Zo\xc3\xab Q. Public <zoe@example.com>");
  g_assert_cmpstr (s->cc, ==, "carol@example.com, dave@example.com, Fr\xc3\xa9" "d\xc3\xa9ric <fred@example.fr>");
  g_assert_cmpstr (s->list_id, ==, "devel.lists.example.org");
  g_assert_cmpint (s->date, ==, 1678788000);
  g_assert_cmpstr (s->preview, ==, "Hi Bob, Here is the caf\xc3\xa9 plan \xe2\x80\x94 see you soon.");
  g_assert_false (s->has_attachments);
  g_assert_nonnull (strstr (s->body_text, "> What is the plan?"));

  g_assert_cmpstr (copy->preview, ==, s->preview);
  g_assert_cmpstr (copy->references[1], ==, "msg-2@example.org");
}

static void
test_headers_only (void)
{
  g_autoptr(TidingsMimeSummary) mixed = summarize_fixture ("header-only.eml");
  g_autoptr(TidingsMimeSummary) plain = summarize_text ("From: Bob <bob@example.org>\r\nSubject: Re: hi\r\nMessage-ID: <x@y>\r\n\r\n");
  g_autoptr(TidingsMimeSummary) sender = summarize_text ("Sender: Only Sender <s@example.org>\n");

  g_assert_cmpstr (mixed->subject, ==, "Only headers");
  g_assert_cmpstr (mixed->message_id, ==, "headers@example.org");
  g_assert_cmpstr (mixed->preview, ==, "");
  /* A multipart/mixed header alone: most likely attachments. */
  g_assert_true (mixed->has_attachments);

  g_assert_cmpstr (plain->from, ==, "Bob <bob@example.org>");
  g_assert_cmpstr (plain->preview, ==, "");
  g_assert_cmpstr (plain->body_text, ==, "");
  g_assert_false (plain->has_attachments);

  g_assert_cmpstr (sender->from, ==, "Only Sender <s@example.org>");
  g_assert_cmpstr (sender->from_address, ==, "s@example.org");
}

static void
test_html (void)
{
  g_autoptr(TidingsMimeSummary) s = summarize_fixture ("html-only.eml");

  g_assert_true (g_str_has_prefix (s->preview, "Caf\xc3\xa9 & cr\xc3\xa8me \xe2\x80\x94 today!"));
  g_assert_null (strstr (s->preview, "Title"));
  g_assert_null (strstr (s->preview, "body{}"));
  g_assert_null (strstr (s->preview, "comment"));
  /* Quoted HTML is left out of the preview but kept for search. */
  g_assert_null (strstr (s->preview, "Old quoted"));
  g_assert_nonnull (strstr (s->body_text, "Old quoted text"));
  g_assert_nonnull (strstr (s->preview, "Bye"));
}

static void
test_attachments (void)
{
  g_autoptr(TidingsMimeSummary) rich = summarize_fixture ("alternative-related.eml");
  g_autoptr(TidingsMimeSummary) rfc2231 = summarize_fixture ("rfc2231.eml");
  g_autoptr(TidingsMimeSummary) nested = summarize_fixture ("nested-message.eml");
  g_autoptr(TidingsMimeSummary) related_only = summarize_text (
    "Subject: html with image\nContent-Type: multipart/related; boundary=r\n\n"
    "--r\nContent-Type: text/html\n\n<p>Hi <img src=\"cid:i@x\"></p>\n"
    "--r\nContent-Type: image/png\nContent-ID: <i@x>\n\nPNG\n--r--\n");
  g_autoptr(TidingsMimeSummary) footer = summarize_text (
    "Subject: list footer\nContent-Type: multipart/mixed; boundary=f\n\n"
    "--f\nContent-Type: text/plain\n\nThe message.\n"
    "--f\nContent-Type: text/plain\n\nList footer.\n--f--\n");

  g_assert_true (rich->has_attachments);
  g_assert_cmpstr (rich->preview, ==, "Plain version of the rich mail.");
  g_assert_true (rfc2231->has_attachments);
  g_assert_true (nested->has_attachments);
  g_assert_false (related_only->has_attachments);
  g_assert_cmpstr (related_only->preview, ==, "Hi");
  g_assert_false (footer->has_attachments);
  g_assert_nonnull (strstr (footer->body_text, "List footer."));
}

static void
test_dates (void)
{
  g_autoptr(GBytes) none = mime_test_bytes ("Subject: x\n\nbody\n");
  g_autoptr(TidingsMimeSummary) fallback = summarize (none, 1234567890);
  g_autoptr(TidingsMimeSummary) zero = summarize (none, 0);
  g_autoptr(TidingsMimeSummary) received = summarize_fixture ("broken-date.eml");

  g_assert_cmpint (fallback->date, ==, 1234567890);
  g_assert_cmpint (zero->date, ==, 0);
  g_assert_cmpint (received->date, ==, 1679296089);
}

static char *
preview_of (const char *body)
{
  g_autofree char *text = g_strconcat ("Subject: p\nContent-Type: text/plain; charset=utf-8\n\n", body, NULL);
  g_autoptr(TidingsMimeSummary) s = summarize_text (text);

  return g_strdup (s->preview);
}

static void
test_preview (void)
{
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autofree char *p1 = preview_of ("Thanks!\n\nOn Tue, 14 Mar 2023, Bob wrote:\n> Can you?\n> Please.\n\n-- \nAda\n");
  g_autofree char *p2 = preview_of ("> only\n> quoted\n");
  g_autofree char *p3 = preview_of ("  lots\t\tof\n\n\n   space \xe2\x80\x8b\xc2\xa0here  \n");
  g_autofree char *p4 = preview_of ("Short answer.\n\n-----Original Message-----\nFrom: x\nOld text\n");
  g_autofree char *p5 = preview_of ("Yes.\n________________________________\nFrom: Bob\nSent: Monday\n");
  g_autofree char *p6 = NULL;

  g_assert_cmpstr (p1, ==, "Thanks!");
  g_assert_cmpstr (p2, ==, "> only > quoted");
  g_assert_cmpstr (p3, ==, "lots of space here");
  g_assert_cmpstr (p4, ==, "Short answer.");
  g_assert_cmpstr (p5, ==, "Yes.");

  for (guint i = 0; i < 100; i++)
    g_string_append (long_text, "w\xc3\xb6rd ");
  p6 = preview_of (long_text->str);
  g_assert_cmpint (g_utf8_strlen (p6, -1), <=, TIDINGS_MIME_SUMMARY_MAX_PREVIEW);
  g_assert_cmpint (g_utf8_strlen (p6, -1), >=, TIDINGS_MIME_SUMMARY_MAX_PREVIEW - 10);
  g_assert_true (g_str_has_suffix (p6, "w\xc3\xb6rd"));
}

static void
test_body_limit (void)
{
  g_autoptr(GString) text = g_string_new ("Subject: big\nContent-Type: text/plain; charset=utf-8\n\n");
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TidingsMimeSummary) s = NULL;

  /* 1 MiB of three-byte characters, so the cut falls inside one. */
  while (text->len < 1024 * 1024)
    g_string_append (text, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac x\n");
  raw = g_bytes_new (text->str, text->len);
  s = summarize (raw, 0);
  g_assert_cmpuint (strlen (s->body_text), <=, TIDINGS_MIME_SUMMARY_MAX_BODY);
  g_assert_cmpuint (strlen (s->body_text), >, TIDINGS_MIME_SUMMARY_MAX_BODY - 16);
}

static void
test_normalize_subject (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "Hello", "hello" },
    { "Re: Hello", "hello" },
    { "RE: re: Re:Hello", "hello" },
    { "Fwd: Re: FW: hello", "hello" },
    { "AW: SV: Hello", "hello" },
    { "Re[2]: Re(3): Re^4: Hello", "hello" },
    { "[dev] Re: [dev] Hello", "hello" },
    { "Re: [tidings-devel]   Hello    World ", "hello world" },
    { "Re\xef\xbc\x9a Hello", "hello" },
    { "  ", "" },
    { NULL, "" },
    { "[only a tag]", "[only a tag]" },
    { "Regarding: the plan", "regarding: the plan" },
    { "Re: Stra\xc3\x9f" "e", "strasse" },
    { "Caf\xc3\xa9 vs Cafe\xcc\x81", "caf\xc3\xa9 vs caf\xc3\xa9" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = tidings_mime_normalize_subject (cases[i].in);

      g_assert_cmpstr (normalized, ==, cases[i].out);
    }

  g_assert_true (tidings_mime_subject_is_reply ("Re: x"));
  g_assert_true (tidings_mime_subject_is_reply ("[list] AW: x"));
  g_assert_false (tidings_mime_subject_is_reply ("Fwd: x"));
  g_assert_false (tidings_mime_subject_is_reply ("Regards"));
}

static void
test_reply_subjects (void)
{
  static const struct { const char *in; const char *reply; const char *forward; } cases[] = {
    { "Hello", "Re: Hello", "Fwd: Hello" },
    { "Re: Hello", "Re: Hello", "Fwd: Re: Hello" },
    { "RE: Re: AW: Hello", "Re: Hello", "Fwd: RE: Re: AW: Hello" },
    { "Fwd: Hello", "Re: Fwd: Hello", "Fwd: Hello" },
    { "FW: Fwd: Hello", "Re: FW: Fwd: Hello", "Fwd: Hello" },
    { "[dev] Re: Hello", "Re: [dev] Hello", "Fwd: [dev] Re: Hello" },
    { "", "Re: ", "Fwd: " },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reply = tidings_mime_reply_subject (cases[i].in);
      g_autofree char *forward = tidings_mime_forward_subject (cases[i].in);

      g_assert_cmpstr (reply, ==, cases[i].reply);
      g_assert_cmpstr (forward, ==, cases[i].forward);
    }
}

/* A mix like a real mailbox: short plain mails, HTML newsletters with a
 * text alternative, and some with a 30 KB attachment. */
static GPtrArray *
typical_messages (void)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GString) paragraph = g_string_new (NULL);
  g_autoptr(GString) attachment = g_string_new (NULL);

  for (guint i = 0; i < 12; i++)
    g_string_append (paragraph, "The quick brown fox jumps over the lazy dog and keeps on running. ");
  for (guint i = 0; i < 30 * 1024 / 76; i++)
    g_string_append (attachment, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n");

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GString) m = g_string_new (NULL);

      g_string_append_printf (m,
        "Return-Path: <sender%u@example.org>\n"
        "Received: from mx%u.example.org by mail.example.net; Tue, 14 Mar 2023 10:%02u:05 +0000\n"
        "From: =?utf-8?q?Sender_N=C2=B0%u?= <sender%u@example.org>\n"
        "To: Person <person@example.net>, other%u@example.com\n"
        "Cc: list@lists.example.org\n"
        "Subject: Re: [list] Topic number %u about =?utf-8?q?caf=C3=A9s?=\n"
        "Date: Tue, 14 Mar 2023 11:%02u:00 +0100\n"
        "Message-ID: <msg%u@example.org>\n"
        "In-Reply-To: <msg%u@example.org>\n"
        "References: <root@example.org> <msg%u@example.org>\n"
        "List-Id: <list.lists.example.org>\n"
        "MIME-Version: 1.0\n",
        i, i, i % 60, i, i, i, i, i % 60, i, i ? i - 1 : 0, i ? i - 1 : 0);

      if (i % 10 < 6)
        {
          g_string_append (m, "Content-Type: text/plain; charset=utf-8; format=flowed\n"
                              "Content-Transfer-Encoding: 8bit\n\n");
          for (guint p = 0; p < 2; p++)
            g_string_append_printf (m, "%s\n\n", paragraph->str);
          g_string_append (m, "On Monday, Person wrote:\n> An earlier message\n> quoted here.\n\n-- \nSender\n");
        }
      else if (i % 10 < 9)
        {
          g_string_append (m, "Content-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\n"
                              "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n");
          g_string_append_printf (m, "%s\n\n--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body>", paragraph->str);
          for (guint p = 0; p < 4; p++)
            g_string_append_printf (m, "<p style=\"margin:0\">%s &amp; more</p>\n", paragraph->str);
          g_string_append (m, "</body></html>\n--alt--\n");
        }
      else
        {
          g_string_append (m, "Content-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\n"
                              "Content-Type: text/plain; charset=utf-8\n\n");
          g_string_append_printf (m, "%s\n--mix\nContent-Type: application/pdf; name=\"report.pdf\"\n"
                                     "Content-Disposition: attachment; filename=\"report.pdf\"\n"
                                     "Content-Transfer-Encoding: base64\n\n%s--mix--\n",
                                  paragraph->str, attachment->str);
        }
      g_ptr_array_add (messages, g_bytes_new (m->str, m->len));
    }
  return messages;
}

static void
test_speed (void)
{
  g_autoptr(GPtrArray) messages = typical_messages ();
  guint count = g_test_perf () ? 100000 : 5000;
  gint64 start;
  gint64 bytes = 0;
  double seconds;
  double cpu;
  clock_t cpu_start;

  start = g_get_monotonic_time ();
  cpu_start = clock ();
  for (guint i = 0; i < count; i++)
    {
      GBytes *raw = messages->pdata[i % messages->len];
      g_autoptr(TidingsMimeSummary) s = tidings_mime_summary_new (raw, 0, NULL);

      g_assert_nonnull (s);
      bytes += g_bytes_get_size (raw);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  cpu = (double) (clock () - cpu_start) / CLOCKS_PER_SEC;

  /* CPU time too: the wall clock depends on what else the machine runs. */
  g_test_message ("summarized %u messages (%.1f MB) in %.2f s (%.2f s CPU): %.0f messages/s (%.0f per CPU second)",
                  count, bytes / 1e6, seconds, cpu, count / seconds, count / cpu);
  if (g_test_perf ())
    g_test_minimized_result (seconds, "%u summaries: %.2f s (%.0f messages/s)", count, seconds, count / seconds);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/mime/summary/simple", test_simple);
  g_test_add_func ("/mime/summary/headers-only", test_headers_only);
  g_test_add_func ("/mime/summary/html", test_html);
  g_test_add_func ("/mime/summary/attachments", test_attachments);
  g_test_add_func ("/mime/summary/dates", test_dates);
  g_test_add_func ("/mime/summary/preview", test_preview);
  g_test_add_func ("/mime/summary/body-limit", test_body_limit);
  g_test_add_func ("/mime/summary/normalize-subject", test_normalize_subject);
  g_test_add_func ("/mime/summary/reply-subjects", test_reply_subjects);
  g_test_add_func ("/mime/summary/speed", test_speed);

  return g_test_run ();
}
