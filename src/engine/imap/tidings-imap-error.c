/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-imap-error-private.h"

G_DEFINE_QUARK (tidings-imap-error-quark, tidings_imap_error)

/* A short, escaped excerpt of @data around @offset (marked ⟦) for error
 * messages: enough to see what went wrong, never the whole reply. */
char *
tidings_imap_excerpt (const guint8 *data,
                      gsize         length,
                      gsize         offset)
{
  GString *out = g_string_new (NULL);
  gsize from = offset > 16 ? offset - 16 : 0;
  gsize to = MIN (length, offset + 24);
  gsize i;

  if (from > 0)
    g_string_append (out, "…");
  for (i = from; i < to; i++)
    {
      guchar c = data[i];

      if (i == offset)
        g_string_append (out, "⟦");
      if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20 || c >= 0x7f || c == '\\')
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  if (offset >= to)
    g_string_append (out, "⟦");
  if (to < length)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}
