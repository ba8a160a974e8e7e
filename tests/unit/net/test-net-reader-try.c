/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reader's reads without waiting (try_read_line, try_read_bytes):
 * only what is already buffered, same limits and errors as the async
 * reads, nothing consumed when it is not all there. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <zlib.h>

#include "net-test-util.h"
#include "tidings-engine.h"
#include "net/tidings-net-private.h"
#include "net/tidings-reader-private.h"

/* Sends @data, then reads one line the usual way (which buffers whatever
 * else has arrived by then). */
static char *
send_and_read_line (NetTestPair       *p,
                    const char *data)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  char *line;

  net_test_pair_send (p, data, -1);
  net_test_sleep_ms (20);
  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  line = tidings_reader_read_line_finish (p->reader, result, NULL, &error);
  g_assert_no_error (error);
  return line;
}

static void
assert_line_would_block (NetTestPair *p)
{
  GError *error = NULL;
  gsize len = 99;

  g_assert_null (tidings_reader_try_read_line (p->reader, &len, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpuint (len, ==, 0);
  g_error_free (error);
}

static void
test_try_line (NetTestPair          *p,
               gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *last = NULL;
  gsize len = 99;

  /* Nothing buffered yet. */
  assert_line_would_block (p);

  first = send_and_read_line (p, "* 1 EXISTS\r\nbare\n\r\npart");
  g_assert_cmpstr (first, ==, "* 1 EXISTS");
  second = tidings_reader_try_read_line (p->reader, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, ==, "bare");
  g_assert_cmpuint (len, ==, 4);
  third = tidings_reader_try_read_line (p->reader, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (third, ==, "");
  g_assert_cmpuint (len, ==, 0);

  /* Half a line: not taken, still there for the async read. */
  assert_line_would_block (p);
  g_assert_cmpuint (tidings_reader_get_buffered (p->reader), ==, 4);
  last = send_and_read_line (p, "ial\r\n");
  g_assert_cmpstr (last, ==, "partial");
  g_assert_cmpuint (tidings_reader_get_buffered (p->reader), ==, 0);
}

static void
test_try_bytes (NetTestPair          *p,
                gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *rest = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = NULL;

  first = send_and_read_line (p, "* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n");
  g_assert_cmpstr (first, ==, "* 1 FETCH (BODY[] {10}");
  /* More than is there: nothing taken. */
  g_assert_null (tidings_reader_try_read_bytes (p->reader, 20, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  g_assert_cmpuint (tidings_reader_get_buffered (p->reader), ==, 13);

  bytes = tidings_reader_try_read_bytes (p->reader, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "0123456789", 10);
  empty = tidings_reader_try_read_bytes (p->reader, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
  rest = tidings_reader_try_read_line (p->reader, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rest, ==, ")");
}

static void
test_try_bytes_too_big (NetTestPair          *p,
                        gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *first = NULL;

  tidings_reader_set_max_bytes (p->reader, 100);
  first = send_and_read_line (p, "* 1 FETCH (BODY[] {101}\r\nx");
  g_assert_null (tidings_reader_try_read_bytes (p->reader, 101, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG);
  g_clear_error (&error);
  /* A claim of 2^63 is refused before anything is allocated. */
  g_assert_null (tidings_reader_try_read_bytes (p->reader, G_GUINT64_CONSTANT (1) << 63, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG);
  g_clear_error (&error);
}

static void
test_try_line_too_long (NetTestPair          *p,
                        gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *exact = g_strnfill (10, 'x');
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;

  tidings_reader_set_max_line_length (p->reader, 10);
  text = g_strdup_printf ("ok\r\n%s\r\n0123456789ABC\r\n* OK after\r\n", exact);
  first = send_and_read_line (p, text);
  g_assert_cmpstr (first, ==, "ok");
  line = tidings_reader_try_read_line (p->reader, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, exact);
  g_assert_null (tidings_reader_try_read_line (p->reader, NULL, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "mail.example.org"));
  g_clear_error (&error);
  /* Out of step: the reader stays failed, for both kinds of reads. */
  g_assert_null (tidings_reader_try_read_line (p->reader, NULL, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);
  g_assert_null (tidings_reader_try_read_bytes (p->reader, 1, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);
}

static void
test_try_line_too_long_unterminated (NetTestPair          *p,
                                     gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *first = NULL;

  /* 20 bytes and no line end yet, over a limit of 10: already too long. */
  tidings_reader_set_max_line_length (p->reader, 10);
  first = send_and_read_line (p, "ok\r\n01234567890123456789");
  g_assert_null (tidings_reader_try_read_line (p->reader, NULL, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);
}

static void
test_try_pending (NetTestPair          *p,
                  gconstpointer  data)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  g_autofree char *line = NULL;

  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w);
  g_assert_null (tidings_reader_try_read_line (p->reader, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_null (tidings_reader_try_read_bytes (p->reader, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  net_test_pair_send (p, "ok\r\n", -1);
  result = net_test_wait (&w);
  line = tidings_reader_read_line_finish (p->reader, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ok");
}

/* What a STARTTLS client relies on: taking lines one by one never takes
 * what follows the tagged OK, so replace_stream still discards it. */
static void
test_try_then_replace_stream (NetTestPair          *p,
                              gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *ok = NULL;

  first = send_and_read_line (p, "* CAPABILITY IMAP4rev1\r\na OK begin TLS\r\n* OK injected\r\n");
  g_assert_cmpstr (first, ==, "* CAPABILITY IMAP4rev1");
  ok = tidings_reader_try_read_line (p->reader, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ok, ==, "a OK begin TLS");
  g_assert_cmpuint (tidings_reader_replace_stream (p->reader,
                                                   g_io_stream_get_input_stream (G_IO_STREAM (p->ours))),
                    ==, strlen ("* OK injected\r\n"));
  assert_line_would_block (p);
}

static GBytes *
deflate_sync (z_stream   *z,
              const void *data,
              gsize       len)
{
  GByteArray *out = g_byte_array_new ();
  guint8 buf[4096];

  z->next_in = (Bytef *) data;
  z->avail_in = len;
  do
    {
      z->next_out = buf;
      z->avail_out = sizeof buf;
      g_assert_cmpint (deflate (z, Z_SYNC_FLUSH), !=, Z_STREAM_ERROR);
      g_byte_array_append (out, buf, sizeof buf - z->avail_out);
    }
  while (z->avail_out == 0);
  return g_byte_array_free_to_bytes (out);
}

/* With COMPRESS on, lines still in the inflater's input are taken too,
 * without the network: 200 KB of lines, more than one buffer. */
static void
test_try_inflate (NetTestPair          *p,
                  gconstpointer  data)
{
  z_stream z = { 0 };
  GString *text = g_string_new (NULL);
  g_autoptr(GBytes) compressed = NULL;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  g_autofree char *first = NULL;
  guint taken = 1;

  for (guint i = 0; i < 4000; i++)
    g_string_append_printf (text, "* %u FETCH (UID %u FLAGS (\\Seen) padding padding padding)\r\n",
                            i + 1, i + 1);
  g_assert_cmpuint (text->len, >, 200 * 1024);
  g_assert_cmpint (deflateInit2 (&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  compressed = deflate_sync (&z, text->str, text->len);
  deflateEnd (&z);
  g_assert_true (tidings_reader_start_inflate (p->reader, &error));
  g_assert_no_error (error);
  net_test_pair_send (p, g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed));
  net_test_sleep_ms (20);

  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  first = tidings_reader_read_line_finish (p->reader, result, NULL, &error);
  g_assert_cmpstr (first, ==, "* 1 FETCH (UID 1 FLAGS (\\Seen) padding padding padding)");
  for (;;)
    {
      g_autofree char *line = tidings_reader_try_read_line (p->reader, NULL, &error);
      g_autofree char *expected = NULL;

      if (line == NULL)
        break;
      expected = g_strdup_printf ("* %u FETCH (UID %u FLAGS (\\Seen) padding padding padding)",
                                  taken + 1, taken + 1);
      g_assert_cmpstr (line, ==, expected);
      taken++;
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  /* All of it came in one send; a socket pair delivers it at once. */
  g_assert_cmpuint (taken, ==, 4000);
  g_string_free (text, TRUE);
}

static void
test_try_inflate_garbage (NetTestPair          *p,
                          gconstpointer  data)
{
  GError *error = NULL;

  /* The garbage is already buffered when compression starts. */
  g_autofree char *first = send_and_read_line (p, "a OK go\r\n\xff\xff\xff\xff\xff\xff not deflate\r\n");

  g_assert_cmpstr (first, ==, "a OK go");
  g_assert_true (tidings_reader_start_inflate (p->reader, &error));
  g_assert_null (tidings_reader_try_read_line (p->reader, NULL, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (tidings_reader_try_read_line (p->reader, NULL, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_PROTOCOL);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

#define PAIR(path, fn) g_test_add ("/net/reader-try/" path, NetTestPair, NULL, net_test_pair_setup, fn, net_test_pair_teardown)
  PAIR ("line", test_try_line);
  PAIR ("bytes", test_try_bytes);
  PAIR ("bytes-too-big", test_try_bytes_too_big);
  PAIR ("line-too-long", test_try_line_too_long);
  PAIR ("line-too-long-unterminated", test_try_line_too_long_unterminated);
  PAIR ("pending", test_try_pending);
  PAIR ("then-replace-stream", test_try_then_replace_stream);
  PAIR ("inflate", test_try_inflate);
  PAIR ("inflate-garbage", test_try_inflate_garbage);
#undef PAIR

  return g_test_run ();
}
