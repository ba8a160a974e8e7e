/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scripted IMAP servers for the client tests. A script is a list of steps
 * run in the server thread:
 *   ">text"   send text + CRLF          "=text"  send text as is
 *   "<"       read one line, record it  "~"      record lines until EOF
 *   "T"       TLS handshake (test cert) "Z50"    sleep 50 ms
 *   "X"       drop the connection now
 *   "F5000 t3" send 5000 "* n FETCH (UID n+100 FLAGS (\Seen) BODY[] {12}..."
 *              replies, then "t3 OK"
 * After the last step the server reads (without recording) until the
 * client closes. The test then compares what was recorded. */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "net-test-util.h"
#include "imap/tidings-imap.h"

typedef struct
{
  const char * const *script;
  Scenario            s;
} ImapScript;

static void
imap_script_server (GIOStream *stream,
                    gpointer   data)
{
  ImapScript *script = data;
  GIOStream *io = stream;
  g_autoptr(GIOStream) tls = NULL;
  char *line;

  for (guint i = 0; script->script[i] != NULL; i++)
    {
      const char *step = script->script[i];

      switch (step[0])
        {
        case '>':
          srv_write (io, step + 1, -1);
          srv_write (io, "\r\n", 2);
          break;
        case '=':
          srv_write (io, step + 1, -1);
          break;
        case '<':
          line = srv_read_line (io);
          record (&script->s, line);
          if (line == NULL)
            return;
          g_free (line);
          break;
        case '~':
          while ((line = srv_read_line (io)) != NULL)
            {
              record (&script->s, line);
              g_free (line);
            }
          script->s.saw_eof = TRUE;
          return;
        case 'T':
          tls = srv_tls (io, "server", NULL);
          if (tls == NULL)
            return;
          script->s.handshake_ok = TRUE;
          io = tls;
          break;
        case 'Z':
          g_usleep (1000 * atoi (step + 1));
          break;
        case 'X':
          return;
        case 'F':
          {
            GString *batch = g_string_new (NULL);
            char *tag = NULL;
            guint n = strtoul (step + 1, &tag, 10);

            for (guint k = 1; k <= n; k++)
              {
                g_string_append_printf (batch, "* %u FETCH (UID %u FLAGS (\\Seen) BODY[] {12}\r\n"
                                        "hello world!)\r\n", k, k + 100);
                if (batch->len > 60000)
                  {
                    srv_write (io, batch->str, batch->len);
                    g_string_truncate (batch, 0);
                  }
              }
            g_string_append_printf (batch, "%s OK fetched\r\n", tag + 1);
            srv_write (io, batch->str, batch->len);
            g_string_free (batch, TRUE);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  while ((line = srv_read_line (io)) != NULL)
    g_free (line);
}

static inline gboolean
imap_test_timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context (blocking, so thousands of replies do not
 * pay a sleep each) until *left is 0, within the bound. */
static inline void
imap_test_wait_zero (guint *left)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add (NET_TEST_WAIT_MS, imap_test_timed_out, &timed_out);

  while (*left > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("imap test: nothing happened within %d ms", NET_TEST_WAIT_MS);
  g_source_remove (timer);
}

static inline GAsyncResult *
imap_test_wait (NetTestWait *w)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add (NET_TEST_WAIT_MS, imap_test_timed_out, &timed_out);
  GAsyncResult *result;

  while (w->result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("imap test: no result within %d ms", NET_TEST_WAIT_MS);
  g_source_remove (timer);
  result = w->result;
  w->result = NULL;
  return result;
}

#define net_test_wait imap_test_wait

/* ---- a client and its scripted server -------------------------------- */

typedef struct
{
  ImapScript          script;
  NetTestServer      *server;
  TidingsConnection  *conn;
  TidingsImapClient  *client;
  GString            *events;
  gboolean            closed;
  GError             *closed_error;
} Fixture;

static void
on_exists (TidingsImapClient *client, guint count, Fixture *f)
{
  g_string_append_printf (f->events, "exists %u;", count);
}

static void
on_expunge (TidingsImapClient *client, guint seq, Fixture *f)
{
  g_string_append_printf (f->events, "expunge %u;", seq);
}

static void
on_vanished (TidingsImapClient *client, TidingsImapSequenceSet *uids, gboolean earlier, Fixture *f)
{
  g_autofree char *set = tidings_imap_sequence_set_to_string (uids);

  g_string_append_printf (f->events, "vanished %s%s;", set, earlier ? " earlier" : "");
}

static void
on_fetch (TidingsImapClient *client, TidingsImapFetch *fetch, Fixture *f)
{
  g_string_append_printf (f->events, "fetch %u uid %u;", fetch->seq, fetch->uid);
}

static void
on_alert (TidingsImapClient *client, const char *text, Fixture *f)
{
  g_string_append_printf (f->events, "alert %s;", text);
}

static void
on_closed (TidingsImapClient *client, const GError *error, Fixture *f)
{
  g_assert_false (f->closed);
  f->closed = TRUE;
  f->closed_error = error ? g_error_copy (error) : NULL;
  g_string_append (f->events, "closed;");
}

G_GNUC_UNUSED static void
fixture_start (Fixture            *f,
               const char * const *script,
               TidingsSecurity     security)
{
  memset (f, 0, sizeof *f);
  f->script.script = script;
  f->server = net_test_server_new (imap_script_server, &f->script);
  f->conn = new_connection (net_test_server_get_port (f->server), security, TRUE);
  f->client = tidings_imap_client_new (f->conn);
  f->events = g_string_new (NULL);
  g_signal_connect (f->client, "exists", G_CALLBACK (on_exists), f);
  g_signal_connect (f->client, "expunge", G_CALLBACK (on_expunge), f);
  g_signal_connect (f->client, "vanished", G_CALLBACK (on_vanished), f);
  g_signal_connect (f->client, "fetch", G_CALLBACK (on_fetch), f);
  g_signal_connect (f->client, "alert", G_CALLBACK (on_alert), f);
  g_signal_connect (f->client, "closed", G_CALLBACK (on_closed), f);
}

/* Closes the client, waits for the server thread; returns what it read. */
G_GNUC_UNUSED static const char *
fixture_stop (Fixture *f)
{
  tidings_imap_client_close (f->client);
  net_test_server_free (f->server);
  f->server = NULL;
  return f->script.s.received ? f->script.s.received : "";
}

G_GNUC_UNUSED static void
fixture_clear (Fixture *f)
{
  if (f->server)
    fixture_stop (f);
  g_clear_object (&f->client);
  g_clear_object (&f->conn);
  g_string_free (f->events, TRUE);
  g_clear_error (&f->closed_error);
  scenario_clear (&f->script.s);
}

G_GNUC_UNUSED static gboolean
do_connect (Fixture *f, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_connect_async (f->client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_connect_finish (f->client, result, error);
}

G_GNUC_UNUSED static gboolean
do_login (Fixture *f, const char *user, const char *password, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_login_async (f->client, user, password, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_login_finish (f->client, result, error);
}

G_GNUC_UNUSED static gboolean
do_noop (Fixture *f, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_noop_async (f->client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_noop_finish (f->client, result, error);
}

G_GNUC_UNUSED static TidingsImapSelectInfo *
do_select (Fixture *f, const char *mailbox, const TidingsImapQresyncParams *qresync, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_select_async (f->client, mailbox, FALSE, qresync, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_select_finish (f->client, result, error);
}

/* Greeting with capabilities, LOGIN, nothing else after login. */
#define PLAIN_START \
  ">* OK [CAPABILITY IMAP4rev1] test server ready", \
  "<", \
  ">t1 OK [CAPABILITY IMAP4rev1 UIDPLUS] logged in"

G_GNUC_UNUSED static void
start_logged_in (Fixture *f, const char * const *script)
{
  GError *error = NULL;

  fixture_start (f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_client_get_state (f->client), ==, TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED);
  g_assert_true (do_login (f, "ann", "secret pw", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_client_get_state (f->client), ==, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED);
}

typedef struct
{
  guint   count;
  guint32 last_uid;
  gsize   body_bytes;
} FetchCount;

G_GNUC_UNUSED static gboolean
count_fetch (TidingsImapFetch *fetch, gpointer data, GError **error)
{
  FetchCount *c = data;
  const TidingsImapFetchBody *body = tidings_imap_fetch_lookup_body (fetch, "BODY", "");

  c->count++;
  c->last_uid = fetch->uid;
  if (body && body->data)
    c->body_bytes += g_bytes_get_size (body->data);
  return TRUE;
}

G_GNUC_UNUSED static gboolean
do_fetch (Fixture *f, const char *set, const char *attrs, FetchCount *c, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TidingsImapSequenceSet) uids = tidings_imap_sequence_set_parse (set, -1, NULL);

  tidings_imap_client_uid_fetch_async (f->client, uids, attrs, 0, FALSE, count_fetch, c,
                                       NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_uid_fetch_finish (f->client, result, error);
}

#define SELECTED_START \
  PLAIN_START, \
  "<", \
  ">* 3 EXISTS", \
  ">t2 OK [READ-WRITE] selected"

