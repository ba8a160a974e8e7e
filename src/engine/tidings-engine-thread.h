/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-engine-thread.h: the engine thread of DESIGN.md, a thread with
 * its own GMainContext that owns the read-write store and every account's network
 * work (IMAP sync and IDLE, POP3 checks, the outbox sender), plus the
 * store's upkeep (search backlog, garbage, optimize). Calls cross threads
 * in one place: tidings_engine_thread_invoke() runs a function on the engine
 * thread; the engine's signals are emitted on the context the engine was
 * created in (the GTK thread's), never on the engine thread:
 *
 *   "store-changed"  (TidingsStoreChanges *changes)   after each commit
 *   "account-state"  (gint64 account_id, const char *state, const char *message)
 *                    state: "offline", "connecting", "online", "error";
 *                    message: for people, NULL when all is well
 *   "message-event"  (gint64 account_id, const char *kind, gint64 folder_id,
 *                    gint64 message_id)   kind: "new", "changed", "vanished"
 *   "outbox-event"   (gint64 item_id, const char *kind, const char *message)
 *                    kind: "sending", "sent", "failed" */
#pragma once

#include <glib.h>
#include <gio/gio.h>

#include "store/tidings-store.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_ENGINE_THREAD (tidings_engine_thread_get_type ())
G_DECLARE_FINAL_TYPE (TidingsEngineThread, tidings_engine_thread, TIDINGS, ENGINE_THREAD, GObject)

/* Runs on the engine thread with its read-write store. */
typedef void (*TidingsEngineThreadFunc) (TidingsEngineThread *engine,
                                   TidingsStore  *store,
                                   gpointer       user_data);

/* @data_dir NULL: the default data dir. Nothing runs before start(). */
TidingsEngineThread *tidings_engine_thread_new          (const char         *data_dir);
const char    *tidings_engine_thread_get_data_dir (TidingsEngineThread      *self);
/* Starts the thread, opens the store there and starts every account; fails
 * (and starts nothing) when the store cannot be opened. */
gboolean       tidings_engine_thread_start        (TidingsEngineThread      *self,
                                            GError            **error);
/* Stops the accounts, closes the store and joins the thread. Signals still
 * queued for the owner's context are dropped. Also done at dispose. */
void           tidings_engine_thread_stop         (TidingsEngineThread      *self);
gboolean       tidings_engine_thread_is_running   (TidingsEngineThread      *self);
void           tidings_engine_thread_invoke       (TidingsEngineThread      *self,
                                            TidingsEngineThreadFunc   func,
                                            gpointer            user_data,
                                            GDestroyNotify      destroy);
/* After a user action or a message queued for sending: replay and send now. */
void           tidings_engine_thread_kick         (TidingsEngineThread      *self);

G_END_DECLS
