/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POP3 against the test bed's Dovecot: the client over STLS (SCRAM) and
 * POP3S, a wrong password, a certificate pin from the store, and each
 * leave-on-server policy over several checks with deletions on both
 * sides (here and on the server). */
#include "config.h"

#include <string.h>

#include "account/tidings-pop3-download.h"
#include "account/tidings-pop3-folders.h"
#include "pop3/tidings-pop3-client.h"
#include "tidings-engine.h"
#include "tidings-testbed.h"

#define DAY (24 * 60 * 60)

static TidingsTestbed *bed;

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return g_steal_pointer (slot);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TidingsPop3Client *
connected_client (TidingsSecurity security,
                  GError        **error)
{
  g_autoptr(TidingsConnection) conn = NULL;
  g_autoptr(GTlsDatabase) db = tidings_testbed_tls_database (bed, NULL);
  g_autoptr(TidingsPop3Client) client = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  GAsyncResult *slot = NULL;

  conn = tidings_connection_new (bed->host, security == TIDINGS_SECURITY_TLS ? bed->pop3s_port : bed->pop3_port,
                                 security);
  tidings_connection_set_tls_database (conn, db);
  client = tidings_pop3_client_new (conn);
  tidings_pop3_client_connect_async (client, NULL, done_cb, &slot);
  r = wait_for (&slot);
  if (!tidings_pop3_client_connect_finish (client, r, error))
    return NULL;
  return g_steal_pointer (&client);
}

static gboolean
login (TidingsPop3Client    *client,
       const char           *user,
       const char           *password,
       TidingsPop3AuthMethod method,
       GError              **error)
{
  g_autoptr(GAsyncResult) r = NULL;
  GAsyncResult *slot = NULL;

  tidings_pop3_client_login_async (client, user, password, method, NULL, done_cb, &slot);
  r = wait_for (&slot);
  return tidings_pop3_client_login_finish (client, r, error);
}

static void
quit (TidingsPop3Client *client)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  tidings_pop3_client_quit_async (client, NULL, done_cb, &slot);
  r = wait_for (&slot);
  g_assert_true (tidings_pop3_client_command_finish (client, r, &error));
  g_assert_no_error (error);
}

static void
test_client (void)
{
  const char *user = bed->users[0];
  const char *password = bed->passwords[0];
  g_autoptr(TidingsPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  const TidingsPop3Capabilities *caps;

  /* STLS, then the strongest SASL mechanism. */
  client = connected_client (TIDINGS_SECURITY_STARTTLS, &error);
  g_assert_no_error (error);
  caps = tidings_pop3_client_get_capabilities (client);
  g_assert_true (caps->uidl && caps->top && caps->capa);
  g_assert_false (caps->stls);  /* CAPA again after TLS */
  g_assert_true (login (client, user, password, TIDINGS_POP3_AUTH_AUTO, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tidings_pop3_client_get_auth_method_used (client), ==, "SCRAM-SHA-256");
  quit (client);
  g_clear_object (&client);

  /* POP3S with USER/PASS. */
  client = connected_client (TIDINGS_SECURITY_TLS, &error);
  g_assert_no_error (error);
  g_assert_true (login (client, user, password, TIDINGS_POP3_AUTH_USER, &error));
  g_assert_no_error (error);
  quit (client);
  g_clear_object (&client);

  /* A wrong password, through SASL and through PASS. */
  client = connected_client (TIDINGS_SECURITY_TLS, &error);
  g_assert_false (login (client, user, "not-the-password", TIDINGS_POP3_AUTH_AUTO, &error));
  g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, user));
  g_clear_error (&error);
  g_clear_object (&client);
  client = connected_client (TIDINGS_SECURITY_TLS, &error);
  g_assert_false (login (client, user, "not-the-password", TIDINGS_POP3_AUTH_USER, &error));
  g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_AUTHENTICATION);
}

/* Checks --------------------------------------------------------------------- */

typedef struct
{
  char                  *dir;
  TidingsStore          *store;
  gint64                 account;
  const char            *user;
  TidingsPop3LeavePolicy policy;
  TidingsPop3Folders     folders;
} Fixture;

static void
expunge_all (const char *user)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = tidings_testbed_doveadm (bed, &error, "expunge", "-u", user,
                                                  "mailbox", "INBOX", "all", NULL);

  g_assert_no_error (error);
}

static void
fixture_setup (Fixture               *fx,
               const char            *user,
               TidingsPop3LeavePolicy policy)
{
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("tidings-pop3-bed-XXXXXX", &error);
  g_assert_no_error (error);
  fx->store = tidings_store_open (fx->dir, &error);
  g_assert_no_error (error);
  account->name = g_strdup (user);
  account->kind = g_strdup ("pop3");
  g_assert_true (tidings_store_add_account (fx->store, account, &fx->account, &error));
  g_assert_true (tidings_pop3_folders_ensure (fx->store, fx->account, &fx->folders, &error));
  fx->user = user;
  fx->policy = policy;
  expunge_all (user);
}

static void
fixture_teardown (Fixture *fx)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", fx->dir);

  g_clear_object (&fx->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (fx->dir);
}

static void
inject (Fixture    *fx,
        const char *subject)
{
  g_autofree char *text = g_strdup_printf ("From: Sender <sender@example.test>\r\nTo: %s\r\n"
                                           "Subject: %s\r\nMessage-ID: <%s.%s@example.test>\r\n"
                                           "Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n\r\n"
                                           "Body of %s, with a word: quokka.\r\n",
                                           fx->user, subject, subject, fx->user, subject);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  g_assert_true (tidings_testbed_inject (bed, fx->user, NULL, NULL, raw, NULL, &error));
  g_assert_no_error (error);
}

static guint
server_count (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  gint64 n = tidings_testbed_status (bed, fx->user, NULL, "messages", &error);

  g_assert_no_error (error);
  return (guint) n;
}

static void
server_expunge (Fixture    *fx,
                const char *subject)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = tidings_testbed_doveadm (bed, &error, "expunge", "-u", fx->user, "mailbox", "INBOX",
                                                  "header", "Subject", subject, NULL);

  g_assert_no_error (error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* "a,b,c": the subjects here, sorted. */
static char *
local_subjects (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = tidings_store_list_messages (fx->store, fx->folders.inbox, 0, 1000, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (names, (char *) ((TidingsStoreRow *) g_ptr_array_index (rows, i))->subject);
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static void
local_delete (Fixture    *fx,
              const char *subject)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = tidings_store_list_messages (fx->store, fx->folders.inbox, 0, 1000, &error);

  for (guint i = 0; i < rows->len; i++)
    {
      TidingsStoreRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->subject, subject) == 0)
        {
          g_assert_true (tidings_store_delete_messages (fx->store, &row->id, 1, &error));
          return;
        }
    }
  g_assert_not_reached ();
}

static TidingsPop3Download *
check_at (Fixture *fx,
          gint64   now)
{
  TidingsAccountSettings settings;
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(GTlsDatabase) db = tidings_testbed_tls_database (bed, NULL);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  memset (&settings, 0, sizeof settings);
  settings.incoming.host = bed->host;
  settings.incoming.port = bed->pop3_port;
  settings.incoming.security = TIDINGS_SECURITY_STARTTLS;
  settings.incoming.user = (char *) fx->user;
  settings.pop3_leave = fx->policy;
  settings.pop3_leave_days = 14;
  download = tidings_pop3_download_new (fx->store, fx->account, &settings,
                                        tidings_testbed_password (bed, fx->user));
  tidings_pop3_download_set_tls_database (download, db);
  tidings_pop3_download_set_now (download, now);
  tidings_pop3_download_run_async (download, NULL, done_cb, &slot);
  r = wait_for (&slot);
  g_assert_true (tidings_pop3_download_run_finish (download, r, &error));
  g_assert_no_error (error);
  g_assert_false (tidings_pop3_download_get_limits_apply (download));
  return g_steal_pointer (&download);
}

#define T0 ((gint64) 1790000000)

static void
assert_subjects (Fixture    *fx,
                 const char *expected)
{
  g_autofree char *got = local_subjects (fx);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_policy_delete (void)
{
  Fixture fx;
  g_autoptr(TidingsPop3Download) d = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = NULL;

  fixture_setup (&fx, bed->users[1], TIDINGS_POP3_LEAVE_DELETE);
  inject (&fx, "a");
  inject (&fx, "b");
  inject (&fx, "c");
  d = check_at (&fx, T0);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 3);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 3);
  g_assert_cmpuint (server_count (&fx), ==, 0);
  assert_subjects (&fx, "a,b,c");
  /* Searchable like any other mail once the check returns. */
  found = tidings_store_search (fx.store, "quokka", fx.account, 0, TIDINGS_STORE_SEARCH_BY_DATE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 3);
  g_clear_object (&d);

  /* Deleted here: nothing comes back. New mail comes and goes. */
  local_delete (&fx, "b");
  inject (&fx, "d");
  d = check_at (&fx, T0 + 600);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 1);
  g_assert_cmpuint (server_count (&fx), ==, 0);
  assert_subjects (&fx, "a,c,d");
  g_clear_object (&d);
  d = check_at (&fx, T0 + 1200);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 0);
  assert_subjects (&fx, "a,c,d");
  fixture_teardown (&fx);
}

static void
test_policy_days (void)
{
  Fixture fx;
  g_autoptr(TidingsPop3Download) d = NULL;

  fixture_setup (&fx, bed->users[1], TIDINGS_POP3_LEAVE_DAYS);
  inject (&fx, "a");
  inject (&fx, "b");
  inject (&fx, "c");
  d = check_at (&fx, T0);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 3);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 0);
  g_assert_cmpuint (server_count (&fx), ==, 3);
  g_clear_object (&d);

  /* Day 10: d arrives; the server deletes b (another client); nothing
   * is old enough yet; b stays here. */
  inject (&fx, "d");
  server_expunge (&fx, "b");
  d = check_at (&fx, T0 + 10 * DAY);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 1);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 0);
  g_assert_cmpuint (server_count (&fx), ==, 3);
  assert_subjects (&fx, "a,b,c,d");
  g_clear_object (&d);

  /* Day 15: a and c (deleted here) are 15 days old and go; d (5 days) stays. */
  local_delete (&fx, "c");
  d = check_at (&fx, T0 + 15 * DAY);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 0);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 2);
  g_assert_cmpuint (server_count (&fx), ==, 1);
  assert_subjects (&fx, "a,b,d");
  g_clear_object (&d);

  /* Day 25: d goes too; everything stays here. */
  d = check_at (&fx, T0 + 25 * DAY);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 0);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 1);
  g_assert_cmpuint (server_count (&fx), ==, 0);
  assert_subjects (&fx, "a,b,d");
  fixture_teardown (&fx);
}

static void
test_policy_until_deleted (void)
{
  Fixture fx;
  g_autoptr(TidingsPop3Download) d = NULL;

  fixture_setup (&fx, bed->users[2], TIDINGS_POP3_LEAVE_UNTIL_DELETED);
  inject (&fx, "a");
  inject (&fx, "b");
  inject (&fx, "c");
  d = check_at (&fx, T0);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 3);
  g_assert_cmpuint (server_count (&fx), ==, 3);
  g_clear_object (&d);

  /* Deleted here: gone from the server at the next check. */
  local_delete (&fx, "b");
  d = check_at (&fx, T0 + 100 * DAY);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 1);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 0);
  g_assert_cmpuint (server_count (&fx), ==, 2);
  assert_subjects (&fx, "a,c");
  g_clear_object (&d);

  /* Deleted on the server: stays here, nothing downloaded again. */
  server_expunge (&fx, "a");
  inject (&fx, "d");
  d = check_at (&fx, T0 + 101 * DAY);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 1);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 0);
  g_assert_cmpuint (server_count (&fx), ==, 2);
  assert_subjects (&fx, "a,c,d");
  fixture_teardown (&fx);
}

static void
test_policy_forever (void)
{
  Fixture fx;
  g_autoptr(TidingsPop3Download) d = NULL;

  fixture_setup (&fx, bed->users[2], TIDINGS_POP3_LEAVE_FOREVER);
  inject (&fx, "a");
  inject (&fx, "b");
  d = check_at (&fx, T0);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 2);
  g_clear_object (&d);
  local_delete (&fx, "a");
  server_expunge (&fx, "b");
  inject (&fx, "c");
  d = check_at (&fx, T0 + 1000 * DAY);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 1);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (d), ==, 0);
  g_assert_cmpuint (server_count (&fx), ==, 2);  /* a and c */
  assert_subjects (&fx, "b,c");
  g_clear_object (&d);
  d = check_at (&fx, T0 + 2000 * DAY);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (d), ==, 0);
  assert_subjects (&fx, "b,c");
  fixture_teardown (&fx);
}

/* The certificate accepted by the person (a pin in the store), no CA. */
static void
test_pin (void)
{
  Fixture fx;
  TidingsAccountSettings settings;
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fixture_setup (&fx, bed->users[0], TIDINGS_POP3_LEAVE_DELETE);
  inject (&fx, "pinned");
  memset (&settings, 0, sizeof settings);
  settings.incoming.host = bed->host;
  settings.incoming.port = bed->pop3s_port;
  settings.incoming.security = TIDINGS_SECURITY_TLS;
  settings.incoming.user = (char *) fx.user;

  /* Without the pin: untrusted, nothing sent. */
  download = tidings_pop3_download_new (fx.store, fx.account, &settings, tidings_testbed_password (bed, fx.user));
  tidings_pop3_download_run_async (download, NULL, done_cb, &slot);
  r = wait_for (&slot);
  g_assert_false (tidings_pop3_download_run_finish (download, r, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_clear_error (&error);
  g_clear_object (&r);

  g_assert_true (tidings_store_set_pin (fx.store, fx.account, bed->host, bed->pop3s_port, bed->cert_sha256, &error));
  tidings_pop3_download_run_async (download, NULL, done_cb, &slot);
  r = wait_for (&slot);
  g_assert_true (tidings_pop3_download_run_finish (download, r, &error));
  g_assert_no_error (error);
  assert_subjects (&fx, "pinned");
  fixture_teardown (&fx);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();
  g_test_add_func ("/pop3/dovecot/client", test_client);
  g_test_add_func ("/pop3/dovecot/pin", test_pin);
  g_test_add_func ("/pop3/dovecot/policy-delete", test_policy_delete);
  g_test_add_func ("/pop3/dovecot/policy-days", test_policy_days);
  g_test_add_func ("/pop3/dovecot/policy-until-deleted", test_policy_until_deleted);
  g_test_add_func ("/pop3/dovecot/policy-forever", test_policy_forever);
  status = g_test_run ();
  tidings_testbed_unref (bed);
  return status;
}
