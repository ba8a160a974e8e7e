/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pop3-check-driver: runs ONE POP3 check of a test-bed user into a store,
 * like `tidings-cli sync` will. The kill -9 test kills it at random times
 * and runs it again.
 *
 *   pop3-check-driver STORE_DIR USER POLICY [LEAVE_DAYS [NOW]]
 *
 * POLICY: delete | days | until-deleted | forever. POP3S with the bed's
 * CA. Prints "downloaded=N deleted=N on-server=N seconds=S" and exits 0,
 * or prints the error and exits 1. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/tidings-pop3-download.h"
#include "tidings-engine.h"
#include "tidings-testbed.h"

static gint64
ensure_account (TidingsStore *store,
                const char   *user)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  accounts = tidings_store_list_accounts (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *a = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (a->email, user) == 0 && g_strcmp0 (a->kind, "pop3") == 0)
        return a->id;
    }
  account = tidings_store_account_new ();
  account->name = g_strdup (user);
  account->kind = g_strdup ("pop3");
  account->email = g_strdup (user);
  if (!tidings_store_add_account (store, account, &id, &error))
    {
      g_printerr ("pop3-check-driver: %s\n", error->message);
      exit (1);
    }
  return id;
}

/* Not tidings_pop3_leave_from_string(): the settings code lives on
 * another branch; the names are the same. */
static gboolean
parse_policy (const char             *text,
              TidingsPop3LeavePolicy *out)
{
  static const char *names[] = { "delete", "days", "until-deleted", "forever" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *out = (TidingsPop3LeavePolicy) i;
        return TRUE;
      }
  return FALSE;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

int
main (int argc, char *argv[])
{
  g_autoptr(TidingsTestbed) bed = NULL;
  g_autoptr(TidingsStore) store = NULL;
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TidingsAccountSettings settings;
  gint64 account_id;
  gint64 start;

  if (argc < 4)
    {
      g_printerr ("usage: %s STORE_DIR USER POLICY [LEAVE_DAYS [NOW]]\n", argv[0]);
      return 2;
    }
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();

  memset (&settings, 0, sizeof settings);
  if (!parse_policy (argv[3], &settings.pop3_leave))
    {
      g_printerr ("unknown policy %s\n", argv[3]);
      return 2;
    }
  settings.pop3_leave_days = argc > 4 ? (guint) atoi (argv[4]) : 14;
  settings.incoming.host = bed->host;
  settings.incoming.port = bed->pop3s_port;
  settings.incoming.security = TIDINGS_SECURITY_TLS;
  settings.incoming.user = argv[2];

  store = tidings_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("pop3-check-driver: %s\n", error->message);
      return 1;
    }
  account_id = ensure_account (store, argv[2]);
  database = tidings_testbed_tls_database (bed, &error);
  g_assert_no_error (error);

  download = tidings_pop3_download_new (store, account_id, &settings,
                                        tidings_testbed_password (bed, argv[2]));
  tidings_pop3_download_set_tls_database (download, database);
  if (argc > 5)
    tidings_pop3_download_set_now (download, g_ascii_strtoll (argv[5], NULL, 10));
  start = g_get_monotonic_time ();
  tidings_pop3_download_run_async (download, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!tidings_pop3_download_run_finish (download, result, &error))
    {
      g_printerr ("pop3-check-driver: %s\n", error->message);
      return 1;
    }
  printf ("downloaded=%u deleted=%u on-server=%u seconds=%.3f\n",
          tidings_pop3_download_get_n_downloaded (download),
          tidings_pop3_download_get_n_deleted (download),
          tidings_pop3_download_get_n_on_server (download),
          (g_get_monotonic_time () - start) / 1e6);
  return 0;
}
