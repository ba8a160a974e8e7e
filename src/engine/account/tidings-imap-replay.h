/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-replay.h: sends an IMAP account's queued operations
 * (written by tidings-mail-actions.h, and "append" by the outbox sender)
 * to the server, in queue order, on a logged-in client.
 *
 * An operation row is deleted only after the server confirmed it, in the
 * same store transaction as the local updates that follow from the reply
 * (new UIDs from COPYUID / APPENDUID). So a crash or a lost connection at
 * any point leaves it queued, and replaying it again is harmless: a MOVE,
 * STORE or EXPUNGE of UIDs that are no longer there does nothing.
 *
 *   - Connection errors (TIDINGS_NET_ERROR, BYE, closed, parse errors) and
 *     store errors stop the run: the operation stays queued untouched and
 *     run_finish() fails with that error. Cancelling does the same.
 *   - A server refusal (NO, BAD, no such mailbox, not supported) counts an
 *     attempt (tidings_store_fail_operation(), with the server's text) and
 *     ends the run successfully, keeping the order of the queue: the next
 *     run tries again. At the third refusal the operation is dropped and
 *     its folders are marked for a full resync (uidnext and highestmodseq
 *     reset to 0 in the store: the next sync fetches every UID again, so
 *     the server's truth comes back); rows it had put in a destination
 *     folder with uid 0 (moves, copies) are removed, as the server never
 *     got them.
 *   - A payload that cannot be read is dropped with a warning.
 *
 * After a MOVE or COPY with COPYUID the destination rows get their new
 * UIDs; without COPYUID they are removed and the next sync brings them
 * with their UIDs (rows with uid 0 are otherwise never touched by the
 * sync). An APPEND with APPENDUID sets the row's UID; without, the row is
 * removed once the server has it, for the same reason.
 *
 * UIDs unknown when the action was taken (uid 0 in the payload) are
 * resolved when it runs: from the row, if it is still in the operation's
 * folder with a UID; from an earlier operation of the same run (e.g. a
 * move, then its undo); else by UID SEARCH HEADER Message-ID in that
 * folder when exactly one message matches. Unresolved items are skipped.
 *
 * Consecutive "flags" operations on one folder that add and remove the
 * same flags are sent as one UID STORE.
 *
 * The client is left SELECTED on the last folder the replay needed. */
#pragma once

#include <gio/gio.h>

#include "imap/tidings-imap-client.h"
#include "store/tidings-store.h"

G_BEGIN_DECLS

/* Refusals after which an operation is dropped. */
#define TIDINGS_IMAP_REPLAY_MAX_ATTEMPTS 3

void     tidings_imap_replay_run_async  (TidingsStore         *store,
                                         gint64                account_id,
                                         TidingsImapClient    *client,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* @out_n_done: operations completed (confirmed or dropped) by this run. */
gboolean tidings_imap_replay_run_finish (GAsyncResult         *result,
                                         guint                *out_n_done,
                                         GError              **error);

G_END_DECLS
