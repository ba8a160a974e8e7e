/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-pop3 (P4): download N messages from the test bed's Dovecot over
 * POP3S, deleting them after download, three ways on the same mailbox:
 *
 *   tidings    one check (tidings_pop3_download) into a fresh store: each
 *              message committed with its UIDL (synchronous=FULL) before
 *              its DELE
 *   fetchmail  Debian's fetchmail, --nokeep, delivering to one BSMTP
 *              (mbox-like) file, certificate checked against the bed's CA
 *   floor      RETR + DELE over the same TLS with blocking GIO calls,
 *              bytes discarded
 *
 *   bench-pop3 --gen GEN_MAILBOX [--count N] [--fetchmail PATH]   (under with_testbed)
 *
 * The mailbox is refilled with the same generated messages before each
 * run. The last line carries the ratios. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "account/tidings-pop3-download.h"
#include "tidings-engine.h"
#include "tidings-testbed.h"

static TidingsTestbed *bed;
static const char *user;
static const char *gen_mailbox;
static int count = 10000;
static guint64 total_bytes;

static void
refill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n = g_strdup_printf ("%d", count);
  const char *argv[] = { gen_mailbox, "-n", n, "--seed", "4", "--bed-user", user, NULL };
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *out = tidings_testbed_doveadm (bed, &error, "expunge", "-u", user, "mailbox", "INBOX", "all", NULL);

  g_assert_no_error (error);
  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (p, NULL, &error));
  g_assert_cmpint (tidings_testbed_status (bed, user, NULL, "messages", NULL), ==, count);
}

static void
assert_empty (const char *who)
{
  gint64 left = tidings_testbed_status (bed, user, NULL, "messages", NULL);

  if (left != 0)
    g_error ("%s left %" G_GINT64_FORMAT " messages on the server", who, left);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static double
run_tidings (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-pop3-XXXXXX", &error);
  g_autoptr(TidingsStore) store = tidings_store_open (dir, &error);
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(TidingsPop3Download) download = NULL;
  g_autoptr(GTlsDatabase) db = tidings_testbed_tls_database (bed, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *cmd = NULL;
  TidingsAccountSettings settings;
  gint64 account_id = 0;
  gint64 start;
  double seconds;

  g_assert_no_error (error);
  account->name = g_strdup ("bench");
  account->kind = g_strdup ("pop3");
  g_assert_true (tidings_store_add_account (store, account, &account_id, &error));
  memset (&settings, 0, sizeof settings);
  settings.incoming.host = bed->host;
  settings.incoming.port = bed->pop3s_port;
  settings.incoming.security = TIDINGS_SECURITY_TLS;
  settings.incoming.user = (char *) user;
  settings.pop3_leave = TIDINGS_POP3_LEAVE_DELETE;
  download = tidings_pop3_download_new (store, account_id, &settings, tidings_testbed_password (bed, user));
  tidings_pop3_download_set_tls_database (download, db);

  start = g_get_monotonic_time ();
  tidings_pop3_download_run_async (download, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tidings_pop3_download_run_finish (download, result, &error));
  g_assert_no_error (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpuint (tidings_pop3_download_get_n_downloaded (download), ==, count);
  assert_empty ("tidings");
  g_clear_object (&store);
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
  return seconds;
}

static double
run_fetchmail (const char *fetchmail)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-pop3-fm-XXXXXX", &error);
  g_autofree char *rc = g_build_filename (dir, "fetchmailrc", NULL);
  g_autofree char *out = g_build_filename (dir, "mail.bsmtp", NULL);
  g_autofree char *rc_text = NULL;
  g_autofree char *port = g_strdup_printf ("%u", bed->pop3s_port);
  g_autofree char *cmd = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) p = NULL;
  gint64 start;
  double seconds;

  /* The password only in the rc file (mode 0600), as fetchmail wants. */
  rc_text = g_strdup_printf ("poll %s service %s protocol pop3 uidl\n"
                             "  user \"%s\" password \"%s\" ssl sslcertck sslcertfile \"%s\" sslcommonname localhost\n"
                             "  nokeep fetchall\n",
                             bed->host, port, user, tidings_testbed_password (bed, user), bed->ca_file);
  g_assert_true (g_file_set_contents (rc, rc_text, -1, &error));
  g_assert_cmpint (g_chmod (rc, 0600), ==, 0);
  g_subprocess_launcher_setenv (launcher, "HOME", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "FETCHMAILHOME", dir, TRUE);
  start = g_get_monotonic_time ();
  p = g_subprocess_launcher_spawn (launcher, &error, fetchmail, "-f", rc, "--bsmtp", out, "--silent",
                                   "--nosyslog", "--limit", "0", "--batchlimit", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (p, NULL, &error));
  seconds = (g_get_monotonic_time () - start) / 1e6;
  /* fetchmail: 0 = mail retrieved. */
  if (g_subprocess_get_exit_status (p) != 0)
    g_error ("fetchmail exited with %d", g_subprocess_get_exit_status (p));
  assert_empty ("fetchmail");
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
  return seconds;
}

static char *
floor_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
floor_command (GOutputStream    *out,
               GDataInputStream *in,
               const char       *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *reply = NULL;

  line = g_strconcat (command, "\r\n", NULL);
  g_assert_true (g_output_stream_write_all (out, line, strlen (line), NULL, NULL, &error));
  reply = floor_line (in);
  g_assert_true (g_str_has_prefix (reply, "+OK"));
}

static double
run_floor (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) raw = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTlsDatabase) db = tidings_testbed_tls_database (bed, NULL);
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GOutputStream *out;
  g_autofree char *greeting = NULL;
  g_autofree char *user_cmd = g_strdup_printf ("USER %s", user);
  g_autofree char *pass_cmd = g_strdup_printf ("PASS %s", tidings_testbed_password (bed, user));
  gint64 start = g_get_monotonic_time ();
  double seconds;

  raw = g_socket_client_connect_to_host (client, bed->host, bed->pop3s_port, NULL, &error);
  g_assert_no_error (error);
  identity = g_network_address_new (bed->host, bed->pop3s_port);
  tls = g_tls_client_connection_new (G_IO_STREAM (raw), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), db);
  g_assert_true (g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error));
  in = g_data_input_stream_new (g_io_stream_get_input_stream (tls));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 64 * 1024);
  out = g_io_stream_get_output_stream (tls);
  greeting = floor_line (in);
  floor_command (out, in, user_cmd);
  floor_command (out, in, pass_cmd);
  for (int i = 1; i <= count; i++)
    {
      g_autofree char *retr = g_strdup_printf ("RETR %d", i);
      g_autofree char *dele = g_strdup_printf ("DELE %d", i);

      floor_command (out, in, retr);
      for (;;)
        {
          g_autofree char *line = floor_line (in);

          if (strcmp (line, ".") == 0)
            break;
        }
      floor_command (out, in, dele);
    }
  floor_command (out, in, "QUIT");
  seconds = (g_get_monotonic_time () - start) / 1e6;
  assert_empty ("the floor");
  return seconds;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("- P4: POP3 download vs fetchmail and a raw floor");
  char *fetchmail = NULL;
  char *gen = NULL;
  const GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "messages (default 10000)", "N" },
    { "gen", 0, 0, G_OPTION_ARG_FILENAME, &gen, "gen-mailbox.py", "PATH" },
    { "fetchmail", 0, 0, G_OPTION_ARG_FILENAME, &fetchmail, "fetchmail (default: from PATH)", "PATH" },
    { NULL }
  };
  double t_tidings, t_fetchmail = 0, t_floor;
  g_autofree char *size = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || gen == NULL || count <= 0)
    {
      g_printerr ("%s\n", error ? error->message : "--gen is required");
      return 2;
    }
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();
  user = bed->users[0];
  gen_mailbox = gen;
  if (fetchmail == NULL)
    fetchmail = g_find_program_in_path ("fetchmail");

  refill ();
  {
    gint64 bytes = 0;
    g_autofree char *out = tidings_testbed_doveadm (bed, &error, "mailbox", "status", "-u", user, "vsize", "INBOX", NULL);

    if (out != NULL && strstr (out, "vsize=") != NULL)
      bytes = g_ascii_strtoll (strstr (out, "vsize=") + 6, NULL, 10);
    total_bytes = (guint64) bytes;
    g_clear_error (&error);
  }
  size = g_strdup_printf ("%.1f MB", total_bytes / 1e6);
  g_print ("P4: %d messages, %s, POP3S, delete after download\n", count, size);

  t_floor = run_floor ();
  g_print ("floor      %8.2f s  %8.0f msg/s\n", t_floor, count / t_floor);
  refill ();
  t_tidings = run_tidings ();
  g_print ("tidings    %8.2f s  %8.0f msg/s  (%.1f MB/s)\n", t_tidings, count / t_tidings,
           total_bytes / t_tidings / 1e6);
  if (fetchmail != NULL)
    {
      refill ();
      t_fetchmail = run_fetchmail (fetchmail);
      g_print ("fetchmail  %8.2f s  %8.0f msg/s\n", t_fetchmail, count / t_fetchmail);
    }
  else
    g_print ("fetchmail  not installed (apt-get install fetchmail)\n");

  if (t_fetchmail > 0)
    g_print ("P4 ratios: tidings/fetchmail %.2f (goal <= 0.5), tidings/floor %.2f (goal <= 1.3)\n",
             t_tidings / t_fetchmail, t_tidings / t_floor);
  else
    g_print ("P4 ratios: tidings/fetchmail n/a, tidings/floor %.2f (goal <= 1.3)\n", t_tidings / t_floor);
  tidings_testbed_unref (bed);
  g_free (fetchmail);
  g_free (gen);
  return 0;
}
