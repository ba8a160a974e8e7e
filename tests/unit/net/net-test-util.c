/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/socket.h>

#include <string.h>

#include "net-test-util.h"

/* Under AddressSanitizer (GCC 12, glibc 2.36) LeakSanitizer's check at
 * exit sometimes crashes ("Tracer caught signal 11") walking the dynamic
 * TLS it tracked for threads that used dlopen()ed GIO modules (gnutls).
 * Not tracking dynamic TLS avoids it; the environment's ASAN_OPTIONS
 * still override this. Unused without ASan. */
const char *__asan_default_options (void);

G_GNUC_UNUSED const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}

char *
net_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "unit", "net", "data", name, NULL);
}

GTlsCertificate *
net_test_certificate (const char *name)
{
  g_autofree char *cert_name = g_strdup_printf ("%s.pem", name);
  g_autofree char *key_name = g_strdup_printf ("%s-key.pem", name);
  g_autofree char *cert = net_test_data_path (cert_name);
  g_autofree char *key = net_test_data_path (key_name);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *c = g_tls_certificate_new_from_files (cert, key, &error);

  g_assert_no_error (error);
  return c;
}

GTlsDatabase *
net_test_ca_database (void)
{
  g_autofree char *path = net_test_data_path ("ca.pem");
  g_autoptr(GError) error = NULL;
  GTlsDatabase *db = g_tls_file_database_new (path, &error);

  g_assert_no_error (error);
  return db;
}

char *
net_test_fingerprint (const char *name)
{
  g_autoptr(GTlsCertificate) cert = net_test_certificate (name);
  g_autoptr(TidingsCertificateInfo) info = tidings_certificate_info_new (cert, "x", 0);

  return g_strdup (tidings_certificate_info_get_fingerprint (info));
}

void
net_test_wait_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NetTestWait *w = user_data;

  g_assert_null (w->result);
  w->result = g_object_ref (result);
}

GAsyncResult *
net_test_wait (NetTestWait *w)
{
  gint64 deadline = g_get_monotonic_time () + NET_TEST_WAIT_MS * 1000;
  GAsyncResult *result;

  while (w->result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("net test: no result within %d ms", NET_TEST_WAIT_MS);
      g_main_context_iteration (NULL, FALSE);
      if (w->result == NULL)
        g_usleep (500);
    }
  result = w->result;
  w->result = NULL;
  return result;
}

void
net_test_sleep_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  /* Keep the main context turning so async work proceeds meanwhile. */
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

char *
net_test_read_line (TidingsReader  *reader,
                    GError        **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_reader_read_line_async (reader, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_reader_read_line_finish (reader, result, NULL, error);
}

gboolean
net_test_write (TidingsWriter      *writer,
                const char         *text,
                TidingsWriteFlags   flags,
                GError            **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_writer_write_async (writer, text, strlen (text), flags, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_writer_write_finish (writer, result, error);
}

gboolean
net_test_connect (TidingsConnection  *conn,
                  GError            **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_connection_connect_async (conn, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_connection_connect_finish (conn, result, error);
}

gboolean
net_test_start_tls (TidingsConnection  *conn,
                    GError            **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_connection_start_tls_async (conn, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_connection_start_tls_finish (conn, result, error);
}

/* ---- server ----------------------------------------------------------- */

struct _NetTestServer
{
  GSocketListener   *listener;
  GCancellable      *cancellable;
  GThread           *thread;
  guint16            port;
  NetTestServerFunc  func;
  gpointer           data;
};

static gpointer
server_thread (gpointer data)
{
  NetTestServer *server = data;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  conn = g_socket_listener_accept (server->listener, NULL, server->cancellable, &error);
  if (conn == NULL)
    return NULL;
  /* Bound every blocking call of the handler. */
  g_socket_set_timeout (g_socket_connection_get_socket (conn), NET_TEST_WAIT_MS / 1000);
  server->func (G_IO_STREAM (conn), server->data);
  return NULL;
}

NetTestServer *
net_test_server_new (NetTestServerFunc func,
                     gpointer          data)
{
  NetTestServer *server = g_new0 (NetTestServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->listener = g_socket_listener_new ();
  server->cancellable = g_cancellable_new ();
  server->func = func;
  server->data = data;
  g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  if (func)
    server->thread = g_thread_new ("net-test-server", server_thread, server);
  return server;
}

guint16
net_test_server_get_port (NetTestServer *server)
{
  return server->port;
}

void
net_test_server_free (NetTestServer *server)
{
  g_cancellable_cancel (server->cancellable);
  if (server->thread)
    g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_free (server);
}

gboolean
srv_write (GIOStream  *stream,
           const void *data,
           gssize      len)
{
  if (len < 0)
    len = strlen (data);
  return g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, len,
                                    NULL, NULL, NULL);
}

char *
srv_read_line (GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  GString *line = g_string_new (NULL);

  for (;;)
    {
      char c;
      gssize n = g_input_stream_read (in, &c, 1, NULL, NULL);

      if (n <= 0)
        {
          g_string_free (line, TRUE);
          return NULL;
        }
      if (c == '\n')
        break;
      if (c != '\r')
        g_string_append_c (line, c);
      if (line->len > 100000)
        {
          g_string_free (line, TRUE);
          return NULL;
        }
    }
  return g_string_free (line, FALSE);
}

GIOStream *
srv_tls (GIOStream   *raw,
         const char  *cert_name,
         GError     **error)
{
  g_autoptr(GTlsCertificate) cert = net_test_certificate (cert_name);
  GIOStream *tls = g_tls_server_connection_new (raw, cert, error);

  if (tls == NULL)
    return NULL;
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    {
      g_object_unref (tls);
      return NULL;
    }
  return tls;
}

/* ---- scenarios -------------------------------------------------------- */

void
scenario_clear (Scenario *s)
{
  g_free (s->received);
}

void
record (Scenario   *s,
        const char *line)
{
  char *joined = g_strconcat (s->received ? s->received : "", line ? line : "<eof>", "\n", NULL);

  g_free (s->received);
  s->received = joined;
}

TidingsConnection *
new_connection (guint16         port,
                TidingsSecurity security,
                gboolean        with_ca)
{
  TidingsConnection *conn = tidings_connection_new ("127.0.0.1", port, security);

  if (with_ca)
    {
      g_autoptr(GTlsDatabase) db = net_test_ca_database ();
      tidings_connection_set_tls_database (conn, db);
    }
  tidings_connection_set_connect_timeout (conn, 5000);
  tidings_connection_set_timeout (conn, 5000);
  return conn;
}

/* Socket pairs ---------------------------------------------------------- */

void
net_test_pair_setup (NetTestPair   *p,
                     gconstpointer  data)
{
  int fds[2];
  g_autoptr(GSocket) ours = NULL;
  GError *error = NULL;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  ours = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  p->peer = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  g_socket_set_timeout (p->peer, 10);
  p->ours = g_socket_connection_factory_create_connection (ours);
  p->reader = tidings_reader_new (g_io_stream_get_input_stream (G_IO_STREAM (p->ours)),
                                  "mail.example.org", 993);
  p->writer = tidings_writer_new (g_io_stream_get_output_stream (G_IO_STREAM (p->ours)),
                                  "mail.example.org", 993);
  tidings_reader_set_timeout (p->reader, 5000);
}

void
net_test_pair_teardown (NetTestPair   *p,
                        gconstpointer  data)
{
  g_clear_object (&p->reader);
  g_clear_object (&p->writer);
  g_clear_object (&p->ours);
  if (p->peer)
    g_socket_close (p->peer, NULL);
  g_clear_object (&p->peer);
}

void
net_test_pair_send (NetTestPair *p,
                    const void  *data,
                    gssize       len)
{
  gsize done = 0;

  if (len < 0)
    len = strlen (data);
  while (done < (gsize) len)
    {
      GError *error = NULL;
      gssize n = g_socket_send (p->peer, (const char *) data + done, len - done, NULL, &error);

      g_assert_no_error (error);
      done += n;
    }
}
