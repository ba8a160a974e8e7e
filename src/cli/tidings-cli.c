/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-cli: the engine without GTK, for scripts, tests and benchmarks. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-cli-private.h"

static const TidingsCliCommand commands[] = {
  { "account", N_("add NAME --email ADDR --protocol imap|pop3 --host HOST [OPTIONS] | list | remove NAME"),
    N_("Add, list or remove mail accounts"), tidings_cli_cmd_account },
  { "import",  N_("mbox FILE | maildir DIR [--folder NAME]"),
    N_("Import messages into Local Folders"), tidings_cli_cmd_import },
  { "export",  N_("mbox FOLDER FILE"),
    N_("Write a folder's messages to an mbox file"), tidings_cli_cmd_export },
  { "folders", "", N_("List accounts and their folders"), tidings_cli_cmd_folders },
  { "list",    N_("FOLDER [--json] [--limit N] [--offset N]"),
    N_("List a folder's messages, newest first"), tidings_cli_cmd_list },
  { "show",    N_("ID [--raw|--text|--json]"),
    N_("Show one message"), tidings_cli_cmd_show },
  { "search",  N_("QUERY [--server] [--json] [--folder FOLDER] [--limit N]"),
    N_("Search all messages (--server: ask the IMAP servers too)"), tidings_cli_cmd_search },
  { "sync",    N_("[ACCOUNT] [--folder FOLDER] [--bodies] [--json]"),
    N_("Bring the accounts up to date with their servers, once"), tidings_cli_cmd_sync },
  { "watch",   N_("[ACCOUNT]"),
    N_("Stay connected and print each change as it happens"), tidings_cli_cmd_watch },
  { "flag",    N_("ID (+|-)(seen|flagged|answered|deleted|draft|KEYWORD) [--offline]"),
    N_("Set or clear a flag"), tidings_cli_cmd_flag },
  { "move",    N_("ID FOLDER [--offline]"), N_("Move a message to a folder"), tidings_cli_cmd_move },
  { "copy",    N_("ID FOLDER [--offline]"), N_("Copy a message to a folder"), tidings_cli_cmd_copy },
  { "delete",  N_("ID [--offline]"),
    N_("Move a message to the Trash (in the Trash: delete it for good)"), tidings_cli_cmd_delete },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: tidings-cli [--data-dir DIR] COMMAND [ARGUMENTS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *synopsis = g_strdup_printf ("%s %s", commands[i].name, _(commands[i].args));
      fprintf (out, "  %-52s %s\n", synopsis, _(commands[i].summary));
    }
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  %-52s %s\n", "--data-dir DIR", _("Use this folder for the mail store"));
  fprintf (out, "  %-52s %s\n", "--version", _("Print the version"));
  fprintf (out, "\n%s\n", _("Exit status: 0 on success, 1 when the command failed, 2 for wrong arguments."));
}

TidingsStore *
tidings_cli_get_store (TidingsCli *cli)
{
  g_autoptr(GError) error = NULL;

  if (cli->store != NULL)
    return cli->store;

  cli->store = tidings_store_open (cli->data_dir, &error);
  if (cli->store == NULL)
    tidings_cli_fail_error (error);
  return cli->store;
}

gboolean
tidings_cli_parse_options (TidingsCli         *cli,
                           const char         *command,
                           const char         *parameter_string,
                           const GOptionEntry *entries,
                           int                *argc,
                           char             ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *param = g_strdup_printf ("%s %s", command, parameter_string);

  context = g_option_context_new (param);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      tidings_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
tidings_cli_fail (const char *format,
                  ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "tidings-cli: %s\n", message);
  return TIDINGS_CLI_EXIT_FAILED;
}

int
tidings_cli_fail_error (const GError *error)
{
  return tidings_cli_fail ("%s", error->message);
}

int
tidings_cli_usage_error (const char *command,
                         const char *format,
                         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "tidings-cli %s: %s\n", command, message);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, command))
      fprintf (stderr, "%s tidings-cli %s %s\n", _("Usage:"), command, _(commands[i].args));
  return TIDINGS_CLI_EXIT_USAGE;
}

void
tidings_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

char *
tidings_cli_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_time <= 0)
    return g_strdup ("-");
  dt = g_date_time_new_from_unix_local (unix_time);
  if (dt == NULL)
    return g_strdup ("-");
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

int
main (int    argc,
      char **argv)
{
  TidingsCli cli = { 0 };
  int first = 1;
  int status = TIDINGS_CLI_EXIT_USAGE;

  setlocale (LC_ALL, "");
  tidings_engine_init ();

  /* Global options come before the command word; everything after it
   * belongs to the command. */
  while (first < argc && argv[first][0] == '-')
    {
      const char *arg = argv[first];

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_help (stdout);
          return TIDINGS_CLI_EXIT_OK;
        }
      else if (g_str_equal (arg, "--version"))
        {
          printf ("tidings-cli %s\n", tidings_engine_version ());
          return TIDINGS_CLI_EXIT_OK;
        }
      else if (g_str_equal (arg, "--data-dir") && first + 1 < argc)
        {
          g_free (cli.data_dir);
          cli.data_dir = g_strdup (argv[first + 1]);
          first += 2;
        }
      else if (g_str_has_prefix (arg, "--data-dir="))
        {
          g_free (cli.data_dir);
          cli.data_dir = g_strdup (arg + strlen ("--data-dir="));
          first += 1;
        }
      else
        {
          fprintf (stderr, "tidings-cli: %s\n", _("unknown option; see tidings-cli --help"));
          g_free (cli.data_dir);
          return TIDINGS_CLI_EXIT_USAGE;
        }
    }

  if (first >= argc)
    {
      print_help (stderr);
      g_free (cli.data_dir);
      return TIDINGS_CLI_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, argv[first]))
        {
          status = commands[i].func (&cli, argc - first, argv + first);
          goto out;
        }
    }
  fprintf (stderr, "tidings-cli: ");
  fprintf (stderr, _("unknown command “%s”; see tidings-cli --help"), argv[first]);
  fprintf (stderr, "\n");

out:
  g_clear_object (&cli.store);
  g_free (cli.data_dir);
  return status;
}
