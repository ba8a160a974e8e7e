/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Throughput of the IMAP parser on a generated "UID FETCH 1:* (UID FLAGS
 * INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS
 * (REFERENCES)])" answer, fed in 64 KiB reads like a socket would give.
 * Prints MB/s and responses/s for parsing alone and for parsing plus
 * tidings_imap_fetch_decode(). Usage: bench-imap-parser [N] (default 100000). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "imap/tidings-imap.h"

static GString *
generate (guint n)
{
  GString *s = g_string_sized_new ((gsize) n * 1400);
  guint i;

  for (i = 1; i <= n; i++)
    {
      char refs[200];
      int refs_len = g_snprintf (refs, sizeof refs,
                                 "References: <thread-%u@lists.example.org>\r\n <m%u@example.org>\r\n\r\n",
                                 i / 7, i - 1);

      g_string_append_printf (s,
        "* %u FETCH (UID %u FLAGS (\\Seen%s) INTERNALDATE \"%2u-Mar-2024 %02u:%02u:%02u +0100\" "
        "RFC822.SIZE %u ENVELOPE (\"Tue, %u Mar 2024 %02u:%02u:%02u +0100\" "
        "\"=?UTF-8?Q?Re:_Quarterly_report_=E2=80=94_draft_%u?=\" "
        "((\"Ana Sousa\" NIL \"ana.sousa\" \"example.org\")) ((\"Ana Sousa\" NIL \"ana.sousa\" \"example.org\")) "
        "((\"Ana Sousa\" NIL \"ana.sousa\" \"example.org\")) "
        "((\"Team\" NIL \"team\" \"lists.example.org\")(NIL NIL \"bo\" \"example.net\")) "
        "((\"Carla Mendes\" NIL \"carla\" \"example.com\")) NIL \"<m%u@example.org>\" \"<m%u@example.org>\") "
        "BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\" \"format\" \"flowed\") NIL NIL "
        "\"quoted-printable\" %u %u NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL "
        "\"quoted-printable\" %u %u NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"=_alt_%u\") NIL NIL NIL)"
        "(\"application\" \"pdf\" (\"name\" \"report-%u.pdf\") NIL NIL \"base64\" %u NIL "
        "(\"attachment\" (\"filename\" \"report-%u.pdf\" \"size\" \"%u\")) NIL NIL) \"mixed\" "
        "(\"boundary\" \"=_mixed_%u\") NIL NIL NIL) "
        "BODY[HEADER.FIELDS (REFERENCES)] {%d}\r\n%s)\r\n",
        i, i, i % 3 ? "" : " \\Flagged", 1 + i % 28, i % 24, i % 60, (i * 7) % 60,
        20000 + i % 5000, 1 + i % 28, i % 24, i % 60, (i * 7) % 60,
        i, i - 1, i,
        800 + i % 900, 20 + i % 40, 3000 + i % 2000, 60 + i % 80, i,
        i, 40000 + i, i, 30000 + i, i,
        refs_len, refs);
    }
  return s;
}

static double
run (const GString *stream,
     gboolean       decode,
     guint         *responses)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  gint64 start = g_get_monotonic_time ();
  gsize off;
  guint count = 0;

  for (off = 0; off < stream->len; off += 65536)
    {
      TidingsImapResponse *r = NULL;
      GError *error = NULL;

      if (!tidings_imap_parser_feed (parser, stream->str + off, MIN ((gsize) 65536, stream->len - off), &error))
        g_error ("%s", error->message);
      while (tidings_imap_parser_next (parser, &r, &error) == TIDINGS_IMAP_PARSER_RESPONSE)
        {
          if (decode)
            {
              TidingsImapFetch *f = tidings_imap_fetch_decode (r, &error);

              if (f == NULL || f->body_structure == NULL || f->envelope == NULL || f->n_bodies != 1)
                g_error ("decode failed");
              tidings_imap_fetch_unref (f);
            }
          tidings_imap_response_unref (r);
          r = NULL;
          count++;
        }
      if (error != NULL)
        g_error ("%s", error->message);
    }
  *responses = count;
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autoptr(GString) stream = NULL;
  guint count;
  double t_parse, t_decode;

  stream = generate (n);
  run (stream, FALSE, &count); /* warm up */
  t_parse = run (stream, FALSE, &count);
  if (count != n)
    g_error ("expected %u responses, got %u", n, count);
  t_decode = run (stream, TRUE, &count);

  g_print ("IMAP parser: %u FETCH responses, %.1f MB (%.0f bytes each)\n",
           n, stream->len / 1e6, (double) stream->len / n);
  g_print ("  parse only:      %.3f s  %7.1f MB/s  %9.0f responses/s\n",
           t_parse, stream->len / 1e6 / t_parse, n / t_parse);
  g_print ("  parse + decode:  %.3f s  %7.1f MB/s  %9.0f responses/s\n",
           t_decode, stream->len / 1e6 / t_decode, n / t_decode);
  return 0;
}
