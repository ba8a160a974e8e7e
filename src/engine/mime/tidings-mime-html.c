/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small HTML -> plain text converter for previews, search text and
 * replies to HTML-only mail. It is a single forward pass with bounded
 * output: tags are dropped, block elements become line breaks, <blockquote>
 * becomes "> " quoting, script/style/head content is skipped and character
 * references are decoded. It does not try to render layout. */
#include "config.h"

#include <string.h>

#include "tidings-mime-private.h"

typedef struct {
  GString *out;
  gsize max_bytes;
  guint quote_depth;
  guint pre_depth;
  gboolean pending_space;
  guint newlines;          /* newlines at the end of out, to cap blank lines */
} Html;

static const struct {
  const char *name;
  gunichar c;
} entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
  { "apos", '\'' }, { "nbsp", 0xA0 }, { "copy", 0xA9 }, { "reg", 0xAE },
  { "trade", 0x2122 }, { "hellip", 0x2026 }, { "mdash", 0x2014 },
  { "ndash", 0x2013 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
  { "sbquo", 0x201A }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
  { "bdquo", 0x201E }, { "laquo", 0xAB }, { "raquo", 0xBB },
  { "lsaquo", 0x2039 }, { "rsaquo", 0x203A }, { "bull", 0x2022 },
  { "middot", 0xB7 }, { "euro", 0x20AC }, { "pound", 0xA3 }, { "yen", 0xA5 },
  { "cent", 0xA2 }, { "sect", 0xA7 }, { "para", 0xB6 }, { "deg", 0xB0 },
  { "plusmn", 0xB1 }, { "times", 0xD7 }, { "divide", 0xF7 },
  { "frac12", 0xBD }, { "frac14", 0xBC }, { "frac34", 0xBE },
  { "iexcl", 0xA1 }, { "iquest", 0xBF }, { "shy", 0xAD }, { "zwnj", 0x200C },
  { "zwj", 0x200D }, { "ensp", 0x2002 }, { "emsp", 0x2003 },
  { "thinsp", 0x2009 }, { "rarr", 0x2192 }, { "larr", 0x2190 },
  { "auml", 0xE4 }, { "ouml", 0xF6 }, { "uuml", 0xFC }, { "Auml", 0xC4 },
  { "Ouml", 0xD6 }, { "Uuml", 0xDC }, { "szlig", 0xDF }, { "eacute", 0xE9 },
  { "egrave", 0xE8 }, { "ecirc", 0xEA }, { "euml", 0xEB }, { "Eacute", 0xC9 },
  { "aacute", 0xE1 }, { "agrave", 0xE0 }, { "acirc", 0xE2 }, { "aring", 0xE5 },
  { "Aring", 0xC5 }, { "aelig", 0xE6 }, { "AElig", 0xC6 }, { "ccedil", 0xE7 },
  { "Ccedil", 0xC7 }, { "iacute", 0xED }, { "igrave", 0xEC }, { "icirc", 0xEE },
  { "iuml", 0xEF }, { "ntilde", 0xF1 }, { "Ntilde", 0xD1 }, { "oacute", 0xF3 },
  { "ograve", 0xF2 }, { "ocirc", 0xF4 }, { "otilde", 0xF5 }, { "oslash", 0xF8 },
  { "Oslash", 0xD8 }, { "uacute", 0xFA }, { "ugrave", 0xF9 }, { "ucirc", 0xFB },
  { "yacute", 0xFD }, { "yuml", 0xFF },
};

static gboolean
full (Html *h)
{
  return h->out->len >= h->max_bytes;
}

static void
newline (Html *h,
         guint max_run)
{
  if (h->out->len == 0 || h->newlines >= max_run)
    return;
  g_string_append_c (h->out, '\n');
  h->newlines++;
  h->pending_space = FALSE;
}

/* Starts text on a line: quote marks first when inside <blockquote>. */
static void
begin_text (Html *h)
{
  if (h->newlines > 0 || h->out->len == 0)
    {
      for (guint i = 0; i < h->quote_depth; i++)
        g_string_append_c (h->out, '>');
      if (h->quote_depth > 0)
        g_string_append_c (h->out, ' ');
      h->pending_space = FALSE;
    }
  else if (h->pending_space)
    g_string_append_c (h->out, ' ');
  h->pending_space = FALSE;
  h->newlines = 0;
}

static void
emit_char (Html     *h,
           gunichar  c)
{
  if (h->pre_depth == 0 && (g_unichar_isspace (c) || c == 0xA0))
    {
      /* Whitespace collapses; a no-break space still counts as a space. */
      if (h->out->len > 0 && h->newlines == 0)
        h->pending_space = TRUE;
      return;
    }
  if (h->pre_depth > 0 && c == '\n')
    {
      g_string_append_c (h->out, '\n');
      h->newlines = MIN (h->newlines + 1, 2);
      return;
    }
  if (c == 0 || c == '\r' || c == 0x200B || c == 0x200C || c == 0x200D ||
      c == 0xFEFF || c == 0xAD || c == 0x34F)
    return;
  begin_text (h);
  g_string_append_unichar (h->out, c);
}

/* Decodes the character reference at @p ("&..."); returns its end. */
static const char *
decode_entity (Html       *h,
               const char *p,
               const char *end)
{
  const char *q = p + 1;
  char name[16];
  gsize n = 0;

  if (q < end && *q == '#')
    {
      guint64 value = 0;
      gboolean hex = FALSE;
      gsize digits = 0;

      q++;
      if (q < end && (*q == 'x' || *q == 'X'))
        {
          hex = TRUE;
          q++;
        }
      while (q < end && digits < 8 && (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q)))
        {
          value = value * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          q++;
          digits++;
        }
      if (digits == 0)
        {
          emit_char (h, '&');
          return p + 1;
        }
      if (q < end && *q == ';')
        q++;
      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        value = 0xFFFD;
      else if (value >= 0x80 && value < 0xA0)
        value = 0xFFFD;
      emit_char (h, (gunichar) value);
      return q;
    }

  while (q < end && n < sizeof name - 1 && g_ascii_isalnum (*q))
    name[n++] = *q++;
  name[n] = '\0';

  if (n > 0)
    for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
      if (strcmp (name, entities[i].name) == 0)
        {
          if (q < end && *q == ';')
            q++;
          emit_char (h, entities[i].c);
          return q;
        }

  emit_char (h, '&');
  return p + 1;
}

static gboolean
tag_is (const char *tag,
        const char *const *names)
{
  for (gsize i = 0; names[i] != NULL; i++)
    if (strcmp (tag, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Finds "</name" (any case) from @p; returns the '<' or @end. */
static const char *
find_close_tag (const char *p,
                const char *end,
                const char *name)
{
  gsize n = strlen (name);

  for (; p + n + 2 <= end; p++)
    if (p[0] == '<' && p[1] == '/' && g_ascii_strncasecmp (p + 2, name, n) == 0)
      return p;
  return end;
}

/* Handles the tag at @p ('<'); returns where text resumes. */
static const char *
handle_tag (Html       *h,
            const char *p,
            const char *end)
{
  static const char *const skip_content[] = {
    "script", "style", "head", "title", "noscript", "template", "svg", NULL
  };
  static const char *const blocks[] = {
    "p", "div", "table", "tr", "ul", "ol", "dl", "dd", "dt", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "section", "article", "header", "footer",
    "address", "center", "form", "fieldset", "figure", "main", "nav", "aside",
    "tbody", "thead", "tfoot", "caption", "body", "html", NULL
  };
  const char *q = p + 1;
  gboolean closing = FALSE;
  char tag[16];
  gsize n = 0;
  char quote = 0;

  if (q + 2 < end && q[0] == '!' && q[1] == '-' && q[2] == '-')
    {
      const char *close = NULL;

      for (const char *c = q + 3; c + 3 <= end; c++)
        if (c[0] == '-' && c[1] == '-' && c[2] == '>')
          {
            close = c + 3;
            break;
          }
      return close ? close : end;
    }

  if (q < end && *q == '/')
    {
      closing = TRUE;
      q++;
    }
  if (q >= end || !(g_ascii_isalpha (*q) || *q == '!' || *q == '?'))
    {
      /* Not a tag: a literal '<'. */
      emit_char (h, '<');
      return p + 1;
    }

  while (q < end && n < sizeof tag - 1 && (g_ascii_isalnum (*q) || *q == '!' || *q == '?'))
    tag[n++] = g_ascii_tolower (*q++);
  tag[n] = '\0';

  /* Skip attributes to the closing '>', minding quoted values. */
  while (q < end)
    {
      if (quote)
        {
          if (*q == quote)
            quote = 0;
        }
      else if (*q == '"' || *q == '\'')
        quote = *q;
      else if (*q == '>')
        break;
      q++;
    }
  if (q < end)
    q++;

  if (!closing && tag_is (tag, skip_content))
    {
      const char *close = find_close_tag (q, end, tag);

      if (close >= end)
        return end;
      return handle_tag (h, close, end);
    }

  if (strcmp (tag, "br") == 0)
    newline (h, 2);
  else if (strcmp (tag, "blockquote") == 0)
    {
      newline (h, 1);
      if (closing && h->quote_depth > 0)
        h->quote_depth--;
      else if (!closing && h->quote_depth < TIDINGS_MIME_MAX_DEPTH)
        h->quote_depth++;
      /* Force the next text to start a line with the new quote marks. */
      if (h->out->len > 0 && h->newlines == 0)
        newline (h, 1);
    }
  else if (strcmp (tag, "pre") == 0)
    {
      newline (h, 1);
      if (closing && h->pre_depth > 0)
        h->pre_depth--;
      else if (!closing)
        h->pre_depth++;
    }
  else if (strcmp (tag, "li") == 0)
    {
      newline (h, 1);
      if (!closing)
        {
          begin_text (h);
          g_string_append (h->out, "\xe2\x80\xa2 ");
        }
    }
  else if (strcmp (tag, "td") == 0 || strcmp (tag, "th") == 0)
    {
      if (h->out->len > 0 && h->newlines == 0)
        h->pending_space = TRUE;
    }
  else if (tag_is (tag, blocks))
    newline (h, 2);

  return q;
}

char *
_tidings_mime_html_to_text (const char *html,
                            gsize       len,
                            gsize       max_bytes)
{
  Html h = { 0, };
  const char *p = html;
  const char *end = html + len;

  h.out = g_string_sized_new (MIN (len, max_bytes) + 1);
  h.max_bytes = max_bytes;

  while (p < end && !full (&h))
    {
      if (*p == '<')
        p = handle_tag (&h, p, end);
      else if (*p == '&')
        p = decode_entity (&h, p, end);
      else
        {
          gunichar c = g_utf8_get_char_validated (p, end - p);

          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              emit_char (&h, 0xFFFD);
              p++;
            }
          else
            {
              emit_char (&h, c);
              p = g_utf8_next_char (p);
            }
        }
    }

  _tidings_mime_utf8_truncate (h.out, max_bytes);
  while (h.out->len > 0 && (h.out->str[h.out->len - 1] == '\n' || h.out->str[h.out->len - 1] == ' '))
    g_string_truncate (h.out, h.out->len - 1);

  return g_string_free (h.out, FALSE);
}
