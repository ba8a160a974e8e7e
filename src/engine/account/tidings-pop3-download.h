/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-download.h: one POP3 check of one account, into the store.
 *
 * connect, log in, UIDL (+ LIST sizes), decide (tidings_pop3_plan), then for
 * each new message RETR (or TOP n 0 above the headers-only size) and commit
 * it in one store transaction together with its seen UIDL (up to 50
 * messages or 8 MiB per transaction, committed before the next network
 * wait); only after that commit (synchronous=FULL: on disk) may DELE be
 * sent for it, and DELE only takes effect at QUIT. A crash or a dropped connection at any moment thus
 * loses nothing and downloads nothing twice: the next check sees the UIDL
 * as seen, and deletes it then if the policy says so.
 *
 * Servers without UIDL: the identity of a message is a hash of its
 * headers (TOP n 0); get_limits_apply() is then TRUE so the UI can say
 * that two messages with identical headers count as one, and that each
 * check costs one TOP per message.
 *
 * Everything runs on the caller's thread-default main context (the engine
 * thread), which owns @store. */
#pragma once

#include <gio/gio.h>

#include "store/tidings-store.h"
#include "tidings-account-settings.h"

G_BEGIN_DECLS

/* A check's progress: @done of @total new messages stored. */
typedef void (*TidingsPop3ProgressFunc) (guint    done,
                                         guint    total,
                                         gpointer user_data);

#define TIDINGS_TYPE_POP3_DOWNLOAD (tidings_pop3_download_get_type ())
G_DECLARE_FINAL_TYPE (TidingsPop3Download, tidings_pop3_download, TIDINGS, POP3_DOWNLOAD, GObject)

/* @settings is copied field by field (incoming server and POP3 policy);
 * @password is kept (and wiped) for the object's life. */
TidingsPop3Download *tidings_pop3_download_new               (TidingsStore                 *store,
                                                              gint64                        account_id,
                                                              const TidingsAccountSettings *settings,
                                                              const char                   *password);
/* NULL: the system's database. The certificate pin comes from the store. */
void                 tidings_pop3_download_set_tls_database  (TidingsPop3Download          *self,
                                                              GTlsDatabase                 *database);
void                 tidings_pop3_download_set_progress_func (TidingsPop3Download          *self,
                                                              TidingsPop3ProgressFunc       func,
                                                              gpointer                      user_data,
                                                              GDestroyNotify                destroy);
/* Testing and tools: the "now" of the policy (0: the real time). */
void                 tidings_pop3_download_set_now           (TidingsPop3Download          *self,
                                                              gint64                        now);

/* One check. Not twice at once on one object (G_IO_ERROR_PENDING). */
void                 tidings_pop3_download_run_async         (TidingsPop3Download          *self,
                                                              GCancellable                 *cancellable,
                                                              GAsyncReadyCallback           callback,
                                                              gpointer                      user_data);
gboolean             tidings_pop3_download_run_finish        (TidingsPop3Download          *self,
                                                              GAsyncResult                 *result,
                                                              GError                      **error);

/* The whole message for one stored headers-only message (by its store
 * id), while it is still on the server: RETR by its UIDL, then the store's
 * body set to FULL. TIDINGS_POP3_ERROR_NO_SUCH_MESSAGE if it is gone. */
void                 tidings_pop3_download_fetch_full_async  (TidingsPop3Download          *self,
                                                              gint64                        message_id,
                                                              GCancellable                 *cancellable,
                                                              GAsyncReadyCallback           callback,
                                                              gpointer                      user_data);
gboolean             tidings_pop3_download_fetch_full_finish (TidingsPop3Download          *self,
                                                              GAsyncResult                 *result,
                                                              GError                      **error);

/* Figures of the last run. */
guint                tidings_pop3_download_get_n_downloaded  (TidingsPop3Download          *self);
guint                tidings_pop3_download_get_n_deleted     (TidingsPop3Download          *self);
guint                tidings_pop3_download_get_n_on_server   (TidingsPop3Download          *self);
/* TRUE when the server has no UIDL and identities are header hashes. */
gboolean             tidings_pop3_download_get_limits_apply  (TidingsPop3Download          *self);
/* From the server's CAPA: seconds between logins (-1: none said) and days
 * mail is kept (-1: none said, G_MAXINT: never removed). */
gint                 tidings_pop3_download_get_login_delay   (TidingsPop3Download          *self);
gint                 tidings_pop3_download_get_expire        (TidingsPop3Download          *self);

G_END_DECLS
