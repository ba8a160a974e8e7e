/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-engine-thread-private.h: shared by the thread plumbing
 * (tidings-engine-thread.c) and the work it runs (-work.c). */
#pragma once

#include "tidings-engine-thread.h"

G_BEGIN_DECLS

typedef enum
{
  SIGNAL_STORE_CHANGED,
  SIGNAL_ACCOUNT_STATE,
  SIGNAL_MESSAGE_EVENT,
  SIGNAL_OUTBOX_EVENT,
  N_ENGINE_SIGNALS
} EngineSignal;

struct _TidingsEngineThread
{
  GObject       parent_instance;

  char         *data_dir;
  GMainContext *owner_context;    /* where signals are emitted */
  GMainContext *context;          /* the engine thread's */
  GMainLoop    *loop;
  GThread      *thread;
  gint          stopping;         /* atomic */

  /* start(): the thread reports whether the store opened */
  GMutex        lock;
  GCond         cond;
  gboolean      start_done;
  GError       *start_error;

  /* Engine thread only. */
  TidingsStore *store;
  gpointer      work;             /* EngineWork, tidings-engine-thread-work.c */
};

/* Queues a signal emission on the owner's context (any thread). */
void _tidings_engine_thread_post       (TidingsEngineThread *self,
                                        EngineSignal         signal,
                                        gint64               a,
                                        const char          *s1,
                                        const char          *s2,
                                        gint64               b,
                                        gint64               c,
                                        TidingsStoreChanges *changes);

/* On the engine thread, with self->store open. */
void _tidings_engine_thread_work_start (TidingsEngineThread *self);
void _tidings_engine_thread_work_stop  (TidingsEngineThread *self);
void _tidings_engine_thread_work_kick  (TidingsEngineThread *self);

G_END_DECLS
