/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pop3-fake-server.h"

static guint
n_messages (FakePop3 *f)
{
  guint n = 0;

  while (n < FAKE_MAX_MESSAGES && f->messages[n] != NULL)
    n++;
  return n;
}

static gboolean
valid_msgno (FakePop3 *f,
             const char *arg,
             guint *out)
{
  guint64 v;

  if (arg == NULL || !g_ascii_string_to_unsigned (arg, 10, 1, n_messages (f), &v, NULL))
    return FALSE;
  if (f->marked[v - 1])
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* The message byte-stuffed, up to @lines body lines (-1: all). */
static GString *
stuffed (const char *text,
         gint        lines)
{
  GString *out = g_string_new (NULL);
  g_auto(GStrv) parts = g_strsplit (text, "\r\n", -1);
  gboolean in_body = FALSE;
  gint body_lines = 0;
  guint n = g_strv_length (parts);

  /* The text ends in CRLF: the last part is empty. */
  for (guint i = 0; i + 1 < n; i++)
    {
      if (in_body && lines >= 0 && body_lines++ >= lines)
        break;
      if (parts[i][0] == '.')
        g_string_append_c (out, '.');
      g_string_append (out, parts[i]);
      g_string_append (out, "\r\n");
      if (parts[i][0] == '\0')
        in_body = TRUE;
    }
  return out;
}

static char *
capa_text (FakePop3 *f,
           gboolean  after_tls)
{
  GString *c = g_string_new ("+OK Capability list follows\r\nUSER\r\nRESP-CODES\r\nLOGIN-DELAY 900\r\nEXPIRE 30\r\n");

  if (f->uidl)
    g_string_append (c, "UIDL\r\n");
  if (f->top)
    g_string_append (c, "TOP\r\n");
  if (!after_tls && (f->stls == FAKE_STLS_OK || f->stls == FAKE_STLS_INJECT || f->stls == FAKE_STLS_REFUSE))
    g_string_append (c, "STLS\r\n");
  if (f->sasl_plain)
    g_string_append (c, "SASL PLAIN\r\n");
  g_string_append (c, ".\r\n");
  return g_string_free (c, FALSE);
}

void
fake_pop3_serve (GIOStream *raw,
                 gpointer   data)
{
  FakePop3 *f = data;
  g_autoptr(GIOStream) tls = NULL;
  GIOStream *stream = raw;
  g_autofree char *greeting = NULL;
  guint count = n_messages (f);

  if (f->implicit_tls)
    {
      tls = srv_tls (raw, "server", NULL);
      if (tls == NULL)
        return;
      stream = tls;
    }
  greeting = g_strdup_printf ("+OK fake POP3 ready%s%s\r\n", f->apop_timestamp ? " " : "",
                              f->apop_timestamp ? f->apop_timestamp : "");
  srv_write (stream, greeting, -1);

  for (;;)
    {
      g_autofree char *line = srv_read_line (stream);
      g_auto(GStrv) w = NULL;
      guint msgno = 0;

      record (&f->s, line);
      if (line == NULL)
        return;
      if (f->password != NULL && strstr (line, f->password) != NULL)
        {
          f->password_seen = TRUE;
          if (stream == raw)
            f->password_seen_plain = TRUE;
        }
      w = g_strsplit (line, " ", 3);
      if (w[0] == NULL)
        {
          srv_write (stream, "-ERR empty\r\n", -1);
          continue;
        }
      if (g_ascii_strcasecmp (w[0], "CAPA") == 0)
        {
          g_autofree char *c = capa_text (f, stream != raw);
          srv_write (stream, c, -1);
        }
      else if (g_ascii_strcasecmp (w[0], "STLS") == 0)
        {
          if (f->stls == FAKE_STLS_REFUSE || f->stls == FAKE_STLS_NONE || f->stls == FAKE_STLS_STRIP)
            {
              srv_write (stream, "-ERR not now\r\n", -1);
              continue;
            }
          if (f->stls == FAKE_STLS_INJECT)
            srv_write (stream, "+OK Begin TLS\r\n+OK injected\r\n-ERR injected too\r\n", -1);
          else
            srv_write (stream, "+OK Begin TLS\r\n", -1);
          tls = srv_tls (raw, "server", NULL);
          if (tls == NULL)
            return;
          f->s.handshake_ok = TRUE;
          stream = tls;
        }
      else if (g_ascii_strcasecmp (w[0], "USER") == 0)
        srv_write (stream, "+OK\r\n", -1);
      else if (g_ascii_strcasecmp (w[0], "PASS") == 0)
        {
          if (w[1] != NULL && g_strcmp0 (line + 5, f->password) == 0)
            srv_write (stream, "+OK logged in\r\n", -1);
          else
            srv_write (stream, "-ERR [AUTH] Authentication failed\r\n", -1);
        }
      else if (g_ascii_strcasecmp (w[0], "APOP") == 0)
        {
          g_autofree char *joined = g_strconcat (f->apop_timestamp, f->password, NULL);
          g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_MD5, joined, -1);

          if (w[1] != NULL && w[2] != NULL && g_strcmp0 (w[1], f->user) == 0 && strcmp (w[2], digest) == 0)
            srv_write (stream, "+OK logged in\r\n", -1);
          else
            srv_write (stream, "-ERR [AUTH] Authentication failed\r\n", -1);
        }
      else if (g_ascii_strcasecmp (w[0], "AUTH") == 0)
        {
          g_autofree char *expected = NULL;
          g_autofree char *ir = NULL;
          gsize len;
          g_autofree guchar *decoded = NULL;

          if (w[1] == NULL || g_ascii_strcasecmp (w[1], "PLAIN") != 0)
            {
              srv_write (stream, "-ERR unsupported\r\n", -1);
              continue;
            }
          if (w[2] == NULL)
            {
              srv_write (stream, "+ \r\n", -1);
              ir = srv_read_line (stream);
              record (&f->s, ir);
            }
          else
            ir = g_strdup (w[2]);
          if (ir == NULL)
            return;
          decoded = g_base64_decode (ir, &len);
          expected = g_strdup_printf ("%c%s%c%s", 0, f->user, 0, f->password);
          if (len == strlen (f->user) + strlen (f->password) + 2
              && memcmp (decoded, "\0", 1) == 0
              && memcmp (decoded + 1, f->user, strlen (f->user)) == 0
              && memcmp (decoded + 2 + strlen (f->user), f->password, strlen (f->password)) == 0)
            srv_write (stream, "+OK logged in\r\n", -1);
          else
            srv_write (stream, "-ERR [AUTH] Authentication failed\r\n", -1);
        }
      else if (g_ascii_strcasecmp (w[0], "STAT") == 0)
        {
          guint n = 0;
          gsize size = 0;
          g_autofree char *r = NULL;

          for (guint i = 0; i < count; i++)
            if (!f->marked[i])
              n++, size += strlen (f->messages[i]);
          r = g_strdup_printf ("+OK %u %" G_GSIZE_FORMAT "\r\n", n, size);
          srv_write (stream, r, -1);
        }
      else if (g_ascii_strcasecmp (w[0], "LIST") == 0 || g_ascii_strcasecmp (w[0], "UIDL") == 0)
        {
          gboolean uidl = g_ascii_strcasecmp (w[0], "UIDL") == 0;
          GString *r;

          if (uidl && !f->uidl)
            {
              srv_write (stream, "-ERR unknown command\r\n", -1);
              continue;
            }
          r = g_string_new ("+OK\r\n");
          for (guint i = 0; i < count; i++)
            if (!f->marked[i])
              {
                if (uidl)
                  {
                    /* The UIDL is a hash of the text: stable across sessions. */
                    g_autofree char *h = g_compute_checksum_for_string (G_CHECKSUM_MD5, f->messages[i], -1);
                    g_string_append_printf (r, "%u %s\r\n", i + 1, h);
                  }
                else
                  g_string_append_printf (r, "%u %" G_GSIZE_FORMAT "\r\n", i + 1, strlen (f->messages[i]));
              }
          g_string_append (r, ".\r\n");
          srv_write (stream, r->str, r->len);
          g_string_free (r, TRUE);
        }
      else if (g_ascii_strcasecmp (w[0], "RETR") == 0 || g_ascii_strcasecmp (w[0], "TOP") == 0)
        {
          gboolean top = g_ascii_strcasecmp (w[0], "TOP") == 0;
          GString *body;

          if ((top && !f->top) || !valid_msgno (f, w[1], &msgno))
            {
              srv_write (stream, "-ERR no such message\r\n", -1);
              continue;
            }
          body = stuffed (f->messages[msgno - 1], top ? (gint) g_ascii_strtoll (w[2] ? w[2] : "0", NULL, 10) : -1);
          if (!top)
            f->n_retr++;
          if (!top && msgno == f->drop_in_retr)
            {
              srv_write (stream, "+OK\r\n", -1);
              srv_write (stream, body->str, body->len / 2);
              g_string_free (body, TRUE);
              return;  /* the connection drops */
            }
          g_string_prepend (body, "+OK message follows\r\n");
          g_string_append (body, ".\r\n");
          if (f->dribble > 0 && !top)
            {
              /* Splits the answer at every kind of place (CR|LF too). */
              for (gsize at = 0; at < body->len; at += f->dribble)
                {
                  srv_write (stream, body->str + at, MIN (f->dribble, body->len - at));
                  g_usleep (300);
                }
            }
          else
            srv_write (stream, body->str, body->len);
          g_string_free (body, TRUE);
        }
      else if (g_ascii_strcasecmp (w[0], "DELE") == 0)
        {
          if (!valid_msgno (f, w[1], &msgno))
            srv_write (stream, "-ERR no such message\r\n", -1);
          else
            {
              f->marked[msgno - 1] = TRUE;
              srv_write (stream, "+OK deleted\r\n", -1);
            }
        }
      else if (g_ascii_strcasecmp (w[0], "RSET") == 0)
        {
          memset (f->marked, 0, sizeof f->marked);
          srv_write (stream, "+OK\r\n", -1);
        }
      else if (g_ascii_strcasecmp (w[0], "NOOP") == 0)
        srv_write (stream, "+OK\r\n", -1);
      else if (g_ascii_strcasecmp (w[0], "QUIT") == 0)
        {
          f->saw_quit = TRUE;
          memcpy (f->deleted, f->marked, sizeof f->deleted);
          srv_write (stream, "+OK bye\r\n", -1);
          return;
        }
      else
        srv_write (stream, "-ERR unknown command\r\n", -1);
    }
}

/* Several sessions one after another (net_test_server serves one). */
struct _FakeMultiServer
{
  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *thread;
  guint16          port;
  guint            sessions;
  FakePop3        *fake;
};

static gpointer
multi_thread (gpointer data)
{
  FakeMultiServer *server = data;

  for (guint i = 0; i < server->sessions; i++)
    {
      g_autoptr(GSocketConnection) conn = NULL;

      conn = g_socket_listener_accept (server->listener, NULL, server->cancellable, NULL);
      if (conn == NULL)
        return NULL;
      g_socket_set_timeout (g_socket_connection_get_socket (conn), NET_TEST_WAIT_MS / 1000);
      fake_pop3_serve (G_IO_STREAM (conn), server->fake);
    }
  return NULL;
}

FakeMultiServer *
fake_multi_server_new (FakePop3 *fake,
                       guint     sessions)
{
  FakeMultiServer *server = g_new0 (FakeMultiServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->listener = g_socket_listener_new ();
  server->cancellable = g_cancellable_new ();
  server->sessions = sessions;
  server->fake = fake;
  g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  server->thread = g_thread_new ("fake-pop3", multi_thread, server);
  return server;
}

guint16
fake_multi_server_get_port (FakeMultiServer *server)
{
  return server->port;
}

void
fake_multi_server_free (FakeMultiServer *server)
{
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_free (server);
}
