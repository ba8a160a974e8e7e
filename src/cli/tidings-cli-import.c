/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `import` and `export`: mbox files and Maildir folders in and out. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "account/tidings-importer.h"
#include "mime/tidings-mime-mbox-writer.h"
#include "tidings-cli-private.h"

typedef struct
{
  gboolean    tty;
  const char *unit;
  gboolean    shown;
} ProgressState;

/* Progress goes to stderr so that stdout keeps only the summary: a line
 * rewritten in place on a terminal, one line every 10% otherwise. */
static void
on_progress (TidingsImporter *importer,
             guint64          done,
             guint64          total,
             ProgressState   *state)
{
  guint percent = total > 0 ? (guint) (done * 100 / total) : 100;
  guint n = tidings_importer_get_n_imported (importer) + tidings_importer_get_n_skipped (importer);

  if (state->tty)
    {
      fprintf (stderr, "\r");
      fprintf (stderr, _("Importing… %3u%% (%u messages)"), percent, n);
      state->shown = TRUE;
    }
  else
    {
      static guint last_decile = G_MAXUINT;
      if (percent / 10 != last_decile)
        {
          last_decile = percent / 10;
          fprintf (stderr, _("Importing… %3u%% (%u messages)"), percent, n);
          fprintf (stderr, "\n");
        }
    }
}

static void
on_indexing (TidingsImporter *importer,
             guint64          done,
             guint64          total,
             ProgressState   *state)
{
  guint percent = total > 0 ? (guint) (done * 100 / total) : 100;

  if (state->tty)
    {
      fprintf (stderr, "\r");
      fprintf (stderr, _("Indexing for search… %3u%%"), percent);
      fprintf (stderr, "          ");
      state->shown = TRUE;
    }
  else if (done == total)
    {
      fprintf (stderr, _("Indexed %" G_GUINT64_FORMAT " messages for search."), total);
      fprintf (stderr, "\n");
    }
}

static void
on_message_failed (TidingsImporter *importer,
                   const char      *where,
                   const GError    *error,
                   ProgressState   *state)
{
  if (state->tty && state->shown)
    fprintf (stderr, "\n");
  fprintf (stderr, _("Skipped %s: %s"), where, error->message);
  fprintf (stderr, "\n");
}

int
tidings_cli_cmd_import (TidingsCli  *cli,
                        int          argc,
                        char       **argv)
{
  g_autofree char *folder = NULL;
  const GOptionEntry entries[] = {
    { "folder", 'f', 0, G_OPTION_ARG_STRING, &folder,
      N_("Import into this folder of Local Folders (default: named after the file)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(TidingsImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreFolder) target = NULL;
  ProgressState state = { isatty (STDERR_FILENO), NULL, FALSE };
  TidingsStore *store;
  gboolean ok;

  if (!tidings_cli_parse_options (cli, "import", "mbox FILE | maildir DIR", entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 3 || !(g_str_equal (argv[1], "mbox") || g_str_equal (argv[1], "maildir")))
    return tidings_cli_usage_error ("import", _("say “mbox FILE” or “maildir DIR”"));
  if ((store = tidings_cli_get_store (cli)) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;

  importer = tidings_importer_new (store);
  g_signal_connect (importer, "progress", G_CALLBACK (on_progress), &state);
  g_signal_connect (importer, "indexing", G_CALLBACK (on_indexing), &state);
  g_signal_connect (importer, "message-failed", G_CALLBACK (on_message_failed), &state);

  if (g_str_equal (argv[1], "mbox"))
    ok = tidings_importer_import_mbox (importer, argv[2], folder, NULL, &error);
  else
    ok = tidings_importer_import_maildir (importer, argv[2], folder, NULL, &error);
  if (state.tty && state.shown)
    fprintf (stderr, "\n");
  if (!ok)
    return tidings_cli_fail (_("Could not import “%s”: %s"), argv[2], error->message);

  target = tidings_store_get_folder (store, tidings_importer_get_folder_id (importer), &error);
  if (target == NULL)
    return tidings_cli_fail_error (error);
  printf (_("Imported %u messages into Local Folders/%s (%u were already there, %u could not be read)."),
          tidings_importer_get_n_imported (importer), target->path,
          tidings_importer_get_n_skipped (importer), tidings_importer_get_n_failed (importer));
  printf ("\n");
  return TIDINGS_CLI_EXIT_OK;
}

int
tidings_cli_cmd_export (TidingsCli  *cli,
                        int          argc,
                        char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(TidingsMimeMboxWriter) writer = NULL;
  TidingsStore *store;
  gint64 folder_id = 0;
  guint count = 0;
  guint written = 0;
  const guint page = 500;

  if (!tidings_cli_parse_options (cli, "export", "mbox FOLDER FILE", NULL, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 4 || !g_str_equal (argv[1], "mbox"))
    return tidings_cli_usage_error ("export", _("say “mbox FOLDER FILE”"));
  if ((store = tidings_cli_get_store (cli)) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  if (!tidings_cli_resolve_folder (cli, argv[2], &folder_id, &error)
      || !tidings_store_count_messages (store, folder_id, &count, &error))
    return tidings_cli_fail_error (error);

  file = g_file_new_for_commandline_arg (argv[3]);
  writer = tidings_mime_mbox_writer_new (file, FALSE, NULL, &error);
  if (writer == NULL)
    return tidings_cli_fail (_("Could not write “%s”: %s"), argv[3], error->message);

  /* Oldest first, as mail programs write mbox files: pages are read
   * newest first, so walk them from the end. */
  for (guint end = count; end > 0;)
    {
      guint start = end > page ? end - page : 0;
      g_autoptr(GPtrArray) rows = tidings_store_list_messages (store, folder_id, start, end - start, &error);

      if (rows == NULL)
        return tidings_cli_fail_error (error);
      for (guint i = rows->len; i > 0; i--)
        {
          TidingsStoreRow *row = g_ptr_array_index (rows, i - 1);
          g_autoptr(GBytes) raw = tidings_store_get_body (store, row->id, &error);
          g_autoptr(GDateTime) date = NULL;

          if (raw == NULL)
            {
              /* Only the headers were fetched: say so instead of writing
               * a message that is not the real one. */
              fprintf (stderr, _("Skipped message %" G_GINT64_FORMAT ": %s"), row->id,
                       error ? error->message : _("its body is not on this computer"));
              fprintf (stderr, "\n");
              g_clear_error (&error);
              continue;
            }
          date = row->date > 0 ? g_date_time_new_from_unix_utc (row->date) : NULL;
          if (!tidings_mime_mbox_writer_add (writer, raw, row->from_address, date, NULL, &error))
            return tidings_cli_fail (_("Could not write “%s”: %s"), argv[3], error->message);
          written++;
        }
      end = start;
    }

  if (!tidings_mime_mbox_writer_close (writer, NULL, &error))
    return tidings_cli_fail (_("Could not write “%s”: %s"), argv[3], error->message);
  printf (_("Exported %u messages to %s."), written, argv[3]);
  printf ("\n");
  return written == count ? TIDINGS_CLI_EXIT_OK : TIDINGS_CLI_EXIT_FAILED;
}
