/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-imap-capabilities.h"
#include "tidings-imap-decode-private.h"

struct _TidingsImapCapabilities
{
  char       **names;   /* upper case, in the order sent, no duplicates */
  GHashTable  *set;     /* name -> name, borrowed from names */
};

G_DEFINE_BOXED_TYPE (TidingsImapCapabilities, tidings_imap_capabilities,
                     tidings_imap_capabilities_ref, tidings_imap_capabilities_unref)

static void
caps_clear (gpointer data)
{
  TidingsImapCapabilities *caps = data;

  g_hash_table_unref (caps->set);
  g_strfreev (caps->names);
}

static TidingsImapCapabilities *
caps_from_list (const TidingsImapValue *list,
                guint                   first)
{
  TidingsImapCapabilities *caps = g_atomic_rc_box_new0 (TidingsImapCapabilities);
  GPtrArray *names = g_ptr_array_new ();
  guint i, n = tidings_imap_value_get_n_children (list);

  caps->set = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = first; i < n; i++)
    {
      const TidingsImapValue *v = tidings_imap_value_get_child (list, i);
      char *name;

      if (tidings_imap_value_get_kind (v) != TIDINGS_IMAP_VALUE_ATOM || v->section != NULL)
        continue;
      name = g_ascii_strup (v->str, v->length);
      if (g_hash_table_contains (caps->set, name))
        {
          g_free (name);
          continue;
        }
      g_ptr_array_add (names, name);
      g_hash_table_add (caps->set, name);
    }
  g_ptr_array_add (names, NULL);
  caps->names = (char **) g_ptr_array_free (names, FALSE);
  return caps;
}

/* Builds a set from names (tests, and servers' names kept in the store). */
TidingsImapCapabilities *
tidings_imap_capabilities_new (const char * const *names)
{
  TidingsImapCapabilities *caps = g_atomic_rc_box_new0 (TidingsImapCapabilities);
  GPtrArray *out = g_ptr_array_new ();

  caps->set = g_hash_table_new (g_str_hash, g_str_equal);
  for (; names != NULL && *names != NULL; names++)
    {
      char *name = g_ascii_strup (*names, -1);

      if (g_hash_table_contains (caps->set, name))
        {
          g_free (name);
          continue;
        }
      g_ptr_array_add (out, name);
      g_hash_table_add (caps->set, name);
    }
  g_ptr_array_add (out, NULL);
  caps->names = (char **) g_ptr_array_free (out, FALSE);
  return caps;
}

/* From "* CAPABILITY IMAP4rev1 IDLE ..." or from any status response whose
 * code is [CAPABILITY ...] (greetings, LOGIN's OK). */
TidingsImapCapabilities *
tidings_imap_capabilities_decode (TidingsImapResponse  *response,
                                  GError              **error)
{
  g_return_val_if_fail (response != NULL, NULL);

  if (response->status != TIDINGS_IMAP_STATUS_NONE && response->code_name != NULL &&
      g_str_equal (response->code_name, "CAPABILITY"))
    {
      if (response->code_args == NULL)
        {
          tidings_imap_decode_malformed (response, _("unreadable capability list"), error);
          return NULL;
        }
      return caps_from_list (response->code_args, 0);
    }
  if (!tidings_imap_decode_expect (response, "CAPABILITY", error))
    return NULL;
  return caps_from_list (response->args, 0);
}

TidingsImapCapabilities *
tidings_imap_capabilities_ref (TidingsImapCapabilities *caps)
{
  g_return_val_if_fail (caps != NULL, NULL);
  return g_atomic_rc_box_acquire (caps);
}

void
tidings_imap_capabilities_unref (TidingsImapCapabilities *caps)
{
  g_return_if_fail (caps != NULL);
  g_atomic_rc_box_release_full (caps, caps_clear);
}

/* Case-insensitive: has (caps, "idle"), has (caps, "COMPRESS=DEFLATE"). */
gboolean
tidings_imap_capabilities_has (TidingsImapCapabilities *caps,
                               const char              *name)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (caps != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  upper = g_ascii_strup (name, -1);
  return g_hash_table_contains (caps->set, upper);
}

/* has_auth (caps, "PLAIN") looks for AUTH=PLAIN. */
gboolean
tidings_imap_capabilities_has_auth (TidingsImapCapabilities *caps,
                                    const char              *mechanism)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (mechanism != NULL, FALSE);
  name = g_strconcat ("AUTH=", mechanism, NULL);
  return tidings_imap_capabilities_has (caps, name);
}

const char * const *
tidings_imap_capabilities_get_names (TidingsImapCapabilities *caps)
{
  g_return_val_if_fail (caps != NULL, NULL);
  return (const char * const *) caps->names;
}
