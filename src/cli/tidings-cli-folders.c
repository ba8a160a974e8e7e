/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `folders`, `list` and `search`: reading the store. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-cli-private.h"
#include "account/tidings-imap-account.h"

/* A folder is named by its id, its path, or ACCOUNT/PATH when the path
 * alone is ambiguous across accounts. */
gboolean
tidings_cli_resolve_folder (TidingsCli  *cli,
                            const char  *spec,
                            gint64      *out_folder_id,
                            GError     **error)
{
  TidingsStore *store = cli->store;
  g_autoptr(GPtrArray) accounts = NULL;
  gint64 found = 0;
  guint n_found = 0;
  char *end = NULL;
  gint64 as_id;

  as_id = g_ascii_strtoll (spec, &end, 10);
  if (end != spec && *end == '\0' && as_id > 0)
    {
      g_autoptr(TidingsStoreFolder) folder = tidings_store_get_folder (store, as_id, NULL);
      if (folder != NULL)
        {
          *out_folder_id = as_id;
          return TRUE;
        }
    }

  accounts = tidings_store_list_accounts (store, error);
  if (accounts == NULL)
    return FALSE;

  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (accounts, i);
      const char *path = spec;
      gint64 id = 0;
      gsize name_len = strlen (account->name);

      /* "Account Name/Folder/Path" names the account explicitly. */
      if (g_str_has_prefix (spec, account->name) && spec[name_len] == '/')
        path = spec + name_len + 1;
      if (!tidings_store_find_folder (store, account->id, path, &id, error))
        return FALSE;
      if (id != 0 && path != spec)
        {
          *out_folder_id = id;
          return TRUE;
        }
      if (id != 0)
        {
          found = id;
          n_found++;
        }
    }

  if (n_found == 1)
    {
      *out_folder_id = found;
      return TRUE;
    }
  if (n_found > 1)
    g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID,
                 _("Several accounts have a folder “%s”; name it as ACCOUNT/%s."), spec, spec);
  else
    g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND,
                 _("There is no folder “%s”. `tidings-cli folders` lists them."), spec);
  return FALSE;
}

int
tidings_cli_cmd_folders (TidingsCli  *cli,
                         int          argc,
                         char       **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  TidingsStore *store;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!tidings_cli_parse_options (cli, "folders", "", entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 1)
    return tidings_cli_usage_error ("folders", _("takes no arguments"));
  if ((store = tidings_cli_get_store (cli)) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;

  accounts = tidings_store_list_accounts (store, &error);
  if (accounts == NULL)
    return tidings_cli_fail_error (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < accounts->len; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr(GPtrArray) folders = tidings_store_list_folders (store, account->id, &error);

      if (folders == NULL)
        return tidings_cli_fail_error (error);

      if (json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, account->id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, account->name);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, account->kind);
          json_builder_set_member_name (builder, "folders");
          json_builder_begin_array (builder);
        }
      else
        printf ("%s (%s)\n", account->name, account->kind);

      for (guint j = 0; j < folders->len; j++)
        {
          TidingsStoreFolder *folder = g_ptr_array_index (folders, j);

          if (json)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "id");
              json_builder_add_int_value (builder, folder->id);
              json_builder_set_member_name (builder, "path");
              json_builder_add_string_value (builder, folder->path);
              json_builder_set_member_name (builder, "name");
              json_builder_add_string_value (builder, folder->name);
              json_builder_set_member_name (builder, "role");
              json_builder_add_string_value (builder, tidings_folder_role_to_string (folder->role));
              json_builder_set_member_name (builder, "total");
              json_builder_add_int_value (builder, folder->total_count);
              json_builder_set_member_name (builder, "unread");
              json_builder_add_int_value (builder, folder->unread_count);
              json_builder_end_object (builder);
            }
          else
            printf ("  %6" G_GINT64_FORMAT "  %-32s %7u messages, %7u unread\n",
                    folder->id, folder->path, folder->total_count, folder->unread_count);
        }

      if (json)
        {
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      tidings_cli_print_json (root);
    }
  else if (accounts->len == 0)
    printf ("%s\n", _("No accounts yet."));
  return TIDINGS_CLI_EXIT_OK;
}

static void
add_row_json (JsonBuilder           *builder,
              const TidingsStoreRow *row)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, row->id);
  json_builder_set_member_name (builder, "folder");
  json_builder_add_int_value (builder, row->folder_id);
  json_builder_set_member_name (builder, "thread");
  json_builder_add_int_value (builder, row->thread_id);
  json_builder_set_member_name (builder, "date");
  json_builder_add_int_value (builder, row->date);
  json_builder_set_member_name (builder, "from_name");
  json_builder_add_string_value (builder, row->from_name);
  json_builder_set_member_name (builder, "from_address");
  json_builder_add_string_value (builder, row->from_address);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, row->subject);
  json_builder_set_member_name (builder, "preview");
  json_builder_add_string_value (builder, row->preview);
  json_builder_set_member_name (builder, "seen");
  json_builder_add_boolean_value (builder, (row->flags & TIDINGS_MESSAGE_FLAG_SEEN) != 0);
  json_builder_set_member_name (builder, "flagged");
  json_builder_add_boolean_value (builder, (row->flags & TIDINGS_MESSAGE_FLAG_FLAGGED) != 0);
  json_builder_set_member_name (builder, "attachments");
  json_builder_add_boolean_value (builder, row->has_attachments);
  json_builder_end_object (builder);
}

/* printf's "%-24.24s" counts bytes and would cut a UTF-8 character in
 * half; cut and pad by terminal columns instead (wide characters, as in
 * CJK names, take two). */
static char *
fit_column (const char *text,
            guint       width)
{
  GString *out = g_string_new (NULL);
  guint used = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint w = g_unichar_iswide (c) ? 2 : (g_unichar_iszerowidth (c) ? 0 : 1);

      if (used + w > width)
        break;
      g_string_append_unichar (out, c);
      used += w;
    }
  for (; used < width; used++)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

static void
print_row (const TidingsStoreRow *row)
{
  g_autofree char *date = tidings_cli_format_date (row->date);
  const char *from = row->from_name && *row->from_name ? row->from_name : row->from_address;
  char marks[4] = {
    (row->flags & TIDINGS_MESSAGE_FLAG_SEEN) ? ' ' : 'N',
    (row->flags & TIDINGS_MESSAGE_FLAG_FLAGGED) ? '*' : ' ',
    row->has_attachments ? '@' : ' ',
    '\0'
  };

  g_autofree char *sender = fit_column (from ? from : "", 24);

  printf ("%8" G_GINT64_FORMAT " %s %s  %s  %s\n",
          row->id, marks, date, sender, row->subject ? row->subject : "");
}

static int
print_rows (GPtrArray *rows,
            gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < rows->len; i++)
        add_row_json (builder, g_ptr_array_index (rows, i));
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      tidings_cli_print_json (root);
    }
  else
    {
      for (guint i = 0; i < rows->len; i++)
        print_row (g_ptr_array_index (rows, i));
    }
  return TIDINGS_CLI_EXIT_OK;
}

int
tidings_cli_cmd_list (TidingsCli  *cli,
                      int          argc,
                      char       **argv)
{
  gboolean json = FALSE;
  int limit = 50;
  int offset = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Show at most N messages (0: all)"), "N" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip the N newest messages"), "N" },
    { NULL }
  };
  TidingsStore *store;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 folder_id = 0;
  guint count = 0;

  if (!tidings_cli_parse_options (cli, "list", "FOLDER", entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 2)
    return tidings_cli_usage_error ("list", _("needs exactly one folder"));
  if (limit < 0 || offset < 0)
    return tidings_cli_usage_error ("list", _("--limit and --offset cannot be negative"));
  if ((store = tidings_cli_get_store (cli)) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  if (!tidings_cli_resolve_folder (cli, argv[1], &folder_id, &error))
    return tidings_cli_fail_error (error);

  if (limit == 0)
    {
      if (!tidings_store_count_messages (store, folder_id, &count, &error))
        return tidings_cli_fail_error (error);
      limit = (int) count;
    }
  rows = tidings_store_list_messages (store, folder_id, offset, limit, &error);
  if (rows == NULL)
    return tidings_cli_fail_error (error);
  return print_rows (rows, json);
}

/* Adds what the IMAP servers find (their new messages' headers fetched
 * and stored) after the local results in @ids, each id once, up to
 * @limit. An unreachable server is said on stderr and skipped. */
static gboolean
tidings_cli_search_servers (TidingsCli *cli,
                            const char *query,
                            gint64      folder_id,
                            GArray     *ids,
                            guint       limit)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(TidingsStoreFolder) folder = NULL;
  g_autoptr(GError) error = NULL;

  if (folder_id != 0 && (folder = tidings_store_get_folder (cli->store, folder_id, &error)) == NULL)
    return tidings_cli_fail_error (error), FALSE;
  accounts = tidings_store_list_accounts (cli->store, &error);
  if (accounts == NULL)
    return tidings_cli_fail_error (error), FALSE;
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (seen, g_memdup2 (&g_array_index (ids, gint64, i), sizeof (gint64)));

  for (guint i = 0; i < accounts->len && ids->len < limit; i++)
    {
      TidingsStoreAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr(TidingsImapAccount) imap = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GArray) found = NULL;
      GAsyncResult *slot = NULL;

      if (g_strcmp0 (account->kind, "imap") != 0
          || (folder != NULL && folder->account_id != account->id))
        continue;
      imap = tidings_imap_account_new (cli->store, account->id, &error);
      if (imap != NULL)
        {
          tidings_imap_account_search_async (imap, folder_id, query, NULL, tidings_cli_wait_cb, &slot);
          result = tidings_cli_wait (&slot);
          found = tidings_imap_account_search_finish (imap, result, &error);
        }
      if (found == NULL)
        {
          fprintf (stderr, _("tidings-cli: %s could not be searched: %s\n"), account->name, error->message);
          g_clear_error (&error);
          continue;
        }
      for (guint j = 0; j < found->len && ids->len < limit; j++)
        {
          gint64 *id = &g_array_index (found, gint64, j);

          if (g_hash_table_contains (seen, id))
            continue;
          g_array_append_val (ids, *id);
          g_hash_table_add (seen, g_memdup2 (id, sizeof *id));
        }
    }
  return TRUE;
}

int
tidings_cli_cmd_search (TidingsCli  *cli,
                        int          argc,
                        char       **argv)
{
  gboolean json = FALSE;
  gboolean server = FALSE;
  int limit = 50;
  g_autofree char *folder = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Show at most N messages"), "N" },
    { "folder", 'f', 0, G_OPTION_ARG_STRING, &folder, N_("Search only this folder"), N_("FOLDER") },
    { "server", 0, 0, G_OPTION_ARG_NONE, &server, N_("Ask the IMAP servers too"), NULL },
    { NULL }
  };
  TidingsStore *store;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_row_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *query = NULL;
  gint64 folder_id = 0;

  if (!tidings_cli_parse_options (cli, "search", "QUERY", entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc < 2)
    return tidings_cli_usage_error ("search", _("needs something to search for"));
  if (limit <= 0)
    return tidings_cli_usage_error ("search", _("--limit must be positive"));
  if ((store = tidings_cli_get_store (cli)) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  if (folder != NULL && !tidings_cli_resolve_folder (cli, folder, &folder_id, &error))
    return tidings_cli_fail_error (error);

  /* The words of the query may arrive as one argument or several. */
  query = g_strjoinv (" ", argv + 1);
  ids = tidings_store_search (store, query, 0, folder_id, TIDINGS_STORE_SEARCH_BY_DATE,
                              (guint) limit, &error);
  if (ids == NULL)
    return tidings_cli_fail_error (error);
  if (server && !tidings_cli_search_servers (cli, query, folder_id, ids, (guint) limit))
    return TIDINGS_CLI_EXIT_FAILED;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TidingsStoreMessage) message = NULL;
      TidingsStoreRow row = { 0 };

      message = tidings_store_get_message (store, g_array_index (ids, gint64, i), &error);
      if (message == NULL)
        return tidings_cli_fail_error (error);
      row.id = message->id;
      row.folder_id = message->folder_id;
      row.thread_id = message->thread_id;
      row.date = message->date;
      row.flags = message->flags;
      row.has_attachments = message->has_attachments;
      row.subject = message->subject;
      row.from_name = message->from_name;
      row.from_address = message->from_address;
      row.preview = message->preview;
      g_ptr_array_add (rows, tidings_store_row_copy (&row));
    }
  return print_rows (rows, json);
}
