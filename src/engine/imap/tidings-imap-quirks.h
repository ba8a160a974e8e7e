/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-quirks.h: what one server does differently, in one place.
 *
 * Detected from the greeting, the capabilities and the ID reply, and
 * learned at run time when a server refuses a form it advertised. The
 * session asks tidings_imap_quirks_has(); nothing else looks at server
 * names. */
#pragma once

#include <glib.h>

#include "tidings-imap-capabilities.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_QUIRK_NONE               = 0,
  /* LIST "" "*" RETURN (SPECIAL-USE) is refused (BAD) although SPECIAL-USE
   * is offered, or LIST-EXTENDED is missing: use a plain LIST, which still
   * carries the special-use attributes. */
  TIDINGS_IMAP_QUIRK_LIST_NO_RETURN     = 1 << 0,
  /* The server refuses SELECT until the client sent ID (NetEase / Coremail
   * "Unsafe Login"): send ID even when it is not advertised. */
  TIDINGS_IMAP_QUIRK_ID_REQUIRED        = 1 << 1,
  /* MOVE is advertised but UID MOVE answers BAD (seen with proxies that
   * pass the backend's capabilities through): use the COPY fallback. */
  TIDINGS_IMAP_QUIRK_NO_MOVE            = 1 << 2,
} TidingsImapQuirks;

/* From the greeting's text and the capabilities. */
TidingsImapQuirks tidings_imap_quirks_detect      (const char              *greeting,
                                                   TidingsImapCapabilities *caps);
/* From the server's ID reply (lower-case keys). */
TidingsImapQuirks tidings_imap_quirks_detect_id   (GHashTable              *server_id);
/* Whether a NO without [NONEXISTENT] / [TRYCREATE] says in words that the
 * mailbox does not exist (Dovecot 2.3 answers SELECT of a missing folder
 * with "NO Mailbox doesn't exist: X"; other servers word it similarly). */
gboolean          tidings_imap_quirks_is_nonexistent_text (const char *text);
/* "list-no-return id-required" for logs and tests. */
char             *tidings_imap_quirks_to_string   (TidingsImapQuirks        quirks);

#define tidings_imap_quirks_has(quirks, quirk) (((quirks) & (quirk)) != 0)

G_END_DECLS
