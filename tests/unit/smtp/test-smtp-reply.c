/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMTP reply parser, enhanced status codes, EHLO keywords, dot-stuffing. */
#include "config.h"

#include <string.h>

#include "smtp/tidings-smtp.h"

static TidingsSmtpReply *
parse (const char * const *lines,
       GError            **error)
{
  g_autoptr(TidingsSmtpReplyParser) parser = tidings_smtp_reply_parser_new ();
  TidingsSmtpReply *reply = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_null (reply);
      if (!tidings_smtp_reply_parser_feed (parser, lines[i], strlen (lines[i]), &reply, error))
        return NULL;
    }
  return reply;
}

static void
test_single_line (void)
{
  const char *lines[] = { "250 2.1.0 Ok", NULL };
  g_autoptr(TidingsSmtpReply) reply = parse (lines, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_cmpstr (reply->enhanced, ==, "2.1.0");
  g_assert_cmpstr (reply->lines[0], ==, "Ok");
  g_assert_null (reply->lines[1]);
  text = tidings_smtp_reply_to_display (reply);
  g_assert_cmpstr (text, ==, "250 2.1.0 Ok");
}

static void
test_bare_code (void)
{
  const char *lines[] = { "354", NULL };
  g_autoptr(TidingsSmtpReply) reply = parse (lines, NULL);

  g_assert_cmpuint (reply->code, ==, 354);
  g_assert_null (reply->enhanced);
  g_assert_cmpstr (reply->lines[0], ==, "");
}

static void
test_multi_line (void)
{
  const char *lines[] = { "550-5.1.1 The email account that you tried to reach",
                          "550-5.1.1 does not exist.",
                          "550 5.1.1 Please check.", NULL };
  g_autoptr(TidingsSmtpReply) reply = parse (lines, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpuint (reply->code, ==, 550);
  g_assert_cmpstr (reply->enhanced, ==, "5.1.1");
  g_assert_cmpuint (g_strv_length (reply->lines), ==, 3);
  g_assert_cmpstr (reply->lines[1], ==, "does not exist.");
  text = tidings_smtp_reply_to_display (reply);
  g_assert_cmpstr (text, ==,
                   "550 5.1.1 The email account that you tried to reach does not exist. Please check.");
}

static void
test_bad_replies (void)
{
  const char *bad[][3] = {
    { "hello", NULL },
    { "25", NULL },
    { "2500 x", NULL },
    { "199 too low", NULL },
    { "600 too high", NULL },
    { "250-first", "251 other code" },
    { "250_x", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GError *error = NULL;
      TidingsSmtpReply *reply = parse (bad[i], &error);

      g_assert_null (reply);
      g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_PROTOCOL);
      g_clear_error (&error);
    }
}

static void
test_nul_and_bounds (void)
{
  g_autoptr(TidingsSmtpReplyParser) parser = tidings_smtp_reply_parser_new ();
  TidingsSmtpReply *reply = NULL;
  GError *error = NULL;
  guint i;

  g_assert_false (tidings_smtp_reply_parser_feed (parser, "250 a\0b", 7, &reply, &error));
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* A server that never ends its reply cannot grow memory for ever. */
  for (i = 0; i < 100000; i++)
    if (!tidings_smtp_reply_parser_feed (parser, "250-more", 8, &reply, &error))
      break;
  g_assert_cmpuint (i, ==, TIDINGS_SMTP_REPLY_MAX_LINES);
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* And it starts clean afterwards. */
  g_assert_true (tidings_smtp_reply_parser_feed (parser, "221 bye", 7, &reply, &error));
  g_assert_cmpuint (reply->code, ==, 221);
  tidings_smtp_reply_free (reply);
}

static void
test_enhanced (void)
{
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("5.1.1 x", 7), ==, 5);
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("4.7.123", 7), ==, 7);
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("2.0.0", 5), ==, 5);
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("3.0.0 x", 7), ==, 0);
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("5.1 x", 5), ==, 0);
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("5.1.1x", 6), ==, 0);
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("5.1234.1", 8), ==, 0);
  g_assert_cmpuint (tidings_smtp_parse_enhanced ("5..1", 4), ==, 0);
  {
    /* An enhanced code of another class than the reply is just text. */
    const char *lines[] = { "250 5.0.0 odd", NULL };
    g_autoptr(TidingsSmtpReply) reply = parse (lines, NULL);

    g_assert_null (reply->enhanced);
    g_assert_cmpstr (reply->lines[0], ==, "5.0.0 odd");
  }
}

static void
test_ehlo (void)
{
  const char *lines[] = { "250-smtp.example.org Hello [192.0.2.1]",
                          "250-PIPELINING",
                          "250-SIZE 35882577",
                          "250-8BITMIME",
                          "250-auth PLAIN login",
                          "250-AUTH=CRAM-MD5,PLAIN",
                          "250-STARTTLS",
                          "250-ENHANCEDSTATUSCODES",
                          "250-XUNKNOWN with args",
                          "250-",
                          "250 SMTPUTF8", NULL };
  g_autoptr(TidingsSmtpReply) reply = parse (lines, NULL);
  g_autoptr(TidingsSmtpCapabilities) caps = tidings_smtp_capabilities_new_from_reply (reply);
  TidingsSmtpExtensions all = TIDINGS_SMTP_EXT_PIPELINING | TIDINGS_SMTP_EXT_SIZE
                              | TIDINGS_SMTP_EXT_8BITMIME | TIDINGS_SMTP_EXT_AUTH
                              | TIDINGS_SMTP_EXT_STARTTLS | TIDINGS_SMTP_EXT_ENHANCEDSTATUSCODES
                              | TIDINGS_SMTP_EXT_SMTPUTF8;
  const char *mechs[] = { "PLAIN", "LOGIN", "CRAM-MD5", NULL };

  g_assert_cmpuint (caps->extensions, ==, all);
  g_assert_cmpuint (caps->max_size, ==, 35882577);
  g_assert_cmpstrv (caps->auth, mechs);
}

static void
test_ehlo_odd (void)
{
  /* The greeting line never counts as a keyword; SIZE without a number. */
  const char *lines[] = { "250-STARTTLS", "250 SIZE", NULL };
  g_autoptr(TidingsSmtpReply) reply = parse (lines, NULL);
  g_autoptr(TidingsSmtpCapabilities) caps = tidings_smtp_capabilities_new_from_reply (reply);

  g_assert_cmpuint (caps->extensions, ==, TIDINGS_SMTP_EXT_SIZE);
  g_assert_cmpuint (caps->max_size, ==, 0);
  g_assert_nonnull (caps->auth);
  g_assert_null (caps->auth[0]);
}

static void
check_stuffing (const char *in,
                const char *expected)
{
  g_autoptr(GBytes) bytes = g_bytes_new (in, strlen (in));
  g_autoptr(GBytes) out = tidings_smtp_dot_stuff (bytes);

  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), expected, strlen (expected));
}

static void
test_dot_stuffing (void)
{
  check_stuffing ("", ".\r\n");
  check_stuffing ("a", "a\r\n.\r\n");
  check_stuffing ("a\r", "a\r\n.\r\n");
  check_stuffing ("a\n", "a\r\n.\r\n");
  check_stuffing (".", "..\r\n.\r\n");
  check_stuffing (".\r\n", "..\r\n.\r\n");
  check_stuffing ("a\n.b\r\n..c\n", "a\r\n..b\r\n...c\r\n.\r\n");
  check_stuffing ("x.y\n a.\n", "x.y\r\n a.\r\n.\r\n");
  check_stuffing ("lone\rcr\n", "lone\rcr\r\n.\r\n");
}

/* Through a GConverterInputStream read in tiny pieces: the same bytes. */
static void
test_dot_stuffing_stream (void)
{
  GString *in = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GInputStream) conv = NULL;
  g_autoptr(TidingsSmtpDotStuffer) stuffer = tidings_smtp_dot_stuffer_new ();
  GByteArray *out = g_byte_array_new ();
  guint8 buf[7];
  gssize n;

  for (guint i = 0; i < 2000; i++)
    g_string_append (in, i % 3 == 0 ? ".dot line\n" : i % 3 == 1 ? "plain\r\n" : ".");
  bytes = g_string_free_to_bytes (in);
  expected = tidings_smtp_dot_stuff (bytes);
  raw = g_memory_input_stream_new_from_bytes (bytes);
  conv = g_converter_input_stream_new (raw, G_CONVERTER (stuffer));
  while ((n = g_input_stream_read (conv, buf, sizeof buf, NULL, NULL)) > 0)
    g_byte_array_append (out, buf, n);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpmem (out->data, out->len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  g_byte_array_unref (out);
}

static void
test_helpers (void)
{
  g_assert_false (tidings_smtp_has_8bit ((const guint8 *) "plain", 5));
  g_assert_true (tidings_smtp_has_8bit ((const guint8 *) "Gr\xc3\xbc\xc3\x9f" "e", 7));
  g_assert_true (tidings_smtp_address_is_valid ("a@b.org"));
  g_assert_false (tidings_smtp_address_is_valid ("a b@b.org"));
  g_assert_false (tidings_smtp_address_is_valid ("a@b.org>\r\nRCPT TO:<evil@x"));
  g_assert_false (tidings_smtp_address_is_valid ("<a@b.org>"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smtp/reply/single-line", test_single_line);
  g_test_add_func ("/smtp/reply/bare-code", test_bare_code);
  g_test_add_func ("/smtp/reply/multi-line", test_multi_line);
  g_test_add_func ("/smtp/reply/bad", test_bad_replies);
  g_test_add_func ("/smtp/reply/nul-and-bounds", test_nul_and_bounds);
  g_test_add_func ("/smtp/reply/enhanced", test_enhanced);
  g_test_add_func ("/smtp/reply/ehlo", test_ehlo);
  g_test_add_func ("/smtp/reply/ehlo-odd", test_ehlo_odd);
  g_test_add_func ("/smtp/dot-stuffing/strings", test_dot_stuffing);
  g_test_add_func ("/smtp/dot-stuffing/stream", test_dot_stuffing_stream);
  g_test_add_func ("/smtp/helpers", test_helpers);
  return g_test_run ();
}
