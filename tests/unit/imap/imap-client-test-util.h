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
