/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "imap/tidings-imap.h"

/* Modified UTF-7: known pairs both ways, rejects, and random round trips. */
static void
test_mutf7_pairs (void)
{
  static const struct { const char *utf8, *mutf7; } pairs[] = {
    { "INBOX", "INBOX" },
    { "", "" },
    { "Entwürfe", "Entw&APw-rfe" },
    { "台北/日本語", "&U,BTFw-/&ZeVnLIqe-" },
    { "😀", "&2D3eAA-" },
    { "a&b", "a&-b" },
    { "&", "&-" },
    { "&&", "&-&-" },
    { "Ünïcödé 😀 & ✓", "&ANw-n&AO8-c&APY-d&AOk- &2D3eAA- &- &JxM-" },
    { "été", "&AOk-t&AOk-" },
    { "tab\there", "tab&AAk-here" },
    { "~peter/mail/Sent", "~peter/mail/Sent" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *enc = tidings_imap_mutf7_encode (pairs[i].utf8, -1);
      g_autofree char *dec = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (enc, ==, pairs[i].mutf7);
      dec = tidings_imap_mutf7_decode (pairs[i].mutf7, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (dec, ==, pairs[i].utf8);
    }
}

static void
test_mutf7_rejects (void)
{
  static const char *const bad[] = {
    "&Jjo!",          /* '!' inside base64 */
    "&U,BTFw",        /* not closed */
    "&AGE-",          /* 'a' must be written directly */
    "&2D0-",          /* lone high surrogate */
    "&3gA-",          /* lone low surrogate */
    "&2D3YPQ-",       /* high surrogate followed by high */
    "Entw\xc3\xbcrfe", /* raw 8-bit */
    "&AAA-",          /* NUL */
    "&AOl-",          /* stray bits after the last unit */
    "&A-",            /* too short */
    "&",              /* lone & at the end */
    "a\x01",          /* control character */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dec = tidings_imap_mutf7_decode (bad[i], -1, &error);

      g_test_message ("reject %s", bad[i]);
      g_assert_null (dec);
      g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_ENCODING);
    }
  g_assert_null (tidings_imap_mutf7_encode ("\xff", -1));
}

static void
test_mutf7_random_round_trips (void)
{
  static const gunichar pool[] = {
    'a', 'Z', '&', '-', '/', '.', ' ', '~', 0x09, 0x7f, 0xe9, 0xfc, 0x3b1, 0x4e2d, 0xfffd,
    0xd7ff, 0xe000, 0xffff, 0x10000, 0x1f600, 0x10ffff,
  };
  guint round;

  for (round = 0; round < 5000; round++)
    {
      GString *s = g_string_new (NULL);
      guint len = g_test_rand_int_range (0, 12), i;
      g_autofree char *enc = NULL;
      g_autofree char *dec = NULL;
      g_autoptr(GError) error = NULL;

      for (i = 0; i < len; i++)
        g_string_append_unichar (s, pool[g_test_rand_int_range (0, G_N_ELEMENTS (pool))]);
      enc = tidings_imap_mutf7_encode (s->str, s->len);
      g_assert_nonnull (enc);
      for (i = 0; enc[i]; i++)
        g_assert_true (enc[i] >= 0x20 && enc[i] <= 0x7e);
      dec = tidings_imap_mutf7_decode (enc, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (dec, ==, s->str);
      g_string_free (s, TRUE);
    }
}

static void
test_sequence_set_parse_format (void)
{
  static const struct { const char *in, *out; guint64 count; } cases[] = {
    { "1", "1", 1 },
    { "1:4,7,9:*", "1:4,7,9:*", 4 + 1 + (G_MAXUINT32 - 9 + 1) },
    { "5:1", "1:5", 5 },
    { "*:4", "4:*", (guint64) G_MAXUINT32 - 4 + 1 },
    { "1,2,3,4", "1:4", 4 },
    { "1:4294967295", "1:4294967295", G_MAXUINT32 },
    { "304,319:320", "304,319:320", 3 },
    { "7,3", "7,3", 2 },
    { "*", "*", 1 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsImapSequenceSet) set = tidings_imap_sequence_set_parse (cases[i].in, -1, &error);
      g_autofree char *out = NULL;

      g_assert_no_error (error);
      out = tidings_imap_sequence_set_to_string (set);
      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_cmpuint (tidings_imap_sequence_set_get_count (set), ==, cases[i].count);
    }
}

static void
test_sequence_set_rejects (void)
{
  static const char *const bad[] = {
    "", "0", "1:0", "1:", ":1", ",", "1,,2", "1,", "4294967296", "1:99999999999999999999", "a", "1 2",
    "1:*:3", "-1",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      TidingsImapSequenceSet *set = tidings_imap_sequence_set_parse (bad[i], -1, &error);

      g_test_message ("reject “%s”", bad[i]);
      g_assert_null (set);
      g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_ENCODING);
    }
}

static void
test_sequence_set_build (void)
{
  g_autoptr(TidingsImapSequenceSet) set = tidings_imap_sequence_set_new ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  TidingsImapSequenceSetIter iter;
  guint32 n, expect[] = { 9, 10, 11, 1, 2, 5, 3 };
  guint i = 0;
  guint64 first, last;

  g_assert_true (tidings_imap_sequence_set_is_empty (set));
  tidings_imap_sequence_set_add_range (set, 9, 11);
  tidings_imap_sequence_set_add (set, 1);
  tidings_imap_sequence_set_add (set, 2);
  tidings_imap_sequence_set_add (set, 5);
  tidings_imap_sequence_set_add (set, 3);
  a = tidings_imap_sequence_set_to_string (set);
  g_assert_cmpstr (a, ==, "9:11,1:2,5,3");
  g_assert_true (tidings_imap_sequence_set_contains (set, 10));
  g_assert_true (tidings_imap_sequence_set_contains (set, 3));
  g_assert_false (tidings_imap_sequence_set_contains (set, 4));

  /* Order is kept for COPYUID-style pairing. */
  tidings_imap_sequence_set_iter_init (&iter, set);
  while (tidings_imap_sequence_set_iter_next (&iter, &n))
    g_assert_cmpuint (n, ==, expect[i++]);
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (expect));

  tidings_imap_sequence_set_normalize (set);
  b = tidings_imap_sequence_set_to_string (set);
  g_assert_cmpstr (b, ==, "1:3,5,9:11");
  g_assert_cmpuint (tidings_imap_sequence_set_get_n_ranges (set), ==, 3);
  tidings_imap_sequence_set_get_range (set, 2, &first, &last);
  g_assert_cmpuint (first, ==, 9);
  g_assert_cmpuint (last, ==, 11);
  for (n = 1; n <= 12; n++)
    g_assert_cmpint (tidings_imap_sequence_set_contains (set, n), ==, n <= 3 || n == 5 || (n >= 9 && n <= 11));
  g_assert_cmpuint (tidings_imap_sequence_set_get_count (set), ==, 7);
}

/* A set covering every UID is one range: contains() and count() answer at
 * once, and 100,000 scattered UIDs normalize quickly. */
static void
test_sequence_set_huge (void)
{
  g_autoptr(TidingsImapSequenceSet) all = tidings_imap_sequence_set_parse ("1:4294967295", -1, NULL);
  g_autoptr(TidingsImapSequenceSet) many = tidings_imap_sequence_set_new ();
  g_autofree char *s = NULL;
  guint32 i;

  g_assert_true (tidings_imap_sequence_set_contains (all, G_MAXUINT32));
  g_assert_cmpuint (tidings_imap_sequence_set_get_n_ranges (all), ==, 1);
  for (i = 200000; i > 0; i -= 2)
    tidings_imap_sequence_set_add (many, i);
  g_assert_cmpuint (tidings_imap_sequence_set_get_n_ranges (many), ==, 100000);
  tidings_imap_sequence_set_normalize (many);
  g_assert_true (tidings_imap_sequence_set_contains (many, 199998));
  g_assert_false (tidings_imap_sequence_set_contains (many, 199999));
  for (i = 1; i < 200000; i += 2)
    tidings_imap_sequence_set_add (many, i);
  tidings_imap_sequence_set_normalize (many);
  s = tidings_imap_sequence_set_to_string (many);
  g_assert_cmpstr (s, ==, "1:200000");
}

static void
test_date_time (void)
{
  gint64 t = 0;

  g_assert_true (tidings_imap_parse_date_time (" 7-Feb-2024 21:52:25 +0100", &t));
  g_assert_cmpint (t, ==, 1707339145);
  g_assert_true (tidings_imap_parse_date_time ("17-Jul-1996 02:44:25 -0700", &t));
  g_assert_cmpint (t, ==, 837596665);
  g_assert_true (tidings_imap_parse_date_time ("7-feb-2024 21:52:25 +0100", &t));
  g_assert_cmpint (t, ==, 1707339145);
  g_assert_false (tidings_imap_parse_date_time ("17-Jux-1996 02:44:25 -0700", &t));
  g_assert_false (tidings_imap_parse_date_time ("17-Jul-1996 02:44:25", &t));
  g_assert_false (tidings_imap_parse_date_time ("17-Jul-1996 25:44:25 -0700", &t));
  g_assert_false (tidings_imap_parse_date_time ("17-Jul-96 02:44:25 -0700", &t));
  g_assert_false (tidings_imap_parse_date_time ("", &t));
  g_assert_false (tidings_imap_parse_date_time ("17-Jul-1996 02:44:25 -0700 x", &t));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap/mutf7/pairs", test_mutf7_pairs);
  g_test_add_func ("/imap/mutf7/rejects", test_mutf7_rejects);
  g_test_add_func ("/imap/mutf7/random-round-trips", test_mutf7_random_round_trips);
  g_test_add_func ("/imap/sequence-set/parse-format", test_sequence_set_parse_format);
  g_test_add_func ("/imap/sequence-set/rejects", test_sequence_set_rejects);
  g_test_add_func ("/imap/sequence-set/build", test_sequence_set_build);
  g_test_add_func ("/imap/sequence-set/huge", test_sequence_set_huge);
  g_test_add_func ("/imap/date-time", test_date_time);
  return g_test_run ();
}
