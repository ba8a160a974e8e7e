/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The outbox sender against scripted servers: a refused recipient among
 * accepted ones (sent, plus a FAILED row for the refused one), 4xx (back in
 * the queue with a backoff), 5xx (FAILED with the server's words, then
 * "retry now"), and crash recovery of SENDING and DELIVERED rows. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tidings-engine.h"
#include "account/tidings-account-settings.h"
#include "account/tidings-outbox-sender.h"
#include "smtp-test-server.h"

#define USER "alice@example.test"
#define PASSWORD "outbox-pw"

typedef struct
{
  char                *dir;
  TidingsStore        *store;
  TidingsOutboxSender *sender;
  gint64               account;
  GPtrArray           *events;
} Fixture;

static void
on_sent (TidingsOutboxSender *sender,
         gint64               id,
         const char          *warning,
         Fixture             *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("sent %" G_GINT64_FORMAT " %s", id,
                                               warning ? warning : "-"));
}

static void
on_failed (TidingsOutboxSender *sender,
           gint64               id,
           gboolean             temporary,
           const char          *message,
           Fixture             *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("failed %" G_GINT64_FORMAT " %s %s", id,
                                               temporary ? "temporary" : "permanent", message));
}

static void
fixture_setup (Fixture *f,
               guint16  port)
{
  g_autoptr(TidingsAccountSettings) settings = tidings_account_settings_new ();
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GTlsDatabase) db = net_test_ca_database ();
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("tidings-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = tidings_store_open (f->dir, &error);
  g_assert_no_error (error);
  settings->smtp.host = g_strdup ("127.0.0.1");
  settings->smtp.port = port;
  settings->smtp.security = TIDINGS_SECURITY_TLS;
  settings->smtp.user = g_strdup (USER);
  settings->smtp.password_command = g_strdup ("printf '%s\\n' " PASSWORD);
  account->name = g_strdup ("Test");
  account->kind = g_strdup ("pop3");
  account->email = g_strdup (USER);
  account->settings = tidings_account_settings_to_json (settings);
  g_assert_true (tidings_store_add_account (f->store, account, &f->account, &error));
  g_assert_no_error (error);
  f->sender = tidings_outbox_sender_new (f->store);
  tidings_outbox_sender_set_tls_database (f->sender, db);
  f->events = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->sender, "sent", G_CALLBACK (on_sent), f);
  g_signal_connect (f->sender, "failed", G_CALLBACK (on_failed), f);
}

static void
fixture_teardown (Fixture *f)
{
  g_autofree char *quoted = g_shell_quote (f->dir);
  g_autofree char *cmd = g_strdup_printf ("rm -rf %s", quoted);

  g_clear_object (&f->sender);
  g_clear_object (&f->store);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (f->dir);
  g_ptr_array_unref (f->events);
}

static gint64
queue (Fixture            *f,
       const char * const *rcpts)
{
  const char *text = "From: alice@example.test\r\nSubject: outbox unit\r\n\r\nHello.\r\n";
  g_autoptr(GBytes) message = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (tidings_store_outbox_add (f->store, f->account, USER, rcpts, message, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
drain (Fixture *f,
       guint    expect_sent,
       guint    expect_failed)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  guint n_sent = 0;
  guint n_failed = 0;

  tidings_outbox_sender_drain_async (f->sender, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_outbox_sender_drain_finish (f->sender, result, &n_sent, &n_failed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_sent, ==, expect_sent);
  g_assert_cmpuint (n_failed, ==, expect_failed);
}

static guint
count_sent_copies (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 folder = 0;
  guint count = 0;

  g_assert_true (tidings_store_find_folder_by_role (f->store, f->account, TIDINGS_FOLDER_ROLE_SENT,
                                                    &folder, &error));
  if (folder == 0)
    return 0;
  g_assert_true (tidings_store_count_messages (f->store, folder, &count, &error));
  return count;
}

static void
test_rejected_recipient (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  Fixture f = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  TidingsStoreOutboxItem *item;
  const char *rcpts[] = { "ann@example.org", "bob@example.org", NULL };
  gint64 id;

  script.implicit_tls = TRUE;
  script.pipelining = TRUE;
  script.expect_rcpts = 2;
  script.user = USER;
  script.password = PASSWORD;
  script.reject_rcpt = "bob@example.org";
  server = smtp_test_server_start (&script);
  fixture_setup (&f, net_test_server_get_port (server));

  id = queue (&f, rcpts);
  drain (&f, 1, 0);
  net_test_server_free (server);
  g_assert_cmpuint (script.n_messages, ==, 1);

  g_assert_cmpuint (f.events->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f.events, 0), "sent "));
  g_assert_nonnull (strstr (g_ptr_array_index (f.events, 0), "refused the recipient bob@example.org"));
  /* The original row is gone; bob has a FAILED row of his own. */
  items = tidings_store_outbox_list (f.store, 0, &error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->id, !=, id);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_FAILED);
  g_assert_cmpstr (item->recipients[0], ==, "bob@example.org");
  g_assert_null (item->recipients[1]);
  g_assert_cmpstr (item->error, ==,
                   "The server 127.0.0.1 refused the recipient bob@example.org: 550 5.1.1 No such user");
  g_assert_cmpuint (count_sent_copies (&f), ==, 1);
  /* A POP3 account's Sent is a local folder "Sent", made when needed. */
  {
    gint64 folder = 0;

    g_assert_true (tidings_store_find_folder (f.store, f.account, "Sent", &folder, &error));
    g_assert_cmpint (folder, !=, 0);
  }
  fixture_teardown (&f);
  smtp_script_clear (&script);
}

static void
test_temporary (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  Fixture f = { 0 };
  g_autoptr(TidingsStoreOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  const char *rcpts[] = { "ann@example.org", NULL };
  gint64 id;
  gint64 now;

  script.implicit_tls = TRUE;
  script.user = USER;
  script.password = PASSWORD;
  script.data_reply = "451 4.3.0 Mail server temporarily rejected message";
  server = smtp_test_server_start (&script);
  fixture_setup (&f, net_test_server_get_port (server));

  id = queue (&f, rcpts);
  now = g_get_real_time () / G_USEC_PER_SEC;
  drain (&f, 0, 1);
  net_test_server_free (server);

  item = tidings_store_outbox_get (f.store, id, &error);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_QUEUED);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpint (item->next_attempt, >=, now + 60);
  g_assert_cmpint (item->next_attempt, <=, now + 62);
  g_assert_cmpstr (item->error, ==,
                   "The server 127.0.0.1 refused the message: 451 4.3.0 Mail server temporarily rejected message");
  g_assert_cmpuint (f.events->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f.events, 0), "failed 1 temporary The server"));
  g_assert_cmpuint (count_sent_copies (&f), ==, 0);
  /* Not due: nothing happens (no server is listening any more). */
  drain (&f, 0, 0);
  fixture_teardown (&f);
  smtp_script_clear (&script);
}

static void
test_permanent_then_retry (void)
{
  SmtpScript script = { 0 };
  SmtpScript script2 = { 0 };
  NetTestServer *server;
  Fixture f = { 0 };
  g_autoptr(TidingsStoreOutboxItem) item = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsAccountSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  const char *rcpts[] = { "ann@example.org", NULL };
  gint64 id;

  script.implicit_tls = TRUE;
  script.user = USER;
  script.password = PASSWORD;
  script.data_reply = "554 5.7.1 Message rejected as spam";
  server = smtp_test_server_start (&script);
  fixture_setup (&f, net_test_server_get_port (server));

  id = queue (&f, rcpts);
  drain (&f, 0, 1);
  net_test_server_free (server);
  item = tidings_store_outbox_get (f.store, id, &error);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_FAILED);
  g_assert_cmpstr (item->error, ==, "The server 127.0.0.1 refused the message: 554 5.7.1 Message rejected as spam");
  g_clear_pointer (&item, tidings_store_outbox_item_free);
  /* FAILED is final: a pass leaves it alone. */
  drain (&f, 0, 0);

  /* The person fixed it and asks again (the server moved, too). */
  script2.implicit_tls = TRUE;
  script2.user = USER;
  script2.password = PASSWORD;
  server = smtp_test_server_start (&script2);
  account = tidings_store_get_account (f.store, f.account, &error);
  settings = tidings_account_settings_from_json (account->settings, &error);
  settings->smtp.port = net_test_server_get_port (server);
  g_free (account->settings);
  account->settings = tidings_account_settings_to_json (settings);
  g_assert_true (tidings_store_update_account (f.store, account, &error));
  g_assert_true (tidings_outbox_sender_retry_now (f.sender, id, &error));
  g_assert_no_error (error);
  drain (&f, 1, 0);
  net_test_server_free (server);
  g_assert_cmpuint (script2.n_messages, ==, 1);
  g_assert_cmpuint (count_sent_copies (&f), ==, 1);
  fixture_teardown (&f);
  smtp_script_clear (&script);
  smtp_script_clear (&script2);
}

static void
test_recover (void)
{
  Fixture f = { 0 };
  g_autoptr(TidingsStoreOutboxItem) item = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  const char *rcpts[] = { "ann@example.org", NULL };
  gint64 sending;
  gint64 delivered;

  fixture_setup (&f, 1);
  sending = queue (&f, rcpts);
  delivered = queue (&f, rcpts);
  /* What a crash leaves behind. */
  g_assert_true (tidings_store_outbox_set_state (f.store, sending, TIDINGS_OUTBOX_STATE_SENDING, NULL, 0, &error));
  g_assert_true (tidings_store_outbox_set_state (f.store, delivered, TIDINGS_OUTBOX_STATE_DELIVERED, NULL, 0, &error));

  g_assert_true (tidings_outbox_sender_recover (f.sender, &error));
  g_assert_no_error (error);
  items = tidings_store_outbox_list (f.store, 0, &error);
  g_assert_cmpuint (items->len, ==, 1);
  item = tidings_store_outbox_get (f.store, sending, &error);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_QUEUED);
  g_assert_cmpuint (count_sent_copies (&f), ==, 1);
  g_assert_cmpuint (f.events->len, ==, 1);
  fixture_teardown (&f);
}

static void
on_idle (TidingsOutboxSender *sender,
         guint               *n_idle)
{
  (*n_idle)++;
}

/* Started, the sender needs no drain: wake() after queueing is enough. */
static void
test_started_wake (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  Fixture f = { 0 };
  const char *rcpts[] = { "ann@example.org", NULL };
  gint64 deadline;
  guint n_idle = 0;

  script.implicit_tls = TRUE;
  script.user = USER;
  script.password = PASSWORD;
  server = smtp_test_server_start (&script);
  fixture_setup (&f, net_test_server_get_port (server));
  g_signal_connect (f.sender, "idle", G_CALLBACK (on_idle), &n_idle);

  tidings_outbox_sender_start (f.sender);
  deadline = g_get_monotonic_time () + NET_TEST_WAIT_MS * 1000;
  while (n_idle == 0 && g_get_monotonic_time () < deadline)
    net_test_sleep_ms (5);
  g_assert_cmpuint (n_idle, ==, 1);
  g_assert_cmpuint (f.events->len, ==, 0);

  queue (&f, rcpts);
  tidings_outbox_sender_wake (f.sender);
  while (n_idle < 2 && g_get_monotonic_time () < deadline)
    net_test_sleep_ms (5);
  g_assert_cmpuint (n_idle, ==, 2);
  g_assert_cmpuint (f.events->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f.events, 0), "sent 1 -"));
  g_assert_false (tidings_outbox_sender_is_busy (f.sender));
  tidings_outbox_sender_stop (f.sender);
  net_test_server_free (server);
  g_assert_cmpuint (script.n_messages, ==, 1);
  g_assert_cmpuint (count_sent_copies (&f), ==, 1);
  fixture_teardown (&f);
  smtp_script_clear (&script);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  g_test_add_func ("/smtp/outbox/rejected-recipient", test_rejected_recipient);
  g_test_add_func ("/smtp/outbox/temporary", test_temporary);
  g_test_add_func ("/smtp/outbox/permanent-then-retry", test_permanent_then_retry);
  g_test_add_func ("/smtp/outbox/recover", test_recover);
  g_test_add_func ("/smtp/outbox/started-wake", test_started_wake);
  return g_test_run ();
}
