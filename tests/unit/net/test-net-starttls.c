/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STARTTLS (success, response injection discarded, handshake failure
 * without fallback, refusal) and COMPRESS=DEFLATE, against small
 * in-process servers on 127.0.0.1. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "net-test-util.h"
#include "tidings-engine.h"

/* ---- STARTTLS ---------------------------------------------------------- */

/* IMAP-like STARTTLS server; @injected is sent in the same write as the OK. */
static void
starttls_server (GIOStream  *stream,
                 Scenario   *s,
                 const char *injected)
{
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *ok = NULL;
  char *line;

  srv_write (stream, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n", -1);
  line = srv_read_line (stream);
  record (s, line);
  g_free (line);
  ok = g_strconcat ("a1 OK Begin TLS negotiation now\r\n", injected ? injected : "", NULL);
  srv_write (stream, ok, -1);
  tls = srv_tls (stream, "server", NULL);
  if (tls == NULL)
    return;
  s->handshake_ok = TRUE;
  srv_write (tls, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] real, after TLS\r\n", -1);
  while ((line = srv_read_line (tls)) != NULL)
    {
      record (s, line);
      if (g_str_has_prefix (line, "a3"))
        {
          g_free (line);
          break;
        }
      srv_write (tls, "a2 OK logged in\r\n", -1);
      g_free (line);
    }
  srv_write (tls, "a3 OK bye\r\n", -1);
}

static void
starttls_clean (GIOStream *stream,
                gpointer   data)
{
  starttls_server (stream, data, NULL);
}

#define INJECTED "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN] injected before TLS\r\na2 OK LOGIN completed\r\n"

static void
starttls_injecting (GIOStream *stream,
                    gpointer   data)
{
  starttls_server (stream, data, INJECTED);
}

static void
run_starttls (gboolean injecting)
{
  Scenario s = { 0 };
  NetTestServer *server = net_test_server_new (injecting ? starttls_injecting : starttls_clean, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_STARTTLS, TRUE);
  TidingsReader *reader = tidings_connection_get_reader (conn);
  TidingsWriter *writer = tidings_connection_get_writer (conn);
  GError *error = NULL;
  char *line;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_false (tidings_connection_is_encrypted (conn));
  line = net_test_read_line (reader, &error);
  g_assert_true (g_str_has_prefix (line, "* OK [CAPABILITY"));
  g_free (line);

  /* Before TLS, a password is refused and nothing goes out. */
  g_assert_false (net_test_write (writer, "a0 LOGIN alice pw\r\n", TIDINGS_WRITE_SENSITIVE, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_INSECURE);
  g_clear_error (&error);

  g_assert_true (net_test_write (writer, "a1 STARTTLS\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a1 OK Begin TLS negotiation now");
  g_free (line);
  if (injecting)
    {
      /* Let the injected bytes arrive; they came in the OK's write anyway. */
      net_test_sleep_ms (20);
      g_assert_cmpuint (tidings_reader_get_buffered (reader), ==, strlen (INJECTED));
    }

  g_assert_true (net_test_start_tls (conn, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_encrypted (conn));
  g_assert_cmpuint (tidings_connection_get_discarded_bytes (conn), ==, injecting ? strlen (INJECTED) : 0);

  /* The first line read is the real, encrypted one. */
  line = net_test_read_line (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] real, after TLS");
  g_free (line);

  g_assert_true (net_test_write (writer, "a2 LOGIN alice pw\r\n", TIDINGS_WRITE_SENSITIVE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a2 OK logged in");
  g_free (line);
  g_assert_true (net_test_write (writer, "a3 LOGOUT\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a3 OK bye");
  g_free (line);

  /* Only once. */
  g_assert_false (net_test_start_tls (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED);
  g_clear_error (&error);

  tidings_connection_close (conn);
  net_test_server_free (server);
  g_assert_true (s.handshake_ok);
  g_assert_cmpstr (s.received, ==, "a1 STARTTLS\na2 LOGIN alice pw\na3 LOGOUT\n");
  scenario_clear (&s);
}

static void
test_starttls (void)
{
  run_starttls (FALSE);
}

static void
test_starttls_injection_discarded (void)
{
  run_starttls (TRUE);
}

/* Says OK to STARTTLS but then keeps talking plain text. */
static void
starttls_then_plaintext (GIOStream *stream,
                         gpointer   data)
{
  Scenario *s = data;
  char *line;
  char buf[4096];
  gssize n;

  srv_write (stream, "* OK ready\r\n", -1);
  line = srv_read_line (stream);
  record (s, line);
  g_free (line);
  srv_write (stream, "a1 OK go ahead\r\n* OK still plain, no TLS here\r\n", -1);
  /* Whatever arrives now must be the ClientHello (a TLS record, 0x16), and
   * after the failed handshake only the end of the connection. */
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (stream), buf, sizeof buf, NULL, NULL)) > 0)
    {
      if (buf[0] != 0x16 && buf[0] != 0x15)
        s->plaintext_after += n;
      srv_write (stream, "* garbage that is not TLS\r\n", -1);
    }
  s->saw_eof = TRUE;  /* EOF, or a reset: the client closed with our bytes unread */
}

static void
test_starttls_failure_no_fallback (void)
{
  Scenario s = { 0 };
  NetTestServer *server = net_test_server_new (starttls_then_plaintext, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_STARTTLS, TRUE);
  TidingsReader *reader = tidings_connection_get_reader (conn);
  TidingsWriter *writer = tidings_connection_get_writer (conn);
  GError *error = NULL;
  char *line;

  g_assert_true (net_test_connect (conn, &error));
  line = net_test_read_line (reader, &error);
  g_free (line);
  g_assert_true (net_test_write (writer, "a1 STARTTLS\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a1 OK go ahead");
  g_free (line);

  g_assert_false (net_test_start_tls (conn, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TLS_FAILED);
  g_clear_error (&error);

  /* Closed, for good: no read, no write, no plain text. */
  g_assert_false (tidings_connection_is_connected (conn));
  g_assert_false (tidings_connection_is_encrypted (conn));
  g_assert_false (net_test_write (writer, "a2 LOGIN alice pw\r\n", TIDINGS_WRITE_NONE, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TLS_FAILED);
  g_clear_error (&error);
  line = net_test_read_line (reader, &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TLS_FAILED);
  g_clear_error (&error);

  net_test_server_free (server);
  g_assert_true (s.saw_eof);
  g_assert_cmpuint (s.plaintext_after, ==, 0);
  g_assert_cmpstr (s.received, ==, "a1 STARTTLS\n");
  scenario_clear (&s);
}

static void
refuse_starttls (GIOStream *stream,
                 gpointer   data)
{
  Scenario *s = data;
  char *line;

  srv_write (stream, "* OK ready\r\n", -1);
  line = srv_read_line (stream);
  record (s, line);
  g_free (line);
  srv_write (stream, "a1 NO STARTTLS is not available\r\n", -1);
  /* Record anything else the client sends until it hangs up. */
  while ((line = srv_read_line (stream)) != NULL)
    {
      record (s, line);
      g_free (line);
    }
  s->saw_eof = TRUE;
}

static void
test_starttls_refused (void)
{
  Scenario s = { 0 };
  NetTestServer *server = net_test_server_new (refuse_starttls, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_STARTTLS, TRUE);
  TidingsWriter *writer = tidings_connection_get_writer (conn);
  GError *error = NULL;
  char *line;

  g_assert_true (net_test_connect (conn, &error));
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_free (line);
  g_assert_true (net_test_write (writer, "a1 STARTTLS\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_cmpstr (line, ==, "a1 NO STARTTLS is not available");
  g_free (line);

  /* What a careless protocol layer might try next: both refused here. */
  g_assert_false (net_test_write (writer, "a2 LOGIN alice pw\r\n", TIDINGS_WRITE_SENSITIVE, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_INSECURE);
  g_clear_error (&error);
  g_assert_false (tidings_connection_is_encrypted (conn));
  tidings_connection_close (conn);

  net_test_server_free (server);
  g_assert_true (s.saw_eof);
  g_assert_cmpstr (s.received, ==, "a1 STARTTLS\n");
  scenario_clear (&s);
}

static void
test_starttls_wrong_mode (void)
{
  Scenario s = { 0 };
  NetTestServer *server = net_test_server_new (NULL, NULL);  /* never answers */
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_NONE, TRUE);
  GError *error = NULL;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_false (net_test_start_tls (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED);
  g_clear_error (&error);
  tidings_connection_close (conn);
  net_test_server_free (server);
  scenario_clear (&s);
}

/* ---- COMPRESS=DEFLATE -------------------------------------------------- */

typedef struct
{
  GIOStream *stream;
  z_stream   in, out;
  GString   *plain;    /* inflated bytes not yet consumed */
} Deflater;

static void
dz_send (Deflater   *d,
         const void *data,
         gsize       len)
{
  guint8 buf[16384];

  d->out.next_in = (Bytef *) data;
  d->out.avail_in = len;
  do
    {
      d->out.next_out = buf;
      d->out.avail_out = sizeof buf;
      deflate (&d->out, Z_SYNC_FLUSH);
      srv_write (d->stream, buf, sizeof buf - d->out.avail_out);
    }
  while (d->out.avail_out == 0);
}

static char *
dz_read_line (Deflater *d)
{
  for (;;)
    {
      char *nl = memchr (d->plain->str, '\n', d->plain->len);
      guint8 raw[4096], out[16384];
      gssize n;

      if (nl)
        {
          gsize len = nl - d->plain->str;
          char *line = g_strndup (d->plain->str, len > 0 && nl[-1] == '\r' ? len - 1 : len);
          g_string_erase (d->plain, 0, len + 1);
          return line;
        }
      n = g_input_stream_read (g_io_stream_get_input_stream (d->stream), raw, sizeof raw, NULL, NULL);
      if (n <= 0)
        return NULL;
      d->in.next_in = raw;
      d->in.avail_in = n;
      do
        {
          d->in.next_out = out;
          d->in.avail_out = sizeof out;
          if (inflate (&d->in, Z_SYNC_FLUSH) == Z_DATA_ERROR)
            return NULL;
          g_string_append_len (d->plain, (char *) out, sizeof out - d->in.avail_out);
        }
      while (d->in.avail_out == 0 || d->in.avail_in > 0);
    }
}

static void
compress_server (GIOStream *stream,
                 gpointer   data)
{
  Scenario *s = data;
  g_autoptr(GIOStream) tls = srv_tls (stream, "server", NULL);
  Deflater d = { 0 };
  g_autoptr(GString) big = g_string_new (NULL);
  char *line;
  guint8 first[4096];
  gsize first_len;

  if (tls == NULL)
    return;
  d.stream = tls;
  d.plain = g_string_new (NULL);
  deflateInit2 (&d.out, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  inflateInit2 (&d.in, -15);

  srv_write (tls, "* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] hi\r\n", -1);
  line = srv_read_line (tls);
  record (s, line);
  g_free (line);

  /* The OK and the first compressed bytes in one write: the client must
   * treat the bytes after the OK line as compressed data. */
  memcpy (first, "a1 OK DEFLATE active\r\n", 22);
  {
    guint8 buf[1024];
    const char *hello = "* OK compressed hello\r\n";

    d.out.next_in = (Bytef *) hello;
    d.out.avail_in = strlen (hello);
    d.out.next_out = buf;
    d.out.avail_out = sizeof buf;
    deflate (&d.out, Z_SYNC_FLUSH);
    memcpy (first + 22, buf, sizeof buf - d.out.avail_out);
    first_len = 22 + sizeof buf - d.out.avail_out;
  }
  srv_write (tls, first, first_len);

  /* Interactive: each command gets its answer without further input. */
  while ((line = dz_read_line (&d)) != NULL)
    {
      record (s, line);
      if (g_str_has_prefix (line, "a2"))
        dz_send (&d, "a2 OK noop done\r\n", 17);
      else if (g_str_has_prefix (line, "a3"))
        {
          /* A 1 MB literal: 0..255 repeating. */
          g_string_append (big, "* 1 FETCH (BODY[] {1048576}\r\n");
          for (guint i = 0; i < 1048576; i++)
            g_string_append_c (big, (char) (i & 0xff));
          g_string_append (big, ")\r\na3 OK fetched\r\n");
          dz_send (&d, big->str, big->len);
        }
      else if (g_str_has_prefix (line, "a4"))
        {
          dz_send (&d, "a4 OK bye\r\n", 11);
          g_free (line);
          break;
        }
      g_free (line);
    }
  deflateEnd (&d.out);
  inflateEnd (&d.in);
  g_string_free (d.plain, TRUE);
  s->handshake_ok = TRUE;
}

static void
test_compress_deflate (void)
{
  Scenario s = { 0 };
  NetTestServer *server = net_test_server_new (compress_server, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, TRUE);
  TidingsReader *reader = tidings_connection_get_reader (conn);
  TidingsWriter *writer = tidings_connection_get_writer (conn);
  GError *error = NULL;
  char *line;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  const guint8 *b;
  guint64 raw_before, raw_after;

  g_assert_true (net_test_connect (conn, &error));
  line = net_test_read_line (reader, &error);
  g_free (line);
  g_assert_true (net_test_write (writer, "a1 COMPRESS DEFLATE\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a1 OK DEFLATE active");
  g_free (line);
  g_assert_true (tidings_connection_start_compression (conn, &error));
  g_assert_true (tidings_connection_is_compressed (conn));
  g_assert_false (tidings_connection_start_compression (conn, &error));
  g_clear_error (&error);

  line = net_test_read_line (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "* OK compressed hello");
  g_free (line);

  g_assert_true (net_test_write (writer, "a2 NOOP\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a2 OK noop done");
  g_free (line);

  raw_before = tidings_reader_get_raw_bytes_read (reader);
  g_assert_true (net_test_write (writer, "a3 FETCH 1 BODY[]\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "* 1 FETCH (BODY[] {1048576}");
  g_free (line);
  tidings_reader_read_bytes_async (reader, 1048576, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  body = tidings_reader_read_bytes_finish (reader, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 1048576);
  b = g_bytes_get_data (body, NULL);
  for (guint i = 0; i < 1048576; i += 4099)
    g_assert_cmpuint (b[i], ==, i & 0xff);
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, ")");
  g_free (line);
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a3 OK fetched");
  g_free (line);
  raw_after = tidings_reader_get_raw_bytes_read (reader);
  g_test_message ("1 MB literal took %" G_GUINT64_FORMAT " bytes on the wire", raw_after - raw_before);
  g_assert_cmpuint (raw_after - raw_before, <, 100 * 1024);

  g_assert_true (net_test_write (writer, "a4 LOGOUT\r\n", TIDINGS_WRITE_NONE, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "a4 OK bye");
  g_free (line);
  g_assert_cmpuint (tidings_writer_get_raw_bytes_written (writer), >, 0);

  tidings_connection_close (conn);
  net_test_server_free (server);
  g_assert_true (s.handshake_ok);
  g_assert_cmpstr (s.received, ==, "a1 COMPRESS DEFLATE\na2 NOOP\na3 FETCH 1 BODY[]\na4 LOGOUT\n");
  scenario_clear (&s);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/net/starttls/success", test_starttls);
  g_test_add_func ("/net/starttls/injection-discarded", test_starttls_injection_discarded);
  g_test_add_func ("/net/starttls/handshake-fails-no-fallback", test_starttls_failure_no_fallback);
  g_test_add_func ("/net/starttls/refused", test_starttls_refused);
  g_test_add_func ("/net/starttls/wrong-mode", test_starttls_wrong_mode);
  g_test_add_func ("/net/compress/deflate", test_compress_deflate);

  return g_test_run ();
}
