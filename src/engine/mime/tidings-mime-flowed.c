/* SPDX-License-Identifier: GPL-3.0-or-later */
/* format=flowed (RFC 3676): join soft-broken lines for display, and wrap
 * outgoing text with soft breaks and space-stuffing. */
#include "config.h"

#include <string.h>

#include "tidings-mime-private.h"

/* Lines are cut near this many characters, quote marks included... */
#define FLOWED_WIDTH 72
/* ...and a line that can be cut never gets longer than this (RFC 3676
 * asks for at most 78). */
#define FLOWED_MAX 78

static gboolean
is_signature_separator (const char *line,
                        gsize       len)
{
  return len == 3 && memcmp (line, "-- ", 3) == 0;
}

/* Decodes LF-separated flowed @text. Paragraphs become one line each, with
 * their quote depth written as ">" marks and a space. */
char *
_tidings_mime_flowed_decode (const char *text,
                             gboolean    delsp)
{
  gsize text_len = strlen (text);
  GString *out = g_string_sized_new (text_len + 1);
  const char *p = text;
  const char *text_end = text + text_len;
  gboolean in_paragraph = FALSE;
  guint paragraph_depth = 0;

  while (p < text_end)
    {
      const char *eol = memchr (p, '\n', text_end - p);
      const char *end = eol ? eol : text_end;
      const char *c = p;
      guint depth = 0;
      gsize len;
      gboolean soft;

      while (c < end && *c == '>')
        {
          depth++;
          c++;
        }
      /* One space after the quote marks (or at the start) is stuffing. */
      if (c < end && *c == ' ')
        c++;
      len = end - c;

      soft = len > 0 && c[len - 1] == ' ' && !is_signature_separator (c, len);

      /* A flowed line followed by one of another depth ends its paragraph. */
      if (in_paragraph && depth != paragraph_depth)
        {
          g_string_append_c (out, '\n');
          in_paragraph = FALSE;
        }

      if (!in_paragraph)
        {
          for (guint i = 0; i < depth; i++)
            g_string_append_c (out, '>');
          if (depth > 0 && len > 0)
            g_string_append_c (out, ' ');
          paragraph_depth = depth;
          in_paragraph = TRUE;
        }

      if (soft && delsp)
        len--;
      g_string_append_len (out, c, len);

      if (!soft)
        {
          if (eol != NULL)
            g_string_append_c (out, '\n');
          in_paragraph = FALSE;
        }

      p = eol ? eol + 1 : text_end;
    }

  if (in_paragraph)
    g_string_append_c (out, '\n');

  return g_string_free (out, FALSE);
}

static void
append_prefix (GString    *out,
               guint       depth,
               const char *content)
{
  for (guint i = 0; i < depth; i++)
    g_string_append_c (out, '>');
  /* After quote marks the space is conventional and removed by readers;
   * unquoted lines are stuffed only when they would otherwise be misread. */
  if (depth > 0)
    g_string_append_c (out, ' ');
  else if (*content == ' ' || *content == '>' || g_str_has_prefix (content, "From "))
    g_string_append_c (out, ' ');
}

/* Where to cut @text so that the first piece ends with a space and has at
 * most @width characters; 0 when no such place exists. Breaks go after the
 * last space of a run so the next line starts with a word. */
static gsize
find_break (const char *text,
            gsize       len,
            guint       width,
            gboolean   *over)
{
  const char *p = text;
  const char *end = text + len;
  gsize best = 0;
  guint chars = 0;

  *over = FALSE;
  while (p < end)
    {
      const char *next = g_utf8_next_char (p);

      chars++;
      if (*p == ' ' && (next >= end || *next != ' ') && p > text)
        {
          if (chars <= width || best == 0)
            best = next - text;
          if (chars > width)
            break;
        }
      else if (chars > width && best != 0)
        break;
      p = next;
    }

  *over = chars > width && best != 0;
  return best;
}

static void
encode_line (GString    *out,
             const char *line,
             gsize       len)
{
  guint depth = 0;
  const char *c = line;
  const char *end = line + len;
  g_autofree char *rest = NULL;
  guint width;

  if (is_signature_separator (line, len))
    {
      g_string_append (out, "-- \n");
      return;
    }

  while (c < end && *c == '>')
    {
      depth++;
      c++;
    }
  if (depth > 0 && c < end && *c == ' ')
    c++;
  /* A quoted signature separator keeps its space too. */
  if (depth > 0 && is_signature_separator (c, end - c))
    {
      for (guint i = 0; i < depth; i++)
        g_string_append_c (out, '>');
      g_string_append (out, " -- \n");
      return;
    }
  /* Trailing spaces would turn a hard break into a soft one. */
  while (end > c && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  rest = g_strndup (c, end - c);

  if (*rest == '\0')
    {
      for (guint i = 0; i < depth; i++)
        g_string_append_c (out, '>');
      g_string_append_c (out, '\n');
      return;
    }

  width = depth + 1 >= FLOWED_WIDTH - 20 ? 20 : FLOWED_WIDTH - depth - 1;

  {
    const char *piece = rest;
    gsize piece_len = strlen (rest);

    while (piece_len > 0)
      {
        gboolean over;
        gsize cut;

        if ((gsize) g_utf8_strlen (piece, piece_len) <= width)
          {
            append_prefix (out, depth, piece);
            g_string_append_len (out, piece, piece_len);
            g_string_append_c (out, '\n');
            break;
          }

        cut = find_break (piece, piece_len, width, &over);
        if (cut == 0 || cut >= piece_len)
          {
            /* One word longer than a line: it cannot flow. */
            append_prefix (out, depth, piece);
            g_string_append_len (out, piece, piece_len);
            g_string_append_c (out, '\n');
            break;
          }

        append_prefix (out, depth, piece);
        g_string_append_len (out, piece, cut);
        g_string_append_c (out, '\n');
        piece += cut;
        piece_len -= cut;
      }
  }
}

/* Encodes LF- or CRLF-separated @text as format=flowed (DelSp=no), with
 * LF line ends. Lines that hold quote marks keep them on every piece. */
char *
_tidings_mime_flowed_encode (const char *text)
{
  gsize text_len = strlen (text);
  GString *out = g_string_sized_new (text_len + text_len / 16 + 2);
  const char *p = text;
  const char *text_end = text + text_len;

  while (p < text_end)
    {
      const char *eol = memchr (p, '\n', text_end - p);
      const char *end = eol ? eol : text_end;

      if (end > p && end[-1] == '\r')
        end--;
      encode_line (out, p, end - p);
      p = eol ? eol + 1 : text_end;
    }

  return g_string_free (out, FALSE);
}
