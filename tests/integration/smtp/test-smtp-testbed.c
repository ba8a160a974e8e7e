/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMTP against the test bed's real servers (Dovecot submission relaying to
 * Postfix's smtp-sink): STARTTLS and implicit TLS, a wrong password, the
 * outbox end to end with the sent copy for an IMAP and a POP3 account, the
 * server down (the message waits, then goes), and kill -9 right after the
 * server accepted a message: nothing is sent twice, the copy is made. */
#include "config.h"

#include "tidings-engine.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tidings-testbed.h"
#include "account/tidings-account-settings.h"
#include "account/tidings-outbox-sender.h"
#include "smtp/tidings-smtp.h"

#define WAIT_MS 30000

static TidingsTestbed *bed;
static guint n_accepted;   /* messages the bed's SMTP server has so far */

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;

  while (*slot == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no result within %d ms", WAIT_MS);
      g_main_context_iteration (NULL, FALSE);
      if (*slot == NULL)
        g_usleep (1000);
    }
  return g_steal_pointer (slot);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TidingsSmtpClient *
client_for (guint16          port,
            TidingsSecurity  security,
            const char      *password)
{
  g_autoptr(TidingsConnection) conn = tidings_connection_new (bed->host, port, security);
  g_autoptr(GTlsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  TidingsSmtpClient *client;

  db = tidings_testbed_tls_database (bed, &error);
  g_assert_no_error (error);
  tidings_connection_set_tls_database (conn, db);
  tidings_connection_set_timeout (conn, 20000);
  client = tidings_smtp_client_new (conn);
  tidings_smtp_client_set_credentials (client, bed->users[0], password);
  return client;
}

static GBytes *
make_message (const char *subject,
              const char *body)
{
  g_autofree char *text =
    g_strdup_printf ("From: Alice <%s>\r\nTo: Bob <%s>\r\nSubject: %s\r\n"
                     "Message-ID: <%s@tidings.test>\r\nDate: Sun, 22 Nov 2026 07:00:00 +0000\r\n"
                     "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
                     bed->users[0], bed->users[1], subject, subject, body);

  return g_bytes_new (text, strlen (text));
}

/* The newest accepted message, after waiting for @expected in all. */
static TidingsTestbedSmtpMessage *
wait_smtp (guint expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = tidings_testbed_smtp_wait (bed, expected, WAIT_MS, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, expected);
  return tidings_testbed_smtp_message_copy (g_ptr_array_index (all, all->len - 1));
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strstr_len (data, len, needle) != NULL;
}

static void
run_direct (guint16          port,
            TidingsSecurity  security,
            const char      *subject)
{
  g_autoptr(TidingsSmtpClient) client = client_for (port, security, bed->passwords[0]);
  g_autoptr(GBytes) message = make_message (subject, "Line one\r\n.dot line\r\nGrüße\r\n");
  g_autoptr(TidingsSmtpSendResult) sent = NULL;
  g_autoptr(TidingsTestbedSmtpMessage) got = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  GError *error = NULL;
  const char *rcpts[] = { bed->users[1], bed->users[2] != NULL ? bed->users[2] : bed->users[1], NULL };

  tidings_smtp_client_connect_async (client, NULL, store_result, &slot);
  result = wait_result (&slot);
  g_assert_true (tidings_smtp_client_connect_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (tidings_connection_is_encrypted (tidings_smtp_client_get_connection (client)));
  g_assert_true (tidings_smtp_client_get_capabilities (client)->extensions & TIDINGS_SMTP_EXT_PIPELINING);

  tidings_smtp_client_send_async (client, bed->users[0], rcpts, message, NULL, store_result, &slot);
  result = wait_result (&slot);
  sent = tidings_smtp_client_send_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sent->n_accepted, ==, 2);
  g_clear_object (&result);
  tidings_smtp_client_quit_async (client, NULL, store_result, &slot);
  result = wait_result (&slot);
  g_assert_true (tidings_smtp_client_quit_finish (client, result, NULL));

  got = wait_smtp (++n_accepted);
  g_assert_cmpstr (got->mail_from, ==, bed->users[0]);
  g_assert_cmpstr (got->auth_user, ==, bed->users[0]);
  g_assert_cmpstr (got->rcpt_to[0], ==, rcpts[0]);
  g_assert_true (bytes_contain (got->message, subject));
  /* Dot-stuffing undone by the server: the line arrives as it was. */
  g_assert_true (bytes_contain (got->message, "\r\n.dot line\r\n"));
  g_assert_true (bytes_contain (got->message, "Grüße"));
}

static void
test_starttls (void)
{
  run_direct (bed->smtp_port, TIDINGS_SECURITY_STARTTLS, "starttls-direct");
}

static void
test_implicit_tls (void)
{
  run_direct (bed->smtps_port, TIDINGS_SECURITY_TLS, "implicit-tls-direct");
}

static void
test_wrong_password (void)
{
  g_autoptr(TidingsSmtpClient) client = client_for (bed->smtps_port, TIDINGS_SECURITY_TLS, "not-the-password");
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  GError *error = NULL;

  tidings_smtp_client_connect_async (client, NULL, store_result, &slot);
  result = wait_result (&slot);
  g_assert_false (tidings_smtp_client_connect_finish (client, result, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_AUTHENTICATION);
  g_assert_false (tidings_smtp_error_is_temporary (error));
  g_assert_nonnull (strstr (error->message, "535"));
  g_clear_error (&error);
}

/* Outbox --------------------------------------------------------------------- */

typedef struct
{
  char         *dir;
  TidingsStore *store;
  gint64        imap_account;
  gint64        pop3_account;
  gint64        imap_sent;
} Fixture;

static gint64
add_account (TidingsStore *store,
             const char   *name,
             const char   *kind,
             guint16       port,
             TidingsSecurity security)
{
  g_autoptr(TidingsAccountSettings) settings = tidings_account_settings_new ();
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  settings->smtp.host = g_strdup (bed->host);
  settings->smtp.port = port;
  settings->smtp.security = security;
  settings->smtp.user = g_strdup (bed->users[0]);
  settings->smtp.password_command = g_strdup_printf ("printf '%%s\\n' '%s'", bed->passwords[0]);
  account->name = g_strdup (name);
  account->kind = g_strdup (kind);
  account->email = g_strdup (bed->users[0]);
  account->settings = tidings_account_settings_to_json (settings);
  g_assert_true (tidings_store_add_account (store, account, &id, &error));
  g_assert_no_error (error);
  /* The bed's certificate, accepted by the person once: its pin. */
  g_assert_true (tidings_store_set_pin (store, id, bed->host, port, bed->cert_sha256, &error));
  g_assert_no_error (error);
  return id;
}

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = tidings_store_open (f->dir, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f)
{
  g_autoptr(TidingsStoreFolder) sent = tidings_store_folder_new ();
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("tidings-smtp-XXXXXX", &error);
  g_assert_no_error (error);
  fixture_open (f);
  f->imap_account = add_account (f->store, "IMAP", "imap", bed->smtp_port, TIDINGS_SECURITY_STARTTLS);
  f->pop3_account = add_account (f->store, "POP3", "pop3", bed->smtps_port, TIDINGS_SECURITY_TLS);
  /* An IMAP account's folders come from the server; its Sent is there. */
  sent->account_id = f->imap_account;
  sent->path = g_strdup ("Sent");
  sent->name = g_strdup ("Sent");
  sent->role = TIDINGS_FOLDER_ROLE_SENT;
  g_assert_true (tidings_store_add_folder (f->store, sent, &f->imap_sent, &error));
  g_assert_no_error (error);
}

static void
rm_rf (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf ("rm -rf %s", quoted);

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

static void
fixture_teardown (Fixture *f)
{
  g_clear_object (&f->store);
  rm_rf (f->dir);
  g_free (f->dir);
}

static gint64
queue (Fixture    *f,
       gint64      account,
       const char *subject)
{
  g_autoptr(GBytes) message = make_message (subject, "Hello from the outbox.\r\n");
  g_autoptr(GError) error = NULL;
  const char *rcpts[] = { bed->users[1], NULL };
  gint64 id = 0;

  g_assert_true (tidings_store_outbox_add (f->store, account, bed->users[0], rcpts, message, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
drain (TidingsOutboxSender *sender,
       guint                expect_sent,
       guint                expect_failed)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  GError *error = NULL;
  guint n_sent = 0;
  guint n_failed = 0;

  tidings_outbox_sender_drain_async (sender, NULL, store_result, &slot);
  result = wait_result (&slot);
  g_assert_true (tidings_outbox_sender_drain_finish (sender, result, &n_sent, &n_failed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_sent, ==, expect_sent);
  g_assert_cmpuint (n_failed, ==, expect_failed);
}

static void
assert_sent_copy (Fixture    *f,
                  gint64      account,
                  const char *subject)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(TidingsStoreFolder) folder = NULL;
  gint64 folder_id = 0;
  gboolean found = FALSE;

  g_assert_true (tidings_store_find_folder_by_role (f->store, account, TIDINGS_FOLDER_ROLE_SENT,
                                                    &folder_id, &error));
  g_assert_cmpint (folder_id, !=, 0);
  folder = tidings_store_get_folder (f->store, folder_id, &error);
  g_assert_cmpstr (folder->path, ==, "Sent");
  messages = tidings_store_list_messages (f->store, folder_id, 0, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      TidingsStoreRow *row = g_ptr_array_index (messages, i);

      if (g_strcmp0 (row->subject, subject) == 0)
        {
          g_assert_false (found);
          found = TRUE;
          g_assert_true (row->flags & TIDINGS_MESSAGE_FLAG_SEEN);
        }
    }
  g_assert_true (found);
}

static guint
count_appends (Fixture *f,
               gint64   account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = tidings_store_list_operations (f->store, account, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < ops->len; i++)
    {
      TidingsStoreOperation *op = g_ptr_array_index (ops, i);

      if (g_strcmp0 (op->kind, "append") == 0)
        {
          g_assert_true (g_str_has_prefix (op->payload, "{\"message\": "));
          n++;
        }
    }
  return n;
}

static guint
outbox_size (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = tidings_store_outbox_list (f->store, 0, &error);

  g_assert_no_error (error);
  return items->len;
}

static void
test_outbox (void)
{
  Fixture f = { 0 };
  g_autoptr(TidingsOutboxSender) sender = NULL;
  g_autoptr(TidingsTestbedSmtpMessage) last = NULL;

  fixture_setup (&f);
  queue (&f, f.imap_account, "outbox-imap");
  queue (&f, f.pop3_account, "outbox-pop3");
  sender = tidings_outbox_sender_new (f.store);
  drain (sender, 2, 0);
  n_accepted += 2;
  last = wait_smtp (n_accepted);
  g_assert_cmpstr (last->mail_from, ==, bed->users[0]);

  g_assert_cmpuint (outbox_size (&f), ==, 0);
  assert_sent_copy (&f, f.imap_account, "outbox-imap");
  assert_sent_copy (&f, f.pop3_account, "outbox-pop3");
  /* IMAP: the copy also goes to the server's Sent, through the op queue. */
  g_assert_cmpuint (count_appends (&f, f.imap_account), ==, 1);
  g_assert_cmpuint (count_appends (&f, f.pop3_account), ==, 0);

  g_clear_object (&sender);
  fixture_teardown (&f);
}

typedef struct
{
  guint    failed;
  gboolean temporary;
  char    *message;
} FailedSeen;

static void
on_failed (TidingsOutboxSender *sender,
           gint64               id,
           gboolean             temporary,
           const char          *message,
           FailedSeen          *seen)
{
  seen->failed++;
  seen->temporary = temporary;
  g_free (seen->message);
  seen->message = g_strdup (message);
}

static void
test_server_down (void)
{
  Fixture f = { 0 };
  g_autoptr(TidingsOutboxSender) sender = NULL;
  g_autoptr(TidingsStoreOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  FailedSeen seen = { 0 };
  gint64 id;

  fixture_setup (&f);
  g_assert_true (tidings_testbed_stop_servers (bed, "smtp", FALSE, &error));
  g_assert_no_error (error);

  id = queue (&f, f.pop3_account, "server-down");
  sender = tidings_outbox_sender_new (f.store);
  g_signal_connect (sender, "failed", G_CALLBACK (on_failed), &seen);
  drain (sender, 0, 1);
  g_assert_cmpuint (seen.failed, ==, 1);
  g_assert_true (seen.temporary);
  g_test_message ("%s", seen.message);

  /* It waits, with the reason and a later attempt. */
  item = tidings_store_outbox_get (f.store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_QUEUED);
  g_assert_nonnull (item->error);
  g_assert_cmpint (item->next_attempt, >=, g_get_real_time () / G_USEC_PER_SEC + 50);
  g_assert_cmpuint (item->attempts, ==, 1);
  /* Not due yet: a pass sends nothing. */
  drain (sender, 0, 0);

  g_assert_true (tidings_testbed_start_servers (bed, "smtp", &error));
  g_assert_no_error (error);
  g_assert_true (tidings_outbox_sender_retry_now (sender, 0, &error));
  drain (sender, 1, 0);
  n_accepted++;
  {
    g_autoptr(TidingsTestbedSmtpMessage) got = wait_smtp (n_accepted);

    g_assert_true (bytes_contain (got->message, "server-down"));
  }
  g_assert_cmpuint (outbox_size (&f), ==, 0);
  assert_sent_copy (&f, f.pop3_account, "server-down");
  g_free (seen.message);
  g_clear_object (&sender);
  fixture_teardown (&f);
}

typedef struct
{
  guint sent;
  guint failed;
} Counts;

static void
count_sent (TidingsOutboxSender *sender, gint64 id, const char *warning, Counts *c)
{
  c->sent++;
}

static void
count_failed (TidingsOutboxSender *sender, gint64 id, gboolean temporary, const char *message, Counts *c)
{
  g_assert_true (temporary);
  c->failed++;
}

static void
wait_for (guint *counter,
          guint  value)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;

  while (*counter < value)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Started with a short backoff: the message goes by itself once the
 * server is back, nobody asks for a retry. */
static void
test_server_down_automatic (void)
{
  Fixture f = { 0 };
  g_autoptr(TidingsOutboxSender) sender = NULL;
  g_autoptr(GError) error = NULL;
  Counts c = { 0 };

  fixture_setup (&f);
  g_assert_true (tidings_testbed_stop_servers (bed, "smtp", TRUE, &error));
  g_assert_no_error (error);
  sender = tidings_outbox_sender_new (f.store);
  tidings_outbox_sender_set_backoff (sender, 1, 2);
  g_signal_connect (sender, "sent", G_CALLBACK (count_sent), &c);
  g_signal_connect (sender, "failed", G_CALLBACK (count_failed), &c);
  tidings_outbox_sender_start (sender);
  queue (&f, f.imap_account, "server-down-automatic");
  tidings_outbox_sender_wake (sender);
  wait_for (&c.failed, 2);   /* tried, waited, tried again */
  g_assert_cmpuint (c.sent, ==, 0);

  g_assert_true (tidings_testbed_start_servers (bed, "smtp", &error));
  g_assert_no_error (error);
  wait_for (&c.sent, 1);
  tidings_outbox_sender_stop (sender);
  n_accepted++;
  {
    g_autoptr(TidingsTestbedSmtpMessage) got = wait_smtp (n_accepted);

    g_assert_true (bytes_contain (got->message, "server-down-automatic"));
  }
  g_assert_cmpuint (outbox_size (&f), ==, 0);
  assert_sent_copy (&f, f.imap_account, "server-down-automatic");
  g_clear_object (&sender);
  fixture_teardown (&f);
}

static int
run_driver (const char *dir,
            gboolean    kill_after_delivered)
{
  g_autofree char *driver = g_build_filename (g_getenv ("TIDINGS_TEST_BUILDDIR"), "tests",
                                              "integration", "smtp", "smtp-outbox-driver", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_test (driver, G_FILE_TEST_IS_EXECUTABLE));
  if (kill_after_delivered)
    g_subprocess_launcher_setenv (launcher, "TIDINGS_TEST_KILL_AFTER_DELIVERED", "1", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, driver, dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  if (g_subprocess_get_if_signaled (process))
    return -g_subprocess_get_term_sig (process);
  return g_subprocess_get_exit_status (process);
}

static void
test_kill_after_delivered (void)
{
  Fixture f = { 0 };
  g_autoptr(TidingsStoreOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  gint64 id;

  fixture_setup (&f);
  id = queue (&f, f.imap_account, "kill-after-delivered");
  /* One read-write store per directory: the driver opens it now. */
  g_clear_object (&f.store);

  g_assert_cmpint (run_driver (f.dir, TRUE), ==, -SIGKILL);
  n_accepted++;
  {
    g_autoptr(TidingsTestbedSmtpMessage) got = wait_smtp (n_accepted);

    g_assert_true (bytes_contain (got->message, "kill-after-delivered"));
  }
  fixture_open (&f);
  item = tidings_store_outbox_get (f.store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_DELIVERED);
  g_assert_cmpuint (count_appends (&f, f.imap_account), ==, 0);
  g_clear_object (&f.store);

  /* Restart: the copy is made, nothing goes out again. */
  g_assert_cmpint (run_driver (f.dir, FALSE), ==, 0);
  fixture_open (&f);
  g_assert_cmpuint (outbox_size (&f), ==, 0);
  assert_sent_copy (&f, f.imap_account, "kill-after-delivered");
  g_assert_cmpuint (count_appends (&f, f.imap_account), ==, 1);
  /* Give a second send every chance to show up: it must not. */
  g_usleep (1500 * 1000);
  all = tidings_testbed_smtp_wait (bed, 0, WAIT_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, n_accepted);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();
  g_test_add_func ("/smtp/testbed/starttls", test_starttls);
  g_test_add_func ("/smtp/testbed/implicit-tls", test_implicit_tls);
  g_test_add_func ("/smtp/testbed/wrong-password", test_wrong_password);
  g_test_add_func ("/smtp/testbed/outbox", test_outbox);
  g_test_add_func ("/smtp/testbed/server-down", test_server_down);
  g_test_add_func ("/smtp/testbed/server-down-automatic", test_server_down_automatic);
  g_test_add_func ("/smtp/testbed/kill-after-delivered", test_kill_after_delivered);
  rc = g_test_run ();
  tidings_testbed_unref (bed);
  return rc;
}
