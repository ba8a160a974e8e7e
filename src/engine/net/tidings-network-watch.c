/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-network-watch.h"

struct _TidingsNetworkWatch
{
  GObject          parent_instance;

  GNetworkMonitor *monitor;
  GMainContext    *context;
  gulong           handler;
  GSource         *pending;
  guint            debounce_ms;
  gboolean         available;
};

G_DEFINE_FINAL_TYPE (TidingsNetworkWatch, tidings_network_watch, G_TYPE_OBJECT)

enum { PROP_0, PROP_AVAILABLE, N_PROPS };
enum { CHANGED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
cancel_pending (TidingsNetworkWatch *self)
{
  if (self->pending)
    {
      g_source_destroy (self->pending);
      g_clear_pointer (&self->pending, g_source_unref);
    }
}

static gboolean
settle (gpointer data)
{
  TidingsNetworkWatch *self = data;
  gboolean now = g_network_monitor_get_network_available (self->monitor);

  g_clear_pointer (&self->pending, g_source_unref);
  if (now != self->available)
    {
      self->available = now;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
      g_signal_emit (self, signals[CHANGED], 0, now);
    }
  return G_SOURCE_REMOVE;
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  TidingsNetworkWatch *self = user_data;

  /* Restart the wait on every change: report only a state that holds. */
  cancel_pending (self);
  self->pending = g_timeout_source_new (self->debounce_ms);
  g_source_set_callback (self->pending, settle, self, NULL);
  g_source_set_static_name (self->pending, "[tidings] network watch debounce");
  g_source_attach (self->pending, self->context);
}

static void
tidings_network_watch_dispose (GObject *object)
{
  TidingsNetworkWatch *self = TIDINGS_NETWORK_WATCH (object);

  cancel_pending (self);
  if (self->monitor && self->handler)
    g_signal_handler_disconnect (self->monitor, self->handler);
  self->handler = 0;
  g_clear_object (&self->monitor);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (tidings_network_watch_parent_class)->dispose (object);
}

static void
tidings_network_watch_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TidingsNetworkWatch *self = TIDINGS_NETWORK_WATCH (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tidings_network_watch_class_init (TidingsNetworkWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_network_watch_dispose;
  object_class->get_property = tidings_network_watch_get_property;

  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
tidings_network_watch_init (TidingsNetworkWatch *self)
{
}

TidingsNetworkWatch *
tidings_network_watch_new (GNetworkMonitor *monitor,
                           guint            debounce_ms)
{
  TidingsNetworkWatch *self;

  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  self = g_object_new (TIDINGS_TYPE_NETWORK_WATCH, NULL);
  self->monitor = g_object_ref (monitor ? monitor : g_network_monitor_get_default ());
  self->context = g_main_context_ref_thread_default ();
  self->debounce_ms = debounce_ms;
  self->available = g_network_monitor_get_network_available (self->monitor);
  self->handler = g_signal_connect (self->monitor, "network-changed",
                                    G_CALLBACK (on_network_changed), self);
  return self;
}

gboolean
tidings_network_watch_get_available (TidingsNetworkWatch *self)
{
  g_return_val_if_fail (TIDINGS_IS_NETWORK_WATCH (self), FALSE);
  return self->available;
}
