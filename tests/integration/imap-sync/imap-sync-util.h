/* SPDX-License-Identifier: GPL-3.0-or-later */
/* imap-sync-util.h: what the IMAP sync tests and the driver share. */
#pragma once

#include "account/tidings-imap-account.h"
#include "store/tidings-store.h"
#include "tidings-testbed.h"

G_BEGIN_DECLS

/* An "imap" account for @user of the bed (implicit TLS, password command,
 * the bed's certificate pinned). */
gint64     sync_test_add_account  (TidingsStore       *store,
                                   TidingsTestbed     *bed,
                                   const char         *user,
                                   guint               offline_days);
/* One pass, the main loop run until it is done. */
gboolean   sync_test_run          (TidingsImapAccount *account,
                                   const char         *folder_path,
                                   TidingsImapSyncFlags flags,
                                   TidingsImapSyncStats *out_stats,
                                   GError            **error);
/* Asserts that the store's folder holds exactly the server's mailbox: the
 * same UIDs, flags, keywords and (ASCII-decodable) subjects. Returns the
 * number of messages compared. */
guint      sync_test_assert_equal (TidingsStore       *store,
                                   TidingsTestbed     *bed,
                                   const char         *user,
                                   gint64              account_id,
                                   const char         *mailbox);
/* gen-mailbox.py -n @count into @user's @mailbox. */
void       sync_test_generate     (TidingsTestbed     *bed,
                                   const char         *user,
                                   const char         *mailbox,
                                   guint               count,
                                   guint               seed);
/* A small message with @subject, dated @date (Unix time). */
GBytes    *sync_test_message      (const char         *subject,
                                   const char         *body,
                                   gint64              date);
/* Runs the main context until *@flag or @timeout_ms. */
gboolean   sync_test_wait         (gboolean           *flag,
                                   guint               timeout_ms);

G_END_DECLS
