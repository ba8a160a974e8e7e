/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-decode-private.h"
#include "tidings-imap-namespaces.h"

G_DEFINE_BOXED_TYPE (TidingsImapNamespaces, tidings_imap_namespaces,
                     tidings_imap_namespaces_ref, tidings_imap_namespaces_unref)

static void
namespaces_clear (gpointer data)
{
  TidingsImapNamespaces *ns = data;

  tidings_imap_holder_free (ns->priv);
}

/* NIL or ((prefix delimiter [extensions]) ...) */
static gboolean
decode_group (TidingsImapHolder       *holder,
              const TidingsImapValue  *group,
              guint                   *n_out,
              TidingsImapNamespace   **out)
{
  guint i, n;

  *n_out = 0;
  *out = NULL;
  if (tidings_imap_value_is_nil (group))
    return TRUE;
  if (!tidings_imap_value_is_list (group))
    return FALSE;
  n = tidings_imap_value_get_n_children (group);
  *out = tidings_imap_holder_alloc0 (holder, MAX (n, 1) * sizeof (TidingsImapNamespace));
  for (i = 0; i < n; i++)
    {
      const TidingsImapValue *desc = tidings_imap_value_get_child (group, i);
      const TidingsImapValue *delim = tidings_imap_value_get_child (desc, 1);
      const char *raw;
      gsize len;

      raw = tidings_imap_value_get_string (tidings_imap_value_get_child (desc, 0), &len);
      if (raw == NULL || memchr (raw, 0, len) != NULL || delim == NULL)
        return FALSE;
      (*out)[i].raw_prefix = raw;
      (*out)[i].prefix = len == 0 ? "" : tidings_imap_holder_mailbox_name (holder, raw, len);
      if (delim->kind == TIDINGS_IMAP_VALUE_STRING && delim->length > 0)
        (*out)[i].delimiter = delim->str[0];
      else if (!tidings_imap_value_is_nil (delim))
        return FALSE;
    }
  *n_out = n;
  return TRUE;
}

TidingsImapNamespaces *
tidings_imap_namespaces_decode (TidingsImapResponse  *response,
                                GError              **error)
{
  TidingsImapNamespaces *ns;
  const TidingsImapValue *args;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, "NAMESPACE", error))
    return NULL;
  args = response->args;
  ns = g_atomic_rc_box_new0 (TidingsImapNamespaces);
  ns->priv = tidings_imap_holder_new (response);
  if (tidings_imap_value_get_n_children (args) < 3 ||
      !decode_group (ns->priv, tidings_imap_value_get_child (args, 0), &ns->n_personal, &ns->personal) ||
      !decode_group (ns->priv, tidings_imap_value_get_child (args, 1), &ns->n_other, &ns->other) ||
      !decode_group (ns->priv, tidings_imap_value_get_child (args, 2), &ns->n_shared, &ns->shared))
    {
      tidings_imap_decode_malformed (response, _("three name space lists expected"), error);
      tidings_imap_namespaces_unref (ns);
      return NULL;
    }
  return ns;
}

TidingsImapNamespaces *
tidings_imap_namespaces_ref (TidingsImapNamespaces *namespaces)
{
  g_return_val_if_fail (namespaces != NULL, NULL);
  return g_atomic_rc_box_acquire (namespaces);
}

void
tidings_imap_namespaces_unref (TidingsImapNamespaces *namespaces)
{
  g_return_if_fail (namespaces != NULL);
  g_atomic_rc_box_release_full (namespaces, namespaces_clear);
}
