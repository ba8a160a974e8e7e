/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-outbox-sender.h: delivers what waits in the store's outbox.
 *
 * For each message due (tidings_store_outbox_next_due): state SENDING, the
 * account's SMTP server (settings "smtp", password from the credentials,
 * the certificate pin the store keeps), the mail transaction, and right
 * after the server's final 250 the state DELIVERED is committed, so a
 * crash after that never sends the message twice. Then ONE transaction
 * makes the sent copy and removes the outbox row: the message goes into
 * the account's Sent folder (role SENT; for an account without one a
 * folder "Sent" is created) marked seen, and for "imap" accounts a store
 * operation "append" {"message": id, "folder": id} is queued in the same
 * transaction for the IMAP replayer.
 *
 * Failures: 4xx replies and network trouble put the message back in
 * QUEUED with the reason and a next attempt after an exponential backoff
 * (1 min doubling to 1 h by default); 5xx replies and anything the person
 * must fix (password, certificate, STARTTLS) make it FAILED with the
 * server's words. Recipients refused while others were accepted get an
 * outbox row of their own (QUEUED or FAILED likewise) in the transaction
 * that makes the sent copy.
 *
 * At start (and before each pass): rows left in SENDING by a crash go back
 * to QUEUED (the server may or may not have the message: it was never
 * confirmed, so sending again is right), DELIVERED rows get their sent
 * copy made.
 *
 * Lives on the engine thread: created there, its signals are emitted on
 * that thread's context; the store must be that thread's read-write store.
 *
 * Signals:
 *   sending (gint64 item_id)
 *   sent    (gint64 item_id, const char *warning)   warning: refused
 *                                                    recipients, or NULL
 *   failed  (gint64 item_id, gboolean temporary, const char *message)
 *   idle    ()   nothing more is due now
 */
#pragma once

#include <gio/gio.h>

#include "store/tidings-store.h"

G_BEGIN_DECLS

#define TIDINGS_OUTBOX_SENDER_DEFAULT_FIRST_RETRY  60
#define TIDINGS_OUTBOX_SENDER_DEFAULT_MAX_RETRY    (60 * 60)

#define TIDINGS_TYPE_OUTBOX_SENDER (tidings_outbox_sender_get_type ())
G_DECLARE_FINAL_TYPE (TidingsOutboxSender, tidings_outbox_sender, TIDINGS, OUTBOX_SENDER, GObject)

TidingsOutboxSender *tidings_outbox_sender_new              (TidingsStore         *store);
/* NULL (default): the system's certificates (plus the account's pin). */
void                 tidings_outbox_sender_set_tls_database (TidingsOutboxSender  *self,
                                                             GTlsDatabase         *database);
/* Seconds before the first retry, doubled each time up to @max_seconds. */
void                 tidings_outbox_sender_set_backoff      (TidingsOutboxSender  *self,
                                                             guint                 first_seconds,
                                                             guint                 max_seconds);

/* Crash recovery alone (see above); start() and drain do it too. */
gboolean             tidings_outbox_sender_recover          (TidingsOutboxSender  *self,
                                                             GError              **error);

/* Sends what is due now and keeps a timer for what is due later, until
 * stop(). wake() after queueing a message. */
void                 tidings_outbox_sender_start            (TidingsOutboxSender  *self);
void                 tidings_outbox_sender_stop             (TidingsOutboxSender  *self);
void                 tidings_outbox_sender_wake             (TidingsOutboxSender  *self);
gboolean             tidings_outbox_sender_is_busy          (TidingsOutboxSender  *self);

/* "Retry now": @item_id (0: every QUEUED or FAILED message) becomes due at
 * once, then a pass starts. */
gboolean             tidings_outbox_sender_retry_now        (TidingsOutboxSender  *self,
                                                             gint64                item_id,
                                                             GError              **error);

/* One pass: sends every message due now, completes when none is left
 * due (messages that failed temporarily wait for their next attempt).
 * Fails only when the store fails; send failures are in the rows. */
void                 tidings_outbox_sender_drain_async      (TidingsOutboxSender  *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             tidings_outbox_sender_drain_finish     (TidingsOutboxSender  *self,
                                                             GAsyncResult         *result,
                                                             guint                *out_n_sent,
                                                             guint                *out_n_failed,
                                                             GError              **error);

G_END_DECLS
