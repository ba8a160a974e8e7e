/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-imap-envelope-private.h"

gboolean
tidings_imap_address_is_group_start (const TidingsImapAddress *address)
{
  g_return_val_if_fail (address != NULL, FALSE);
  return address->host == NULL && address->mailbox != NULL;
}

gboolean
tidings_imap_address_is_group_end (const TidingsImapAddress *address)
{
  g_return_val_if_fail (address != NULL, FALSE);
  return address->host == NULL && address->mailbox == NULL;
}

/* "mailbox@host", "mailbox" when the host is empty, NULL for group markers. */
char *
tidings_imap_address_dup_email (const TidingsImapAddress *address)
{
  g_return_val_if_fail (address != NULL, NULL);
  if (address->host == NULL || address->mailbox == NULL)
    return NULL;
  if (address->host[0] == '\0')
    return g_strdup (address->mailbox);
  return g_strconcat (address->mailbox, "@", address->host, NULL);
}

/* NIL or a list of (name adl mailbox host). Entries that are not lists of
 * four are dropped rather than failing the message: some servers send
 * truncated addresses for broken headers. */
static void
decode_addresses (TidingsImapHolder      *holder,
                  const TidingsImapValue *list,
                  TidingsImapAddressList *out)
{
  guint i, n = tidings_imap_value_get_n_children (list);

  out->n_addresses = 0;
  out->addresses = NULL;
  if (n == 0)
    return;
  out->addresses = tidings_imap_holder_alloc0 (holder, n * sizeof (TidingsImapAddress));
  for (i = 0; i < n; i++)
    {
      const TidingsImapValue *a = tidings_imap_value_get_child (list, i);
      TidingsImapAddress *addr;

      if (tidings_imap_value_get_n_children (a) < 4)
        continue;
      addr = &out->addresses[out->n_addresses++];
      addr->name = tidings_imap_decode_string (tidings_imap_value_get_child (a, 0));
      addr->route = tidings_imap_decode_string (tidings_imap_value_get_child (a, 1));
      addr->mailbox = tidings_imap_decode_string (tidings_imap_value_get_child (a, 2));
      addr->host = tidings_imap_decode_string (tidings_imap_value_get_child (a, 3));
    }
}

/* NULL if @value is not a list. Missing trailing fields (seen from servers
 * that stop at the last non-NIL one) are left NULL. */
TidingsImapEnvelope *
tidings_imap_envelope_decode (TidingsImapHolder      *holder,
                              const TidingsImapValue *value)
{
  TidingsImapEnvelope *env;

  if (!tidings_imap_value_is_list (value))
    return NULL;
  env = tidings_imap_holder_alloc0 (holder, sizeof *env);
  env->date = tidings_imap_decode_string (tidings_imap_value_get_child (value, 0));
  env->subject = tidings_imap_decode_string (tidings_imap_value_get_child (value, 1));
  decode_addresses (holder, tidings_imap_value_get_child (value, 2), &env->from);
  decode_addresses (holder, tidings_imap_value_get_child (value, 3), &env->sender);
  decode_addresses (holder, tidings_imap_value_get_child (value, 4), &env->reply_to);
  decode_addresses (holder, tidings_imap_value_get_child (value, 5), &env->to);
  decode_addresses (holder, tidings_imap_value_get_child (value, 6), &env->cc);
  decode_addresses (holder, tidings_imap_value_get_child (value, 7), &env->bcc);
  env->in_reply_to = tidings_imap_decode_string (tidings_imap_value_get_child (value, 8));
  env->message_id = tidings_imap_decode_string (tidings_imap_value_get_child (value, 9));
  return env;
}
