/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bounded reader and the writer over a local socket pair. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <zlib.h>

#include "net-test-util.h"
#include "tidings-engine.h"
#include "net/tidings-net-private.h"
#include "net/tidings-reader-private.h"
#include "net/tidings-writer-private.h"

static char *
read_line (NetTestPair   *p,
           gsize  *length,
           GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_reader_read_line_finish (p->reader, result, length, error);
}

static GBytes *
read_bytes (NetTestPair    *p,
            guint64  count,
            GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_reader_read_bytes_async (p->reader, count, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_reader_read_bytes_finish (p->reader, result, error);
}

/* ---- lines ------------------------------------------------------------- */

static void
test_lines (NetTestPair          *p,
            gconstpointer  data)
{
  static const char nul_line[] = "a\0b\r\n";
  GError *error = NULL;
  char *line;
  gsize len;

  net_test_pair_send (p, "* OK hello\r\nbare lf\n\r\nin\rside\r\n", -1);
  net_test_pair_send (p, nul_line, sizeof nul_line - 1);

  line = read_line (p, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "* OK hello");
  g_assert_cmpuint (len, ==, 10);
  g_free (line);

  line = read_line (p, &len, &error);
  g_assert_cmpstr (line, ==, "bare lf");
  g_free (line);

  line = read_line (p, &len, &error);
  g_assert_cmpstr (line, ==, "");
  g_assert_cmpuint (len, ==, 0);
  g_free (line);

  line = read_line (p, &len, &error);
  g_assert_cmpstr (line, ==, "in\rside");
  g_free (line);

  line = read_line (p, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 3);
  g_assert_cmpmem (line, 3, "a\0b", 3);
  g_free (line);
}

static void
test_line_split_across_reads (NetTestPair          *p,
                              gconstpointer  data)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *line = NULL;
  GError *error = NULL;

  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w);
  net_test_pair_send (p, "* 1 FET", -1);
  net_test_sleep_ms (20);
  net_test_pair_send (p, "CH (FLAGS ())\r", -1);
  net_test_sleep_ms (20);
  g_assert_null (w.result);
  net_test_pair_send (p, "\n", -1);
  result = net_test_wait (&w);
  line = tidings_reader_read_line_finish (p->reader, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "* 1 FETCH (FLAGS ())");
}

static void
test_line_max_length (NetTestPair          *p,
                      gconstpointer  data)
{
  g_autofree char *exact = g_strnfill (100, 'x');
  g_autofree char *over = g_strnfill (101, 'y');
  GError *error = NULL;
  char *line;

  tidings_reader_set_max_line_length (p->reader, 100);
  net_test_pair_send (p, exact, -1);
  net_test_pair_send (p, "\r\n", -1);
  net_test_pair_send (p, over, -1);
  net_test_pair_send (p, "\r\n* OK after\r\n", -1);

  line = read_line (p, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, exact);
  g_free (line);

  line = read_line (p, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "mail.example.org"));
  g_clear_error (&error);

  /* The stream is out of step now: the reader stays failed. */
  line = read_line (p, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);
}

static gpointer
flood_thread (gpointer data)
{
  GSocket *peer = data;
  g_autofree char *junk = g_strnfill (64 * 1024, 'z');

  /* Up to 64 MB with no line end; stops as soon as the reader hangs up. */
  for (int i = 0; i < 1024; i++)
    if (g_socket_send (peer, junk, 64 * 1024, NULL, NULL) <= 0)
      break;
  return NULL;
}

static void
test_line_flood_is_bounded (NetTestPair          *p,
                            gconstpointer  data)
{
  GThread *thread;
  GError *error = NULL;
  char *line;
  guint64 raw;

  tidings_reader_set_max_line_length (p->reader, 200 * 1024);
  thread = g_thread_new ("flood", flood_thread, p->peer);
  line = read_line (p, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);
  /* It gave up after about one line's worth, not after 64 MB. */
  raw = tidings_reader_get_raw_bytes_read (p->reader);
  g_assert_cmpuint (raw, <=, 200 * 1024 + 2 + 128 * 1024);
  g_assert_cmpuint (tidings_reader_get_buffered (p->reader), <=, 200 * 1024 + 2);

  g_clear_object (&p->reader);
  g_clear_object (&p->writer);
  g_clear_object (&p->ours);  /* the flood thread now gets EPIPE */
  g_thread_join (thread);
}

/* ---- literals ---------------------------------------------------------- */

static void
test_bytes (NetTestPair          *p,
            gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = NULL;
  char *line;

  net_test_pair_send (p, "* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\n", -1);
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "* 1 FETCH (BODY[] {5}");
  g_free (line);
  bytes = read_bytes (p, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "ab\r\nc", 5);
  empty = read_bytes (p, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, ")");
  g_free (line);
}

static void
test_bytes_large_direct (NetTestPair          *p,
                         gconstpointer  data)
{
  const gsize size = 3 * 1024 * 1024 + 17;
  g_autofree guint8 *payload = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  gsize sent = 0;

  for (gsize i = 0; i < size; i++)
    payload[i] = (guint8) (i * 7 + (i >> 9));

  /* Feed it while the reader runs: the socket buffer is smaller. */
  tidings_reader_read_bytes_async (p->reader, size, NULL, net_test_wait_cb, &w);
  while (w.result == NULL && sent < size)
    {
      gssize n = g_socket_send_with_blocking (p->peer, (const char *) payload + sent,
                                              MIN (size - sent, 65536), FALSE, NULL, NULL);
      if (n > 0)
        sent += n;
      g_main_context_iteration (NULL, FALSE);
    }
  result = net_test_wait (&w);
  bytes = tidings_reader_read_bytes_finish (p->reader, result, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), payload, size);
}

static void
test_bytes_too_big (NetTestPair          *p,
                    gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *line;

  tidings_reader_set_max_bytes (p->reader, 1000);
  net_test_pair_send (p, "* OK still in step\r\n", -1);

  bytes = read_bytes (p, 1001, &error);
  g_assert_null (bytes);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG);
  g_clear_error (&error);

  /* Nothing was consumed: the reader is still usable. */
  line = read_line (p, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "* OK still in step");
  g_free (line);
}

static void
test_bytes_claim_2_63 (NetTestPair          *p,
                       gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  const guint64 claim = G_GUINT64_CONSTANT (1) << 63;

  /* Even with every limit raised to the maximum, no 2^63 allocation. */
  tidings_reader_set_max_bytes (p->reader, G_MAXUINT64);
  bytes = read_bytes (p, claim, &error);
  g_assert_null (bytes);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG);
  g_assert_nonnull (strstr (error->message, "9223372036854775808"));
  g_clear_error (&error);

  tidings_reader_read_to_stream_async (p->reader, claim, NULL, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_false (tidings_reader_read_to_stream_finish (p->reader, result, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG);
  g_clear_error (&error);
}

static void
test_bytes_eof (NetTestPair          *p,
                gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  net_test_pair_send (p, "abc", -1);
  g_socket_shutdown (p->peer, FALSE, TRUE, NULL);
  bytes = read_bytes (p, 10, &error);
  g_assert_null (bytes);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_clear_error (&error);
}

static void
test_line_eof (NetTestPair          *p,
               gconstpointer  data)
{
  GError *error = NULL;
  char *line;

  net_test_pair_send (p, "* BYE\r\n", -1);
  g_socket_shutdown (p->peer, FALSE, TRUE, NULL);
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "* BYE");
  g_free (line);
  line = read_line (p, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, "mail.example.org:993"));
  g_clear_error (&error);
}

/* ---- streaming --------------------------------------------------------- */

typedef struct
{
  GSocket *peer;
  gsize    size;
  char    *sha256;
} Feed;

static gpointer
feed_thread (gpointer data)
{
  Feed *f = data;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 block[65536];
  gsize sent = 0;

  while (sent < f->size)
    {
      gsize n = MIN (sizeof block, f->size - sent);
      gsize done = 0;

      for (gsize i = 0; i < n; i++)
        block[i] = (guint8) ((sent + i) * 31 + ((sent + i) >> 16));
      g_checksum_update (sum, block, n);
      while (done < n)
        {
          gssize w = g_socket_send (f->peer, (const char *) block + done, n - done, NULL, NULL);
          if (w <= 0)
            return NULL;
          done += w;
        }
      sent += n;
    }
  g_socket_send (f->peer, "\r\n* OK done\r\n", 13, NULL, NULL);
  f->sha256 = g_strdup (g_checksum_get_string (sum));
  return NULL;
}

typedef struct
{
  GChecksum *sum;
  gsize      total;
  gsize      biggest;
  guint      calls;
} Sink;

static gboolean
sink_chunk (const guint8  *data,
            gsize          len,
            gpointer       user_data,
            GError       **error)
{
  Sink *s = user_data;

  g_checksum_update (s->sum, data, len);
  s->total += len;
  s->biggest = MAX (s->biggest, len);
  s->calls++;
  return TRUE;
}

static void
test_stream_50mb (NetTestPair          *p,
                  gconstpointer  data)
{
  Feed feed = { p->peer, 50 * 1024 * 1024, NULL };
  Sink sink = { g_checksum_new (G_CHECKSUM_SHA256), 0, 0, 0 };
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  GThread *thread;
  char *line;
  gint64 start = g_get_monotonic_time ();

  /* Far below the body size: streaming must not need it. */
  tidings_reader_set_max_bytes (p->reader, 1024 * 1024);
  thread = g_thread_new ("feed", feed_thread, &feed);
  tidings_reader_read_chunks_async (p->reader, feed.size, sink_chunk, &sink, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_reader_read_chunks_finish (p->reader, result, &error));
  g_assert_no_error (error);
  g_thread_join (thread);

  g_assert_cmpuint (sink.total, ==, feed.size);
  g_assert_cmpstr (g_checksum_get_string (sink.sum), ==, feed.sha256);
  g_assert_cmpuint (sink.biggest, <=, 1024 * 1024);
  g_assert_cmpuint (tidings_reader_get_buffered (p->reader), <=, 64 * 1024);
  g_test_message ("50 MB streamed in %u chunks, %.0f ms", sink.calls,
                  (g_get_monotonic_time () - start) / 1000.0);

  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "");
  g_free (line);
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "* OK done");
  g_free (line);
  g_checksum_free (sink.sum);
  g_free (feed.sha256);
}

static void
test_stream_to_output (NetTestPair          *p,
                       gconstpointer  data)
{
  Feed feed = { p->peer, 1024 * 1024 + 3, NULL };
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  GError *error = NULL;
  GThread *thread;
  char *line;

  thread = g_thread_new ("feed", feed_thread, &feed);
  tidings_reader_read_to_stream_async (p->reader, feed.size, out, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_reader_read_to_stream_finish (p->reader, result, &error));
  g_assert_no_error (error);
  g_thread_join (thread);

  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)), ==, feed.size);
  g_checksum_update (sum, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), feed.size);
  g_assert_cmpstr (g_checksum_get_string (sum), ==, feed.sha256);
  g_free (feed.sha256);

  /* Skipping (NULL sink) keeps the reader in step. */
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "");
  g_free (line);
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "* OK done");
  g_free (line);
  net_test_pair_send (p, "0123456789* OK skipped\r\n", -1);
  tidings_reader_read_to_stream_async (p->reader, 10, NULL, NULL, net_test_wait_cb, &w);
  result2 = net_test_wait (&w);
  g_assert_true (tidings_reader_read_to_stream_finish (p->reader, result2, &error));
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "* OK skipped");
  g_free (line);
}

/* ---- cancellation, timeouts, concurrency ------------------------------- */

static void
test_cancel_line (NetTestPair          *p,
                  gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  char *line;

  net_test_pair_send (p, "* partial", -1);
  tidings_reader_read_line_async (p->reader, cancellable, net_test_wait_cb, &w);
  net_test_sleep_ms (30);
  g_assert_null (w.result);
  g_cancellable_cancel (cancellable);
  result = net_test_wait (&w);
  line = tidings_reader_read_line_finish (p->reader, result, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelling a line read loses nothing. */
  net_test_pair_send (p, " line\r\n", -1);
  line = read_line (p, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "* partial line");
  g_free (line);
}

static void
test_cancel_mid_literal (NetTestPair          *p,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  char *line;

  net_test_pair_send (p, "half", -1);
  tidings_reader_read_bytes_async (p->reader, 8, cancellable, net_test_wait_cb, &w);
  net_test_sleep_ms (30);
  g_assert_null (w.result);
  g_cancellable_cancel (cancellable);
  result = net_test_wait (&w);
  bytes = tidings_reader_read_bytes_finish (p->reader, result, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Half a literal is gone: the reader refuses to go on. */
  line = read_line (p, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_IO);
  g_clear_error (&error);
}

static void
test_cancel_before_start (NetTestPair          *p,
                          gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  char *line;

  g_cancellable_cancel (cancellable);
  tidings_reader_read_line_async (p->reader, cancellable, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  line = tidings_reader_read_line_finish (p->reader, result, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
}

static void
test_timeout (NetTestPair          *p,
              gconstpointer  data)
{
  GError *error = NULL;
  char *line;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  tidings_reader_set_timeout (p->reader, 150);
  net_test_pair_send (p, "* slow", -1);
  line = read_line (p, NULL, &error);
  elapsed = (g_get_monotonic_time () - start) / 1000;
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, "The connection to mail.example.org:993 timed out.");
  g_assert_cmpint (elapsed, >=, 140);
  g_assert_cmpint (elapsed, <, 3000);
  g_clear_error (&error);
}

static void
test_timeout_is_inactivity (NetTestPair          *p,
                            gconstpointer  data)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  g_autofree char *line = NULL;

  tidings_reader_set_timeout (p->reader, 200);
  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w);
  for (int i = 0; i < 5; i++)
    {
      net_test_pair_send (p, "x", 1);
      net_test_sleep_ms (100);
      g_assert_null (w.result);
    }
  net_test_pair_send (p, "\r\n", 2);
  result = net_test_wait (&w);
  line = tidings_reader_read_line_finish (p->reader, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "xxxxx");
}

static void
test_pending (NetTestPair          *p,
              gconstpointer  data)
{
  NetTestWait w1 = { 0 }, w2 = { 0 };
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  GError *error = NULL;
  g_autofree char *line = NULL;

  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w1);
  tidings_reader_read_line_async (p->reader, NULL, net_test_wait_cb, &w2);
  r2 = net_test_wait (&w2);
  g_assert_null (tidings_reader_read_line_finish (p->reader, r2, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  net_test_pair_send (p, "ok\r\n", -1);
  r1 = net_test_wait (&w1);
  line = tidings_reader_read_line_finish (p->reader, r1, NULL, &error);
  g_assert_cmpstr (line, ==, "ok");
}

/* ---- STARTTLS discard and deflate at reader level ---------------------- */

static void
test_replace_stream_discards (NetTestPair          *p,
                              gconstpointer  data)
{
  GError *error = NULL;
  char *line;
  gsize discarded;

  net_test_pair_send (p, "a OK begin TLS\r\n* OK injected\r\n", -1);
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "a OK begin TLS");
  g_free (line);
  net_test_sleep_ms (10);
  discarded = tidings_reader_replace_stream (p->reader,
                                             g_io_stream_get_input_stream (G_IO_STREAM (p->ours)));
  g_assert_cmpuint (discarded, ==, strlen ("* OK injected\r\n"));
  net_test_pair_send (p, "* OK real\r\n", -1);
  line = read_line (p, NULL, &error);
  g_assert_cmpstr (line, ==, "* OK real");
  g_free (line);
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

static void
test_inflate_bomb_bounded (NetTestPair          *p,
                           gconstpointer  data)
{
  z_stream z = { 0 };
  g_autofree char *zeros = g_malloc0 (1024 * 1024);
  g_autoptr(GBytes) compressed = NULL;
  GByteArray *all = g_byte_array_new ();
  GError *error = NULL;
  char *line;

  /* 32 MB of zeros without a line end compress to ~32 KB. */
  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  for (int i = 0; i < 32; i++)
    {
      g_autoptr(GBytes) part = deflate_sync (&z, zeros, 1024 * 1024);
      g_byte_array_append (all, g_bytes_get_data (part, NULL), g_bytes_get_size (part));
    }
  deflateEnd (&z);
  compressed = g_byte_array_free_to_bytes (all);
  g_assert_cmpuint (g_bytes_get_size (compressed), <, 200 * 1024);

  tidings_reader_set_max_line_length (p->reader, 64 * 1024);
  g_assert_true (tidings_reader_start_inflate (p->reader, &error));
  net_test_pair_send (p, g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed));
  line = read_line (p, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG);
  g_assert_cmpuint (tidings_reader_get_buffered (p->reader), <=, 64 * 1024 + 2);
  g_clear_error (&error);
}

static void
test_inflate_garbage (NetTestPair          *p,
                      gconstpointer  data)
{
  GError *error = NULL;
  char *line;

  g_assert_true (tidings_reader_start_inflate (p->reader, &error));
  net_test_pair_send (p, "\xff\xff\xff\xff\xff\xff this is not deflate\r\n", -1);
  line = read_line (p, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_PROTOCOL);
  g_clear_error (&error);
}

/* ---- writer ------------------------------------------------------------ */

static char *
peer_receive_all (NetTestPair  *p,
                  gsize  expected)
{
  GString *got = g_string_new (NULL);
  char buf[4096];

  while (got->len < expected)
    {
      gssize n = g_socket_receive (p->peer, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (got, buf, n);
    }
  return g_string_free (got, FALSE);
}

static void
test_writer_order (NetTestPair          *p,
                   gconstpointer  data)
{
  NetTestWait w[3] = { { 0 } };
  g_autofree char *got = NULL;
  g_autoptr(GInputStream) src = g_memory_input_stream_new_from_data ("APPENDED-BODY-extra", 19, NULL);
  GError *error = NULL;
  guint64 written = 0;

  tidings_writer_write_async (p->writer, "a1 NOOP\r\n", 9, TIDINGS_WRITE_NONE, NULL, net_test_wait_cb, &w[0]);
  tidings_writer_write_stream_async (p->writer, src, 13, TIDINGS_WRITE_NONE, NULL, net_test_wait_cb, &w[1]);
  tidings_writer_write_async (p->writer, "\r\na2 LOGOUT\r\n", 13, TIDINGS_WRITE_NONE, NULL, net_test_wait_cb, &w[2]);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GAsyncResult) r = net_test_wait (&w[i]);
      if (i == 1)
        {
          g_assert_true (tidings_writer_write_stream_finish (p->writer, r, &written, &error));
          g_assert_cmpuint (written, ==, 13);
        }
      else
        g_assert_true (tidings_writer_write_finish (p->writer, r, &error));
      g_assert_no_error (error);
    }
  got = peer_receive_all (p, 35);
  g_assert_cmpstr (got, ==, "a1 NOOP\r\nAPPENDED-BODY\r\na2 LOGOUT\r\n");
}

static void
test_writer_stream_short (NetTestPair          *p,
                          gconstpointer  data)
{
  g_autoptr(GInputStream) src = g_memory_input_stream_new_from_data ("short", 5, NULL);
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) r = NULL;
  GError *error = NULL;

  tidings_writer_write_stream_async (p->writer, src, 10, TIDINGS_WRITE_NONE, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_false (tidings_writer_write_stream_finish (p->writer, r, NULL, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED);
  g_clear_error (&error);
  /* Five bytes of a ten-byte literal went out: the writer is failed. */
  g_assert_false (net_test_write (p->writer, "x", TIDINGS_WRITE_NONE, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED);
  g_clear_error (&error);
}

static void
test_writer_sensitive_refused (NetTestPair          *p,
                               gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *got = NULL;

  /* As a STARTTLS connection before the handshake. */
  tidings_writer_set_security (p->writer, FALSE, FALSE);
  g_assert_false (net_test_write (p->writer, "a LOGIN alice secret\r\n", TIDINGS_WRITE_SENSITIVE, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_INSECURE);
  g_clear_error (&error);
  /* Not sensitive: goes out; and nothing of the refused write did. */
  g_assert_true (net_test_write (p->writer, "a LOGOUT\r\n", TIDINGS_WRITE_NONE, &error));
  got = peer_receive_all (p, 10);
  g_assert_cmpstr (got, ==, "a LOGOUT\r\n");

  tidings_writer_set_security (p->writer, TRUE, FALSE);
  g_assert_true (net_test_write (p->writer, "secret\r\n", TIDINGS_WRITE_SENSITIVE, &error));
}

static void
test_writer_timeout (NetTestPair          *p,
                     gconstpointer  data)
{
  g_autofree char *big = g_malloc0 (16 * 1024 * 1024);
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) r = NULL;
  GError *error = NULL;

  /* The peer never reads: the socket buffer fills, then nothing moves. */
  tidings_writer_set_timeout (p->writer, 200);
  tidings_writer_write_async (p->writer, big, 16 * 1024 * 1024, TIDINGS_WRITE_NONE, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_false (tidings_writer_write_finish (p->writer, r, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TIMED_OUT);
  g_clear_error (&error);
}

/* ---- logging ----------------------------------------------------------- */

static void
check_redact (const char *in,
              const char *expected)
{
  g_autofree char *out = tidings_net_redact_line ((const guint8 *) in, strlen (in));
  g_assert_cmpstr (out, ==, expected);
}

static void
test_redact (void)
{
  check_redact ("a1 LOGIN alice secret\r", "a1 LOGIN ****");
  check_redact ("a1 login \"alice\" \"pw pw\"", "a1 login ****");
  check_redact ("a2 AUTHENTICATE PLAIN AGFsaWNlAGFsaWNlcHc=", "a2 AUTHENTICATE PLAIN ****");
  check_redact ("a2 AUTHENTICATE SCRAM-SHA-256", "a2 AUTHENTICATE SCRAM-SHA-256");
  check_redact ("PASS hunter2", "PASS ****");
  check_redact ("AUTH PLAIN AGFsaWNl", "AUTH PLAIN ****");
  check_redact ("AUTH LOGIN", "AUTH LOGIN");
  check_redact ("APOP alice 0123456789abcdef", "APOP alice ****");
  check_redact ("a3 SELECT INBOX", "a3 SELECT INBOX");
  check_redact ("bell\x07 and \xc3\xa9", "bell\\x07 and ??");
}

static GString *captured;

static GLogWriterOutput
capture_writer_or_default (GLogLevelFlags   level,
                           const GLogField *fields,
                           gsize            n_fields,
                           gpointer         user_data)
{
  if (captured == NULL)
    return g_log_writer_default (level, fields, n_fields, user_data);
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append (captured, fields[i].value);
        g_string_append_c (captured, '\n');
      }
  return G_LOG_WRITER_HANDLED;
}

static void
test_debug_log_redacts (NetTestPair          *p,
                        gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *got = NULL;
  char *line;

  captured = g_string_new (NULL);
  tidings_net_debug_set_enabled (TRUE);
  g_assert_true (net_test_write (p->writer, "a1 LOGIN alice s3cr3t-pw\r\n", TIDINGS_WRITE_NONE, &error));
  g_assert_true (net_test_write (p->writer, "czNjcjN0LXB3\r\n", TIDINGS_WRITE_SENSITIVE, &error));
  g_assert_true (net_test_write (p->writer, "a2 NOOP\r\n", TIDINGS_WRITE_NONE, &error));
  net_test_pair_send (p, "a2 OK done\r\n", -1);
  line = read_line (p, NULL, &error);
  g_free (line);
  tidings_net_debug_set_enabled (FALSE);
  got = peer_receive_all (p, 49);

  g_test_message ("log:\n%s", captured->str);
  g_assert_null (strstr (captured->str, "s3cr3t"));
  g_assert_null (strstr (captured->str, "czNjcjN0"));
  g_assert_nonnull (strstr (captured->str, "C: a1 LOGIN ****"));
  g_assert_nonnull (strstr (captured->str, "sensitive bytes not shown"));
  g_assert_nonnull (strstr (captured->str, "C: a2 NOOP"));
  g_assert_nonnull (strstr (captured->str, "S: a2 OK done"));
  g_string_free (captured, TRUE);
  captured = NULL;
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  g_log_set_writer_func (capture_writer_or_default, NULL, NULL);

#define PAIR(path, fn) g_test_add ("/net/reader/" path, NetTestPair, NULL, net_test_pair_setup, fn, net_test_pair_teardown)
  PAIR ("lines", test_lines);
  PAIR ("line-split-across-reads", test_line_split_across_reads);
  PAIR ("line-max-length", test_line_max_length);
  PAIR ("line-flood-bounded", test_line_flood_is_bounded);
  PAIR ("line-eof", test_line_eof);
  PAIR ("bytes", test_bytes);
  PAIR ("bytes-large-direct", test_bytes_large_direct);
  PAIR ("bytes-too-big", test_bytes_too_big);
  PAIR ("bytes-claim-2^63", test_bytes_claim_2_63);
  PAIR ("bytes-eof", test_bytes_eof);
  PAIR ("stream-50mb", test_stream_50mb);
  PAIR ("stream-to-output-and-skip", test_stream_to_output);
  PAIR ("cancel-line", test_cancel_line);
  PAIR ("cancel-mid-literal", test_cancel_mid_literal);
  PAIR ("cancel-before-start", test_cancel_before_start);
  PAIR ("timeout", test_timeout);
  PAIR ("timeout-is-inactivity", test_timeout_is_inactivity);
  PAIR ("pending", test_pending);
  PAIR ("replace-stream-discards", test_replace_stream_discards);
  PAIR ("inflate-bomb-bounded", test_inflate_bomb_bounded);
  PAIR ("inflate-garbage", test_inflate_garbage);
  PAIR ("writer-order", test_writer_order);
  PAIR ("writer-stream-short", test_writer_stream_short);
  PAIR ("writer-sensitive-refused", test_writer_sensitive_refused);
  PAIR ("writer-timeout", test_writer_timeout);
  PAIR ("debug-log-redacts", test_debug_log_redacts);
#undef PAIR
  g_test_add_func ("/net/log/redact", test_redact);

  return g_test_run ();
}
