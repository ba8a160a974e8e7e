/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-imap-quirks.h"

static gboolean
contains_ci (const char *haystack,
             const char *needle)
{
  g_autofree char *h = NULL;
  g_autofree char *n = NULL;

  if (haystack == NULL)
    return FALSE;
  h = g_ascii_strdown (haystack, -1);
  n = g_ascii_strdown (needle, -1);
  return strstr (h, n) != NULL;
}

TidingsImapQuirks
tidings_imap_quirks_detect (const char              *greeting,
                            TidingsImapCapabilities *caps)
{
  TidingsImapQuirks quirks = TIDINGS_IMAP_QUIRK_NONE;

  /* RFC 6154 §5: RETURN (SPECIAL-USE) is LIST-EXTENDED syntax. */
  if (caps != NULL && !tidings_imap_capabilities_has (caps, "LIST-EXTENDED"))
    quirks |= TIDINGS_IMAP_QUIRK_LIST_NO_RETURN;
  if (contains_ci (greeting, "Coremail"))
    quirks |= TIDINGS_IMAP_QUIRK_ID_REQUIRED;
  return quirks;
}

TidingsImapQuirks
tidings_imap_quirks_detect_id (GHashTable *server_id)
{
  TidingsImapQuirks quirks = TIDINGS_IMAP_QUIRK_NONE;
  const char *name;

  if (server_id == NULL)
    return quirks;
  name = g_hash_table_lookup (server_id, "name");
  if (contains_ci (name, "Coremail"))
    quirks |= TIDINGS_IMAP_QUIRK_ID_REQUIRED;
  return quirks;
}

gboolean
tidings_imap_quirks_is_nonexistent_text (const char *text)
{
  static const char *const phrases[] = {
    "doesn't exist", "does not exist", "no such mailbox", "no such folder",
    "unknown mailbox", "mailbox not found", "folder not found", "nonexistent",
  };

  for (guint i = 0; i < G_N_ELEMENTS (phrases); i++)
    if (contains_ci (text, phrases[i]))
      return TRUE;
  return FALSE;
}

char *
tidings_imap_quirks_to_string (TidingsImapQuirks quirks)
{
  static const struct { TidingsImapQuirks quirk; const char *name; } names[] = {
    { TIDINGS_IMAP_QUIRK_LIST_NO_RETURN, "list-no-return" },
    { TIDINGS_IMAP_QUIRK_ID_REQUIRED, "id-required" },
    { TIDINGS_IMAP_QUIRK_NO_MOVE, "no-move" },
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (quirks & names[i].quirk)
      {
        if (out->len)
          g_string_append_c (out, ' ');
        g_string_append (out, names[i].name);
      }
  return g_string_free (out, FALSE);
}
