/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsConnection against small in-process servers on 127.0.0.1:
 * connect, refuse, time out, TLS with an injected CA, untrusted and pinned
 * certificates, a read pending while writing. STARTTLS and COMPRESS are in
 * test-net-starttls.c. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "net-test-util.h"
#include "tidings-engine.h"

/* ---- plain ------------------------------------------------------------- */

static void
greet_plain (GIOStream *stream,
             gpointer   data)
{
  Scenario *s = data;
  char *line;

  srv_write (stream, "* OK plain greeting\r\n", -1);
  line = srv_read_line (stream);
  record (s, line);
  g_free (line);
  srv_write (stream, "a1 OK bye\r\n", -1);
}

static void
test_plain (void)
{
  Scenario s = { 0 };
  NetTestServer *server = net_test_server_new (greet_plain, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_NONE, FALSE);
  GError *error = NULL;
  char *line;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_connected (conn));
  g_assert_false (tidings_connection_is_encrypted (conn));
  g_assert_null (tidings_connection_get_peer_certificate (conn));

  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_cmpstr (line, ==, "* OK plain greeting");
  g_free (line);
  /* Explicitly plain: the person chose it, so even secrets may go. */
  g_assert_true (net_test_write (tidings_connection_get_writer (conn), "a1 LOGIN u p\r\n",
                                 TIDINGS_WRITE_SENSITIVE, &error));
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_cmpstr (line, ==, "a1 OK bye");
  g_free (line);

  tidings_connection_close (conn);
  g_assert_false (tidings_connection_is_connected (conn));
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_clear_error (&error);

  net_test_server_free (server);
  g_assert_cmpstr (s.received, ==, "a1 LOGIN u p\n");
  scenario_clear (&s);
}

static void
test_refused (void)
{
  NetTestServer *server = net_test_server_new (NULL, NULL);
  guint16 port = net_test_server_get_port (server);
  g_autoptr(TidingsConnection) conn = NULL;
  GError *error = NULL;
  g_autofree char *expected = NULL;

  net_test_server_free (server);  /* nothing listens on the port now */
  conn = new_connection (port, TIDINGS_SECURITY_TLS, TRUE);
  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CONNECTION_REFUSED);
  expected = g_strdup_printf ("127.0.0.1 refused the connection on port %u. Check the server name and port.", port);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_assert_false (tidings_connection_is_connected (conn));
}

static void
test_host_not_found (void)
{
  g_autoptr(TidingsConnection) conn = tidings_connection_new ("nonexistent.invalid", 993,
                                                              TIDINGS_SECURITY_TLS);
  GError *error = NULL;

  tidings_connection_set_connect_timeout (conn, 8000);
  g_assert_false (net_test_connect (conn, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_HOST_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "Could not find the server nonexistent.invalid. Check the server name.");
  g_clear_error (&error);
}

static void
test_connect_once (void)
{
  NetTestServer *server = net_test_server_new (NULL, NULL);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_NONE, FALSE);
  GError *error = NULL;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED);
  g_clear_error (&error);
  tidings_connection_close (conn);
  net_test_server_free (server);
}

/* ---- timeouts ---------------------------------------------------------- */

static void
test_timeout_tls_handshake (void)
{
  /* Listening but never accepting: TCP connects (the kernel answers),
   * the TLS handshake never gets a reply. */
  NetTestServer *silent = net_test_server_new (NULL, NULL);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (silent),
                                                      TIDINGS_SECURITY_TLS, TRUE);
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 ms;
  g_autofree char *expected = NULL;

  tidings_connection_set_connect_timeout (conn, 300);
  g_assert_false (net_test_connect (conn, &error));
  ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TIMED_OUT);
  expected = g_strdup_printf ("The connection to 127.0.0.1:%u timed out.", net_test_server_get_port (silent));
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (ms, >=, 290);
  g_assert_cmpint (ms, <, 5000);
  g_clear_error (&error);
  g_assert_false (tidings_connection_is_connected (conn));
  net_test_server_free (silent);
}

static void
test_timeout_greeting (void)
{
  NetTestServer *silent = net_test_server_new (NULL, NULL);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (silent),
                                                      TIDINGS_SECURITY_STARTTLS, TRUE);
  GError *error = NULL;
  char *line;

  tidings_connection_set_timeout (conn, 200);
  g_assert_true (net_test_connect (conn, &error));
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TIMED_OUT);
  g_clear_error (&error);
  tidings_connection_close (conn);
  net_test_server_free (silent);
}

static void
test_cancel_connect (void)
{
  NetTestServer *silent = net_test_server_new (NULL, NULL);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (silent),
                                                      TIDINGS_SECURITY_TLS, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  tidings_connection_connect_async (conn, cancellable, net_test_wait_cb, &w);
  net_test_sleep_ms (100);
  g_assert_null (w.result);
  g_cancellable_cancel (cancellable);
  result = net_test_wait (&w);
  g_assert_false (tidings_connection_connect_finish (conn, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  net_test_server_free (silent);
}

/* ---- implicit TLS and certificates ------------------------------------- */

static void
greet_tls (GIOStream *stream,
           gpointer   data)
{
  Scenario *s = data;
  g_autoptr(GIOStream) tls = NULL;
  char *line;

  tls = srv_tls (stream, s->cert, NULL);
  if (tls == NULL)
    return;  /* the client refused the certificate */
  s->handshake_ok = TRUE;
  srv_write (tls, "* OK secure greeting\r\n", -1);
  line = srv_read_line (tls);
  record (s, line);
  g_free (line);
  srv_write (tls, "a1 OK\r\n", -1);
}

static void
test_tls_with_ca (void)
{
  Scenario s = { .cert = "server" };
  NetTestServer *server = net_test_server_new (greet_tls, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, TRUE);
  g_autofree char *fp = net_test_fingerprint ("server");
  TidingsCertificateInfo *peer;
  GError *error = NULL;
  char *line;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_encrypted (conn));
  peer = tidings_connection_get_peer_certificate (conn);
  g_assert_nonnull (peer);
  g_assert_cmpstr (tidings_certificate_info_get_fingerprint (peer), ==, fp);
  g_assert_cmpuint (tidings_certificate_info_get_errors (peer), ==, 0);
  g_assert_null (tidings_connection_get_rejected_certificate (conn));

  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_cmpstr (line, ==, "* OK secure greeting");
  g_free (line);
  g_assert_true (net_test_write (tidings_connection_get_writer (conn), "a1 LOGIN alice pw\r\n",
                                 TIDINGS_WRITE_SENSITIVE, &error));
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_cmpstr (line, ==, "a1 OK");
  g_free (line);

  tidings_connection_close_async (conn, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_connection_close_finish (conn, result, &error));
  g_assert_false (tidings_connection_is_connected (conn));

  net_test_server_free (server);
  g_assert_true (s.handshake_ok);
  g_assert_cmpstr (s.received, ==, "a1 LOGIN alice pw\n");
  scenario_clear (&s);
}

static void
test_tls_untrusted (void)
{
  Scenario s = { .cert = "server" };
  NetTestServer *server = net_test_server_new (greet_tls, &s);
  /* No injected CA: the system does not know the test CA. */
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, FALSE);
  g_autofree char *fp = net_test_fingerprint ("server");
  g_autofree char *expected = g_strdup_printf ("127.0.0.1's certificate is not trusted (SHA-256 %s).", fp);
  g_autofree char *why = NULL;
  TidingsCertificateInfo *info;
  GError *error = NULL;
  char *line;

  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_assert_false (tidings_connection_is_connected (conn));

  info = tidings_connection_get_rejected_certificate (conn);
  g_assert_nonnull (info);
  g_assert_cmpstr (tidings_certificate_info_get_fingerprint (info), ==, fp);
  g_assert_cmpuint (strlen (fp), ==, 95);
  g_assert_cmpstr (tidings_certificate_info_get_host (info), ==, "127.0.0.1");
  g_assert_nonnull (strstr (tidings_certificate_info_get_subject (info), "CN=localhost"));
  g_assert_nonnull (strstr (tidings_certificate_info_get_issuer (info), "Tidings Test CA"));
  g_assert_cmpint (g_date_time_get_year (tidings_certificate_info_get_not_before (info)), ==, 2000);
  g_assert_cmpint (g_date_time_get_year (tidings_certificate_info_get_not_after (info)), ==, 2125);
  g_assert_true (tidings_certificate_info_get_errors (info) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_nonnull (strstr (tidings_certificate_info_get_pem (info), "BEGIN CERTIFICATE"));
  why = tidings_certificate_info_describe_errors (info);
  g_assert_nonnull (strstr (why, "not signed by an authority"));

  /* Nothing can be read or written on the refused connection. */
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_null (line);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_clear_error (&error);

  net_test_server_free (server);
  g_assert_false (s.handshake_ok);
  scenario_clear (&s);
}

static void
test_tls_other_cert_with_ca (void)
{
  Scenario s = { .cert = "other" };
  NetTestServer *server = net_test_server_new (greet_tls, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, TRUE);
  g_autofree char *fp = net_test_fingerprint ("other");
  GError *error = NULL;

  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_clear_error (&error);
  g_assert_cmpstr (tidings_certificate_info_get_fingerprint (tidings_connection_get_rejected_certificate (conn)),
                   ==, fp);
  net_test_server_free (server);
  scenario_clear (&s);
}

static void
test_tls_pinned (void)
{
  Scenario s = { .cert = "server" };
  NetTestServer *server = net_test_server_new (greet_tls, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, FALSE);
  g_autofree char *fp = net_test_fingerprint ("server");
  g_autofree char *upper = g_ascii_strup (fp, -1);
  GError *error = NULL;
  char *line;

  g_assert_false (tidings_connection_set_pinned_fingerprint (conn, "not a fingerprint"));
  /* Any spelling of the same fingerprint. */
  g_assert_true (tidings_connection_set_pinned_fingerprint (conn, upper));
  g_assert_true (net_test_connect (conn, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_encrypted (conn));
  g_assert_null (tidings_connection_get_rejected_certificate (conn));
  g_assert_cmpstr (tidings_certificate_info_get_fingerprint (tidings_connection_get_peer_certificate (conn)),
                   ==, fp);
  g_assert_true (tidings_certificate_info_get_errors (tidings_connection_get_peer_certificate (conn))
                 & G_TLS_CERTIFICATE_UNKNOWN_CA);
  line = net_test_read_line (tidings_connection_get_reader (conn), &error);
  g_assert_cmpstr (line, ==, "* OK secure greeting");
  g_free (line);
  tidings_connection_close (conn);
  net_test_server_free (server);
  scenario_clear (&s);
}

static void
test_tls_wrong_pin (void)
{
  Scenario s = { .cert = "server" };
  NetTestServer *server = net_test_server_new (greet_tls, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, FALSE);
  g_autofree char *pin = net_test_fingerprint ("other");
  g_autofree char *fp = net_test_fingerprint ("server");
  g_autofree char *expected = g_strdup_printf ("127.0.0.1's certificate has changed since you trusted it (SHA-256 %s).", fp);
  GError *error = NULL;

  g_assert_true (tidings_connection_set_pinned_fingerprint (conn, pin));
  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_CHANGED);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_assert_cmpstr (tidings_certificate_info_get_fingerprint (tidings_connection_get_rejected_certificate (conn)),
                   ==, fp);
  net_test_server_free (server);
  g_assert_false (s.handshake_ok);
  scenario_clear (&s);
}

static void
speak_plaintext (GIOStream *stream,
                 gpointer   data)
{
  char buf[512];

  /* A plain-text server on an implicit-TLS port. */
  srv_write (stream, "* OK I do not speak TLS\r\n", -1);
  g_input_stream_read (g_io_stream_get_input_stream (stream), buf, sizeof buf, NULL, NULL);
}

static void
test_tls_to_plaintext_server (void)
{
  NetTestServer *server = net_test_server_new (speak_plaintext, NULL);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, TRUE);
  GError *error = NULL;

  g_assert_false (net_test_connect (conn, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TLS_FAILED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);
  net_test_server_free (server);
}

/* ---- close while reading ----------------------------------------------- */

static void
hold_open (GIOStream *stream,
           gpointer   data)
{
  char buf[16];

  srv_write (stream, "* OK\r\n", -1);
  g_input_stream_read (g_io_stream_get_input_stream (stream), buf, sizeof buf, NULL, NULL);
}

static void
test_close_aborts_pending_read (void)
{
  NetTestServer *server = net_test_server_new (hold_open, NULL);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_NONE, FALSE);
  TidingsReader *reader = tidings_connection_get_reader (conn);
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  char *line;

  g_assert_true (net_test_connect (conn, &error));
  line = net_test_read_line (reader, &error);
  g_free (line);
  tidings_reader_read_line_async (reader, NULL, net_test_wait_cb, &w);
  net_test_sleep_ms (30);
  tidings_connection_close (conn);
  result = net_test_wait (&w);
  g_assert_null (tidings_reader_read_line_finish (reader, result, NULL, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_clear_error (&error);
  net_test_server_free (server);
}

/* ---- IDLE pattern: a read stays pending while we write ----------------- */

static void
idle_server (GIOStream *stream,
             gpointer   data)
{
  Scenario *s = data;
  g_autoptr(GIOStream) tls = srv_tls (stream, "server", NULL);
  char *line;

  if (tls == NULL)
    return;
  srv_write (tls, "+ idling\r\n", -1);
  /* Nothing more until the client says DONE. */
  line = srv_read_line (tls);
  record (s, line);
  g_free (line);
  srv_write (tls, "a1 OK IDLE terminated\r\n", -1);
}

static void
test_read_while_writing (void)
{
  Scenario s = { 0 };
  NetTestServer *server = net_test_server_new (idle_server, &s);
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server),
                                                      TIDINGS_SECURITY_TLS, TRUE);
  TidingsReader *reader = tidings_connection_get_reader (conn);
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  char *line;

  g_assert_true (net_test_connect (conn, &error));
  line = net_test_read_line (reader, &error);
  g_assert_cmpstr (line, ==, "+ idling");
  g_free (line);

  tidings_reader_read_line_async (reader, NULL, net_test_wait_cb, &w);
  net_test_sleep_ms (50);
  g_assert_null (w.result);
  /* The write goes out while the read waits on the same TLS connection. */
  g_assert_true (net_test_write (tidings_connection_get_writer (conn), "DONE\r\n", TIDINGS_WRITE_NONE, &error));
  result = net_test_wait (&w);
  line = tidings_reader_read_line_finish (reader, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "a1 OK IDLE terminated");
  g_free (line);

  tidings_connection_close (conn);
  net_test_server_free (server);
  g_assert_cmpstr (s.received, ==, "DONE\n");
  scenario_clear (&s);
}

/* ---- a TCP connect that gets no answer --------------------------------- */

static void
test_timeout_tcp_connect (void)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GPtrArray) fillers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TidingsConnection) conn = NULL;
  GError *error = NULL;
  guint16 port;
  gboolean full = FALSE;

  /* A listener whose accept queue is full: Linux then drops new SYNs, so a
   * connect neither succeeds nor fails until our timeout. */
  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (listener, 0);
  g_assert_true (g_socket_bind (listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  bound = g_socket_get_local_address (listener, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  for (int i = 0; i < 8 && !full; i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      GSocketConnection *c;

      g_socket_client_set_timeout (client, 1);
      c = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
      if (c == NULL)
        {
          full = TRUE;
          g_clear_error (&error);
        }
      else
        g_ptr_array_add (fillers, c);
    }
  if (!full)
    {
      g_test_skip ("this kernel answers every connect on a full queue");
      return;
    }

  conn = tidings_connection_new ("127.0.0.1", port, TIDINGS_SECURITY_TLS);
  tidings_connection_set_connect_timeout (conn, 300);
  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TIMED_OUT);
  g_clear_error (&error);
}

/* ---- certificate info helpers ------------------------------------------ */

static void
test_fingerprint_equal (void)
{
  const char *a = "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
  const char *b = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

  g_assert_true (tidings_certificate_fingerprint_equal (a, b));
  g_assert_false (tidings_certificate_fingerprint_equal (a, "abcdef"));
  g_assert_false (tidings_certificate_fingerprint_equal (NULL, b));
  g_assert_false (tidings_certificate_fingerprint_equal ("zz", "zz"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/net/connection/plain", test_plain);
  g_test_add_func ("/net/connection/refused", test_refused);
  g_test_add_func ("/net/connection/host-not-found", test_host_not_found);
  g_test_add_func ("/net/connection/connect-once", test_connect_once);
  g_test_add_func ("/net/connection/timeout-tcp-connect", test_timeout_tcp_connect);
  g_test_add_func ("/net/connection/timeout-tls-handshake", test_timeout_tls_handshake);
  g_test_add_func ("/net/connection/timeout-greeting", test_timeout_greeting);
  g_test_add_func ("/net/connection/cancel-connect", test_cancel_connect);
  g_test_add_func ("/net/connection/close-aborts-pending-read", test_close_aborts_pending_read);
  g_test_add_func ("/net/tls/injected-ca", test_tls_with_ca);
  g_test_add_func ("/net/tls/untrusted", test_tls_untrusted);
  g_test_add_func ("/net/tls/other-cert-with-ca", test_tls_other_cert_with_ca);
  g_test_add_func ("/net/tls/pinned", test_tls_pinned);
  g_test_add_func ("/net/tls/wrong-pin", test_tls_wrong_pin);
  g_test_add_func ("/net/tls/plaintext-server", test_tls_to_plaintext_server);
  g_test_add_func ("/net/tls/fingerprint-equal", test_fingerprint_equal);
  g_test_add_func ("/net/tls/read-while-writing", test_read_while_writing);

  return g_test_run ();
}
