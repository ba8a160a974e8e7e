/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `account add|list|remove`: mail accounts in the store. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-cli-private.h"
#include "account/tidings-account-settings.h"
#include "net/tidings-net.h"

/* RFC 8314 ports, and the STARTTLS/plain ones. */
static guint16
default_port (const char      *protocol,
              TidingsSecurity  security)
{
  gboolean tls = security == TIDINGS_SECURITY_TLS;

  if (g_str_equal (protocol, "imap"))
    return tls ? 993 : 143;
  if (g_str_equal (protocol, "pop3"))
    return tls ? 995 : 110;
  return tls ? 465 : 587;   /* smtp */
}

/* Accepts "ab:cd:…" or plain hex, 32 bytes; returns lowercase hex. */
static char *
normalize_fingerprint (const char *text)
{
  GString *hex = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        {
          g_string_free (hex, TRUE);
          return NULL;
        }
      g_string_append_c (hex, g_ascii_tolower (*p));
    }
  if (hex->len != 64)
    {
      g_string_free (hex, TRUE);
      return NULL;
    }
  return g_string_free (hex, FALSE);
}

static gboolean
find_account (TidingsStore         *store,
              const char           *name,
              TidingsStoreAccount **out_account,
              GError              **error)
{
  g_autoptr(GPtrArray) accounts = tidings_store_list_accounts (store, error);

  *out_account = NULL;
  if (accounts == NULL)
    return FALSE;
  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (account->name, name) == 0)
        {
          *out_account = tidings_store_account_copy (account);
          return TRUE;
        }
    }
  return TRUE;
}

gboolean
tidings_cli_find_account (TidingsCli           *cli,
                          const char           *name,
                          TidingsStoreAccount **out_account,
                          GError              **error)
{
  if (!find_account (cli->store, name, out_account, error))
    return FALSE;
  if (*out_account == NULL)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND,
                   _("There is no account “%s”. `tidings-cli account list` lists them."), name);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char *email;
  char *protocol;
  char *host;
  int port;
  char *security;
  char *user;
  char *password_command;
  char *certificate;
  char *smtp_host;
  int smtp_port;
  char *smtp_security;
  char *smtp_user;
  char *smtp_password_command;
  char *smtp_certificate;
  char *sender_name;
  int offline_days;
  char *leave;
  int check_every;
  int headers_only_above;
} AddOptions;

static void
add_options_clear (AddOptions *o)
{
  g_free (o->email);
  g_free (o->protocol);
  g_free (o->host);
  g_free (o->security);
  g_free (o->user);
  g_free (o->password_command);
  g_free (o->certificate);
  g_free (o->smtp_host);
  g_free (o->smtp_security);
  g_free (o->smtp_user);
  g_free (o->smtp_password_command);
  g_free (o->smtp_certificate);
  g_free (o->sender_name);
  g_free (o->leave);
}

/* Fills @server from the options; FALSE (usage error printed) when wrong. */
static gboolean
set_server (TidingsServerSettings *server,
            const char            *protocol,
            const char            *host,
            int                    port,
            const char            *security,
            const char            *user,
            const char            *password_command,
            const char            *option_prefix)
{
  server->security = TIDINGS_SECURITY_TLS;
  if (security != NULL && !tidings_security_from_string (security, &server->security))
    {
      tidings_cli_usage_error ("account", _("--%ssecurity must be tls, starttls or none"),
                               option_prefix);
      return FALSE;
    }
  if (port < 0 || port > 65535)
    {
      tidings_cli_usage_error ("account", _("--%sport must be between 1 and 65535"),
                               option_prefix);
      return FALSE;
    }
  server->host = g_strdup (host);
  server->port = port > 0 ? (guint16) port : default_port (protocol, server->security);
  server->user = g_strdup (user);
  server->password_command = g_strdup (password_command);
  return TRUE;
}

static gboolean
parse_leave (const char             *text,
             TidingsAccountSettings *settings)
{
  guint64 days;

  if (g_str_has_prefix (text, "days:"))
    {
      if (!g_ascii_string_to_unsigned (text + 5, 10, 1, 3650, &days, NULL))
        return FALSE;
      settings->pop3_leave = TIDINGS_POP3_LEAVE_DAYS;
      settings->pop3_leave_days = (guint) days;
      return TRUE;
    }
  return !g_str_equal (text, "days")
         && tidings_pop3_leave_from_string (text, &settings->pop3_leave);
}

static int
account_add (TidingsCli  *cli,
             int          argc,
             char       **argv)
{
  AddOptions o = { .port = 0, .smtp_port = 0, .offline_days = -1, .check_every = -1,
                   .headers_only_above = -1 };
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &o.email, N_("The email address"), N_("ADDR") },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &o.protocol, N_("imap or pop3"), N_("PROTOCOL") },
    { "host", 0, 0, G_OPTION_ARG_STRING, &o.host, N_("Incoming mail server"), N_("HOST") },
    { "port", 0, 0, G_OPTION_ARG_INT, &o.port, N_("Its port (default from the protocol)"), N_("PORT") },
    { "security", 0, 0, G_OPTION_ARG_STRING, &o.security, N_("tls (default), starttls or none"), N_("SECURITY") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &o.user, N_("User name (default: the address)"), N_("USER") },
    { "password-command", 0, 0, G_OPTION_ARG_STRING, &o.password_command,
      N_("A command that prints the password"), N_("CMD") },
    { "accept-certificate", 0, 0, G_OPTION_ARG_STRING, &o.certificate,
      N_("Trust the server certificate with this SHA-256 fingerprint"), N_("SHA256") },
    { "smtp-host", 0, 0, G_OPTION_ARG_STRING, &o.smtp_host, N_("Outgoing (SMTP) server"), N_("HOST") },
    { "smtp-port", 0, 0, G_OPTION_ARG_INT, &o.smtp_port, N_("Its port (465 or 587 by default)"), N_("PORT") },
    { "smtp-security", 0, 0, G_OPTION_ARG_STRING, &o.smtp_security, N_("tls, starttls or none"), N_("SECURITY") },
    { "smtp-user", 0, 0, G_OPTION_ARG_STRING, &o.smtp_user, N_("SMTP user (default: the incoming one)"), N_("USER") },
    { "smtp-password-command", 0, 0, G_OPTION_ARG_STRING, &o.smtp_password_command,
      N_("SMTP password command (default: the incoming one)"), N_("CMD") },
    { "smtp-accept-certificate", 0, 0, G_OPTION_ARG_STRING, &o.smtp_certificate,
      N_("Trust the SMTP server certificate with this SHA-256 fingerprint"), N_("SHA256") },
    { "sender-name", 0, 0, G_OPTION_ARG_STRING, &o.sender_name, N_("Your name on sent mail"), N_("NAME") },
    { "offline-days", 0, 0, G_OPTION_ARG_INT, &o.offline_days,
      N_("IMAP: keep bodies of the last N days offline (default 30)"), N_("N") },
    { "leave-on-server", 0, 0, G_OPTION_ARG_STRING, &o.leave,
      N_("POP3: delete, days:N (default days:14), until-deleted or forever"), N_("POLICY") },
    { "check-every", 0, 0, G_OPTION_ARG_INT, &o.check_every,
      N_("POP3: minutes between checks (default 10, 0 = only when asked)"), N_("MIN") },
    { "headers-only-above", 0, 0, G_OPTION_ARG_INT, &o.headers_only_above,
      N_("POP3: download only headers of messages over this size"), N_("KB") },
    { NULL }
  };
  TidingsStore *store;
  g_autoptr(TidingsAccountSettings) settings = tidings_account_settings_new ();
  g_autoptr(TidingsStoreAccount) existing = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *smtp_pin = NULL;
  const char *name;
  gint64 id;
  int status = TIDINGS_CLI_EXIT_USAGE;

  if (!tidings_cli_parse_options (cli, "account add", _("NAME --email ADDR --protocol imap|pop3 --host HOST"),
                                  entries, &argc, &argv))
    goto out;
  if (argc != 2)
    {
      tidings_cli_usage_error ("account", _("give the account one name"));
      goto out;
    }
  name = argv[1];
  if (o.email == NULL || strchr (o.email, '@') == NULL)
    {
      tidings_cli_usage_error ("account", _("--email needs an address like ann@example.org"));
      goto out;
    }
  if (o.protocol == NULL || (!g_str_equal (o.protocol, "imap") && !g_str_equal (o.protocol, "pop3")))
    {
      tidings_cli_usage_error ("account", _("--protocol must be imap or pop3"));
      goto out;
    }
  if (o.host == NULL)
    {
      tidings_cli_usage_error ("account", _("--host is needed"));
      goto out;
    }
  if (!set_server (&settings->incoming, o.protocol, o.host, o.port, o.security,
                   o.user != NULL ? o.user : o.email, o.password_command, ""))
    goto out;
  if (o.smtp_host != NULL
      && !set_server (&settings->smtp, "smtp", o.smtp_host, o.smtp_port, o.smtp_security,
                      o.smtp_user != NULL ? o.smtp_user : settings->incoming.user,
                      o.smtp_password_command != NULL ? o.smtp_password_command : o.password_command,
                      "smtp-"))
    goto out;
  if (o.certificate != NULL && (pin = normalize_fingerprint (o.certificate)) == NULL)
    {
      tidings_cli_usage_error ("account", _("--accept-certificate needs a SHA-256 fingerprint (64 hex digits)"));
      goto out;
    }
  if (o.smtp_certificate != NULL && (smtp_pin = normalize_fingerprint (o.smtp_certificate)) == NULL)
    {
      tidings_cli_usage_error ("account", _("--smtp-accept-certificate needs a SHA-256 fingerprint (64 hex digits)"));
      goto out;
    }
  /* The same host usually shows the same certificate on every port. */
  if (smtp_pin == NULL && pin != NULL && o.smtp_host != NULL && g_str_equal (o.smtp_host, o.host))
    smtp_pin = g_strdup (pin);
  settings->sender_name = g_strdup (o.sender_name);
  if (o.offline_days >= 0)
    settings->imap_offline_days = (guint) o.offline_days;
  if (o.leave != NULL && !parse_leave (o.leave, settings))
    {
      tidings_cli_usage_error ("account", _("--leave-on-server must be delete, days:N, until-deleted or forever"));
      goto out;
    }
  if (o.check_every >= 0)
    settings->pop3_check_minutes = (guint) o.check_every;
  if (o.headers_only_above >= 0)
    settings->pop3_headers_only_above = (guint) o.headers_only_above;

  status = TIDINGS_CLI_EXIT_FAILED;
  if ((store = tidings_cli_get_store (cli)) == NULL)
    goto out;
  if (!find_account (store, name, &existing, &error))
    {
      tidings_cli_fail_error (error);
      goto out;
    }
  if (existing != NULL)
    {
      tidings_cli_fail (_("There is already an account “%s”."), name);
      goto out;
    }

  account = tidings_store_account_new ();
  account->name = g_strdup (name);
  account->kind = g_strdup (o.protocol);
  account->email = g_strdup (o.email);
  account->settings = tidings_account_settings_to_json (settings);
  tx = tidings_store_transaction_begin (store, &error);
  if (tx == NULL
      || !tidings_store_add_account (store, account, &id, &error)
      || (pin != NULL
          && !tidings_store_set_pin (store, id, settings->incoming.host, settings->incoming.port,
                                     pin, &error))
      || (smtp_pin != NULL
          && !tidings_store_set_pin (store, id, settings->smtp.host, settings->smtp.port,
                                     smtp_pin, &error))
      || !tidings_store_transaction_commit (tx, &error))
    {
      tidings_cli_fail_error (error);
      goto out;
    }
  printf (_("Added account “%s” (%s, %s:%u).\n"), name, o.protocol,
          settings->incoming.host, settings->incoming.port);
  status = TIDINGS_CLI_EXIT_OK;

out:
  add_options_clear (&o);
  return status;
}

static int
account_list (TidingsCli  *cli,
              int          argc,
              char       **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!tidings_cli_parse_options (cli, "account list", "[--json]", entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  accounts = tidings_store_list_accounts (cli->store, &error);
  if (accounts == NULL)
    return tidings_cli_fail_error (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr(TidingsAccountSettings) settings = NULL;
      const TidingsServerSettings *in;

      if (g_strcmp0 (account->kind, "local") == 0)
        continue;
      settings = tidings_account_settings_from_json (account->settings, &error);
      if (settings == NULL)
        return tidings_cli_fail_error (error);
      in = &settings->incoming;
      if (!json)
        {
          printf ("%-20s %-5s %-30s %s:%u (%s)", account->name, account->kind,
                  account->email != NULL ? account->email : "", in->host != NULL ? in->host : "-",
                  in->port, tidings_security_to_string (in->security));
          if (settings->smtp.host != NULL)
            printf ("  smtp %s:%u (%s)", settings->smtp.host, settings->smtp.port,
                    tidings_security_to_string (settings->smtp.security));
          printf ("\n");
          continue;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, account->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, account->name);
      json_builder_set_member_name (builder, "protocol");
      json_builder_add_string_value (builder, account->kind);
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, account->email);
      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, in->host);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, in->port);
      json_builder_set_member_name (builder, "security");
      json_builder_add_string_value (builder, tidings_security_to_string (in->security));
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, in->user);
      if (settings->smtp.host != NULL)
        {
          json_builder_set_member_name (builder, "smtp_host");
          json_builder_add_string_value (builder, settings->smtp.host);
          json_builder_set_member_name (builder, "smtp_port");
          json_builder_add_int_value (builder, settings->smtp.port);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (json)
    {
      root = json_builder_get_root (builder);
      tidings_cli_print_json (root);
    }
  return TIDINGS_CLI_EXIT_OK;
}

static int
account_remove (TidingsCli  *cli,
                int          argc,
                char       **argv)
{
  gboolean delete_local = FALSE;
  const GOptionEntry entries[] = {
    { "delete-local-mail", 0, 0, G_OPTION_ARG_NONE, &delete_local,
      N_("POP3: also delete the mail downloaded to this computer"), NULL },
    { NULL }
  };
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (!tidings_cli_parse_options (cli, "account remove", _("NAME [--delete-local-mail]"),
                                  entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 2)
    return tidings_cli_usage_error ("account", _("name the account to remove"));
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  if (!tidings_cli_find_account (cli, argv[1], &account, &error))
    return tidings_cli_fail_error (error);
  if (g_strcmp0 (account->kind, "local") == 0)
    return tidings_cli_fail (_("Local Folders cannot be removed."));
  /* POP3 mail exists only here: removing it needs the person's word. */
  if (g_strcmp0 (account->kind, "pop3") == 0 && !delete_local)
    return tidings_cli_fail (_("The mail of “%s” was downloaded to this computer and exists nowhere "
                               "else. To remove the account and that mail, add --delete-local-mail."),
                             account->name);
  if (!tidings_store_remove_account (cli->store, account->id, &error))
    return tidings_cli_fail_error (error);
  printf (_("Removed account “%s”.\n"), account->name);
  return TIDINGS_CLI_EXIT_OK;
}

int
tidings_cli_cmd_account (TidingsCli  *cli,
                         int          argc,
                         char       **argv)
{
  if (argc < 2)
    return tidings_cli_usage_error ("account", _("say add, list or remove"));
  if (g_str_equal (argv[1], "add"))
    return account_add (cli, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list"))
    return account_list (cli, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "remove"))
    return account_remove (cli, argc - 1, argv + 1);
  return tidings_cli_usage_error ("account", _("unknown action “%s”; say add, list or remove"), argv[1]);
}
