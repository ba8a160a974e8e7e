/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-decode-private.h"
#include "tidings-imap-mailbox-info.h"

G_DEFINE_BOXED_TYPE (TidingsImapMailboxInfo, tidings_imap_mailbox_info,
                     tidings_imap_mailbox_info_ref, tidings_imap_mailbox_info_unref)

static const struct
{
  const char                   *name;
  TidingsImapMailboxAttributes  flag;
} attribute_names[] = {
  { "\\Noselect", TIDINGS_IMAP_MAILBOX_NOSELECT },
  { "\\NoInferiors", TIDINGS_IMAP_MAILBOX_NOINFERIORS },
  { "\\NonExistent", TIDINGS_IMAP_MAILBOX_NONEXISTENT },
  { "\\HasChildren", TIDINGS_IMAP_MAILBOX_HAS_CHILDREN },
  { "\\HasNoChildren", TIDINGS_IMAP_MAILBOX_HAS_NO_CHILDREN },
  { "\\Marked", TIDINGS_IMAP_MAILBOX_MARKED },
  { "\\Unmarked", TIDINGS_IMAP_MAILBOX_UNMARKED },
  { "\\Subscribed", TIDINGS_IMAP_MAILBOX_SUBSCRIBED },
  { "\\Remote", TIDINGS_IMAP_MAILBOX_REMOTE },
  { "\\All", TIDINGS_IMAP_MAILBOX_ALL },
  { "\\AllMail", TIDINGS_IMAP_MAILBOX_ALL },          /* pre-RFC 6154 Gmail */
  { "\\Archive", TIDINGS_IMAP_MAILBOX_ARCHIVE },
  { "\\Drafts", TIDINGS_IMAP_MAILBOX_DRAFTS },
  { "\\Flagged", TIDINGS_IMAP_MAILBOX_FLAGGED },
  { "\\Starred", TIDINGS_IMAP_MAILBOX_FLAGGED },      /* pre-RFC 6154 Gmail */
  { "\\Junk", TIDINGS_IMAP_MAILBOX_JUNK },
  { "\\Spam", TIDINGS_IMAP_MAILBOX_JUNK },            /* pre-RFC 6154 Gmail */
  { "\\Sent", TIDINGS_IMAP_MAILBOX_SENT },
  { "\\Trash", TIDINGS_IMAP_MAILBOX_TRASH },
  { "\\Important", TIDINGS_IMAP_MAILBOX_IMPORTANT },
};

static void
info_clear (gpointer data)
{
  TidingsImapMailboxInfo *info = data;

  tidings_imap_holder_free (info->priv);
}

/* mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
 *                SP mailbox [SP mbox-list-extended] */
TidingsImapMailboxInfo *
tidings_imap_mailbox_info_decode (TidingsImapResponse  *response,
                                  GError              **error)
{
  TidingsImapMailboxInfo *info;
  const TidingsImapValue *attrs, *delim, *name, *ext;
  const char *raw;
  gsize len;
  guint i, j;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, tidings_imap_response_is (response, "LSUB") ? "LSUB" : "LIST",
                                   error))
    return NULL;

  attrs = tidings_imap_value_get_child (response->args, 0);
  delim = tidings_imap_value_get_child (response->args, 1);
  name = tidings_imap_value_get_child (response->args, 2);
  ext = tidings_imap_value_get_child (response->args, 3);
  raw = tidings_imap_value_get_string (name, &len);
  if (!tidings_imap_value_is_list (attrs) || delim == NULL ||
      (!tidings_imap_value_is_nil (delim) && delim->kind != TIDINGS_IMAP_VALUE_STRING) ||
      raw == NULL || memchr (raw, 0, len) != NULL)
    {
      tidings_imap_decode_malformed (response, _("attributes, delimiter and name expected"), error);
      return NULL;
    }

  info = g_atomic_rc_box_new0 (TidingsImapMailboxInfo);
  info->priv = tidings_imap_holder_new (response);
  info->lsub = tidings_imap_response_is (response, "LSUB");
  info->raw_attributes = tidings_imap_holder_strv (info->priv, attrs, 0);
  for (i = 0; info->raw_attributes[i] != NULL; i++)
    for (j = 0; j < G_N_ELEMENTS (attribute_names); j++)
      if (g_ascii_strcasecmp (info->raw_attributes[i], attribute_names[j].name) == 0)
        info->attributes |= attribute_names[j].flag;
  if (!tidings_imap_value_is_nil (delim) && delim->length > 0)
    info->delimiter = delim->str[0];
  info->raw_name = raw;
  info->name = tidings_imap_holder_mailbox_name (info->priv, raw, len);

  /* Extended data: ("CHILDINFO" ("SUBSCRIBED") "OLDNAME" ("old")) */
  for (i = 0; i + 1 < tidings_imap_value_get_n_children (ext); i += 2)
    {
      const char *key = tidings_imap_value_get_string (tidings_imap_value_get_child (ext, i), NULL);
      const TidingsImapValue *val = tidings_imap_value_get_child (ext, i + 1);

      if (key != NULL && g_ascii_strcasecmp (key, "OLDNAME") == 0)
        {
          const char *old = tidings_imap_value_get_string (tidings_imap_value_get_child (val, 0), &len);

          if (old != NULL && memchr (old, 0, len) == NULL)
            info->old_name = tidings_imap_holder_mailbox_name (info->priv, old, len);
        }
    }
  return info;
}

TidingsImapMailboxInfo *
tidings_imap_mailbox_info_ref (TidingsImapMailboxInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return g_atomic_rc_box_acquire (info);
}

void
tidings_imap_mailbox_info_unref (TidingsImapMailboxInfo *info)
{
  g_return_if_fail (info != NULL);
  g_atomic_rc_box_release_full (info, info_clear);
}
