/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kill -9 of a sync in progress, changes on the server meanwhile, a new
 * sync: the store must equal the server (doveadm fetch).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "imap-sync-util.h"
#include "tidings-engine.h"

#define USER "bob@example.test"
#define COUNT 5000

static char *
driver_path (void)
{
  return g_build_filename (g_getenv ("TIDINGS_TEST_BUILDDIR"), "tests", "integration", "imap-sync",
                           "imap-sync-driver", NULL);
}

static void
run_driver_to_end (const char *data_dir,
                   const char *disable)
{
  g_autofree char *driver = driver_path ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, driver, data_dir,
                              "--user", USER, "--batch", "250",
                              disable != NULL ? "--disable" : NULL, disable, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  g_test_message ("driver: %s", strrchr (g_strchomp (out), '\n') != NULL ? strrchr (out, '\n') + 1 : out);
}

/* Starts the driver and kills it (SIGKILL) once @kill_after messages of
 * the first pass are committed. */
static void
run_driver_and_kill (const char *data_dir,
                     guint       kill_after)
{
  g_autofree char *driver = driver_path ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  gboolean killed = FALSE;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, driver, data_dir,
                              "--user", USER, "--batch", "250", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  for (guint i = 0; i < 1000 && !killed; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
      guint done = 0, total = 0;
      char path[64];

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* it must not finish before the kill */
      if (sscanf (line, "progress %63s %u %u", path, &done, &total) == 3 && done >= kill_after)
        {
          g_subprocess_send_signal (process, SIGKILL);
          killed = TRUE;
        }
    }
  g_assert_true (killed);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_successful (process));
}

static void
check_store (TidingsTestbed *bed,
             const char     *data_dir)
{
  g_autoptr(TidingsStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  const TidingsStoreAccount *account;

  store = tidings_store_open (data_dir, &error);
  g_assert_no_error (error);
  accounts = tidings_store_list_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  account = g_ptr_array_index (accounts, 0);
  g_test_message ("store equals server: %u messages",
                  sync_test_assert_equal (store, bed, USER, account->id, "INBOX"));
}

static void
expunge (TidingsTestbed *bed,
         const char     *uids)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = tidings_testbed_doveadm (bed, &error, "expunge", "-u", USER, "mailbox", "INBOX",
                                                   "uid", uids, NULL);

  g_assert_no_error (error);
}

static void
kill_then_resync (const char *disable)
{
  g_autoptr(TidingsTestbed) bed = tidings_testbed_get_or_skip ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("imap-sync-kill-XXXXXX", &error);

  g_assert_no_error (error);
  sync_test_generate (bed, USER, "INBOX", COUNT, 7);

  /* Killed in the middle of the first (newest first) pass. */
  run_driver_and_kill (data_dir, COUNT / 3);
  /* Meanwhile, another device: expunges at the top (already fetched) and
   * at the bottom (not yet), flag changes on both sides. */
  expunge (bed, "4990:4995");
  expunge (bed, "1:10");
  {
    g_autofree char *out = tidings_testbed_doveadm (bed, &error, "flags", "add", "-u", USER,
                                                     "\\Flagged", "mailbox", "INBOX", "uid",
                                                     "4900:4910,20:30", NULL);
    g_assert_no_error (error);
  }
  run_driver_to_end (data_dir, disable);
  check_store (bed, data_dir);

  /* And once more after a second kill, this time of a resync with news. */
  sync_test_generate (bed, USER, "INBOX", 1500, 8);
  run_driver_and_kill (data_dir, 500);
  run_driver_to_end (data_dir, disable);
  check_store (bed, data_dir);
}

static void
test_kill (void)
{
  kill_then_resync (NULL);
}

/* The resync after the kill without QRESYNC or CONDSTORE: UID and flag
 * comparison only. */
static void
test_kill_plain (void)
{
  kill_then_resync ("condstore");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  g_test_add_func ("/imap-sync/kill-9", test_kill);
  g_test_add_func ("/imap-sync/kill-9-plain", test_kill_plain);
  return g_test_run ();
}
