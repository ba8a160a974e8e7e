/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-net-error.h"
#include "tidings-sasl-private.h"

/* ---- PBKDF2 ----------------------------------------------------------- */

void
tidings_pbkdf2_hmac (GChecksumType  type,
                     const guint8  *password,
                     gsize          password_len,
                     const guint8  *salt,
                     gsize          salt_len,
                     guint          iterations,
                     guint8        *out,
                     gsize          out_len)
{
  gssize hlen_signed = g_checksum_type_get_length (type);
  gsize hlen;
  g_autoptr(GHmac) keyed = NULL;
  guint8 u[64], t[64];
  guint32 block = 0;
  gsize done = 0;

  g_return_if_fail (hlen_signed > 0 && hlen_signed <= (gssize) sizeof u);
  g_return_if_fail (iterations > 0);
  hlen = hlen_signed;

  /* Keyed once; each iteration copies the keyed state instead of rekeying. */
  keyed = g_hmac_new (type, password, password_len);

  while (done < out_len)
    {
      guint8 be[4];
      gsize len = hlen;
      GHmac *h;

      block++;
      be[0] = block >> 24;
      be[1] = block >> 16;
      be[2] = block >> 8;
      be[3] = block;

      h = g_hmac_copy (keyed);
      g_hmac_update (h, salt, salt_len);
      g_hmac_update (h, be, 4);
      g_hmac_get_digest (h, u, &len);
      g_hmac_unref (h);
      memcpy (t, u, hlen);

      for (guint i = 1; i < iterations; i++)
        {
          len = hlen;
          h = g_hmac_copy (keyed);
          g_hmac_update (h, u, hlen);
          g_hmac_get_digest (h, u, &len);
          g_hmac_unref (h);
          for (gsize k = 0; k < hlen; k++)
            t[k] ^= u[k];
        }

      memcpy (out + done, t, MIN (hlen, out_len - done));
      done += MIN (hlen, out_len - done);
    }
  memset (u, 0, sizeof u);
  memset (t, 0, sizeof t);
}

/* ---- SASLprep --------------------------------------------------------- */

typedef struct { gunichar lo, hi; } Range;

/* RFC 3454 C.1.2: non-ASCII spaces, mapped to SPACE. */
static const Range spaces[] = {
  { 0x00A0, 0x00A0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200B },
  { 0x202F, 0x202F }, { 0x205F, 0x205F }, { 0x3000, 0x3000 },
};

/* RFC 3454 B.1: commonly mapped to nothing. */
static const Range nothing[] = {
  { 0x00AD, 0x00AD }, { 0x034F, 0x034F }, { 0x1806, 0x1806 },
  { 0x180B, 0x180D }, { 0x200C, 0x200D }, { 0x2060, 0x2060 },
  { 0xFE00, 0xFE0F }, { 0xFEFF, 0xFEFF },
};

/* RFC 3454 C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9 (C.2.1 and C.1.2 are
 * checked separately). Non-characters U+nFFFE/F are checked by formula. */
static const Range prohibited[] = {
  { 0x0080, 0x009F }, { 0x0340, 0x0341 }, { 0x06DD, 0x06DD }, { 0x070F, 0x070F },
  { 0x180E, 0x180E }, { 0x200C, 0x200F }, { 0x2028, 0x202E }, { 0x2060, 0x2063 },
  { 0x206A, 0x206F }, { 0x2FF0, 0x2FFB }, { 0xD800, 0xDFFF }, { 0xE000, 0xF8FF },
  { 0xFDD0, 0xFDEF }, { 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFD }, { 0x1D173, 0x1D17A },
  { 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F }, { 0xF0000, 0xFFFFD }, { 0x100000, 0x10FFFD },
};

static gboolean
in_ranges (gunichar     c,
           const Range *ranges,
           gsize        n)
{
  for (gsize i = 0; i < n; i++)
    if (c >= ranges[i].lo && c <= ranges[i].hi)
      return TRUE;
  return FALSE;
}

static gboolean
is_prohibited (gunichar c)
{
  if (c < 0x20 || c == 0x7F)
    return TRUE;
  if (in_ranges (c, spaces, G_N_ELEMENTS (spaces)))
    return TRUE;
  if ((c & 0xFFFE) == 0xFFFE)
    return TRUE;
  return in_ranges (c, prohibited, G_N_ELEMENTS (prohibited));
}

char *
tidings_saslprep (const char  *input,
                  GError     **error)
{
  GString *mapped;
  g_autofree char *normalized = NULL;
  gboolean ascii = TRUE;

  if (input == NULL || !g_utf8_validate (input, -1, NULL))
    {
      g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION,
                           _("The user name or password is not valid text."));
      return NULL;
    }

  for (const char *p = input; *p; p++)
    if ((guchar) *p >= 0x80)
      ascii = FALSE;

  if (ascii)
    {
      /* ASCII maps to itself; only control characters are prohibited. */
      for (const char *p = input; *p; p++)
        if ((guchar) *p < 0x20 || *p == 0x7F)
          {
            g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION,
                                 _("The user name or password contains control characters."));
            return NULL;
          }
      return g_strdup (input);
    }

  mapped = g_string_new (NULL);
  for (const char *p = input; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (in_ranges (c, spaces, G_N_ELEMENTS (spaces)))
        g_string_append_c (mapped, ' ');
      else if (!in_ranges (c, nothing, G_N_ELEMENTS (nothing)))
        g_string_append_unichar (mapped, c);
    }
  normalized = g_utf8_normalize (mapped->str, -1, G_NORMALIZE_NFKC);
  g_string_free (mapped, TRUE);
  if (normalized == NULL)
    {
      g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION,
                           _("The user name or password is not valid text."));
      return NULL;
    }

  for (const char *p = normalized; *p; p = g_utf8_next_char (p))
    if (is_prohibited (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION,
                             _("The user name or password contains characters that cannot be used to log in."));
        return NULL;
      }

  return g_steal_pointer (&normalized);
}
