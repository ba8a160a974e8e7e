/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "imap-test-util.h"
#include "server-transcripts.h"
#include "expected-dumps.h"

/* Every transcript parses to the expected dumps, whole, byte by byte, and
 * in random chunks. */
static void
test_transcripts (void)
{
  guint i;

  G_STATIC_ASSERT (G_N_ELEMENTS (imap_transcripts) == G_N_ELEMENTS (imap_expected_dumps));
  for (i = 0; i < G_N_ELEMENTS (imap_transcripts); i++)
    {
      const ImapTranscript *t = &imap_transcripts[i];
      g_autofree char *whole = imap_test_parse_chunked (t->data, t->length, t->length, NULL);
      g_autofree char *bytes = imap_test_parse_chunked (t->data, t->length, 1, NULL);
      guint round;

      if (g_getenv ("IMAP_TEST_PRINT"))
        {
          g_print ("  /* %s */\n  \"%s\",\n", t->name, g_strescape (whole, NULL));
          continue;
        }
      g_test_message ("transcript %s", t->name);
      g_assert_cmpstr (whole, ==, imap_expected_dumps[i]);
      g_assert_cmpstr (bytes, ==, whole);
      for (round = 0; round < 20; round++)
        {
          g_autofree char *chunks = imap_test_parse_chunked (t->data, t->length, 0, NULL);

          g_assert_cmpstr (chunks, ==, whole);
        }
    }
}

/* All transcripts back to back, split at every possible single boundary. */
static void
test_every_split (void)
{
  GString *all = g_string_new (NULL);
  g_autofree char *expected = NULL;
  gsize cut;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (imap_transcripts); i++)
    g_string_append_len (all, imap_transcripts[i].data, imap_transcripts[i].length);
  expected = imap_test_parse_chunked (all->str, all->len, all->len, NULL);
  g_assert_null (strstr (expected, "ERROR"));

  for (cut = 1; cut < all->len; cut++)
    {
      g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
      GString *out = g_string_new (NULL);
      gsize parts[2][2] = { { 0, cut }, { cut, all->len - cut } };
      guint p;

      for (p = 0; p < 2; p++)
        {
          TidingsImapResponse *r = NULL;
          g_autoptr(GError) error = NULL;

          g_assert_true (tidings_imap_parser_feed (parser, all->str + parts[p][0], parts[p][1], &error));
          while (tidings_imap_parser_next (parser, &r, &error) == TIDINGS_IMAP_PARSER_RESPONSE)
            {
              g_autofree char *d = imap_test_dump (r);

              g_string_append (out, d);
              g_string_append_c (out, '\n');
              g_clear_pointer (&r, tidings_imap_response_unref);
            }
          g_assert_no_error (error);
        }
      g_assert_cmpstr (out->str, ==, expected);
      g_string_free (out, TRUE);
    }
  g_string_free (all, TRUE);
}

typedef struct
{
  const char *name;
  const char *data;
  gsize       length;
  int         code;     /* -1: PARTIAL (needs more), else the error code */
} BadCase;

#define B(name, text, code) { name, text, sizeof (text) - 1, code }

static const BadCase bad_cases[] = {
  B ("literal-2^63", "* 1 FETCH (BODY[] {9223372036854775808}\r\n", TIDINGS_IMAP_ERROR_LIMIT),
  B ("literal-2^64+", "* 1 FETCH (BODY[] {99999999999999999999999999}\r\n", TIDINGS_IMAP_ERROR_LIMIT),
  B ("literal-over-cap", "* 1 FETCH (BODY[] {67108865}\r\n", TIDINGS_IMAP_ERROR_LIMIT),
  B ("literal8-over-cap", "* 1 FETCH (BINARY[] ~{67108865+}\r\n", TIDINGS_IMAP_ERROR_LIMIT),
  B ("unclosed-list", "* 1 FETCH (UID 1\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("extra-paren", "* 1 FETCH (UID 1))\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("tagged-not-status", "a1 FOO bar\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("unterminated-quote", "* LIST () \"/\" \"abc\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("nul-in-line", "* SEARCH 1 \0 2\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("nul-in-quote", "* LIST () \"/\" \"a\0b\"\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("nul-in-text", "* OK hello\0there\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("number-overflow", "* 99999999999999999999 EXISTS\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("number-overflow-in-list", "* 1 FETCH (UID 18446744073709551616)\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("bad-origin", "* 1 FETCH (BODY[]<abc> NIL)\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("unclosed-origin", "* 1 FETCH (BODY[]<12 NIL)\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("unclosed-section", "* 1 FETCH (BODY[HEADER NIL)\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("star-only", "*\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("star-space", "* \r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("number-no-keyword", "* 5\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("stray-cr", "* SEARCH 1\r2\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("literal-not-at-eol", "* 1 FETCH (BODY[] {5} abc)\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("literal-no-digits", "* 1 FETCH (BODY[] {}\r\n)\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("leading-space", " * OK hi\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("atom-brace-literal", "* 1 FETCH (X abc{3}\r\nxyz)\r\n", TIDINGS_IMAP_ERROR_PARSE),
  B ("deep-nesting",
     "* 1 FETCH (X ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
     "))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\r\n",
     TIDINGS_IMAP_ERROR_LIMIT),
  B ("deep-section", "* 1 FETCH (BODY[(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
     "(((((((((((((((())))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))]"
     " NIL)\r\n", TIDINGS_IMAP_ERROR_LIMIT),
  B ("truncated-line", "* 1 FETCH (UID 1", -1),
  B ("truncated-literal", "* 1 FETCH (BODY[] {10}\r\nabc", -1),
  B ("truncated-after-literal", "* 1 FETCH (BODY[] {3}\r\nabc", -1),
};

#undef B

static void
test_bad_input (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autofree char *whole = imap_test_parse_chunked (c->data, c->length, c->length, NULL);
      g_autofree char *bytes = imap_test_parse_chunked (c->data, c->length, 1, NULL);
      g_autofree char *expected = c->code < 0 ? g_strdup ("PARTIAL")
                                              : g_strdup_printf ("ERROR %d", c->code);

      g_test_message ("bad case %s", c->name);
      g_assert_cmpstr (whole, ==, expected);
      g_assert_cmpstr (bytes, ==, expected);
    }
}

/* A literal of 2^63 bytes is refused as soon as its line is complete:
 * nothing near its size is allocated, and the message is short. */
static void
test_huge_literal_refused_early (void)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  TidingsImapResponse *r = NULL;
  const char *line = "* 1 FETCH (BODY[] {9223372036854775808}\r\n";

  g_assert_true (tidings_imap_parser_feed (parser, line, strlen (line), &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_ERROR);
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT);
  g_assert_null (r);
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_assert_true (tidings_imap_parser_is_poisoned (parser));
  g_assert_cmpuint (tidings_imap_parser_get_buffered (parser), ==, 0);
  g_clear_error (&error);

  /* Poisoned: both calls keep failing the same way. */
  g_assert_false (tidings_imap_parser_feed (parser, "* OK\r\n", 6, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT);
  g_clear_error (&error);
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_ERROR);
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT);
  g_clear_error (&error);

  /* reset() makes it usable again. */
  tidings_imap_parser_reset (parser);
  g_assert_false (tidings_imap_parser_is_poisoned (parser));
  g_assert_true (tidings_imap_parser_feed (parser, "* OK\r\n", 6, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_RESPONSE);
  g_assert_cmpint (tidings_imap_response_get_status (r), ==, TIDINGS_IMAP_STATUS_OK);
  tidings_imap_response_unref (r);
}

/* A line over the cap fails as soon as the cap is passed, before its end. */
static void
test_line_over_cap (void)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  TidingsImapParserLimits limits = { .max_line_length = 1000 };
  TidingsImapResponse *r = NULL;
  g_autofree char *junk = g_strnfill (600, 'x');
  TidingsImapParserResult res;

  tidings_imap_parser_set_limits (parser, &limits);
  g_assert_true (tidings_imap_parser_feed (parser, "* SEARCH ", 9, &error));
  g_assert_true (tidings_imap_parser_feed (parser, junk, 600, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_NEED_MORE);
  g_assert_true (tidings_imap_parser_feed (parser, junk, 600, &error));
  res = tidings_imap_parser_next (parser, &r, &error);
  g_assert_cmpint (res, ==, TIDINGS_IMAP_PARSER_ERROR);
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT);
  g_assert_cmpuint (strlen (error->message), <, 300);

  /* The default cap is 1 MiB: a line just under it parses. */
  {
    g_autoptr(TidingsImapParser) p2 = tidings_imap_parser_new ();
    GString *line = g_string_new ("* SEARCH");
    guint n = 0;

    while (line->len < TIDINGS_IMAP_DEFAULT_MAX_LINE_LENGTH - 16)
      g_string_append_printf (line, " %u", ++n);
    g_string_append (line, "\r\n");
    g_clear_error (&error);
    g_assert_true (tidings_imap_parser_feed (p2, line->str, line->len, &error));
    g_assert_cmpint (tidings_imap_parser_next (p2, &r, &error), ==, TIDINGS_IMAP_PARSER_RESPONSE);
    g_assert_cmpuint (tidings_imap_value_get_n_children (tidings_imap_response_get_args (r)), ==, n);
    tidings_imap_response_unref (r);
    g_string_free (line, TRUE);
  }
}

static void
test_items_limit (void)
{
  TidingsImapParserLimits limits = { .max_items = 10 };
  const char *ok = "* SEARCH 1 2 3 4 5 6 7 8 9\r\n";
  const char *bad = "* SEARCH 1 2 3 4 5 6 7 8 9 10 11\r\n";
  g_autofree char *a = imap_test_parse_chunked (ok, strlen (ok), 3, &limits);
  g_autofree char *b = imap_test_parse_chunked (bad, strlen (bad), 3, &limits);
  g_autofree char *want = g_strdup_printf ("ERROR %d", TIDINGS_IMAP_ERROR_LIMIT);

  g_assert_cmpstr (a, ==, "* SEARCH #1 #2 #3 #4 #5 #6 #7 #8 #9\n");
  g_assert_cmpstr (b, ==, want);
}

static void
test_depth_limit_configurable (void)
{
  TidingsImapParserLimits limits = { .max_depth = 3 };
  const char *ok = "* 1 FETCH (X (()))\r\n";
  const char *bad = "* 1 FETCH (X ((())))\r\n";
  g_autofree char *a = imap_test_parse_chunked (ok, strlen (ok), 100, &limits);
  g_autofree char *b = imap_test_parse_chunked (bad, strlen (bad), 100, &limits);
  g_autofree char *want = g_strdup_printf ("ERROR %d", TIDINGS_IMAP_ERROR_LIMIT);

  g_assert_cmpstr (a, ==, "* 1 FETCH (X (()))\n");
  g_assert_cmpstr (b, ==, want);
}

/* Feeding more than max_buffered without draining is refused. */
static void
test_buffered_limit (void)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  TidingsImapParserLimits limits = { .max_line_length = 100, .max_literal_size = 1000, .max_buffered = 1 };
  TidingsImapParserLimits got;
  g_autofree char *block = g_strnfill (700, 'a');
  TidingsImapResponse *r = NULL;

  tidings_imap_parser_set_limits (parser, &limits);
  tidings_imap_parser_get_limits (parser, &got);
  /* Raised so that one maximal literal and its lines fit. */
  g_assert_cmpuint (got.max_buffered, ==, 1000 + 2 * 102);
  g_assert_true (tidings_imap_parser_feed (parser, "* 1 FETCH (BODY[] {1000}\r\n", 26, &error));
  g_assert_true (tidings_imap_parser_feed (parser, block, 700, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_NEED_MORE);
  g_assert_false (tidings_imap_parser_feed (parser, block, 700, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT);
}

/* 1,000 responses of 1 KiB in one feed: fine as long as next() drains. */
static void
test_many_responses_one_feed (void)
{
  GString *s = g_string_new (NULL);
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  TidingsImapResponse *r = NULL;
  guint i, count = 0;

  for (i = 1; i <= 1000; i++)
    g_string_append_printf (s, "* %u FETCH (UID %u BODY[] {1000}\r\n%01000d)\r\n", i, i, 0);
  g_assert_true (tidings_imap_parser_feed (parser, s->str, s->len, &error));
  while (tidings_imap_parser_next (parser, &r, &error) == TIDINGS_IMAP_PARSER_RESPONSE)
    {
      guint64 n;

      g_assert_true (tidings_imap_response_get_number (r, &n));
      g_assert_cmpuint (n, ==, ++count);
      g_clear_pointer (&r, tidings_imap_response_unref);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1000);
  g_assert_true (tidings_imap_parser_finish (parser, &error));
  g_string_free (s, TRUE);
}

/* A 1 MiB line and a 16 MiB literal fed one byte and 7 bytes at a time:
 * linear work (a rescan from the line start each time would take minutes). */
static void
test_tiny_feeds_stay_linear (void)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  GString *line = g_string_new ("* SEARCH");
  TidingsImapResponse *r = NULL;
  gint64 start = g_get_monotonic_time ();
  gsize i, lit = 16 << 20;
  g_autofree char *body = g_malloc (lit);
  g_autofree char *head = NULL;

  while (line->len < 1000000)
    g_string_append (line, " 4294967295");
  g_string_append (line, "\r\n");
  for (i = 0; i < line->len; i++)
    {
      g_assert_true (tidings_imap_parser_feed (parser, line->str + i, 1, &error));
      if (tidings_imap_parser_next (parser, &r, &error) == TIDINGS_IMAP_PARSER_RESPONSE)
        break;
    }
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpuint (i, ==, line->len - 1);
  g_clear_pointer (&r, tidings_imap_response_unref);

  memset (body, 'z', lit);
  head = g_strdup_printf ("* 1 FETCH (BODY[] {%" G_GSIZE_FORMAT "}\r\n", lit);
  g_assert_true (tidings_imap_parser_feed (parser, head, strlen (head), &error));
  for (i = 0; i < lit; i += 7)
    {
      g_assert_true (tidings_imap_parser_feed (parser, body + i, MIN (7, lit - i), &error));
      g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_NEED_MORE);
    }
  g_assert_true (tidings_imap_parser_feed (parser, ")\r\n", 3, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_RESPONSE);
  {
    const TidingsImapValue *items = tidings_imap_value_get_child (tidings_imap_response_get_args (r), 0);
    gsize len = 0;

    tidings_imap_value_get_string (tidings_imap_value_get_child (items, 1), &len);
    g_assert_cmpuint (len, ==, lit);
  }
  tidings_imap_response_unref (r);
  g_test_message ("tiny feeds took %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_string_free (line, TRUE);
}

static void
test_finish (void)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  TidingsImapResponse *r = NULL;

  g_assert_true (tidings_imap_parser_finish (parser, &error));
  g_assert_true (tidings_imap_parser_feed (parser, "* 3 EXISTS\r\n* 4 EXI", 19, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_RESPONSE);
  g_clear_pointer (&r, tidings_imap_response_unref);
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_NEED_MORE);
  g_assert_false (tidings_imap_parser_finish (parser, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_PARSE);
  g_clear_error (&error);

  /* After STARTTLS, bytes that came before the handshake are dropped. */
  tidings_imap_parser_reset (parser);
  g_assert_true (tidings_imap_parser_feed (parser, "* 9 FETCH (BODY[] {100}\r\nabc", 28, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_NEED_MORE);
  tidings_imap_parser_reset (parser);
  g_assert_cmpuint (tidings_imap_parser_get_buffered (parser), ==, 0);
  g_assert_true (tidings_imap_parser_feed (parser, "* CAPABILITY IMAP4rev1\r\n", 24, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_RESPONSE);
  g_assert_true (tidings_imap_response_is (r, "CAPABILITY"));
  g_clear_pointer (&r, tidings_imap_response_unref);
  g_assert_true (tidings_imap_parser_finish (parser, &error));
}

/* Error messages point at the place and stay short, whatever the input. */
static void
test_error_messages (void)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  GString *s = g_string_new ("* 1 FETCH (UID 1 X ");
  TidingsImapResponse *r = NULL;
  guint i;

  for (i = 0; i < 10000; i++)
    g_string_append (s, "\"abc\" ");
  g_string_append (s, "))\r\n");
  g_assert_true (tidings_imap_parser_feed (parser, s->str, s->len, &error));
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_ERROR);
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_PARSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "line 1"));
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_string_free (s, TRUE);
}

static const char accessor_input[] =
  "* 7 FETCH (UID 42 BODY[1]<100> {3}\r\na\0b X \"12\" NIL (a) \"q\\\"\")\r\n";

static void
test_value_accessors (void)
{
  g_autoptr(TidingsImapResponse) r =
    imap_test_parse_one_len (accessor_input, sizeof accessor_input - 1);
  const TidingsImapValue *items = tidings_imap_value_get_child (tidings_imap_response_get_args (r), 0);
  const TidingsImapValue *body = tidings_imap_value_get_child (items, 2);
  const TidingsImapValue *lit = tidings_imap_value_get_child (items, 3);
  g_autoptr(GBytes) bytes = tidings_imap_response_get_value_bytes (r, lit);
  guint64 n = 0;
  guint32 n32 = 0;
  gsize len = 0;
  g_autofree char *s = NULL;

  g_assert_cmpstr (tidings_imap_response_get_name (r), ==, "FETCH");
  g_assert_true (tidings_imap_response_is (r, "fetch"));
  g_assert_true (tidings_imap_value_is_atom (tidings_imap_value_get_child (items, 0), "uid"));
  g_assert_true (tidings_imap_value_get_uint32 (tidings_imap_value_get_child (items, 1), &n32));
  g_assert_cmpuint (n32, ==, 42);
  g_assert_cmpstr (tidings_imap_value_get_atom (body), ==, "BODY");
  g_assert_false (tidings_imap_value_is_atom (body, "BODY"));
  g_assert_cmpint (tidings_imap_value_get_origin (body), ==, 100);
  g_assert_cmpint (tidings_imap_value_get_origin (tidings_imap_value_get_child (items, 0)), ==, -1);
  g_assert_cmpuint (tidings_imap_value_get_n_children (tidings_imap_value_get_section (body)), ==, 1);
  g_assert_true (tidings_imap_value_is_literal (lit));
  g_assert_false (tidings_imap_value_is_literal8 (lit));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "a\0b", 3);
  g_assert_null (tidings_imap_value_get_nstring (tidings_imap_value_get_child (items, 4), &len));
  g_assert_true (tidings_imap_value_get_number (tidings_imap_value_get_child (items, 5), &n));
  g_assert_cmpuint (n, ==, 12);
  g_assert_true (tidings_imap_value_is_nil (tidings_imap_value_get_child (items, 6)));
  g_assert_null (tidings_imap_value_get_string (tidings_imap_value_get_child (items, 6), NULL));
  g_assert_true (tidings_imap_value_is_list (tidings_imap_value_get_child (items, 7)));
  g_assert_cmpstr (tidings_imap_value_get_string (tidings_imap_value_get_child (items, 8), &len), ==, "q\"");
  g_assert_null (tidings_imap_value_get_child (items, 9));
  g_assert_cmpuint (tidings_imap_response_get_wire_size (r), ==, sizeof accessor_input - 1);
  s = tidings_imap_response_to_string (r, 20);
  g_assert_cmpuint (strlen (s), <=, 23);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap/parser/transcripts", test_transcripts);
  g_test_add_func ("/imap/parser/every-split", test_every_split);
  g_test_add_func ("/imap/parser/bad-input", test_bad_input);
  g_test_add_func ("/imap/parser/huge-literal", test_huge_literal_refused_early);
  g_test_add_func ("/imap/parser/line-over-cap", test_line_over_cap);
  g_test_add_func ("/imap/parser/items-limit", test_items_limit);
  g_test_add_func ("/imap/parser/depth-limit", test_depth_limit_configurable);
  g_test_add_func ("/imap/parser/buffered-limit", test_buffered_limit);
  g_test_add_func ("/imap/parser/many-responses", test_many_responses_one_feed);
  g_test_add_func ("/imap/parser/tiny-feeds-linear", test_tiny_feeds_stay_linear);
  g_test_add_func ("/imap/parser/finish", test_finish);
  g_test_add_func ("/imap/parser/error-messages", test_error_messages);
  g_test_add_func ("/imap/parser/value-accessors", test_value_accessors);
  return g_test_run ();
}
