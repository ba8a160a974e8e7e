/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-mime-address.h"
#include "tidings-mime-error.h"
#include "tidings-mime-outgoing.h"

/* Length of the header line starting at @p (with its folded
 * continuations and line end), within @end. */
static gsize
field_length (const char *p,
              const char *end)
{
  const char *q = p;

  for (;;)
    {
      const char *nl = memchr (q, '\n', end - q);

      if (nl == NULL)
        return end - p;
      q = nl + 1;
      if (q >= end || (*q != ' ' && *q != '\t'))
        return q - p;
    }
}

static gboolean
field_is (const char *p,
          gsize       len,
          const char *name)
{
  gsize n = strlen (name);

  return len > n && g_ascii_strncasecmp (p, name, n) == 0 && p[n] == ':';
}

/* Unfolded value of a header field. */
static char *
field_value (const char *p,
             gsize       len,
             gsize       name_len)
{
  GString *value = g_string_new (NULL);

  for (gsize i = name_len + 1; i < len; i++)
    if (p[i] != '\r' && p[i] != '\n')
      g_string_append_c (value, p[i]);
  return g_string_free (value, FALSE);
}

static void
add_addresses (GPtrArray  *out,
               GHashTable *seen,
               const char *value)
{
  g_autoptr(GPtrArray) list = tidings_mime_address_list_parse (value);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const char *address = tidings_mime_address_get_address (g_ptr_array_index (list, i));
      g_autofree char *key = NULL;

      if (address == NULL || strchr (address, '@') == NULL)
        continue;
      key = g_ascii_strdown (address, -1);
      if (g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, g_steal_pointer (&key));
      g_ptr_array_add (out, g_strdup (address));
    }
}

GBytes *
tidings_mime_outgoing_prepare (GBytes   *raw,
                               char   ***out_recipients,
                               GError  **error)
{
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  static const char *const kinds[] = { "To", "Cc", "Bcc" };
  const char *data;
  const char *end;
  const char *body = NULL;
  gsize size;

  g_return_val_if_fail (raw != NULL, NULL);
  g_return_val_if_fail (out_recipients != NULL, NULL);

  data = g_bytes_get_data (raw, &size);
  end = data + size;

  /* Recipients in To, Cc, Bcc order: one scan per kind keeps it simple. */
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const char *p = data;

      while (p < end && *p != '\r' && *p != '\n')
        {
          gsize len = field_length (p, end);

          if (field_is (p, len, kinds[k]))
            {
              g_autofree char *value = field_value (p, len, strlen (kinds[k]));
              add_addresses (recipients, seen, value);
            }
          p += len;
        }
      body = p;
    }

  if (body == NULL || body >= end || recipients->len == 0)
    {
      g_set_error_literal (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_PARSE,
                           recipients->len == 0
                           ? _("The message has no recipient: it needs a To, Cc or Bcc address.")
                           : _("The message has no body after its headers."));
      return NULL;
    }

  for (const char *p = data; p < body;)
    {
      gsize len = field_length (p, body);

      if (!field_is (p, len, "Bcc"))
        g_byte_array_append (out, (const guint8 *) p, len);
      p += len;
    }
  g_byte_array_append (out, (const guint8 *) body, end - body);

  g_ptr_array_add (recipients, NULL);
  *out_recipients = (char **) g_ptr_array_free (g_steal_pointer (&recipients), FALSE);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
