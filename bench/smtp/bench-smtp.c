/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-smtp: send N messages through the outbox (store row, SMTP over
 * implicit TLS to the bed's Dovecot submission, DELIVERED, Sent copy, row
 * removed) against a raw SMTP floor over the same TLS (one session,
 * MAIL/RCPT/DATA with blocking GIO, nothing stored). Needs the test bed:
 *
 *   tests/fixtures/testbed.py run -- bench-smtp [--count N]
 *
 * The ratio outbox/floor is the last line. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tidings-engine.h"
#include "tidings-testbed.h"
#include "account/tidings-account-settings.h"
#include "account/tidings-outbox-sender.h"
#include "smtp/tidings-smtp.h"

static TidingsTestbed *bed;

static void
die_on_error (GError     *error,
              const char *what)
{
  if (error != NULL)
    {
      fprintf (stderr, "bench-smtp: %s: %s\n", what, error->message);
      exit (1);
    }
}

static GBytes *
make_message (guint i)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "From: Alice <%s>\r\nTo: Bob <%s>\r\nSubject: bench message %u\r\n"
                          "Message-ID: <bench.%u@tidings.test>\r\nDate: Sun, 22 Nov 2026 07:00:00 +0000\r\n"
                          "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
                          bed->users[0], bed->users[1], i, i);
  /* About 3 KB of body, with a line that needs stuffing. */
  for (guint l = 0; l < 40; l++)
    g_string_append_printf (s, "%sLine %u of message %u: the quick brown fox jumps over the lazy dog.\r\n",
                            l == 20 ? "." : "", l, i);
  return g_string_free_to_bytes (s);
}

/* Raw floor ------------------------------------------------------------------- */

typedef struct
{
  GIOStream        *tls;
  GDataInputStream *in;
  GOutputStream    *out;
} Raw;

static guint
raw_reply (Raw *raw)
{
  guint code = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line (raw->in, NULL, NULL, &error);

      die_on_error (error, "raw read");
      if (line == NULL || strlen (line) < 3)
        {
          fprintf (stderr, "bench-smtp: raw: connection closed\n");
          exit (1);
        }
      code = (guint) g_ascii_strtoull (line, NULL, 10);
      if (line[3] != '-')
        return code;
    }
}

static void
raw_write (Raw        *raw,
           const void *data,
           gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (raw->out, data, len, NULL, NULL, &error);
  die_on_error (error, "raw write");
}

static void
raw_expect (Raw   *raw,
            guint  code)
{
  guint got = raw_reply (raw);

  if (got != code)
    {
      fprintf (stderr, "bench-smtp: raw: expected %u, got %u\n", code, got);
      exit (1);
    }
}

static double
run_floor (GPtrArray *stuffed)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GTlsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *envelope = NULL;
  Raw raw = { 0 };
  gint64 start = g_get_monotonic_time ();

  tcp = g_socket_client_connect_to_host (client, bed->host, bed->smtps_port, NULL, &error);
  die_on_error (error, "raw connect");
  identity = g_network_address_new (bed->host, bed->smtps_port);
  raw.tls = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, &error);
  die_on_error (error, "raw tls");
  db = tidings_testbed_tls_database (bed, &error);
  die_on_error (error, "raw ca");
  g_tls_connection_set_database (G_TLS_CONNECTION (raw.tls), db);
  g_tls_connection_handshake (G_TLS_CONNECTION (raw.tls), NULL, &error);
  die_on_error (error, "raw handshake");
  raw.in = g_data_input_stream_new (g_io_stream_get_input_stream (raw.tls));
  g_data_input_stream_set_newline_type (raw.in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  raw.out = g_io_stream_get_output_stream (raw.tls);

  raw_expect (&raw, 220);
  raw_write (&raw, "EHLO [127.0.0.1]\r\n", 18);
  raw_expect (&raw, 250);
  plain = g_strdup_printf ("%c%s%c%s", 0, bed->users[0], 0, bed->passwords[0]);
  b64 = g_base64_encode ((guchar *) plain, 2 + strlen (bed->users[0]) + strlen (bed->passwords[0]));
  auth = g_strdup_printf ("AUTH PLAIN %s\r\n", b64);
  raw_write (&raw, auth, strlen (auth));
  raw_expect (&raw, 235);
  envelope = g_strdup_printf ("MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\n", bed->users[0], bed->users[1]);
  for (guint i = 0; i < stuffed->len; i++)
    {
      GBytes *data = g_ptr_array_index (stuffed, i);

      raw_write (&raw, envelope, strlen (envelope));
      raw_expect (&raw, 250);
      raw_expect (&raw, 250);
      raw_write (&raw, "DATA\r\n", 6);
      raw_expect (&raw, 354);
      raw_write (&raw, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
      raw_expect (&raw, 250);
    }
  raw_write (&raw, "QUIT\r\n", 6);
  raw_reply (&raw);
  g_io_stream_close (raw.tls, NULL, NULL);
  g_object_unref (raw.in);
  g_object_unref (raw.tls);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* Outbox ------------------------------------------------------------------------ */

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static double
run_outbox (GPtrArray *messages,
            double    *out_queue_seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-smtp-XXXXXX", &error);
  g_autoptr(TidingsStore) store = NULL;
  g_autoptr(TidingsOutboxSender) sender = NULL;
  g_autoptr(TidingsAccountSettings) settings = tidings_account_settings_new ();
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *cmd = NULL;
  const char *rcpts[] = { bed->users[1], NULL };
  gint64 account_id = 0;
  guint n_sent = 0;
  guint n_failed = 0;
  gint64 start;
  double seconds;

  die_on_error (error, "tmp dir");
  store = tidings_store_open (dir, &error);
  die_on_error (error, "store");
  settings->smtp.host = g_strdup (bed->host);
  settings->smtp.port = bed->smtps_port;
  settings->smtp.security = TIDINGS_SECURITY_TLS;
  settings->smtp.user = g_strdup (bed->users[0]);
  settings->smtp.password_command = g_strdup_printf ("printf '%%s\\n' '%s'", bed->passwords[0]);
  account->name = g_strdup ("Bench");
  account->kind = g_strdup ("imap");
  account->email = g_strdup (bed->users[0]);
  account->settings = tidings_account_settings_to_json (settings);
  tidings_store_add_account (store, account, &account_id, &error);
  die_on_error (error, "account");
  tidings_store_set_pin (store, account_id, bed->host, bed->smtps_port, bed->cert_sha256, &error);
  die_on_error (error, "pin");

  start = g_get_monotonic_time ();
  tx = tidings_store_transaction_begin (store, &error);
  die_on_error (error, "begin");
  for (guint i = 0; i < messages->len; i++)
    {
      tidings_store_outbox_add (store, account_id, bed->users[0], rcpts,
                                g_ptr_array_index (messages, i), NULL, &error);
      die_on_error (error, "queue");
    }
  tidings_store_transaction_commit (tx, &error);
  die_on_error (error, "commit");
  *out_queue_seconds = (g_get_monotonic_time () - start) / 1e6;

  sender = tidings_outbox_sender_new (store);
  start = g_get_monotonic_time ();
  tidings_outbox_sender_drain_async (sender, NULL, drained_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  tidings_outbox_sender_drain_finish (sender, result, &n_sent, &n_failed, &error);
  die_on_error (error, "drain");
  seconds = (g_get_monotonic_time () - start) / 1e6;
  if (n_sent != messages->len || n_failed != 0)
    {
      fprintf (stderr, "bench-smtp: outbox sent %u, failed %u of %u\n", n_sent, n_failed, messages->len);
      exit (1);
    }
  g_clear_object (&sender);
  g_clear_object (&store);
  quoted = g_shell_quote (dir);
  cmd = g_strdup_printf ("rm -rf %s", quoted);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  return seconds;
}

int
main (int   argc,
      char *argv[])
{
  gint count = 1000;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Messages to send each way", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- SMTP outbox against a raw floor");
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) stuffed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) arrived = NULL;
  double floor_s;
  double outbox_s;
  double queue_s = 0;
  gsize bytes = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || count <= 0)
    {
      fprintf (stderr, "bench-smtp: %s\n", error != NULL ? error->message : "bad arguments");
      return 2;
    }
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();
  for (guint i = 0; i < (guint) count; i++)
    {
      GBytes *m = make_message (i);

      bytes += g_bytes_get_size (m);
      g_ptr_array_add (stuffed, tidings_smtp_dot_stuff (m));
      g_ptr_array_add (messages, m);
    }

  floor_s = run_floor (stuffed);
  outbox_s = run_outbox (messages, &queue_s);
  arrived = tidings_testbed_smtp_wait (bed, 2 * count, 120000, &error);
  die_on_error (error, "server count");

  printf ("messages:        %d each way, %.1f KB each, server got %u\n", count,
          bytes / 1024.0 / count, arrived->len);
  printf ("raw SMTP floor:  %.3f s  (%.0f msg/s)\n", floor_s, count / floor_s);
  printf ("outbox queueing: %.3f s  (one transaction)\n", queue_s);
  printf ("outbox sending:  %.3f s  (%.0f msg/s; DELIVERED + Sent copy committed per message)\n",
          outbox_s, count / outbox_s);
  printf ("ratio outbox/floor: %.2f\n", outbox_s / floor_s);
  tidings_testbed_unref (bed);
  return 0;
}
