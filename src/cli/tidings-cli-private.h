/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-cli-private.h: what the command files of tidings-cli share. */
#pragma once

#include <json-glib/json-glib.h>

#include "tidings-engine.h"
#include "store/tidings-store.h"

G_BEGIN_DECLS

/* Exit statuses, documented in `tidings-cli --help`. */
enum
{
  TIDINGS_CLI_EXIT_OK = 0,
  TIDINGS_CLI_EXIT_FAILED = 1,   /* the command could not do its work */
  TIDINGS_CLI_EXIT_USAGE = 2,    /* wrong arguments */
};

typedef struct
{
  char         *data_dir;   /* NULL: the default data dir */
  TidingsStore *store;      /* opened on first use */
} TidingsCli;

typedef int (*TidingsCliCommandFunc) (TidingsCli  *cli,
                                      int          argc,
                                      char       **argv);

typedef struct
{
  const char            *name;
  const char            *args;     /* synopsis after the name */
  const char            *summary;
  TidingsCliCommandFunc  func;
} TidingsCliCommand;

/* The store, opened read-write on first use; prints the error and returns
 * NULL when it cannot be opened. */
TidingsStore *tidings_cli_get_store      (TidingsCli   *cli);

/* Parses a command's own options; on failure prints the error with the
 * command's usage and returns FALSE. Removes parsed options from argv. */
gboolean      tidings_cli_parse_options  (TidingsCli         *cli,
                                          const char         *command,
                                          const char         *parameter_string,
                                          const GOptionEntry *entries,
                                          int                *argc,
                                          char             ***argv);

/* "tidings-cli: <message>" on stderr; returns TIDINGS_CLI_EXIT_FAILED. */
int           tidings_cli_fail           (const char   *format,
                                          ...) G_GNUC_PRINTF (1, 2);
int           tidings_cli_fail_error     (const GError *error);
int           tidings_cli_usage_error    (const char   *command,
                                          const char   *format,
                                          ...) G_GNUC_PRINTF (2, 3);

/* Prints a JSON node, pretty, with a trailing newline, on stdout. */
void          tidings_cli_print_json     (JsonNode     *node);

/* Finds a folder by path (or display name) in any account; when several
 * accounts have it, the account must be given as ACCOUNT/PATH. */
gboolean      tidings_cli_resolve_folder (TidingsCli   *cli,
                                          const char   *spec,
                                          gint64       *out_folder_id,
                                          GError      **error);

char         *tidings_cli_format_date    (gint64        unix_time);

/* The account called @name; an error that says so when there is none. */
gboolean      tidings_cli_find_account   (TidingsCli           *cli,
                                          const char           *name,
                                          TidingsStoreAccount **out_account,
                                          GError              **error);

/* Waiting for one async call in a command: pass tidings_cli_wait_cb and
 * &slot (NULL), then tidings_cli_wait (&slot) gives the result. */
void          tidings_cli_wait_cb        (GObject      *source,
                                          GAsyncResult *result,
                                          gpointer      user_data);
GAsyncResult *tidings_cli_wait           (GAsyncResult **slot);

/* Prints a connection or login error with advice (e.g. how to trust a
 * certificate); returns TIDINGS_CLI_EXIT_FAILED. */
int           tidings_cli_fail_connection (const char   *account_name,
                                           const GError *error);

/* The named IMAP/POP3 account, or all of them when @name is NULL. */
GPtrArray    *tidings_cli_mail_accounts  (TidingsCli   *cli,
                                          const char   *name,
                                          GError      **error);

int tidings_cli_cmd_account  (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_import   (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_export   (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_folders  (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_list     (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_show     (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_search   (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_sync     (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_watch    (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_flag     (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_move     (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_copy     (TidingsCli *cli, int argc, char **argv);
int tidings_cli_cmd_delete   (TidingsCli *cli, int argc, char **argv);

G_END_DECLS
