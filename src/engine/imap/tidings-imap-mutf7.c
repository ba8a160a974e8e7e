/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-error.h"
#include "tidings-imap-mutf7.h"

/* Printable US-ASCII stands for itself ("&" is written "&-"); everything
 * else is UTF-16BE in base64 with "," for "/", between "&" and "-". */

static const char b64_chars[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
b64_value (guchar c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == ',')
    return 63;
  return -1;
}

/* Strict: a name that another client could not have produced (bad base64,
 * a lone surrogate, printable ASCII inside a base64 run, 8-bit bytes) is
 * TIDINGS_IMAP_ERROR_ENCODING, so decode(encode(x)) == x and the reverse
 * both hold. Callers that must show something use the raw name instead. */
char *
tidings_imap_mutf7_decode (const char  *mutf7,
                           gssize       length,
                           GError     **error)
{
  GString *out;
  gsize i, len;
  const char *why = NULL;

  g_return_val_if_fail (mutf7 != NULL, NULL);
  len = length < 0 ? strlen (mutf7) : (gsize) length;
  out = g_string_sized_new (len + 1);

  for (i = 0; i < len && why == NULL; )
    {
      guchar c = mutf7[i];

      if (c < 0x20 || c > 0x7e)
        {
          why = _("byte outside printable ASCII");
          break;
        }
      if (c != '&')
        {
          g_string_append_c (out, c);
          i++;
          continue;
        }
      i++;
      if (i < len && mutf7[i] == '-')
        {
          g_string_append_c (out, '&');
          i++;
          continue;
        }
      {
        guint32 bits = 0;
        guint nbits = 0;
        gunichar high = 0;
        gboolean any = FALSE;

        while (i < len && mutf7[i] != '-')
          {
            int v = b64_value (mutf7[i]);

            if (v < 0)
              {
                why = _("invalid character in a base64 run");
                break;
              }
            bits = (bits << 6) | (guint32) v;
            nbits += 6;
            i++;
            if (nbits >= 16)
              {
                guint32 unit = (bits >> (nbits - 16)) & 0xffff;

                nbits -= 16;
                bits &= (1u << nbits) - 1;
                any = TRUE;
                if (high != 0)
                  {
                    if (unit < 0xdc00 || unit > 0xdfff)
                      {
                        why = _("unpaired surrogate");
                        break;
                      }
                    g_string_append_unichar (out, 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
                    high = 0;
                  }
                else if (unit >= 0xd800 && unit <= 0xdbff)
                  high = unit;
                else if (unit >= 0xdc00 && unit <= 0xdfff)
                  {
                    why = _("unpaired surrogate");
                    break;
                  }
                else if (unit == 0)
                  {
                    why = _("NUL character");
                    break;
                  }
                else if (unit >= 0x20 && unit <= 0x7e)
                  {
                    why = _("printable ASCII inside a base64 run");
                    break;
                  }
                else
                  g_string_append_unichar (out, unit);
              }
          }
        if (why != NULL)
          break;
        if (i >= len)
          why = _("base64 run not closed by “-”");
        else if (!any)
          why = _("empty base64 run");
        else if (high != 0)
          why = _("unpaired surrogate");
        else if (nbits >= 6 || bits != 0)
          why = _("stray bits at the end of a base64 run");
        i++; /* '-' */
      }
    }

  if (why != NULL)
    {
      g_autofree char *shown = g_strndup (mutf7, MIN (len, (gsize) 60));

      g_string_free (out, TRUE);
      g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_ENCODING,
                   _("Mailbox name “%s%s” is not valid modified UTF-7: %s"),
                   g_utf8_validate (shown, -1, NULL) ? shown : "?", len > 60 ? "…" : "", why);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static void
flush_run (GString *out,
           guint32 *bits,
           guint   *nbits,
           gboolean *in_run)
{
  if (!*in_run)
    return;
  if (*nbits > 0)
    g_string_append_c (out, b64_chars[(*bits << (6 - *nbits)) & 0x3f]);
  g_string_append_c (out, '-');
  *bits = 0;
  *nbits = 0;
  *in_run = FALSE;
}

static void
push_unit (GString *out,
           guint32 *bits,
           guint   *nbits,
           guint16  unit)
{
  *bits = (*bits << 16) | unit;
  *nbits += 16;
  while (*nbits >= 6)
    {
      *nbits -= 6;
      g_string_append_c (out, b64_chars[(*bits >> *nbits) & 0x3f]);
    }
  *bits &= (1u << *nbits) - 1;
}

/* UTF-8 to modified UTF-7 for commands. NULL if @utf8 is not valid UTF-8. */
char *
tidings_imap_mutf7_encode (const char *utf8,
                           gssize      length)
{
  GString *out;
  const char *p, *end;
  guint32 bits = 0;
  guint nbits = 0;
  gboolean in_run = FALSE;

  g_return_val_if_fail (utf8 != NULL, NULL);
  if (length < 0)
    length = strlen (utf8);
  if (!g_utf8_validate_len (utf8, length, NULL))
    return NULL;

  out = g_string_sized_new (length + 8);
  for (p = utf8, end = utf8 + length; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x20 && c <= 0x7e)
        {
          flush_run (out, &bits, &nbits, &in_run);
          if (c == '&')
            g_string_append (out, "&-");
          else
            g_string_append_c (out, (char) c);
          continue;
        }
      if (!in_run)
        {
          g_string_append_c (out, '&');
          in_run = TRUE;
        }
      if (c >= 0x10000)
        {
          c -= 0x10000;
          push_unit (out, &bits, &nbits, (guint16) (0xd800 + (c >> 10)));
          push_unit (out, &bits, &nbits, (guint16) (0xdc00 + (c & 0x3ff)));
        }
      else
        push_unit (out, &bits, &nbits, (guint16) c);
    }
  flush_run (out, &bits, &nbits, &in_run);
  return g_string_free (out, FALSE);
}
