/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `sync` and `watch`: talking to the accounts' servers. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "tidings-cli-private.h"
#include "account/tidings-account-settings.h"
#include "account/tidings-credentials.h"
#include "account/tidings-imap-account.h"
#include "account/tidings-pop3-download.h"
#include "account/tidings-pop3-scheduler.h"
#include "net/tidings-net.h"

void
tidings_cli_wait_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

GAsyncResult *
tidings_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

/* Adds what a person can do about an error, where there is something. */
int
tidings_cli_fail_connection (const char   *account_name,
                             const GError *error)
{
  if (error->domain == TIDINGS_NET_ERROR
      && (error->code == TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED
          || error->code == TIDINGS_NET_ERROR_CERTIFICATE_CHANGED))
    return tidings_cli_fail (_("%s\nIf you trust this certificate, add the account again with "
                               "--accept-certificate and the SHA-256 fingerprint above."),
                             error->message);
  return tidings_cli_fail (_("%s: %s"), account_name, error->message);
}

/* The accounts a command works on: the named one, or every mail account. */
GPtrArray *
tidings_cli_mail_accounts (TidingsCli  *cli,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_account_free);

  if (name != NULL)
    {
      TidingsStoreAccount *account = NULL;

      if (!tidings_cli_find_account (cli, name, &account, error))
        return NULL;
      g_ptr_array_add (out, account);
      if (g_strcmp0 (account->kind, "imap") != 0 && g_strcmp0 (account->kind, "pop3") != 0)
        {
          g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID,
                       _("“%s” has no server to talk to."), name);
          return NULL;
        }
      return g_steal_pointer (&out);
    }
  all = tidings_store_list_accounts (cli->store, error);
  if (all == NULL)
    return NULL;
  for (guint i = 0; i < all->len; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (all, i);

      if (g_strcmp0 (account->kind, "imap") == 0 || g_strcmp0 (account->kind, "pop3") == 0)
        g_ptr_array_add (out, tidings_store_account_copy (account));
    }
  return g_steal_pointer (&out);
}

static void
progress_cb (TidingsImapAccount *account,
             const char         *folder,
             guint               done,
             guint               total,
             gpointer            user_data)
{
  const char *name = user_data;

  fprintf (stderr, "\r%s: %s %u/%u   ", name, folder, done, total);
  if (done == total)
    fprintf (stderr, "\n");
}

static void
pop3_progress_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  fprintf (stderr, "\r%s: %u/%u   %s", (const char *) user_data, done, total,
           done == total ? "\n" : "");
}

static void
add_stats_json (JsonBuilder                *builder,
                const char                 *name,
                const char                 *protocol,
                const TidingsImapSyncStats *stats)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, protocol);
  json_builder_set_member_name (builder, "folders");
  json_builder_add_int_value (builder, stats->n_folders);
  json_builder_set_member_name (builder, "new");
  json_builder_add_int_value (builder, stats->n_new);
  json_builder_set_member_name (builder, "changed");
  json_builder_add_int_value (builder, stats->n_changed);
  json_builder_set_member_name (builder, "vanished");
  json_builder_add_int_value (builder, stats->n_vanished);
  json_builder_set_member_name (builder, "bodies");
  json_builder_add_int_value (builder, stats->n_bodies);
  json_builder_set_member_name (builder, "bytes_received");
  json_builder_add_int_value (builder, (gint64) stats->bytes_received);
  json_builder_set_member_name (builder, "bytes_sent");
  json_builder_add_int_value (builder, (gint64) stats->bytes_sent);
  json_builder_set_member_name (builder, "elapsed_ms");
  json_builder_add_int_value (builder, (gint64) (stats->elapsed * 1000.0));
  json_builder_end_object (builder);
}

static gboolean
sync_imap (TidingsCli           *cli,
           TidingsStoreAccount  *account,
           const char           *folder,
           gboolean              bodies,
           gboolean              quiet,
           TidingsImapSyncStats *stats,
           GError              **error)
{
  g_autoptr(TidingsImapAccount) imap = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  imap = tidings_imap_account_new (cli->store, account->id, error);
  if (imap == NULL)
    return FALSE;
  if (!quiet)
    g_signal_connect (imap, "progress", G_CALLBACK (progress_cb), account->name);
  tidings_imap_account_sync_async (imap, folder, bodies ? TIDINGS_IMAP_SYNC_BODIES : TIDINGS_IMAP_SYNC_NONE,
                                   NULL, tidings_cli_wait_cb, &slot);
  result = tidings_cli_wait (&slot);
  return tidings_imap_account_sync_finish (imap, result, stats, error);
}

static char *
get_password (const TidingsServerSettings *server,
              GError                     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  tidings_credentials_get_password_async (server, NULL, tidings_cli_wait_cb, &slot);
  result = tidings_cli_wait (&slot);
  return tidings_credentials_get_password_finish (result, error);
}

TidingsPop3Download *
tidings_cli_new_pop3_download (TidingsCli           *cli,
                               TidingsStoreAccount  *account,
                               GError              **error)
{
  g_autoptr(TidingsAccountSettings) settings = NULL;
  TidingsPop3Download *download;
  char *password;

  settings = tidings_account_settings_from_json (account->settings, error);
  if (settings == NULL)
    return NULL;
  password = get_password (&settings->incoming, error);
  if (password == NULL)
    return NULL;
  download = tidings_pop3_download_new (cli->store, account->id, settings, password);
  tidings_credentials_free_password (password);
  return download;
}

static gboolean
sync_pop3 (TidingsCli           *cli,
           TidingsStoreAccount  *account,
           gboolean              quiet,
           TidingsImapSyncStats *stats,
           GError              **error)
{
  g_autoptr(TidingsPop3Download) download = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  download = tidings_cli_new_pop3_download (cli, account, error);
  if (download == NULL)
    return FALSE;
  if (!quiet)
    tidings_pop3_download_set_progress_func (download, pop3_progress_cb, g_strdup (account->name), g_free);
  tidings_pop3_download_run_async (download, NULL, tidings_cli_wait_cb, &slot);
  result = tidings_cli_wait (&slot);
  if (!tidings_pop3_download_run_finish (download, result, error))
    return FALSE;
  stats->n_folders = 1;
  stats->n_new = tidings_pop3_download_get_n_downloaded (download);
  stats->n_vanished = tidings_pop3_download_get_n_deleted (download);
  stats->elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (!quiet && tidings_pop3_download_get_limits_apply (download))
    fprintf (stderr, "%s\n", _("This server does not give messages lasting names (no UIDL): "
                               "messages with identical headers count as one, and each check "
                               "reads the headers of every message on the server."));
  return TRUE;
}

/* Brings the whole message from its server when only part is stored (IMAP
 * headers, POP3 headers-only). FALSE with @error when it cannot. */
gboolean
tidings_cli_fetch_full_body (TidingsCli                *cli,
                             const TidingsStoreMessage *message,
                             GError                   **error)
{
  g_autoptr(TidingsStoreFolder) folder = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  folder = tidings_store_get_folder (cli->store, message->folder_id, error);
  if (folder == NULL)
    return FALSE;
  account = tidings_store_get_account (cli->store, folder->account_id, error);
  if (account == NULL)
    return FALSE;
  if (g_strcmp0 (account->kind, "imap") == 0)
    {
      g_autoptr(TidingsImapAccount) imap = tidings_imap_account_new (cli->store, account->id, error);
      g_autoptr(GBytes) body = NULL;

      if (imap == NULL)
        return FALSE;
      tidings_imap_account_fetch_body_async (imap, message->id, NULL, tidings_cli_wait_cb, &slot);
      result = tidings_cli_wait (&slot);
      body = tidings_imap_account_fetch_body_finish (imap, result, error);
      return body != NULL;
    }
  if (g_strcmp0 (account->kind, "pop3") == 0)
    {
      g_autoptr(TidingsPop3Download) download = tidings_cli_new_pop3_download (cli, account, error);

      if (download == NULL)
        return FALSE;
      tidings_pop3_download_fetch_full_async (download, message->id, NULL, tidings_cli_wait_cb, &slot);
      result = tidings_cli_wait (&slot);
      return tidings_pop3_download_fetch_full_finish (download, result, error);
    }
  g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND,
               _("The body of message %" G_GINT64_FORMAT " is not on this computer."), message->id);
  return FALSE;
}

int
tidings_cli_cmd_sync (TidingsCli  *cli,
                      int          argc,
                      char       **argv)
{
  g_autofree char *folder = NULL;
  gboolean bodies = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, N_("Only this folder (IMAP)"), N_("FOLDER") },
    { "bodies", 0, 0, G_OPTION_ARG_NONE, &bodies, N_("Download every message body (IMAP)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the summary as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  int status = TIDINGS_CLI_EXIT_OK;

  if (!tidings_cli_parse_options (cli, "sync", _("[ACCOUNT] [--folder FOLDER] [--bodies] [--json]"),
                                  entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc > 2)
    return tidings_cli_usage_error ("sync", _("name one account, or none for all"));
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  accounts = tidings_cli_mail_accounts (cli, argc == 2 ? argv[1] : NULL, &error);
  if (accounts == NULL)
    return tidings_cli_fail_error (error);
  if (accounts->len == 0)
    return tidings_cli_fail (_("There are no mail accounts; add one with `tidings-cli account add`."));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (accounts, i);
      TidingsImapSyncStats stats = { 0 };
      gboolean ok;

      if (g_str_equal (account->kind, "imap"))
        ok = sync_imap (cli, account, folder, bodies, json, &stats, &error);
      else
        ok = sync_pop3 (cli, account, json, &stats, &error);
      if (!ok)
        {
          status = tidings_cli_fail_connection (account->name, error);
          g_clear_error (&error);
          continue;
        }
      if (json)
        add_stats_json (builder, account->name, account->kind, &stats);
      else if (g_str_equal (account->kind, "imap"))
        printf (_("%s: %u folders, %u new, %u changed, %u removed, %u bodies in %.1f s\n"),
                account->name, stats.n_folders, stats.n_new, stats.n_changed, stats.n_vanished,
                stats.n_bodies, stats.elapsed);
      else
        printf (_("%s: %u new, %u deleted from the server in %.1f s\n"),
                account->name, stats.n_new, stats.n_vanished, stats.elapsed);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (json)
    {
      root = json_builder_get_root (builder);
      tidings_cli_print_json (root);
    }
  return status;
}

/* watch ------------------------------------------------------------- */

typedef struct
{
  TidingsCli *cli;
  GMainLoop  *loop;
  int         status;
} Watch;

static void
message_event_cb (TidingsImapAccount *imap,
                  const char         *kind,
                  gint64              folder_id,
                  gint64              message_id,
                  guint               uid,
                  gpointer            user_data)
{
  Watch *watch = user_data;
  g_autoptr(TidingsStoreFolder) folder = tidings_store_get_folder (watch->cli->store, folder_id, NULL);
  const char *path = folder != NULL ? folder->path : "?";

  if (g_str_equal (kind, "vanished"))
    printf ("vanished %s %u\n", path, uid);
  else
    {
      g_autoptr(TidingsStoreMessage) message =
        tidings_store_get_message (watch->cli->store, message_id, NULL);

      printf ("%s %s %" G_GINT64_FORMAT " %u %s\n", kind, path, message_id, uid,
              message != NULL && message->subject != NULL ? message->subject : "");
    }
  fflush (stdout);
}

static void
state_changed_cb (TidingsImapAccount      *imap,
                  TidingsImapAccountState  state,
                  const char              *message,
                  gpointer                 user_data)
{
  fprintf (stderr, "%s: %s%s%s\n", tidings_imap_account_state_to_string (state),
           (const char *) g_object_get_data (G_OBJECT (imap), "name"),
           message != NULL ? ": " : "", message != NULL ? message : "");
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (((Watch *) user_data)->loop);
  return G_SOURCE_CONTINUE;
}

static void
free_name (gpointer  data,
           GClosure *closure)
{
  g_free (data);
}

static void
pop3_check_finished_cb (TidingsPop3Scheduler *scheduler,
                        const GError         *error,
                        TidingsPop3Download  *download,
                        gpointer              user_data)
{
  const char *name = user_data;
  guint n = download != NULL ? tidings_pop3_download_get_n_downloaded (download) : 0;

  if (error != NULL)
    fprintf (stderr, "%s: %s\n", name, error->message);
  else if (n > 0)
    {
      printf ("new %s %u\n", name, n);
      fflush (stdout);
    }
}

int
tidings_cli_cmd_watch (TidingsCli  *cli,
                       int          argc,
                       char       **argv)
{
  Watch watch = { cli, NULL, TIDINGS_CLI_EXIT_OK };
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GPtrArray) imaps = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) pop3s = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint sigint, sigterm;

  if (!tidings_cli_parse_options (cli, "watch", _("[ACCOUNT]"), NULL, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc > 2)
    return tidings_cli_usage_error ("watch", _("name one account, or none for all"));
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  accounts = tidings_cli_mail_accounts (cli, argc == 2 ? argv[1] : NULL, &error);
  if (accounts == NULL)
    return tidings_cli_fail_error (error);
  if (accounts->len == 0)
    return tidings_cli_fail (_("There are no mail accounts; add one with `tidings-cli account add`."));

  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (accounts, i);

      if (g_str_equal (account->kind, "imap"))
        {
          TidingsImapAccount *imap = tidings_imap_account_new (cli->store, account->id, &error);

          if (imap == NULL)
            return tidings_cli_fail_connection (account->name, error);
          g_object_set_data_full (G_OBJECT (imap), "name", g_strdup (account->name), g_free);
          g_signal_connect (imap, "message-event", G_CALLBACK (message_event_cb), &watch);
          g_signal_connect (imap, "state-changed", G_CALLBACK (state_changed_cb), NULL);
          g_ptr_array_add (imaps, imap);
          tidings_imap_account_start (imap);
        }
      else
        {
          g_autoptr(TidingsAccountSettings) settings = tidings_account_settings_from_json (account->settings, NULL);
          g_autoptr(TidingsPop3Download) download = tidings_cli_new_pop3_download (cli, account, &error);
          TidingsPop3Scheduler *scheduler;

          if (download == NULL)
            return tidings_cli_fail_connection (account->name, error);
          scheduler = tidings_pop3_scheduler_new (download, settings != NULL ? settings->pop3_check_minutes
                                                                             : TIDINGS_ACCOUNT_DEFAULT_POP3_CHECK_MINUTES);
          g_signal_connect_data (scheduler, "check-finished", G_CALLBACK (pop3_check_finished_cb),
                                 g_strdup (account->name), free_name, 0);
          g_ptr_array_add (pop3s, scheduler);
          tidings_pop3_scheduler_start (scheduler);
        }
    }

  watch.loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, quit_cb, &watch);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, &watch);
  g_main_loop_run (watch.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  for (guint i = 0; i < imaps->len; i++)
    tidings_imap_account_stop (g_ptr_array_index (imaps, i));
  for (guint i = 0; i < pop3s->len; i++)
    tidings_pop3_scheduler_stop (g_ptr_array_index (pop3s, i));
  g_main_loop_unref (watch.loop);
  return watch.status;
}
