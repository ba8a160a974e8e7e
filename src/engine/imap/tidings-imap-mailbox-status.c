/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-decode-private.h"
#include "tidings-imap-mailbox-status.h"

G_DEFINE_BOXED_TYPE (TidingsImapMailboxStatus, tidings_imap_mailbox_status,
                     tidings_imap_mailbox_status_ref, tidings_imap_mailbox_status_unref)

static void
status_clear (gpointer data)
{
  TidingsImapMailboxStatus *status = data;

  tidings_imap_holder_free (status->priv);
}

/* Unknown items are skipped; a known item with a value that is not a
 * number in range makes the response malformed. */
TidingsImapMailboxStatus *
tidings_imap_mailbox_status_decode (TidingsImapResponse  *response,
                                    GError              **error)
{
  TidingsImapMailboxStatus *status;
  const TidingsImapValue *name, *items;
  const char *raw;
  gsize len;
  guint i, n;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, "STATUS", error))
    return NULL;
  name = tidings_imap_value_get_child (response->args, 0);
  items = tidings_imap_value_get_child (response->args, 1);
  raw = tidings_imap_value_get_string (name, &len);
  if (raw == NULL || memchr (raw, 0, len) != NULL || !tidings_imap_value_is_list (items))
    {
      tidings_imap_decode_malformed (response, _("name and item list expected"), error);
      return NULL;
    }

  status = g_atomic_rc_box_new0 (TidingsImapMailboxStatus);
  status->priv = tidings_imap_holder_new (response);
  status->raw_name = raw;
  status->name = tidings_imap_holder_mailbox_name (status->priv, raw, len);

  n = tidings_imap_value_get_n_children (items);
  for (i = 0; i + 1 < n; i += 2)
    {
      const char *key = tidings_imap_value_get_atom (tidings_imap_value_get_child (items, i));
      const TidingsImapValue *v = tidings_imap_value_get_child (items, i + 1);
      guint64 number;
      guint32 *field32 = NULL;
      guint64 *field64 = NULL;
      TidingsImapStatusItems item;

      if (key == NULL)
        continue;
      if (g_ascii_strcasecmp (key, "MESSAGES") == 0)
        field32 = &status->messages, item = TIDINGS_IMAP_STATUS_ITEM_MESSAGES;
      else if (g_ascii_strcasecmp (key, "RECENT") == 0)
        field32 = &status->recent, item = TIDINGS_IMAP_STATUS_ITEM_RECENT;
      else if (g_ascii_strcasecmp (key, "UIDNEXT") == 0)
        field32 = &status->uidnext, item = TIDINGS_IMAP_STATUS_ITEM_UIDNEXT;
      else if (g_ascii_strcasecmp (key, "UIDVALIDITY") == 0)
        field32 = &status->uidvalidity, item = TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY;
      else if (g_ascii_strcasecmp (key, "UNSEEN") == 0)
        field32 = &status->unseen, item = TIDINGS_IMAP_STATUS_ITEM_UNSEEN;
      else if (g_ascii_strcasecmp (key, "DELETED") == 0)
        field32 = &status->deleted, item = TIDINGS_IMAP_STATUS_ITEM_DELETED;
      else if (g_ascii_strcasecmp (key, "HIGHESTMODSEQ") == 0)
        field64 = &status->highestmodseq, item = TIDINGS_IMAP_STATUS_ITEM_HIGHESTMODSEQ;
      else if (g_ascii_strcasecmp (key, "SIZE") == 0)
        field64 = &status->size, item = TIDINGS_IMAP_STATUS_ITEM_SIZE;
      else
        continue;

      if (!tidings_imap_value_get_number (v, &number) || (field32 != NULL && number > G_MAXUINT32))
        {
          tidings_imap_decode_malformed (response, _("item value is not a number"), error);
          tidings_imap_mailbox_status_unref (status);
          return NULL;
        }
      if (field32 != NULL)
        *field32 = (guint32) number;
      else
        *field64 = number;
      status->present |= item;
    }
  return status;
}

TidingsImapMailboxStatus *
tidings_imap_mailbox_status_ref (TidingsImapMailboxStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);
  return g_atomic_rc_box_acquire (status);
}

void
tidings_imap_mailbox_status_unref (TidingsImapMailboxStatus *status)
{
  g_return_if_fail (status != NULL);
  g_atomic_rc_box_release_full (status, status_clear);
}
