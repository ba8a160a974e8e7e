/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-response.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_STATUS_ITEM_MESSAGES      = 1 << 0,
  TIDINGS_IMAP_STATUS_ITEM_RECENT        = 1 << 1,
  TIDINGS_IMAP_STATUS_ITEM_UIDNEXT       = 1 << 2,
  TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY   = 1 << 3,
  TIDINGS_IMAP_STATUS_ITEM_UNSEEN        = 1 << 4,
  TIDINGS_IMAP_STATUS_ITEM_HIGHESTMODSEQ = 1 << 5,
  TIDINGS_IMAP_STATUS_ITEM_SIZE          = 1 << 6,
  TIDINGS_IMAP_STATUS_ITEM_DELETED       = 1 << 7,
} TidingsImapStatusItems;

/**
 * TidingsImapMailboxStatus:
 * @name: mailbox name in UTF-8
 * @raw_name: mailbox name as sent
 * @present: which of the numbers below the server sent
 *
 * One "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)" response.
 */
typedef struct
{
  const char             *name;
  const char             *raw_name;
  TidingsImapStatusItems  present;
  guint32                 messages;
  guint32                 recent;
  guint32                 uidnext;
  guint32                 uidvalidity;
  guint32                 unseen;
  guint32                 deleted;
  guint64                 highestmodseq;
  guint64                 size;
  /*< private >*/
  gpointer                priv;
} TidingsImapMailboxStatus;

#define TIDINGS_TYPE_IMAP_MAILBOX_STATUS (tidings_imap_mailbox_status_get_type ())

GType                     tidings_imap_mailbox_status_get_type (void) G_GNUC_CONST;
TidingsImapMailboxStatus *tidings_imap_mailbox_status_decode   (TidingsImapResponse       *response,
                                                                GError                   **error);
TidingsImapMailboxStatus *tidings_imap_mailbox_status_ref      (TidingsImapMailboxStatus  *status);
void                      tidings_imap_mailbox_status_unref    (TidingsImapMailboxStatus  *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapMailboxStatus, tidings_imap_mailbox_status_unref)

G_END_DECLS
