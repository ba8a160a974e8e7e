/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-response.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_MAILBOX_NOSELECT        = 1 << 0,
  TIDINGS_IMAP_MAILBOX_NOINFERIORS     = 1 << 1,
  TIDINGS_IMAP_MAILBOX_NONEXISTENT     = 1 << 2,
  TIDINGS_IMAP_MAILBOX_HAS_CHILDREN    = 1 << 3,
  TIDINGS_IMAP_MAILBOX_HAS_NO_CHILDREN = 1 << 4,
  TIDINGS_IMAP_MAILBOX_MARKED          = 1 << 5,
  TIDINGS_IMAP_MAILBOX_UNMARKED        = 1 << 6,
  TIDINGS_IMAP_MAILBOX_SUBSCRIBED      = 1 << 7,
  TIDINGS_IMAP_MAILBOX_REMOTE          = 1 << 8,
  /* SPECIAL-USE (RFC 6154), and Gmail's \Important */
  TIDINGS_IMAP_MAILBOX_ALL             = 1 << 9,
  TIDINGS_IMAP_MAILBOX_ARCHIVE         = 1 << 10,
  TIDINGS_IMAP_MAILBOX_DRAFTS          = 1 << 11,
  TIDINGS_IMAP_MAILBOX_FLAGGED         = 1 << 12,
  TIDINGS_IMAP_MAILBOX_JUNK            = 1 << 13,
  TIDINGS_IMAP_MAILBOX_SENT            = 1 << 14,
  TIDINGS_IMAP_MAILBOX_TRASH           = 1 << 15,
  TIDINGS_IMAP_MAILBOX_IMPORTANT       = 1 << 16,
} TidingsImapMailboxAttributes;

#define TIDINGS_IMAP_MAILBOX_SPECIAL_USE_MASK                                  \
  (TIDINGS_IMAP_MAILBOX_ALL | TIDINGS_IMAP_MAILBOX_ARCHIVE |                   \
   TIDINGS_IMAP_MAILBOX_DRAFTS | TIDINGS_IMAP_MAILBOX_FLAGGED |                \
   TIDINGS_IMAP_MAILBOX_JUNK | TIDINGS_IMAP_MAILBOX_SENT |                     \
   TIDINGS_IMAP_MAILBOX_TRASH | TIDINGS_IMAP_MAILBOX_IMPORTANT)

/**
 * TidingsImapMailboxInfo:
 * @lsub: TRUE for an LSUB response, FALSE for LIST
 * @attributes: the attributes Tidings knows
 * @raw_attributes: every attribute as sent, NULL-terminated
 * @delimiter: the hierarchy delimiter, '\0' for a flat name space (NIL)
 * @name: the name in UTF-8, decoded from modified UTF-7 ("INBOX" always so)
 * @raw_name: the name as sent: use it, not @name, in commands
 * @old_name: RFC 5465 OLDNAME from the extended data, or NULL
 *
 * One "* LIST (\HasNoChildren \Sent) "/" Sent" response.
 */
typedef struct
{
  gboolean                      lsub;
  TidingsImapMailboxAttributes  attributes;
  const char                  **raw_attributes;
  char                          delimiter;
  const char                   *name;
  const char                   *raw_name;
  const char                   *old_name;
  /*< private >*/
  gpointer                      priv;
} TidingsImapMailboxInfo;

#define TIDINGS_TYPE_IMAP_MAILBOX_INFO (tidings_imap_mailbox_info_get_type ())

GType                   tidings_imap_mailbox_info_get_type (void) G_GNUC_CONST;
TidingsImapMailboxInfo *tidings_imap_mailbox_info_decode   (TidingsImapResponse     *response,
                                                            GError                 **error);
TidingsImapMailboxInfo *tidings_imap_mailbox_info_ref      (TidingsImapMailboxInfo  *info);
void                    tidings_imap_mailbox_info_unref    (TidingsImapMailboxInfo  *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapMailboxInfo, tidings_imap_mailbox_info_unref)

G_END_DECLS
