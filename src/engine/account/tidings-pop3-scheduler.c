/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pop3/tidings-pop3-error.h"
#include "tidings-pop3-scheduler.h"

struct _TidingsPop3Scheduler
{
  GObject              parent_instance;

  TidingsPop3Download *download;
  guint                interval_seconds;
  guint                timer_id;
  gboolean             checking;
  gboolean             again;
  gboolean             started;
  guint                n_checks;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (TidingsPop3Scheduler, tidings_pop3_scheduler, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHECK_STARTED,
  SIGNAL_PROGRESS,
  SIGNAL_CHECK_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tidings_pop3_scheduler_dispose (GObject *object)
{
  TidingsPop3Scheduler *self = TIDINGS_POP3_SCHEDULER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->download != NULL)
    tidings_pop3_download_set_progress_func (self->download, NULL, NULL, NULL);
  g_clear_object (&self->download);
  G_OBJECT_CLASS (tidings_pop3_scheduler_parent_class)->dispose (object);
}

static void
tidings_pop3_scheduler_class_init (TidingsPop3SchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_pop3_scheduler_dispose;

  signals[SIGNAL_CHECK_STARTED] =
    g_signal_new ("check-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_CHECK_FINISHED] =
    g_signal_new ("check-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_ERROR, TIDINGS_TYPE_POP3_DOWNLOAD);
}

static void
tidings_pop3_scheduler_init (TidingsPop3Scheduler *self)
{
}

static void
on_progress (guint    done,
             guint    total,
             gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_PROGRESS], 0, done, total);
}

TidingsPop3Scheduler *
tidings_pop3_scheduler_new (TidingsPop3Download *download,
                            guint                check_minutes)
{
  TidingsPop3Scheduler *self;

  g_return_val_if_fail (TIDINGS_IS_POP3_DOWNLOAD (download), NULL);

  self = g_object_new (TIDINGS_TYPE_POP3_SCHEDULER, NULL);
  self->download = g_object_ref (download);
  self->interval_seconds = check_minutes * 60;
  tidings_pop3_download_set_progress_func (download, on_progress, self, NULL);
  return self;
}

static void run_check (TidingsPop3Scheduler *self);

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TidingsPop3Scheduler) self = user_data;
  g_autoptr(GError) error = NULL;

  tidings_pop3_download_run_finish (TIDINGS_POP3_DOWNLOAD (source), result, &error);
  self->checking = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHECK_FINISHED], 0, error, self->download);
  if (self->again && self->download != NULL)
    {
      self->again = FALSE;
      run_check (self);
    }
}

static void
run_check (TidingsPop3Scheduler *self)
{
  if (self->checking)
    {
      self->again = TRUE;
      return;
    }
  self->checking = TRUE;
  self->n_checks++;
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  g_signal_emit (self, signals[SIGNAL_CHECK_STARTED], 0);
  tidings_pop3_download_run_async (self->download, self->cancellable, on_check_done, g_object_ref (self));
}

static gboolean
on_timer (gpointer user_data)
{
  run_check (user_data);
  return G_SOURCE_CONTINUE;
}

static void
arm_timer (TidingsPop3Scheduler *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->started && self->interval_seconds > 0)
    self->timer_id = g_timeout_add_seconds (self->interval_seconds, on_timer, self);
}

void
tidings_pop3_scheduler_start (TidingsPop3Scheduler *self)
{
  g_return_if_fail (TIDINGS_IS_POP3_SCHEDULER (self));
  if (self->started)
    return;
  self->started = TRUE;
  arm_timer (self);
  run_check (self);
}

void
tidings_pop3_scheduler_stop (TidingsPop3Scheduler *self)
{
  g_return_if_fail (TIDINGS_IS_POP3_SCHEDULER (self));
  self->started = FALSE;
  self->again = FALSE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

void
tidings_pop3_scheduler_check_now (TidingsPop3Scheduler *self)
{
  g_return_if_fail (TIDINGS_IS_POP3_SCHEDULER (self));
  /* A check asked by hand restarts the interval. */
  arm_timer (self);
  run_check (self);
}

gboolean
tidings_pop3_scheduler_is_checking (TidingsPop3Scheduler *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_SCHEDULER (self), FALSE);
  return self->checking;
}

guint
tidings_pop3_scheduler_get_n_checks (TidingsPop3Scheduler *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_SCHEDULER (self), 0);
  return self->n_checks;
}

void
tidings_pop3_scheduler_set_interval_seconds (TidingsPop3Scheduler *self,
                                             guint                 seconds)
{
  g_return_if_fail (TIDINGS_IS_POP3_SCHEDULER (self));
  self->interval_seconds = seconds;
  arm_timer (self);
}
