/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The POP3 client and one check into the store, against the scripted
 * server of pop3-fake-server.c: USER/PASS, APOP, AUTH PLAIN, STLS (clean,
 * injected, stripped, refused), a wrong password, a server without UIDL,
 * a connection dropped mid-RETR. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "account/tidings-pop3-download.h"
#include "account/tidings-pop3-folders.h"
#include "account/tidings-pop3-scheduler.h"
#include "pop3-fake-server.h"
#include "pop3/tidings-pop3-client.h"
#include "tidings-engine.h"

#define MSG1 "From: Ann <ann@example.org>\r\nTo: bob@example.org\r\nSubject: one\r\nMessage-ID: <one@x>\r\n\r\nHello\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n"
#define MSG2 "From: Cy <cy@example.org>\r\nTo: bob@example.org\r\nSubject: two\r\nMessage-ID: <two@x>\r\n\r\nSecond message body\r\nwith lines\r\nand more lines\r\nand more\r\n"
#define MSG3 "From: Di <di@example.org>\r\nTo: bob@example.org\r\nSubject: three\r\nMessage-ID: <three@x>\r\n\r\nThird\r\n"

static void
fake_init (FakePop3 *f)
{
  memset (f, 0, sizeof *f);
  f->uidl = TRUE;
  f->top = TRUE;
  f->user = "bob@example.org";
  f->password = "s3cret-pw";
  f->messages[0] = MSG1;
  f->messages[1] = MSG2;
  f->messages[2] = MSG3;
}

static TidingsPop3Client *
client_for (NetTestServer *server,
            TidingsSecurity security)
{
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server), security, TRUE);

  return tidings_pop3_client_new (conn);
}

static gboolean
do_connect (TidingsPop3Client *client,
            GError           **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) r = NULL;

  tidings_pop3_client_connect_async (client, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  return tidings_pop3_client_connect_finish (client, r, error);
}

static gboolean
do_login (TidingsPop3Client    *client,
          const char           *user,
          const char           *password,
          TidingsPop3AuthMethod method,
          GError              **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) r = NULL;

  tidings_pop3_client_login_async (client, user, password, method, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  return tidings_pop3_client_login_finish (client, r, error);
}

static void
do_quit (TidingsPop3Client *client)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;

  tidings_pop3_client_quit_async (client, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_client_command_finish (client, r, &error));
  g_assert_no_error (error);
}

static void
test_session (void)
{
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(TidingsPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) uidls = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  NetTestWait w = { 0 };
  guint count = 0;
  guint64 size = 0;
  const char *expected_body = "From: Ann <ann@example.org>\r\nTo: bob@example.org\r\nSubject: one\r\n"
                              "Message-ID: <one@x>\r\n\r\nHello\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n";

  fake_init (&f);
  server = net_test_server_new (fake_pop3_serve, &f);
  client = client_for (server, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_pop3_client_get_capabilities (client)->uidl);
  g_assert_cmpint (tidings_pop3_client_get_login_delay (client), ==, 900);
  g_assert_cmpint (tidings_pop3_client_get_expire (client), ==, 30);
  g_assert_true (do_login (client, f.user, f.password, TIDINGS_POP3_AUTH_USER, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tidings_pop3_client_get_auth_method_used (client), ==, "USER");

  tidings_pop3_client_stat_async (client, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_client_stat_finish (client, r, &count, &size, &error));
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpuint (size, ==, strlen (MSG1) + strlen (MSG2) + strlen (MSG3));
  g_clear_object (&r);

  tidings_pop3_client_uidl_async (client, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  uidls = tidings_pop3_client_uidl_finish (client, r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidls->len, ==, 3);
  g_assert_cmpuint (g_array_index (uidls, TidingsPop3Entry, 2).msgno, ==, 3);
  g_assert_cmpuint (strlen (g_array_index (uidls, TidingsPop3Entry, 2).uidl), ==, 32);
  g_clear_object (&r);

  tidings_pop3_client_list_async (client, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  sizes = tidings_pop3_client_list_finish (client, r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_array_index (sizes, TidingsPop3Entry, 1).size, ==, strlen (MSG2));
  g_clear_object (&r);

  /* RETR: dot-unstuffed, the lone "." inside the text survives. */
  tidings_pop3_client_retrieve_async (client, 1, -1, NULL, 0, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_client_retrieve_finish (client, r, &body, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), expected_body, strlen (expected_body));
  g_clear_object (&r);

  /* The same answer in pieces of 1, 2, 3 and 5 bytes: lines split
   * anywhere, CR and LF apart, the terminator in pieces. */
  for (guint piece = 1; piece <= 5; piece++)
    {
      g_autoptr(GBytes) again = NULL;

      if (piece == 4)
        continue;
      f.dribble = piece;
      tidings_pop3_client_retrieve_async (client, 1, -1, NULL, 0, NULL, net_test_wait_cb, &w);
      r = net_test_wait (&w);
      g_assert_true (tidings_pop3_client_retrieve_finish (client, r, &again, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), expected_body, strlen (expected_body));
      g_clear_object (&r);
    }
  f.dribble = 0;

  /* TOP n 0: the header block and the blank line. */
  tidings_pop3_client_retrieve_async (client, 2, 0, NULL, 0, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_client_retrieve_finish (client, r, &head, NULL, &error));
  g_assert_cmpuint (g_bytes_get_size (head), ==, strstr (MSG2, "\r\n\r\n") - MSG2 + 4);
  g_assert_cmpmem (g_bytes_get_data (head, NULL), g_bytes_get_size (head), MSG2, g_bytes_get_size (head));
  g_clear_object (&r);

  /* A cap below the size: TOO_BIG, and the session stays in step. */
  tidings_pop3_client_retrieve_async (client, 2, -1, NULL, 20, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_false (tidings_pop3_client_retrieve_finish (client, r, &small, NULL, &error));
  g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_TOO_BIG);
  g_clear_error (&error);
  g_clear_object (&r);

  /* Into a stream. */
  sink = g_memory_output_stream_new_resizable ();
  tidings_pop3_client_retrieve_async (client, 3, -1, sink, 0, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_client_retrieve_finish (client, r, NULL, &size, &error));
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (sink)), ==, strlen (MSG3));
  g_assert_cmpuint (size, ==, strlen (MSG3));
  g_clear_object (&r);

  /* A missing message: -ERR as an error. */
  tidings_pop3_client_retrieve_async (client, 9, -1, NULL, 0, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_false (tidings_pop3_client_retrieve_finish (client, r, NULL, NULL, &error));
  g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&r);

  tidings_pop3_client_dele_async (client, 2, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_client_command_finish (client, r, &error));
  g_clear_object (&r);
  tidings_pop3_client_noop_async (client, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_client_command_finish (client, r, &error));
  g_clear_object (&r);
  do_quit (client);
  net_test_server_free (server);
  g_assert_true (f.saw_quit);
  g_assert_true (f.deleted[1]);
  g_assert_false (f.deleted[0]);
  scenario_clear (&f.s);
}

static void
test_wrong_password (void)
{
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(TidingsPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  fake_init (&f);
  server = net_test_server_new (fake_pop3_serve, &f);
  client = client_for (server, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (client, &error));
  g_assert_false (do_login (client, f.user, "wrong", TIDINGS_POP3_AUTH_AUTO, &error));
  g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, f.user));
  tidings_pop3_client_close (client);
  net_test_server_free (server);
  scenario_clear (&f.s);
}

static void
test_apop (void)
{
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(TidingsPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = tidings_pop3_apop_digest ("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf");

  /* RFC 1939's example. */
  g_assert_cmpstr (digest, ==, "c4c9334bac560ecc979e58001b3e22fb");

  fake_init (&f);
  f.apop_timestamp = "<1896.697170952@dbc.mtview.ca.us>";
  server = net_test_server_new (fake_pop3_serve, &f);
  client = client_for (server, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (client, &error));
  g_assert_cmpstr (tidings_pop3_client_get_apop_timestamp (client), ==, f.apop_timestamp);
  /* AUTO on plain text prefers APOP: the password itself never goes out. */
  g_assert_true (do_login (client, f.user, f.password, TIDINGS_POP3_AUTH_AUTO, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tidings_pop3_client_get_auth_method_used (client), ==, "APOP");
  do_quit (client);
  net_test_server_free (server);
  g_assert_false (f.password_seen);
  scenario_clear (&f.s);
}

static void
test_auth_plain_tls (void)
{
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(TidingsPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  fake_init (&f);
  f.implicit_tls = TRUE;
  f.sasl_plain = TRUE;
  server = net_test_server_new (fake_pop3_serve, &f);
  client = client_for (server, TIDINGS_SECURITY_TLS);
  g_assert_true (do_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (do_login (client, f.user, f.password, TIDINGS_POP3_AUTH_AUTO, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tidings_pop3_client_get_auth_method_used (client), ==, "PLAIN");
  do_quit (client);
  net_test_server_free (server);
  g_assert_nonnull (strstr (f.s.received, "AUTH PLAIN "));
  scenario_clear (&f.s);

  /* A wrong password through AUTH too. */
  fake_init (&f);
  f.implicit_tls = TRUE;
  f.sasl_plain = TRUE;
  server = net_test_server_new (fake_pop3_serve, &f);
  g_clear_object (&client);
  client = client_for (server, TIDINGS_SECURITY_TLS);
  g_assert_true (do_connect (client, &error));
  g_assert_false (do_login (client, f.user, "nope", TIDINGS_POP3_AUTH_SASL, &error));
  g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_AUTHENTICATION);
  tidings_pop3_client_close (client);
  net_test_server_free (server);
  scenario_clear (&f.s);
}

static void
run_stls (FakeStls mode)
{
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(TidingsPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  fake_init (&f);
  f.stls = mode;
  server = net_test_server_new (fake_pop3_serve, &f);
  client = client_for (server, TIDINGS_SECURITY_STARTTLS);
  ok = do_connect (client, &error);
  if (mode == FAKE_STLS_OK || mode == FAKE_STLS_INJECT)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_true (tidings_connection_is_encrypted (tidings_pop3_client_get_connection (client)));
      /* CAPA asked again after TLS: the answer after TLS has no STLS. */
      g_assert_false (tidings_pop3_client_get_capabilities (client)->stls);
      if (mode == FAKE_STLS_INJECT)
        g_assert_cmpuint (tidings_connection_get_discarded_bytes (tidings_pop3_client_get_connection (client)), >, 0);
      g_assert_true (do_login (client, f.user, f.password, TIDINGS_POP3_AUTH_AUTO, &error));
      g_assert_no_error (error);
      do_quit (client);
      net_test_server_free (server);
      g_assert_true (f.password_seen);
      g_assert_false (f.password_seen_plain);
      /* CAPA twice, once on each side of STLS. */
      g_assert_nonnull (strstr (f.s.received, "CAPA\nSTLS\nCAPA\n"));
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_NO_STLS);
      g_assert_false (tidings_connection_is_connected (tidings_pop3_client_get_connection (client)));
      net_test_server_free (server);
      g_assert_false (f.password_seen);
      g_assert_null (strstr (f.s.received, "USER"));
      g_assert_null (strstr (f.s.received, "PASS"));
    }
  scenario_clear (&f.s);
}

static void
test_stls (void)
{
  run_stls (FAKE_STLS_OK);
}

static void
test_stls_injection (void)
{
  run_stls (FAKE_STLS_INJECT);
}

static void
test_stls_stripped (void)
{
  run_stls (FAKE_STLS_STRIP);
}

static void
test_stls_refused (void)
{
  run_stls (FAKE_STLS_REFUSE);
}

/* Checks into a store ------------------------------------------------------------ */

typedef struct
{
  char         *dir;
  TidingsStore *store;
  gint64        account;
} StoreFixture;

static void
store_setup (StoreFixture *fx)
{
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("tidings-pop3-XXXXXX", &error);
  g_assert_no_error (error);
  fx->store = tidings_store_open (fx->dir, &error);
  g_assert_no_error (error);
  account->name = g_strdup ("pop");
  account->kind = g_strdup ("pop3");
  g_assert_true (tidings_store_add_account (fx->store, account, &fx->account, &error));
}

static void
store_teardown (StoreFixture *fx)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", fx->dir);

  g_clear_object (&fx->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (fx->dir);
}

static gboolean
run_check (StoreFixture          *fx,
           NetTestServer         *server,
           FakePop3              *f,
           TidingsPop3LeavePolicy policy,
           TidingsPop3Download  **out_download,
           GError               **error)
{
  TidingsAccountSettings settings;
  g_autoptr(TidingsPop3Download) download = NULL;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) r = NULL;
  gboolean ok;

  memset (&settings, 0, sizeof settings);
  settings.incoming.host = (char *) "127.0.0.1";
  settings.incoming.port = net_test_server_get_port (server);
  settings.incoming.security = TIDINGS_SECURITY_NONE;
  settings.incoming.user = (char *) f->user;
  settings.pop3_leave = policy;
  settings.pop3_leave_days = 14;
  download = tidings_pop3_download_new (fx->store, fx->account, &settings, f->password);
  tidings_pop3_download_run_async (download, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  ok = tidings_pop3_download_run_finish (download, r, error);
  if (out_download != NULL)
    *out_download = g_steal_pointer (&download);
  return ok;
}

static guint
inbox_count (StoreFixture *fx)
{
  TidingsPop3Folders folders;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_assert_true (tidings_pop3_folders_ensure (fx->store, fx->account, &folders, &error));
  g_assert_true (tidings_store_count_messages (fx->store, folders.inbox, &count, &error));
  return count;
}

static void
test_no_uidl (void)
{
  StoreFixture fx;
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(GError) error = NULL;

  store_setup (&fx);
  fake_init (&f);
  f.uidl = FALSE;
  server = net_test_server_new (fake_pop3_serve, &f);
  g_assert_true (run_check (&fx, server, &f, TIDINGS_POP3_LEAVE_FOREVER, &download, &error));
  g_assert_no_error (error);
  net_test_server_free (server);
  g_assert_true (tidings_pop3_download_get_limits_apply (download));
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (download), ==, 3);
  g_assert_cmpuint (inbox_count (&fx), ==, 3);
  g_assert_cmpuint (f.n_retr, ==, 3);
  scenario_clear (&f.s);
  g_clear_object (&download);

  /* The second check recognises all three by their headers. */
  fake_init (&f);
  f.uidl = FALSE;
  server = net_test_server_new (fake_pop3_serve, &f);
  g_assert_true (run_check (&fx, server, &f, TIDINGS_POP3_LEAVE_FOREVER, &download, &error));
  net_test_server_free (server);
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (download), ==, 0);
  g_assert_cmpuint (f.n_retr, ==, 0);
  g_assert_cmpuint (inbox_count (&fx), ==, 3);
  scenario_clear (&f.s);
  store_teardown (&fx);
}

static void
test_drop_mid_retr (void)
{
  StoreFixture fx;
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  g_autoptr(GHashTable) seen = NULL;
  TidingsPop3Folders folders;

  store_setup (&fx);
  fake_init (&f);
  f.drop_in_retr = 2;
  server = net_test_server_new (fake_pop3_serve, &f);
  g_assert_false (run_check (&fx, server, &f, TIDINGS_POP3_LEAVE_DELETE, &download, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_clear_error (&error);
  net_test_server_free (server);
  /* Message 1 is kept (it was read whole); no DELE went out for it (its
   * batch was not committed before the drop), and without QUIT nothing
   * would be deleted anyway. */
  g_assert_false (f.marked[0]);
  g_assert_false (f.saw_quit);
  g_assert_false (f.deleted[0]);
  g_assert_cmpuint (inbox_count (&fx), ==, 1);
  g_assert_true (tidings_pop3_folders_ensure (fx.store, fx.account, &folders, &error));
  {
    g_autofree char *h1 = g_compute_checksum_for_string (G_CHECKSUM_MD5, MSG1, -1);
    g_autofree char *h2 = g_compute_checksum_for_string (G_CHECKSUM_MD5, MSG2, -1);

    g_assert_true (tidings_store_lookup_uidl (fx.store, folders.inbox, h1, &id, &error));
    g_assert_cmpint (id, >, 0);
    g_assert_true (tidings_store_lookup_uidl (fx.store, folders.inbox, h2, &id, &error));
    g_assert_cmpint (id, ==, 0);
  }
  seen = tidings_store_pop3_list_uidls (fx.store, fx.account, &error);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1);
  scenario_clear (&f.s);
  g_clear_object (&download);

  /* The next check: message 1 deleted without a second download, 2 and 3 fetched. */
  fake_init (&f);
  server = net_test_server_new (fake_pop3_serve, &f);
  g_assert_true (run_check (&fx, server, &f, TIDINGS_POP3_LEAVE_DELETE, &download, &error));
  g_assert_no_error (error);
  net_test_server_free (server);
  g_assert_cmpuint (f.n_retr, ==, 2);
  g_assert_true (f.saw_quit);
  g_assert_true (f.deleted[0] && f.deleted[1] && f.deleted[2]);
  g_assert_cmpuint (inbox_count (&fx), ==, 3);
  g_assert_cmpuint (tidings_pop3_download_get_n_deleted (download), ==, 3);
  scenario_clear (&f.s);
  store_teardown (&fx);
}

static void
test_wrong_password_check (void)
{
  StoreFixture fx;
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(GError) error = NULL;

  store_setup (&fx);
  fake_init (&f);
  f.password = "server-side";
  server = net_test_server_new (fake_pop3_serve, &f);
  {
    FakePop3 client_side = f;

    client_side.password = "wrong-one";
    g_assert_false (run_check (&fx, server, &client_side, TIDINGS_POP3_LEAVE_DELETE, NULL, &error));
  }
  g_assert_error (error, TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_AUTHENTICATION);
  net_test_server_free (server);
  g_assert_cmpuint (inbox_count (&fx), ==, 0);
  g_assert_cmpuint (f.n_retr, ==, 0);
  scenario_clear (&f.s);
  store_teardown (&fx);
}

static void
test_headers_only (void)
{
  StoreFixture fx;
  FakePop3 f;
  NetTestServer *server;
  g_autoptr(GError) error = NULL;
  TidingsAccountSettings settings;
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(GBytes) raw = NULL;
  NetTestWait w = { 0 };
  TidingsPop3Folders folders;
  g_autofree char *h1 = g_compute_checksum_for_string (G_CHECKSUM_MD5, MSG1, -1);
  gint64 id = 0;

  store_setup (&fx);
  fake_init (&f);
  f.messages[0] = g_strdup_printf ("%s%s", MSG1, "0123456789012345678901234567890123456789\r\n");
  for (guint i = 0; i < 40; i++)
    {
      char *bigger = g_strconcat (f.messages[0], "0123456789012345678901234567890123456789\r\n", NULL);
      g_free ((char *) f.messages[0]);
      f.messages[0] = bigger;
    }
  g_free (h1);
  h1 = g_compute_checksum_for_string (G_CHECKSUM_MD5, f.messages[0], -1);
  server = net_test_server_new (fake_pop3_serve, &f);
  memset (&settings, 0, sizeof settings);
  settings.incoming.host = (char *) "127.0.0.1";
  settings.incoming.port = net_test_server_get_port (server);
  settings.incoming.security = TIDINGS_SECURITY_NONE;
  settings.incoming.user = (char *) f.user;
  settings.pop3_leave = TIDINGS_POP3_LEAVE_DELETE;
  settings.pop3_headers_only_above = 1;  /* KiB: message 1 is above, 2 and 3 below */
  download = tidings_pop3_download_new (fx.store, fx.account, &settings, f.password);
  tidings_pop3_download_run_async (download, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_download_run_finish (download, r, &error));
  g_assert_no_error (error);
  g_clear_object (&r);
  /* Headers only: not deleted, the body can still come. */
  g_assert_false (f.deleted[0]);
  g_assert_true (f.deleted[1] && f.deleted[2]);
  g_assert_true (tidings_pop3_folders_ensure (fx.store, fx.account, &folders, &error));
  g_assert_true (tidings_store_lookup_uidl (fx.store, folders.inbox, h1, &id, &error));
  message = tidings_store_get_message (fx.store, id, &error);
  g_assert_cmpint (message->body_state, ==, TIDINGS_BODY_STATE_HEADERS);
  g_assert_cmpint (message->size, ==, strlen (f.messages[0]));
  g_clear_pointer (&message, tidings_store_message_free);

  /* Open it: the whole message arrives and, with "delete", leaves the server. */
  net_test_server_free (server);
  scenario_clear (&f.s);
  f.s.received = NULL;
  memset (f.marked, 0, sizeof f.marked);
  memset (f.deleted, 0, sizeof f.deleted);
  f.messages[1] = NULL;
  server = net_test_server_new (fake_pop3_serve, &f);
  g_clear_object (&download);
  settings.incoming.port = net_test_server_get_port (server);
  download = tidings_pop3_download_new (fx.store, fx.account, &settings, f.password);
  tidings_pop3_download_fetch_full_async (download, id, NULL, net_test_wait_cb, &w);
  r = net_test_wait (&w);
  g_assert_true (tidings_pop3_download_fetch_full_finish (download, r, &error));
  g_assert_no_error (error);
  net_test_server_free (server);
  message = tidings_store_get_message (fx.store, id, &error);
  g_assert_cmpint (message->body_state, ==, TIDINGS_BODY_STATE_FULL);
  raw = tidings_store_get_body (fx.store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (raw), ==, strlen (f.messages[0]));
  g_assert_true (f.deleted[0]);
  g_free ((char *) f.messages[0]);
  scenario_clear (&f.s);
  store_teardown (&fx);
}

typedef struct
{
  guint started;
  guint finished;
  guint errors;
  guint progress_calls;
  guint last_done;
  guint last_total;
  gboolean overlap;
  gboolean running;
} SchedulerSeen;

static void
on_check_started (TidingsPop3Scheduler *scheduler,
                  SchedulerSeen        *seen)
{
  if (seen->running)
    seen->overlap = TRUE;
  seen->running = TRUE;
  seen->started++;
}

static void
on_check_progress (TidingsPop3Scheduler *scheduler,
                   guint                 done,
                   guint                 total,
                   SchedulerSeen        *seen)
{
  seen->progress_calls++;
  seen->last_done = done;
  seen->last_total = total;
}

static void
on_check_finished (TidingsPop3Scheduler *scheduler,
                   GError               *error,
                   TidingsPop3Download  *download,
                   SchedulerSeen        *seen)
{
  seen->running = FALSE;
  seen->finished++;
  if (error != NULL)
    seen->errors++;
}

/* Start checks at once; "check now" during a check queues exactly one
 * more; the interval brings another; never two at once. */
static void
test_scheduler (void)
{
  StoreFixture fx;
  FakePop3 f;
  FakeMultiServer *server;
  TidingsAccountSettings settings;
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(TidingsPop3Scheduler) scheduler = NULL;
  SchedulerSeen seen = { 0 };
  gint64 deadline;

  store_setup (&fx);
  fake_init (&f);
  server = fake_multi_server_new (&f, 3);
  memset (&settings, 0, sizeof settings);
  settings.incoming.host = (char *) "127.0.0.1";
  settings.incoming.port = fake_multi_server_get_port (server);
  settings.incoming.security = TIDINGS_SECURITY_NONE;
  settings.incoming.user = (char *) f.user;
  settings.pop3_leave = TIDINGS_POP3_LEAVE_FOREVER;
  download = tidings_pop3_download_new (fx.store, fx.account, &settings, f.password);
  scheduler = tidings_pop3_scheduler_new (download, 0);
  g_signal_connect (scheduler, "check-started", G_CALLBACK (on_check_started), &seen);
  g_signal_connect (scheduler, "progress", G_CALLBACK (on_check_progress), &seen);
  g_signal_connect (scheduler, "check-finished", G_CALLBACK (on_check_finished), &seen);

  tidings_pop3_scheduler_start (scheduler);
  g_assert_true (tidings_pop3_scheduler_is_checking (scheduler));
  tidings_pop3_scheduler_check_now (scheduler);
  tidings_pop3_scheduler_check_now (scheduler);
  deadline = g_get_monotonic_time () + NET_TEST_WAIT_MS * 1000;
  while (seen.finished < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (seen.finished, ==, 2);
  g_assert_cmpuint (seen.errors, ==, 0);
  g_assert_false (seen.overlap);
  g_assert_cmpuint (seen.last_total, ==, 0);  /* the second check found nothing new */
  g_assert_cmpuint (seen.progress_calls, >=, 3);  /* 0/3, 3/3 (one batch), then 0/0 */
  g_assert_cmpuint (inbox_count (&fx), ==, 3);

  /* The interval (1 s here) brings a third check by itself. */
  tidings_pop3_scheduler_set_interval_seconds (scheduler, 1);
  deadline = g_get_monotonic_time () + NET_TEST_WAIT_MS * 1000;
  while (seen.finished < 3 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (seen.finished, ==, 3);
  tidings_pop3_scheduler_stop (scheduler);
  g_assert_cmpuint (tidings_pop3_scheduler_get_n_checks (scheduler), ==, 3);
  g_assert_false (seen.overlap);
  g_clear_object (&scheduler);
  fake_multi_server_free (server);
  scenario_clear (&f.s);
  store_teardown (&fx);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  g_test_add_func ("/pop3/client/session", test_session);
  g_test_add_func ("/pop3/client/wrong-password", test_wrong_password);
  g_test_add_func ("/pop3/client/apop", test_apop);
  g_test_add_func ("/pop3/client/auth-plain-tls", test_auth_plain_tls);
  g_test_add_func ("/pop3/client/stls", test_stls);
  g_test_add_func ("/pop3/client/stls-injection", test_stls_injection);
  g_test_add_func ("/pop3/client/stls-stripped", test_stls_stripped);
  g_test_add_func ("/pop3/client/stls-refused", test_stls_refused);
  g_test_add_func ("/pop3/check/no-uidl", test_no_uidl);
  g_test_add_func ("/pop3/check/drop-mid-retr", test_drop_mid_retr);
  g_test_add_func ("/pop3/check/wrong-password", test_wrong_password_check);
  g_test_add_func ("/pop3/check/headers-only", test_headers_only);
  g_test_add_func ("/pop3/check/scheduler", test_scheduler);
  return g_test_run ();
}
