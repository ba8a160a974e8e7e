/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine thread with a real IMAP account: its store is written on the
 * engine thread, every signal arrives on the main thread, a message pushed
 * by IDLE shows up as an event and in the store, work invoked from the
 * main thread runs on the engine thread, and stop() joins it all. */
#include "config.h"

#include "tidings-engine.h"
#include "tidings-testbed.h"
#include "../imap-sync/imap-sync-util.h"

typedef struct
{
  GThread  *main_thread;
  gboolean  online;
  gboolean  got_new;
  gint64    new_message_id;
  guint     n_changes;
  gboolean  changed;
  gboolean  wrong_thread;
  gboolean  invoked;
  gboolean  invoked_off_main;
} Seen;

static void
account_state_cb (TidingsEngineThread *engine,
                  gint64               account_id,
                  const char          *state,
                  const char          *message,
                  Seen                *seen)
{
  seen->wrong_thread |= g_thread_self () != seen->main_thread;
  g_test_message ("account %" G_GINT64_FORMAT ": %s %s", account_id, state, message ? message : "");
  if (g_str_equal (state, "online"))
    seen->online = TRUE;
}

static void
message_event_cb (TidingsEngineThread *engine,
                  gint64               account_id,
                  const char          *kind,
                  gint64               folder_id,
                  gint64               message_id,
                  Seen                *seen)
{
  seen->wrong_thread |= g_thread_self () != seen->main_thread;
  if (g_str_equal (kind, "new"))
    {
      seen->got_new = TRUE;
      seen->new_message_id = message_id;
    }
}

static void
store_changed_cb (TidingsEngineThread *engine,
                  TidingsStoreChanges *changes,
                  Seen                *seen)
{
  seen->wrong_thread |= g_thread_self () != seen->main_thread;
  seen->n_changes++;
  seen->changed = TRUE;
}

static void
on_engine (TidingsEngineThread *engine,
           TidingsStore        *store,
           gpointer             user_data)
{
  Seen *seen = user_data;

  /* A write from here is the engine's own; the main thread reads. */
  seen->invoked_off_main = g_thread_self () != seen->main_thread && !tidings_store_is_read_only (store);
  seen->invoked = TRUE;
}

static void
test_engine_thread (void)
{
  g_autoptr(TidingsTestbed) bed = tidings_testbed_get_or_skip ();
  g_autofree char *dir = g_dir_make_tmp ("tidings-engine-XXXXXX", NULL);
  g_autoptr(TidingsEngineThread) engine = NULL;
  g_autoptr(TidingsStore) setup = NULL;
  g_autoptr(TidingsStore) reader = NULL;
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(GBytes) mail = NULL;
  g_autoptr(GError) error = NULL;
  const char *user = "alice@example.test";
  Seen seen = { g_thread_self () };
  gint64 start;

  /* The account is made before the engine owns the store. */
  setup = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  sync_test_add_account (setup, bed, user, 0);
  g_clear_object (&setup);

  engine = tidings_engine_thread_new (dir);
  g_signal_connect (engine, "account-state", G_CALLBACK (account_state_cb), &seen);
  g_signal_connect (engine, "message-event", G_CALLBACK (message_event_cb), &seen);
  g_signal_connect (engine, "store-changed", G_CALLBACK (store_changed_cb), &seen);
  g_assert_true (tidings_engine_thread_start (engine, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_engine_thread_is_running (engine));

  g_assert_true (sync_test_wait (&seen.online, 20000));
  g_assert_true (sync_test_wait (&seen.changed, 20000));   /* the folders arrived */

  tidings_engine_thread_invoke (engine, on_engine, &seen, NULL);
  g_assert_true (sync_test_wait (&seen.invoked, 5000));
  g_assert_true (seen.invoked_off_main);

  /* Pushed by IDLE, stored on the engine thread, told on this one. */
  g_usleep (300 * 1000);
  mail = sync_test_message ("engine push", "Sent while the engine idles.\n", g_get_real_time () / G_USEC_PER_SEC);
  start = g_get_monotonic_time ();
  g_assert_true (tidings_testbed_lmtp_deliver (bed, user, mail, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (&seen.got_new, 10000));
  g_test_message ("LMTP delivery to event on the main thread: %.2f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  /* The main thread reads through a read-only store of its own. */
  reader = tidings_store_open_readonly (dir, &error);
  g_assert_no_error (error);
  message = tidings_store_get_message (reader, seen.new_message_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (message->subject, ==, "engine push");

  g_assert_false (seen.wrong_thread);
  tidings_engine_thread_stop (engine);
  g_assert_false (tidings_engine_thread_is_running (engine));
  /* Once stopped, a read-write store can be opened again: the engine let go. */
  setup = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  g_clear_object (&setup);
  g_clear_object (&reader);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

static void
test_engine_bad_dir (void)
{
  g_autoptr(TidingsEngineThread) engine = tidings_engine_thread_new ("/proc/no-such/dir");
  g_autoptr(GError) error = NULL;

  g_assert_false (tidings_engine_thread_start (engine, &error));
  g_assert_nonnull (error);
  g_assert_false (tidings_engine_thread_is_running (engine));
}

int
main (int argc, char **argv)
{
  tidings_engine_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine-thread/imap-account", test_engine_thread);
  g_test_add_func ("/engine-thread/bad-dir", test_engine_bad_dir);
  return g_test_run ();
}
