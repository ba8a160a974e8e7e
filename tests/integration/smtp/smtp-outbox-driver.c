/* SPDX-License-Identifier: GPL-3.0-or-later */
/* smtp-outbox-driver: drains the outbox of the store in DATADIR once, the
 * way the engine would, and exits. With TIDINGS_TEST_KILL_AFTER_DELIVERED=1
 * it kills itself (SIGKILL) right after the first DELIVERED is committed,
 * before the sent copy: what a power cut at the worst moment looks like.
 *
 *   smtp-outbox-driver DATADIR   prints "sent N failed M" */
#include "config.h"

#include "tidings-engine.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "account/tidings-outbox-sender-private.h"

static void
kill_now (gint64   item_id,
          gpointer user_data)
{
  raise (SIGKILL);
}

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

int
main (int argc, char **argv)
{
  g_autoptr(TidingsStore) store = NULL;
  g_autoptr(TidingsOutboxSender) sender = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_sent = 0;
  guint n_failed = 0;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  tidings_engine_init ();
  if (argc != 2)
    {
      g_printerr ("usage: %s DATADIR\n", argv[0]);
      return 2;
    }
  store = tidings_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  sender = tidings_outbox_sender_new (store);
  if (g_strcmp0 (g_getenv ("TIDINGS_TEST_KILL_AFTER_DELIVERED"), "1") == 0)
    _tidings_outbox_sender_set_delivered_hook (sender, kill_now, NULL);
  tidings_outbox_sender_drain_async (sender, NULL, drained_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (result == NULL)
    {
      g_printerr ("timed out\n");
      return 1;
    }
  if (!tidings_outbox_sender_drain_finish (sender, result, &n_sent, &n_failed, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("sent %u failed %u\n", n_sent, n_failed);
  return 0;
}
