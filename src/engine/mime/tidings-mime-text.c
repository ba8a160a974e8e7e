/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text helpers: clean header values and bodies into valid UTF-8, cut them
 * at character boundaries, build one-line previews, and decode a text
 * part's content (transfer encoding, charset, format=flowed). */
#include "config.h"

#include <string.h>

#include "tidings-mime-private.h"
#include "tidings-mime-sink-private.h"

/* Cuts @str to at most @max_bytes without splitting a character. */
void
_tidings_mime_utf8_truncate (GString *str,
                             gsize    max_bytes)
{
  gsize cut;

  if (str->len <= max_bytes)
    return;

  cut = max_bytes;
  /* Step back over continuation bytes (10xxxxxx) to a character start. */
  while (cut > 0 && ((guchar) str->str[cut] & 0xC0) == 0x80)
    cut--;
  g_string_truncate (str, cut);
}

/* Characters that take no room and only pad previews (zero-width spaces and
 * joiners, BOM, soft hyphen, combining grapheme joiner). */
static gboolean
is_invisible (gunichar c)
{
  return (c >= 0x200B && c <= 0x200F) || c == 0xFEFF || c == 0x00AD ||
         c == 0x034F || c == 0x2060 || (c >= 0x202A && c <= 0x202E);
}

static gboolean
is_blank_char (gunichar c)
{
  return g_unichar_isspace (c) || (c < 0x20) || (c >= 0x7F && c < 0xA0) ||
         c == 0x2028 || c == 0x2029;
}

/* Appends @len bytes of UTF-8 @text to @out with every run of whitespace or
 * control characters turned into one space; stops once @out reaches
 * @max_bytes. @pending_space carries a space owed between calls. */
static void
append_collapsed (GString    *out,
                  const char *text,
                  gsize       len,
                  gsize       max_bytes,
                  gboolean   *pending_space)
{
  const char *p = text;
  const char *end = text + len;

  while (p < end && out->len < max_bytes)
    {
      gunichar c;
      const char *next;

      /* Runs of printable ASCII go in one piece. */
      if ((guchar) *p > 0x20 && (guchar) *p < 0x7F)
        {
          const char *run = p;

          while (p < end && (guchar) *p > 0x20 && (guchar) *p < 0x7F)
            p++;
          if (*pending_space)
            g_string_append_c (out, ' ');
          *pending_space = FALSE;
          g_string_append_len (out, run, p - run);
          continue;
        }

      c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Callers pass valid UTF-8; be safe anyway. */
          p++;
          continue;
        }
      next = g_utf8_next_char (p);

      if (is_blank_char (c))
        *pending_space = out->len > 0;
      else if (!is_invisible (c))
        {
          if (*pending_space)
            g_string_append_c (out, ' ');
          *pending_space = FALSE;
          g_string_append_len (out, p, next - p);
        }
      p = next;
    }
}

/* A header value for people: valid UTF-8, one line, whitespace collapsed,
 * trimmed, at most @max_bytes. Never NULL. */
char *
_tidings_mime_clean_line (const char *text,
                          gsize       max_bytes)
{
  g_autofree char *valid = NULL;
  GString *out;
  gboolean pending = FALSE;

  if (text == NULL)
    return g_strdup ("");

  valid = _tidings_mime_to_utf8 (text, strlen (text), "utf-8");
  out = g_string_sized_new (MIN (strlen (valid), max_bytes) + 1);
  append_collapsed (out, valid, strlen (valid), max_bytes, &pending);
  _tidings_mime_utf8_truncate (out, max_bytes);

  return g_string_free (out, FALSE);
}

/* A body for people: valid UTF-8 (already converted), no NUL, LF line ends. */
char *
_tidings_mime_clean_body (const char *text,
                          gsize       len)
{
  GString *out = g_string_sized_new (len + 1);
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      const char *run = p;

      while (p < end && *p != '\r' && *p != '\0')
        p++;
      g_string_append_len (out, run, p - run);
      if (p >= end)
        break;
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p + 1 < end && p[1] == '\n')
            p++;
        }
      p++;
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_attribution (const char *line,
                gsize       len)
{
  static const char *const endings[] = {
    "wrote:", "writes:", "schrieb:", "crit :", "crit:", "scritto:",
    "escribi\xc3\xb3:", "skrev:", "kirjoitti:", "napisa\xc5\x82:",
  };

  while (len > 0 && g_ascii_isspace (line[len - 1]))
    len--;
  for (gsize i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      gsize elen = strlen (endings[i]);

      if (len >= elen && g_ascii_strncasecmp (line + len - elen, endings[i], elen) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Where the person's own words end: signatures and quoted originals. */
static gboolean
is_cut_line (const char *line,
             gsize       len)
{
  gsize underscores = 0;

  if ((len == 3 && memcmp (line, "-- ", 3) == 0) || (len == 2 && memcmp (line, "--", 2) == 0))
    return TRUE;
  if (len >= 10 && g_str_has_prefix (line, "-----Original Message-----"))
    return TRUE;
  while (underscores < len && line[underscores] == '_')
    underscores++;
  return underscores >= 10 && underscores == len;
}

static const char *
skip_blank (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* Lines after @p, skipping empty ones: does the next one start a quote? */
static gboolean
next_line_is_quote (const char *p)
{
  while (*p != '\0')
    {
      const char *line = skip_blank (p);
      const char *eol = strchr (line, '\n');

      if (*line == '>')
        return TRUE;
      if (*line != '\n' && *line != '\0')
        return FALSE;
      if (eol == NULL)
        return FALSE;
      p = eol + 1;
    }
  return FALSE;
}

static void
build_preview (GString    *out,
               const char *text,
               gsize       max_bytes,
               gboolean    skip_quotes)
{
  const char *p = text;
  gboolean pending = FALSE;

  while (*p != '\0' && out->len < max_bytes)
    {
      const char *eol = strchr (p, '\n');
      gsize len = eol ? (gsize) (eol - p) : strlen (p);
      const char *line = skip_blank (p);
      gsize line_len = len - (line - p);
      const char *next = eol ? eol + 1 : p + len;

      if (skip_quotes)
        {
          if (len == 3 && memcmp (p, "-- ", 3) == 0)
            break;
          if (is_cut_line (line, line_len))
            break;
          if (*line == '>')
            {
              p = next;
              continue;
            }
          if (is_attribution (line, line_len) && next_line_is_quote (next))
            {
              p = next;
              continue;
            }
        }

      if (line_len > 0)
        {
          pending = out->len > 0;
          append_collapsed (out, line, line_len, max_bytes, &pending);
        }
      p = next;
    }
}

/* One line of at most @max_chars characters from a plain-text body: quoted
 * lines, attributions and signatures skipped when anything else is left. */
char *
_tidings_mime_preview (const char *text,
                       gsize       max_chars)
{
  /* Collect a little more than needed, then cut at a word boundary. */
  gsize budget = (max_chars + 1) * 4;
  GString *out = g_string_sized_new (budget + 8);
  glong n_chars;

  if (text == NULL)
    return g_string_free (out, FALSE);

  build_preview (out, text, budget, TRUE);
  if (out->len == 0)
    build_preview (out, text, budget, FALSE);

  n_chars = g_utf8_strlen (out->str, out->len);
  if ((gsize) n_chars > max_chars)
    {
      const char *cut = g_utf8_offset_to_pointer (out->str, (glong) max_chars);
      const char *space = NULL;
      const char *min = g_utf8_offset_to_pointer (out->str, (glong) (max_chars * 3 / 4));

      for (const char *q = cut; q > min; q--)
        if (*q == ' ')
          {
            space = q;
            break;
          }
      g_string_truncate (out, (space ? space : cut) - out->str);
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/* The charset an HTML document declares in a <meta> near its start. */
static char *
html_meta_charset (const char *data,
                   gsize       len)
{
  gsize scan = MIN (len, 4096);
  const char *end = data + scan;

  for (const char *p = data; p + 8 <= end; p++)
    {
      if (g_ascii_strncasecmp (p, "charset=", 8) == 0)
        {
          const char *v = p + 8;
          const char *e;

          while (v < end && (*v == '"' || *v == '\'' || *v == ' '))
            v++;
          e = v;
          while (e < end && e - v < 40 &&
                 (g_ascii_isalnum (*e) || *e == '-' || *e == '_' || *e == '.' || *e == ':'))
            e++;
          if (e > v)
            return g_strndup (v, e - v);
          return NULL;
        }
    }
  return NULL;
}

/* The decoded text of a text/... part as valid UTF-8 with LF line ends;
 * format=flowed text/plain is joined. At most @max_bytes bytes of content
 * are decoded and returned; @truncated says whether more was there. */
char *
_tidings_mime_part_text (GMimePart *part,
                         gsize      max_bytes,
                         gboolean  *truncated)
{
  GMimeObject *object = GMIME_OBJECT (part);
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) sink = tidings_mime_sink_new (max_bytes);
  TidingsMimeSink *s = TIDINGS_MIME_SINK (sink);
  g_autofree char *charset = NULL;
  g_autofree char *utf8 = NULL;
  g_autofree char *clean = NULL;
  const char *format;
  gsize len, cut;

  if (content != NULL)
    g_mime_data_wrapper_write_to_stream (content, sink);
  if (truncated)
    *truncated = tidings_mime_sink_get_truncated (s);

  charset = g_strdup (g_mime_object_get_content_type_parameter (object, "charset"));
  if (charset == NULL && _tidings_mime_is_type (object, "text", "html"))
    charset = html_meta_charset (tidings_mime_sink_get_data (s), tidings_mime_sink_get_size (s));

  utf8 = _tidings_mime_to_utf8 (tidings_mime_sink_get_data (s), tidings_mime_sink_get_size (s), charset);
  clean = _tidings_mime_clean_body (utf8, strlen (utf8));

  format = g_mime_object_get_content_type_parameter (object, "format");
  if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0 &&
      _tidings_mime_is_type (object, "text", "plain"))
    {
      const char *delsp = g_mime_object_get_content_type_parameter (object, "delsp");
      char *joined = _tidings_mime_flowed_decode (clean, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);

      g_free (clean);
      clean = joined;
    }

  len = strlen (clean);
  if (len > max_bytes)
    {
      cut = max_bytes;
      while (cut > 0 && ((guchar) clean[cut] & 0xC0) == 0x80)
        cut--;
      clean[cut] = '\0';
    }
  return g_steal_pointer (&clean);
}
