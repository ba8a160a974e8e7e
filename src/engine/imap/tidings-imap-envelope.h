/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TidingsImapAddress:
 * @name: display name, or NULL
 * @route: source route (obsolete), or NULL
 * @mailbox: local part; for a group start (host NULL) the group's name
 * @host: domain; NULL marks a group start (mailbox set) or end (mailbox NULL)
 *
 * RFC 2047 encoded words in @name are left encoded, exactly as the server
 * sent them: decoding needs the charset machinery of the mime module
 * (g_mime_utils_header_decode_phrase), and the raw form is what a store keyed
 * on the original header wants. The same holds for the envelope's subject.
 */
typedef struct
{
  const char *name;
  const char *route;
  const char *mailbox;
  const char *host;
} TidingsImapAddress;

typedef struct
{
  guint               n_addresses;
  TidingsImapAddress *addresses;
} TidingsImapAddressList;

/**
 * TidingsImapEnvelope:
 *
 * The ENVELOPE of a message: header fields as the server sent them (strings
 * may be NULL for NIL; encoded words left encoded; @date unparsed). Owned by
 * the #TidingsImapFetch it came from.
 */
typedef struct
{
  const char             *date;
  const char             *subject;
  TidingsImapAddressList  from;
  TidingsImapAddressList  sender;
  TidingsImapAddressList  reply_to;
  TidingsImapAddressList  to;
  TidingsImapAddressList  cc;
  TidingsImapAddressList  bcc;
  const char             *in_reply_to;
  const char             *message_id;
} TidingsImapEnvelope;

gboolean  tidings_imap_address_is_group_start (const TidingsImapAddress *address);
gboolean  tidings_imap_address_is_group_end   (const TidingsImapAddress *address);
char     *tidings_imap_address_dup_email      (const TidingsImapAddress *address);

G_END_DECLS
