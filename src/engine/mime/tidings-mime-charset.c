/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bytes in any declared charset -> valid UTF-8, never failing.
 *
 * Mail lies about charsets: labels are missing, misspelled, unknown to
 * iconv, or say us-ascii over UTF-8 or Latin-1 bytes. The rules here:
 * missing/us-ascii/unknown labels take the bytes as UTF-8 when they are
 * valid UTF-8 and as Windows-1252 otherwise; Latin-1 labels are read as
 * Windows-1252 (its superset, as browsers do); other labels go through
 * iconv, and bytes iconv rejects become U+FFFD instead of ending the text. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "tidings-mime-private.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* Windows-1252 0x80..0x9F; undefined positions map to U+FFFD. */
static const gunichar cp1252_high[32] = {
  0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
  0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static void
append_cp1252 (GString    *out,
               const char *data,
               gsize       len)
{
  const guchar *p = (const guchar *) data;
  const guchar *end = p + len;

  while (p < end)
    {
      const guchar *run = p;

      while (p < end && *p < 0x80 && *p != '\0')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (p < end && *p == '\0')
        p++;
      else if (p < end)
        {
          gunichar c = *p < 0xA0 ? cp1252_high[*p - 0x80] : *p;

          g_string_append_unichar (out, c);
          p++;
        }
    }
}

/* Valid UTF-8 runs are copied; each invalid byte becomes U+FFFD. */
static void
append_utf8_lossy (GString    *out,
                   const char *data,
                   gsize       len)
{
  const char *p = data;
  const char *end = data + len;

  while (p < end)
    {
      const char *valid_end;

      if (g_utf8_validate_len (p, end - p, &valid_end))
        {
          g_string_append_len (out, p, end - p);
          return;
        }
      g_string_append_len (out, p, valid_end - p);
      p = valid_end;
      if (p < end)
        {
          /* An embedded NUL is valid UTF-8 but ends C strings: drop it. */
          if (*p != '\0')
            g_string_append (out, REPLACEMENT);
          p++;
        }
    }
}

static gboolean
is_utf8_label (const char *label)
{
  return g_ascii_strcasecmp (label, "utf-8") == 0 ||
         g_ascii_strcasecmp (label, "utf8") == 0 ||
         g_ascii_strcasecmp (label, "x-unicode-2-0-utf-8") == 0 ||
         g_ascii_strcasecmp (label, "unicode-1-1-utf-8") == 0;
}

/* Labels whose bytes are best read as Windows-1252. */
static gboolean
is_latin1_label (const char *label)
{
  static const char *const labels[] = {
    "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1",
    "latin-1", "l1", "cp819", "ibm819", "windows-1252", "cp1252",
    "x-cp1252", "iso-ir-100", "csisolatin1",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_ascii_strcasecmp (label, labels[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Labels that promise nothing: sniff UTF-8, else Windows-1252. */
static gboolean
is_vague_label (const char *label)
{
  static const char *const labels[] = {
    "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "646",
    "unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined",
    "8bit", "7bit", "none", "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_ascii_strcasecmp (label, labels[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Like g_utf8_validate_len(), but a NUL byte does not count as invalid. */
static gboolean
utf8_valid_but_nul (const char *data,
                    gsize       len)
{
  const char *p = data;
  const char *end = data + len;

  while (p < end)
    {
      const char *valid_end;

      if (g_utf8_validate_len (p, end - p, &valid_end))
        return TRUE;
      if (*valid_end != '\0')
        return FALSE;
      p = valid_end + 1;
    }
  return TRUE;
}

static void
append_sniffed (GString    *out,
                const char *data,
                gsize       len)
{
  if (utf8_valid_but_nul (data, len))
    append_utf8_lossy (out, data, len);
  else
    append_cp1252 (out, data, len);
}

static gboolean
append_iconv (GString    *out,
              const char *data,
              gsize       len,
              const char *label)
{
  const char *name = g_mime_charset_iconv_name (label);
  iconv_t cd;
  char buf[4096];
  char *inbuf = (char *) data;
  size_t inleft = len;
  GString *converted;

  if (name == NULL)
    return FALSE;
  cd = g_mime_iconv_open ("UTF-8", name);
  if (cd == (iconv_t) -1)
    return FALSE;

  /* Cached descriptors may carry shift state from an earlier use. */
  iconv (cd, NULL, NULL, NULL, NULL);
  converted = g_string_sized_new (len + len / 2 + 16);

  while (inleft > 0)
    {
      char *outbuf = buf;
      size_t outleft = sizeof buf;
      size_t r = iconv (cd, &inbuf, &inleft, &outbuf, &outleft);

      g_string_append_len (converted, buf, outbuf - buf);
      if (r != (size_t) -1)
        continue;
      if (errno == E2BIG)
        continue;
      if (errno == EILSEQ)
        {
          g_string_append (converted, REPLACEMENT);
          inbuf++;
          inleft--;
          continue;
        }
      /* EINVAL: a sequence cut off at the end; anything else: give up on
       * the rest rather than loop. */
      g_string_append (converted, REPLACEMENT);
      break;
    }

  {
    char *outbuf = buf;
    size_t outleft = sizeof buf;

    iconv (cd, NULL, NULL, &outbuf, &outleft);
    g_string_append_len (converted, buf, outbuf - buf);
  }
  g_mime_iconv_close (cd);

  /* iconv's UTF-8 is valid, but a converter may emit U+0000; clean anyway. */
  append_utf8_lossy (out, converted->str, converted->len);
  g_string_free (converted, TRUE);
  return TRUE;
}

/* Appends @len bytes of @data, declared as @charset (may be NULL), to @out
 * as valid UTF-8 without NUL bytes. */
void
_tidings_mime_append_utf8 (GString    *out,
                           const char *data,
                           gsize       len,
                           const char *charset)
{
  g_autofree char *label = NULL;

  if (len == 0)
    return;

  label = g_strstrip (g_strdup (charset ? charset : ""));

  if (is_utf8_label (label))
    append_utf8_lossy (out, data, len);
  else if (is_vague_label (label))
    append_sniffed (out, data, len);
  else if (is_latin1_label (label))
    append_cp1252 (out, data, len);
  else if (!append_iconv (out, data, len, label))
    append_sniffed (out, data, len);
}

char *
_tidings_mime_to_utf8 (const char *data,
                       gsize       len,
                       const char *charset)
{
  GString *out = g_string_sized_new (len + 1);

  _tidings_mime_append_utf8 (out, data, len, charset);
  return g_string_free (out, FALSE);
}
