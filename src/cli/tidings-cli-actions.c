/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `flag`, `move`, `copy`, `delete`: user actions. Each is written to the
 * store first (with its operation for the server, in one transaction), then
 * the account's server is told at once unless --offline or unreachable: a
 * queued action waits for the next sync, it is never lost. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-cli-private.h"
#include "account/tidings-imap-account.h"
#include "account/tidings-mail-actions.h"

static gboolean
parse_message_id (const char *text,
                  gint64     *out_id)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *out_id = (gint64) value;
  return TRUE;
}

/* The message and its account; a clear error when there is none. */
static TidingsStoreMessage *
get_message (TidingsCli           *cli,
             gint64                id,
             TidingsStoreAccount **out_account,
             GError              **error)
{
  g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (cli->store, id, NULL);
  g_autoptr(TidingsStoreFolder) folder = NULL;

  if (message == NULL)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND,
                   _("There is no message %" G_GINT64_FORMAT "."), id);
      return NULL;
    }
  folder = tidings_store_get_folder (cli->store, message->folder_id, error);
  if (folder == NULL)
    return NULL;
  *out_account = tidings_store_get_account (cli->store, folder->account_id, error);
  if (*out_account == NULL)
    return NULL;
  return g_steal_pointer (&message);
}

/* Tells the server now: a sync pass of @folder_path replays the queue
 * first. Failure to reach the server is not a failure of the action. */
static void
push_to_server (TidingsCli          *cli,
                TidingsStoreAccount *account,
                const char          *folder_path,
                gboolean             offline)
{
  g_autoptr(TidingsImapAccount) imap = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  if (g_strcmp0 (account->kind, "imap") != 0)
    return;
  if (offline)
    {
      printf (_("Saved; it goes to the server at the next sync.\n"));
      return;
    }
  imap = tidings_imap_account_new (cli->store, account->id, &error);
  if (imap != NULL)
    {
      tidings_imap_account_sync_async (imap, folder_path, TIDINGS_IMAP_SYNC_NO_BODIES, NULL,
                                       tidings_cli_wait_cb, &slot);
      result = tidings_cli_wait (&slot);
      if (tidings_imap_account_sync_finish (imap, result, NULL, &error))
        return;
    }
  fprintf (stderr, _("tidings-cli: %s could not be reached (%s). The change is saved here and goes "
                     "to the server at the next sync.\n"), account->name, error->message);
}

static gboolean
parse_flag (const char  *spec,
            gboolean    *out_add,
            guint       *out_flag,
            char       **out_keyword)
{
  static const struct { const char *name; guint flag; } names[] = {
    { "seen", TIDINGS_MESSAGE_FLAG_SEEN },
    { "flagged", TIDINGS_MESSAGE_FLAG_FLAGGED },
    { "answered", TIDINGS_MESSAGE_FLAG_ANSWERED },
    { "deleted", TIDINGS_MESSAGE_FLAG_DELETED },
    { "draft", TIDINGS_MESSAGE_FLAG_DRAFT },
  };

  if (spec[0] != '+' && spec[0] != '-')
    return FALSE;
  *out_add = spec[0] == '+';
  spec++;
  *out_flag = 0;
  *out_keyword = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (spec, names[i].name) == 0)
      {
        *out_flag = names[i].flag;
        return TRUE;
      }
  if (*spec == '\0' || *spec == '\\')
    return FALSE;
  *out_keyword = g_strdup (spec);
  return TRUE;
}

static gboolean offline_option = FALSE;
static const GOptionEntry offline_entries[] = {
  { "offline", 0, 0, G_OPTION_ARG_NONE, &offline_option,
    N_("Only change it here; the server learns at the next sync"), NULL },
  { NULL }
};

int
tidings_cli_cmd_flag (TidingsCli  *cli,
                      int          argc,
                      char       **argv)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsStoreFolder) folder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keyword = NULL;
  gboolean add;
  guint flag;
  gint64 id;
  gboolean ok;

  if (!tidings_cli_parse_options (cli, "flag", _("ID (+|-)(seen|flagged|answered|deleted|draft|KEYWORD)"),
                                  offline_entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 3 || !parse_message_id (argv[1], &id))
    return tidings_cli_usage_error ("flag", _("give a message ID and a flag like +seen or -flagged"));
  if (!parse_flag (argv[2], &add, &flag, &keyword))
    return tidings_cli_usage_error ("flag", _("“%s” is not a flag; say e.g. +seen, -flagged or +Work"), argv[2]);
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  message = get_message (cli, id, &account, &error);
  if (message == NULL)
    return tidings_cli_fail_error (error);

  if (keyword != NULL)
    {
      const char *words[] = { keyword, NULL };

      ok = tidings_mail_actions_change_keywords (cli->store, &id, 1, add ? words : NULL,
                                                 add ? NULL : words, &error);
    }
  else
    ok = tidings_mail_actions_change_flags (cli->store, &id, 1, add ? flag : 0, add ? 0 : flag, &error);
  if (!ok)
    return tidings_cli_fail_error (error);
  folder = tidings_store_get_folder (cli->store, message->folder_id, NULL);
  push_to_server (cli, account, folder != NULL ? folder->path : NULL, offline_option);
  return TIDINGS_CLI_EXIT_OK;
}

/* move and copy share their arguments. */
static int
move_or_copy (TidingsCli  *cli,
              const char  *command,
              gboolean     copy,
              int          argc,
              char       **argv)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsStoreFolder) source = NULL;
  g_autoptr(TidingsStoreFolder) dest = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  gint64 dest_id = 0;

  if (!tidings_cli_parse_options (cli, command, _("ID FOLDER"), offline_entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 3 || !parse_message_id (argv[1], &id))
    return tidings_cli_usage_error (command, _("give a message ID and a folder"));
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  message = get_message (cli, id, &account, &error);
  if (message == NULL)
    return tidings_cli_fail_error (error);
  /* The folder is looked for in the message's own account first. */
  if (!tidings_store_find_folder (cli->store, account->id, argv[2], &dest_id, &error))
    return tidings_cli_fail_error (error);
  if (dest_id == 0 && !tidings_cli_resolve_folder (cli, argv[2], &dest_id, &error))
    return tidings_cli_fail_error (error);
  source = tidings_store_get_folder (cli->store, message->folder_id, &error);
  dest = tidings_store_get_folder (cli->store, dest_id, &error);
  if (source == NULL || dest == NULL)
    return tidings_cli_fail_error (error);

  if (copy)
    {
      g_autoptr(GArray) new_ids = NULL;

      if (!tidings_mail_actions_copy (cli->store, &id, 1, dest_id, &new_ids, &error))
        return tidings_cli_fail_error (error);
      if (new_ids != NULL && new_ids->len > 0)
        printf (_("Copied to %s as message %" G_GINT64_FORMAT ".\n"), dest->path,
                g_array_index (new_ids, gint64, 0));
    }
  else
    {
      g_autoptr(TidingsMailUndo) undo = tidings_mail_actions_move (cli->store, &id, 1, dest_id, &error);

      if (undo == NULL)
        return tidings_cli_fail_error (error);
      printf (_("Moved to %s.\n"), dest->path);
    }
  push_to_server (cli, account, source->path, offline_option);
  /* The destination learns its new UIDs from the replay; a pass over it
   * brings what the server did there. */
  if (!offline_option)
    push_to_server (cli, account, dest->path, FALSE);
  return TIDINGS_CLI_EXIT_OK;
}

int
tidings_cli_cmd_move (TidingsCli  *cli,
                      int          argc,
                      char       **argv)
{
  return move_or_copy (cli, "move", FALSE, argc, argv);
}

int
tidings_cli_cmd_copy (TidingsCli  *cli,
                      int          argc,
                      char       **argv)
{
  return move_or_copy (cli, "copy", TRUE, argc, argv);
}

int
tidings_cli_cmd_delete (TidingsCli  *cli,
                        int          argc,
                        char       **argv)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsStoreFolder) folder = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!tidings_cli_parse_options (cli, "delete", _("ID"), offline_entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 2 || !parse_message_id (argv[1], &id))
    return tidings_cli_usage_error ("delete", _("give a message ID"));
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  message = get_message (cli, id, &account, &error);
  if (message == NULL)
    return tidings_cli_fail_error (error);
  folder = tidings_store_get_folder (cli->store, message->folder_id, &error);
  if (folder == NULL)
    return tidings_cli_fail_error (error);
  undo = tidings_mail_actions_delete (cli->store, &id, 1, &error);
  if (undo == NULL)
    return tidings_cli_fail_error (error);
  if (tidings_mail_undo_get_n_deleted (undo) > 0)
    printf (_("Deleted for good.\n"));
  else
    printf (_("Moved to the Trash.\n"));
  push_to_server (cli, account, folder->path, offline_option);
  return TIDINGS_CLI_EXIT_OK;
}
