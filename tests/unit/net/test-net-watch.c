/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsNetworkWatch with a scripted GNetworkMonitor. */
#include "config.h"

#include "net-test-util.h"
#include "tidings-engine.h"

/* ---- a monitor the test drives ----------------------------------------- */

#define TEST_TYPE_MONITOR (test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestMonitor, test_monitor, TEST, MONITOR, GObject)

struct _TestMonitor
{
  GObject  parent_instance;
  gboolean available;
};

enum { PROP_0, PROP_AVAILABLE, PROP_METERED, PROP_CONNECTIVITY };

static void test_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_monitor_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_monitor_iface_init))

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestMonitor *self = TEST_MONITOR (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
test_monitor_initable_init_fn (GInitable     *initable,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init_fn;
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
  self->available = TRUE;
}

static void
monitor_set (TestMonitor *m,
             gboolean     available)
{
  m->available = available;
  g_signal_emit_by_name (m, "network-changed", available);
}

/* ---- tests ------------------------------------------------------------- */

typedef struct
{
  guint    count;
  gboolean last;
} Seen;

static void
on_changed (TidingsNetworkWatch *watch,
            gboolean             available,
            gpointer             data)
{
  Seen *seen = data;

  seen->count++;
  seen->last = available;
}

static void
test_debounced (void)
{
  g_autoptr(TestMonitor) monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  g_autoptr(TidingsNetworkWatch) watch = tidings_network_watch_new (G_NETWORK_MONITOR (monitor), 100);
  Seen seen = { 0 };

  g_signal_connect (watch, "changed", G_CALLBACK (on_changed), &seen);
  g_assert_true (tidings_network_watch_get_available (watch));

  /* Flapping within the debounce time: one report, of the final state. */
  monitor_set (monitor, FALSE);
  net_test_sleep_ms (30);
  monitor_set (monitor, TRUE);
  net_test_sleep_ms (30);
  monitor_set (monitor, FALSE);
  g_assert_cmpuint (seen.count, ==, 0);
  net_test_sleep_ms (250);
  g_assert_cmpuint (seen.count, ==, 1);
  g_assert_false (seen.last);
  g_assert_false (tidings_network_watch_get_available (watch));

  /* A blip that ends where it began reports nothing. */
  monitor_set (monitor, TRUE);
  monitor_set (monitor, FALSE);
  net_test_sleep_ms (250);
  g_assert_cmpuint (seen.count, ==, 1);

  monitor_set (monitor, TRUE);
  net_test_sleep_ms (250);
  g_assert_cmpuint (seen.count, ==, 2);
  g_assert_true (seen.last);
}

static void
test_dispose_with_pending (void)
{
  g_autoptr(TestMonitor) monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  TidingsNetworkWatch *watch = tidings_network_watch_new (G_NETWORK_MONITOR (monitor), 100);
  Seen seen = { 0 };

  g_signal_connect (watch, "changed", G_CALLBACK (on_changed), &seen);
  monitor_set (monitor, FALSE);
  g_object_unref (watch);
  /* Neither the pending timer nor the monitor may reach the dead watch. */
  monitor_set (monitor, TRUE);
  net_test_sleep_ms (200);
  g_assert_cmpuint (seen.count, ==, 0);
}

static void
test_default_monitor (void)
{
  g_autoptr(TidingsNetworkWatch) watch = tidings_network_watch_new (NULL, 10);

  /* Whatever this machine says; only that it answers. */
  g_test_message ("network available: %d", tidings_network_watch_get_available (watch));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/net/watch/debounced", test_debounced);
  g_test_add_func ("/net/watch/dispose-with-pending", test_dispose_with_pending);
  g_test_add_func ("/net/watch/default-monitor", test_default_monitor);

  return g_test_run ();
}
