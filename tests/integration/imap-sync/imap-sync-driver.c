/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * imap-sync-driver: one IMAP sync pass of a bed user into a data dir, for
 * the kill -9 test and for benchmarks.
 *
 *   imap-sync-driver DATA_DIR [--user U] [--batch N] [--bodies]
 *                    [--folder PATH] [--disable qresync,condstore]
 *
 * The account is created on the first run. Prints "progress PATH DONE
 * TOTAL" lines as batches are committed, then one line of figures:
 * new= changed= vanished= bodies= bytes_in= bytes_out= elapsed= rate=
 * (new messages per second) maxrss_kb=.
 */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>

#include "imap-sync-util.h"
#include "tidings-engine.h"

static void
on_progress (TidingsImapAccount *account,
             const char         *path,
             guint               done,
             guint               total,
             gpointer            user_data)
{
  printf ("progress %s %u %u\n", path, done, total);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TidingsTestbed) bed = NULL;
  g_autoptr(TidingsStore) store = NULL;
  g_autoptr(TidingsImapAccount) account = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *user = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *disable = NULL;
  gboolean bodies = FALSE;
  int batch = 0;
  gint64 account_id = 0;
  TidingsImapSyncStats stats = { 0, };
  struct rusage usage;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "Bed user", "USER" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Messages per header batch", "N" },
    { "bodies", 0, 0, G_OPTION_ARG_NONE, &bodies, "Every body too", NULL },
    { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, "Only this folder", "PATH" },
    { "disable", 0, 0, G_OPTION_ARG_STRING, &disable, "qresync,condstore", "LIST" },
    { NULL }
  };

  context = g_option_context_new ("DATA_DIR");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("usage: imap-sync-driver DATA_DIR [options]\n");
      return 2;
    }
  if (disable != NULL)
    g_setenv ("TIDINGS_IMAP_DISABLE", disable, TRUE);
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();
  if (user == NULL)
    user = g_strdup (bed->users[0]);

  store = tidings_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  accounts = tidings_store_list_accounts (store, &error);
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      const TidingsStoreAccount *a = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (a->name, user) == 0)
        account_id = a->id;
    }
  if (account_id == 0)
    account_id = sync_test_add_account (store, bed, user, 0);
  account = tidings_imap_account_new (store, account_id, &error);
  if (account == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (batch > 0)
    tidings_imap_account_set_batch_size (account, batch);
  g_signal_connect (account, "progress", G_CALLBACK (on_progress), NULL);
  if (!sync_test_run (account, folder, bodies ? TIDINGS_IMAP_SYNC_BODIES : TIDINGS_IMAP_SYNC_NO_BODIES,
                      &stats, &error))
    {
      g_printerr ("sync failed: %s\n", error->message);
      return 1;
    }
  getrusage (RUSAGE_SELF, &usage);
  printf ("new=%u changed=%u vanished=%u bodies=%u bytes_in=%" G_GUINT64_FORMAT
          " bytes_out=%" G_GUINT64_FORMAT " elapsed=%.3f rate=%.0f maxrss_kb=%ld\n",
          stats.n_new, stats.n_changed, stats.n_vanished, stats.n_bodies, stats.bytes_received,
          stats.bytes_sent, stats.elapsed, stats.elapsed > 0 ? stats.n_new / stats.elapsed : 0.0,
          usage.ru_maxrss);
  return 0;
}
