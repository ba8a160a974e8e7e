/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "smtp-test-server.h"

/* A line with its line end, CR kept. */
static char *
read_raw_line (GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  GString *line = g_string_new (NULL);

  for (;;)
    {
      char c;
      gssize n = g_input_stream_read (in, &c, 1, NULL, NULL);

      if (n <= 0 || line->len > 100000)
        {
          g_string_free (line, TRUE);
          return NULL;
        }
      g_string_append_c (line, c);
      if (c == '\n')
        return g_string_free (line, FALSE);
    }
}

static char *
read_line (SmtpScript *script,
           GIOStream  *stream)
{
  char *line = srv_read_line (stream);

  record (&script->s, line);
  return line;
}

static void
send_ehlo (SmtpScript *script,
           GIOStream  *stream)
{
  GString *r = g_string_new ("250-smtp.test Hello\r\n");

  if (script->offer_starttls && !script->tls)
    g_string_append (r, "250-STARTTLS\r\n");
  if (script->pipelining)
    g_string_append (r, "250-PIPELINING\r\n");
  if (script->eightbitmime)
    g_string_append (r, "250-8BITMIME\r\n");
  if (script->size > 0)
    g_string_append_printf (r, "250-SIZE %" G_GUINT64_FORMAT "\r\n", script->size);
  if (script->user != NULL && script->tls)
    g_string_append (r, "250-AUTH PLAIN\r\n");
  g_string_append (r, "250 ENHANCEDSTATUSCODES\r\n");
  srv_write (stream, r->str, -1);
  g_string_free (r, TRUE);
}

static gboolean
check_plain (SmtpScript *script,
             const char *b64)
{
  gsize len = 0;
  g_autofree guchar *raw = g_base64_decode (b64, &len);
  g_autofree char *expected = g_strdup_printf ("%c%s%c%s", 0, script->user, 0, script->password);
  gsize elen = 2 + strlen (script->user) + strlen (script->password);

  return len == elen && memcmp (raw, expected, len) == 0;
}

static void
rcpt_reply (SmtpScript *script,
            GIOStream  *stream,
            const char *line)
{
  if (script->reject_rcpt != NULL && strstr (line, script->reject_rcpt) != NULL)
    {
      g_autofree char *r = g_strconcat (script->rcpt_reject_reply ? script->rcpt_reject_reply
                                                                  : "550 5.1.1 No such user",
                                        "\r\n", NULL);
      srv_write (stream, r, -1);
    }
  else
    srv_write (stream, "250 2.1.5 Ok\r\n", -1);
}

static void
serve (GIOStream *raw,
       gpointer   data)
{
  SmtpScript *script = data;
  g_autoptr(GIOStream) tls = NULL;
  GIOStream *stream = raw;
  char *line;

  if (script->implicit_tls)
    {
      tls = srv_tls (raw, "server", NULL);
      if (tls == NULL)
        return;
      stream = tls;
      script->tls = TRUE;
    }
  if (script->greeting != NULL)
    {
      srv_write (stream, script->greeting, -1);
      srv_write (stream, "\r\n", 2);
      if (!g_str_has_prefix (script->greeting, "220"))
        return;
    }
  else
    srv_write (stream, "220 smtp.test ESMTP ready\r\n", -1);
  while ((line = read_line (script, stream)) != NULL)
    {
      g_autofree char *owned = line;

      if (g_str_has_prefix (line, "EHLO "))
        {
          script->n_ehlo++;
          if (script->ehlo_unknown)
            srv_write (stream, "502 5.5.2 Command not recognized\r\n", -1);
          else
            send_ehlo (script, stream);
        }
      else if (g_str_has_prefix (line, "HELO "))
        srv_write (stream, "250 smtp.test\r\n", -1);
      else if (strcmp (line, "STARTTLS") == 0 && script->offer_starttls && !script->tls)
        {
          const char *reply = script->starttls_reply ? script->starttls_reply
                                                     : "220 2.0.0 Ready to start TLS";
          g_autofree char *out = g_strconcat (reply, "\r\n", script->inject ? script->inject : "", NULL);

          srv_write (stream, out, -1);
          if (!g_str_has_prefix (reply, "220"))
            continue;
          tls = srv_tls (raw, "server", NULL);
          if (tls == NULL)
            return;
          stream = tls;
          script->tls = TRUE;
        }
      else if (g_str_has_prefix (line, "AUTH PLAIN "))
        {
          if (check_plain (script, line + strlen ("AUTH PLAIN ")))
            srv_write (stream, "235 2.7.0 Authentication successful\r\n", -1);
          else
            srv_write (stream, "535 5.7.8 Authentication failed\r\n", -1);
        }
      else if (g_str_has_prefix (line, "MAIL FROM:"))
        {
          if (script->pipelining && script->expect_rcpts > 0)
            {
              g_autoptr(GPtrArray) rcpts = g_ptr_array_new_with_free_func (g_free);

              /* No reply before every RCPT is in: a client that waits for
               * the MAIL reply would hang here and fail its test. */
              for (guint i = 0; i < script->expect_rcpts; i++)
                {
                  char *rcpt = read_line (script, stream);

                  if (rcpt == NULL)
                    return;
                  g_ptr_array_add (rcpts, rcpt);
                }
              script->pipelined_ok = TRUE;
              srv_write (stream, script->mail_reply ? script->mail_reply : "250 2.1.0 Ok", -1);
              srv_write (stream, "\r\n", 2);
              for (guint i = 0; i < rcpts->len; i++)
                rcpt_reply (script, stream, g_ptr_array_index (rcpts, i));
            }
          else
            {
              srv_write (stream, script->mail_reply ? script->mail_reply : "250 2.1.0 Ok", -1);
              srv_write (stream, "\r\n", 2);
            }
        }
      else if (g_str_has_prefix (line, "RCPT TO:"))
        rcpt_reply (script, stream, line);
      else if (strcmp (line, "DATA") == 0)
        {
          srv_write (stream, "354 End data with <CR><LF>.<CR><LF>\r\n", -1);
          if (script->data == NULL)
            script->data = g_byte_array_new ();
          for (;;)
            {
              g_autofree char *raw_line = read_raw_line (stream);

              if (raw_line == NULL)
                return;
              g_byte_array_append (script->data, (guint8 *) raw_line, strlen (raw_line));
              if (strcmp (raw_line, ".\r\n") == 0)
                break;
            }
          script->n_messages++;
          srv_write (stream, script->data_reply ? script->data_reply
                                                : "250 2.0.0 Ok: queued as 4711", -1);
          srv_write (stream, "\r\n", 2);
        }
      else if (strcmp (line, "RSET") == 0)
        srv_write (stream, "250 2.0.0 Ok\r\n", -1);
      else if (strcmp (line, "QUIT") == 0)
        {
          srv_write (stream, "221 2.0.0 Bye\r\n", -1);
          break;
        }
      else
        srv_write (stream, "500 5.5.2 What?\r\n", -1);
    }
  script->s.saw_eof = TRUE;
}

NetTestServer *
smtp_test_server_start (SmtpScript *script)
{
  return net_test_server_new (serve, script);
}

void
smtp_script_clear (SmtpScript *script)
{
  scenario_clear (&script->s);
  if (script->data != NULL)
    g_byte_array_unref (script->data);
}
