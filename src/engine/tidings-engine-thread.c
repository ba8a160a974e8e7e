/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-engine.h"
#include "tidings-engine-thread-private.h"

G_DEFINE_FINAL_TYPE (TidingsEngineThread, tidings_engine_thread, G_TYPE_OBJECT)

static guint signals[N_ENGINE_SIGNALS];

/* Events: engine thread -> owner context ------------------------------- */

typedef struct
{
  TidingsEngineThread       *engine;
  guint                signal;
  gint64               a, b, c;
  char                *s1, *s2;
  TidingsStoreChanges *changes;
} Event;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_clear_pointer (&event->changes, tidings_store_changes_unref);
  g_free (event->s1);
  g_free (event->s2);
  g_object_unref (event->engine);
  g_free (event);
}

static gboolean
emit_event (gpointer data)
{
  Event *event = data;
  TidingsEngineThread *self = event->engine;

  if (g_atomic_int_get (&self->stopping))
    return G_SOURCE_REMOVE;
  switch (event->signal)
    {
    case SIGNAL_STORE_CHANGED:
      g_signal_emit (self, signals[SIGNAL_STORE_CHANGED], 0, event->changes);
      break;
    case SIGNAL_ACCOUNT_STATE:
      g_signal_emit (self, signals[SIGNAL_ACCOUNT_STATE], 0, event->a, event->s1, event->s2);
      break;
    case SIGNAL_MESSAGE_EVENT:
      g_signal_emit (self, signals[SIGNAL_MESSAGE_EVENT], 0, event->a, event->s1, event->b, event->c);
      break;
    case SIGNAL_OUTBOX_EVENT:
      g_signal_emit (self, signals[SIGNAL_OUTBOX_EVENT], 0, event->a, event->s1, event->s2);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

void
_tidings_engine_thread_post (TidingsEngineThread *self,
                      EngineSignal         signal,
                      gint64               a,
                      const char          *s1,
                      const char          *s2,
                      gint64               b,
                      gint64               c,
                      TidingsStoreChanges *changes)
{
  Event *event = g_new0 (Event, 1);

  event->engine = g_object_ref (self);
  event->signal = signal;
  event->a = a;
  event->b = b;
  event->c = c;
  event->s1 = g_strdup (s1);
  event->s2 = g_strdup (s2);
  event->changes = changes != NULL ? tidings_store_changes_ref (changes) : NULL;
  g_main_context_invoke_full (self->owner_context, G_PRIORITY_DEFAULT, emit_event, event, event_free);
}

/* The thread ------------------------------------------------------------ */

static gpointer
run_thread (gpointer data)
{
  TidingsEngineThread *self = data;
  GError *error = NULL;
  TidingsStore *store;

  g_main_context_push_thread_default (self->context);
  store = tidings_store_open (self->data_dir, &error);

  g_mutex_lock (&self->lock);
  self->start_error = error;
  self->start_done = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (store != NULL)
    {
      self->store = store;
      _tidings_engine_thread_work_start (self);
      g_main_loop_run (self->loop);
      _tidings_engine_thread_work_stop (self);
      g_clear_object (&self->store);
    }
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

gboolean
tidings_engine_thread_start (TidingsEngineThread  *self,
                      GError        **error)
{
  GError *start_error;

  g_return_val_if_fail (TIDINGS_IS_ENGINE_THREAD (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  tidings_engine_init ();
  g_atomic_int_set (&self->stopping, FALSE);
  self->owner_context = g_main_context_ref_thread_default ();
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->start_done = FALSE;
  self->thread = g_thread_new ("tidings-engine", run_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->start_done)
    g_cond_wait (&self->cond, &self->lock);
  start_error = g_steal_pointer (&self->start_error);
  g_mutex_unlock (&self->lock);

  if (start_error != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      g_clear_pointer (&self->owner_context, g_main_context_unref);
      g_propagate_error (error, start_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
tidings_engine_thread_stop (TidingsEngineThread *self)
{
  g_return_if_fail (TIDINGS_IS_ENGINE_THREAD (self));

  if (self->thread == NULL)
    return;
  g_atomic_int_set (&self->stopping, TRUE);
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (g_steal_pointer (&self->thread));
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
}

gboolean
tidings_engine_thread_is_running (TidingsEngineThread *self)
{
  g_return_val_if_fail (TIDINGS_IS_ENGINE_THREAD (self), FALSE);

  return self->thread != NULL;
}

typedef struct
{
  TidingsEngineThread     *engine;
  TidingsEngineThreadFunc  func;
  gpointer           user_data;
  GDestroyNotify     destroy;
} Invocation;

static gboolean
run_invocation (gpointer data)
{
  Invocation *invocation = data;

  if (invocation->engine->store != NULL)
    invocation->func (invocation->engine, invocation->engine->store, invocation->user_data);
  return G_SOURCE_REMOVE;
}

static void
invocation_free (gpointer data)
{
  Invocation *invocation = data;

  if (invocation->destroy != NULL)
    invocation->destroy (invocation->user_data);
  g_free (invocation);
}

void
tidings_engine_thread_invoke (TidingsEngineThread     *self,
                       TidingsEngineThreadFunc  func,
                       gpointer           user_data,
                       GDestroyNotify     destroy)
{
  Invocation *invocation;

  g_return_if_fail (TIDINGS_IS_ENGINE_THREAD (self));
  g_return_if_fail (func != NULL);

  if (self->context == NULL)
    {
      if (destroy != NULL)
        destroy (user_data);
      return;
    }
  invocation = g_new0 (Invocation, 1);
  invocation->engine = self;
  invocation->func = func;
  invocation->user_data = user_data;
  invocation->destroy = destroy;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, run_invocation, invocation,
                              invocation_free);
}

static void
kick_on_engine (TidingsEngineThread *self,
                TidingsStore  *store,
                gpointer       user_data)
{
  _tidings_engine_thread_work_kick (self);
}

void
tidings_engine_thread_kick (TidingsEngineThread *self)
{
  g_return_if_fail (TIDINGS_IS_ENGINE_THREAD (self));

  tidings_engine_thread_invoke (self, kick_on_engine, NULL, NULL);
}

const char *
tidings_engine_thread_get_data_dir (TidingsEngineThread *self)
{
  g_return_val_if_fail (TIDINGS_IS_ENGINE_THREAD (self), NULL);

  return self->data_dir;
}

TidingsEngineThread *
tidings_engine_thread_new (const char *data_dir)
{
  TidingsEngineThread *self = g_object_new (TIDINGS_TYPE_ENGINE_THREAD, NULL);

  self->data_dir = data_dir != NULL ? g_strdup (data_dir) : tidings_store_default_data_dir ();
  return self;
}

static void
tidings_engine_thread_dispose (GObject *object)
{
  tidings_engine_thread_stop (TIDINGS_ENGINE_THREAD (object));
  G_OBJECT_CLASS (tidings_engine_thread_parent_class)->dispose (object);
}

static void
tidings_engine_thread_finalize (GObject *object)
{
  TidingsEngineThread *self = TIDINGS_ENGINE_THREAD (object);

  g_free (self->data_dir);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (tidings_engine_thread_parent_class)->finalize (object);
}

static void
tidings_engine_thread_class_init (TidingsEngineThreadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_engine_thread_dispose;
  object_class->finalize = tidings_engine_thread_finalize;

  signals[SIGNAL_STORE_CHANGED] =
    g_signal_new ("store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, TIDINGS_TYPE_STORE_CHANGES);
  signals[SIGNAL_ACCOUNT_STATE] =
    g_signal_new ("account-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_MESSAGE_EVENT] =
    g_signal_new ("message-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);
  signals[SIGNAL_OUTBOX_EVENT] =
    g_signal_new ("outbox-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING);
}

static void
tidings_engine_thread_init (TidingsEngineThread *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}
